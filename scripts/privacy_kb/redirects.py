"""Redirect pages: static HTML at an old URL that forwards to the new one, `#fragment` included.

Two sources of redirects:

- Microsoft's `.openpublishing.redirection.json`: an article moved upstream keeps its old
  `sources/<old-slug>/` URL here, forwarding to our page when we host the target, else to Learn;
- the registry of published URLs: a recorded page missing from the new site forwards to the page
  that now holds most of the anchors recorded on it (a renamed page keeps its content's ids).

Written into the built site after MkDocs (no MkDocs internals involved), so `privacy-kb check`
sees them like any page: their meta refresh and canonical link must resolve.
"""

from __future__ import annotations

import json
import logging
import posixpath
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from pathlib import Path
from urllib.parse import urlsplit

from .collected import Collected
from .learn import LEARN_ORIGIN
from .links import learn_path_of, source_slug
from .problems import BuildError
from .urls import html_file, relative_link, source_page

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Redirection:
    """One record of a `.openpublishing.redirection.json` file."""

    source_path: str  # repository path of the old article, `articles/...md`
    redirect_url: str  # Learn URL (`/azure/...`, absolute, or relative to the old article)
    redirect_document_id: bool = False


def read_redirect_map(path: Path) -> list[Redirection]:
    """The redirections of one map file, in file order; BuildError naming the file when unusable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        records = data["redirections"]
        return [_redirection(record) for record in records]
    except OSError as error:
        raise BuildError(f"{path}: cannot read redirect map ({error.strerror})") from None
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BuildError(
            f"{path}: not a redirect map ({type(error).__name__}: {error}); expected "
            '{"redirections": [{"source_path": "articles/...md", "redirect_url": "/azure/..."}]}'
        ) from None


def _redirection(record: Mapping[str, object]) -> Redirection:
    source = record.get("source_path") or record.get("source_path_from_root")
    if not isinstance(source, str) or not isinstance(record["redirect_url"], str):
        raise KeyError("source_path")
    return Redirection(
        source_path=source.lstrip("/"),
        redirect_url=record["redirect_url"],
        redirect_document_id=bool(record.get("redirect_document_id", False)),
    )


def upstream_redirects(redirections: Iterable[Redirection], collected: Collected) -> dict[str, str]:
    """Old page URL (`sources/<old-slug>/`) → our page when we host the target, else Learn.

    The first redirection of a slug wins; an old slug that is one of our pages is left alone.
    """
    hosted = {
        learn_path: source_page(document.slug)
        for document in collected.documents
        if (learn_path := learn_path_of(document.path)) is not None
    }
    own_pages = {source_page(document.slug) for document in collected.documents}
    redirects: dict[str, str] = {}
    for redirection in redirections:
        if not redirection.source_path.endswith(".md"):
            continue  # images and other files: not pages of ours
        old_page = source_page(source_slug(redirection.source_path))
        if old_page in own_pages or old_page in redirects:
            continue
        redirects[old_page] = _target(redirection, hosted)
    return redirects


def _target(redirection: Redirection, hosted: Mapping[str, str]) -> str:
    parts = urlsplit(redirection.redirect_url)
    path = parts.path
    if parts.netloc and parts.netloc != urlsplit(LEARN_ORIGIN).netloc:
        return redirection.redirect_url  # another site altogether
    if not path.startswith("/"):
        base = learn_path_of(redirection.source_path) or "/"
        path = posixpath.normpath(posixpath.join(posixpath.dirname(base), path))
    path = _without_locale(path).rstrip("/")
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    if path in hosted:
        return hosted[path] + fragment
    query = f"?{parts.query}" if parts.query else ""
    return f"{LEARN_ORIGIN}{path}{query}{fragment}"


def _without_locale(path: str) -> str:
    """`/en-us/azure/x` → `/azure/x` (Learn serves every locale from the same article)."""
    first, _, rest = path.lstrip("/").partition("/")
    if len(first) == 5 and first[2] == "-" and rest:
        return "/" + rest
    return path


def moved_pages(missing: Iterable[str], anchors_of: Mapping[str, Iterable[str]],
                ids_of_page: Mapping[str, set[str]]) -> dict[str, str]:
    """Missing page URL → the page that now holds most of the anchors recorded on it.

    `anchors_of` gives the recorded anchors of each missing page, `ids_of_page` the ids of each
    page of the new site. A page none of whose anchors survive has no redirect.
    """
    missing = sorted(missing)
    wanted = {anchor for page in missing for anchor in anchors_of.get(page, ())}
    pages_with: dict[str, list[str]] = {}  # recorded anchor → the new pages holding it, once
    for candidate, ids in ids_of_page.items():
        for anchor in wanted & ids:
            pages_with.setdefault(anchor, []).append(candidate)
    redirects = {}
    for page in missing:
        anchors = set(anchors_of.get(page, ()))
        votes = Counter(candidate for anchor in anchors for candidate in pages_with.get(anchor, ()))
        if votes:
            best = max(votes.values())
            redirects[page] = min(candidate for candidate, count in votes.items() if count == best)
    return redirects


def redirect_html(page: str, target: str) -> str:
    """A static page at `page` forwarding to `target`: meta refresh, canonical link, and a tiny
    script that carries the reader's `#fragment` over (a meta refresh drops it)."""
    href = relative_link(target, page)
    attribute = escape(href, quote=True)
    script = json.dumps(href).replace("</", "<\\/")
    return (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>Moved to {escape(href)}</title>\n"
        '<meta name="robots" content="noindex">\n'
        f'<link rel="canonical" href="{attribute}">\n'
        f"<script>var t = {script}; if (location.hash) t = t.split(\"#\")[0] + location.hash;"
        " location.replace(t);</script>\n"
        f'<meta http-equiv="refresh" content="0; url={attribute}">\n'
        "</head>\n"
        f'<body><p>This page has moved to <a href="{attribute}">{escape(href)}</a>.</p></body>\n'
        "</html>\n"
    )


def write_redirects(site_dir: Path, redirects: Mapping[str, str]) -> None:
    """Write a redirect page for each old page URL (never over a page of the site)."""
    for page, target in sorted(redirects.items()):
        path = site_dir / html_file(page)
        if path.exists():
            log.debug("%s: a page of the site, no redirect to %s written", page, target)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(redirect_html(page, target), encoding="utf-8", newline="\n")
