"""Where a link in a Learn article goes on our site: our page when we host it, else Learn."""

from __future__ import annotations

import hashlib
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from .learn import LEARN_ORIGIN, learn_url_for_path, learn_url_for_root_link
from .paths import capped
from .urls import markdown_file, source_page

# Folders that say nothing about what an article is; dropped from our page slugs.
_GENERIC_FOLDERS = {"how-to", "concepts", "responsible-ai"}


def source_slug(path: str) -> str:
    """Our page name for an article: `articles/ai-foundry/responsible-ai/openai/data-privacy.md`
    -> `openai-data-privacy`."""
    parts = path.removesuffix(".md").split("/")
    if parts[0] == "articles":
        parts = parts[2:] or parts[1:]  # drop `articles/<docset>/`
    meaningful = [part for part in parts[:-1] if part not in _GENERIC_FOLDERS] + parts[-1:]
    return capped("-".join(meaningful))


def source_slugs(paths: Iterable[str]) -> dict[str, str]:
    """Our page name for each article of a site, unique: where two articles get the same
    `source_slug` (`articles/a/how-to/x.md` and `articles/b/how-to/x.md`), the first in sorted
    order keeps it and the others are named by their whole path (`b-how-to-x`), plus a hash of
    the path if even that is taken. Articles that collide with nothing keep their slug."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    ordered = sorted(set(paths))
    natural = {path: source_slug(path) for path in ordered}
    counts: dict[str, int] = {}
    for slug in natural.values():
        counts[slug] = counts.get(slug, 0) + 1
    for path in ordered:  # unique slugs first, so a long name never takes one of them
        if counts[natural[path]] == 1:
            slugs[path] = natural[path]
            taken.add(natural[path])
    for path in ordered:
        if path in slugs:
            continue
        slug = natural[path]
        if slug in taken:
            parts = path.removesuffix(".md").split("/")
            slug = capped("-".join(parts[1:] if parts[0] == "articles" else parts))
        if slug in taken:
            digest = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()[:8]
            slug = capped(f"{slug}-{digest}")
        slugs[path] = slug
        taken.add(slug)
    return slugs


def learn_path_of(path: str) -> str | None:
    """The Learn URL path (`/azure/ai-foundry/...`) of a repository path, if it is published."""
    url = learn_url_for_path(path)
    return url.removeprefix(LEARN_ORIGIN) if url else None


@dataclass(frozen=True)
class ResolvedLink:
    """A link target for the site (`href`) and for use outside it (`learn_href`)."""

    href: str
    learn_href: str
    hosted: bool  # True when `href` points at one of our pages


class LinkResolver:
    """Resolves link targets found in an article, given the articles the site hosts.

    Hosted targets become docs-relative `/sources/<slug>.md#anchor` links, which MkDocs
    (`validation.links.absolute_links: relative_to_docs`) turns into relative URLs and checks.
    """

    def __init__(self, hosted_paths: Iterable[str]) -> None:
        slugs = source_slugs(hosted_paths)
        self._page_by_path = {
            path: "/" + markdown_file(source_page(slug)) for path, slug in slugs.items()
        }
        self._path_by_learn_path = {
            learn_path: path
            for path in self._page_by_path
            if (learn_path := learn_path_of(path)) is not None
        }

    def resolve(self, target: str, from_path: str) -> ResolvedLink | None:
        """Resolve `target` as written in `from_path` (both relative to the source root).

        Returns None for targets we leave as they are (external URLs, `#anchors`, mailto:),
        and for relative paths that climb out of the source root (no Learn page to point at).
        """
        parts = urlsplit(target)
        if parts.scheme or parts.netloc or not parts.path:
            return None
        anchor = f"#{parts.fragment}" if parts.fragment else ""
        query = f"?{parts.query}" if parts.query else ""
        if parts.path.startswith("/"):
            return self._resolve_root_link(parts.path, query, anchor)
        path = posixpath.normpath(posixpath.join(posixpath.dirname(from_path), parts.path))
        if path.startswith("../") or path == "..":
            return None
        if not path.endswith(".md") and posixpath.splitext(path)[1] == "":
            path += ".md"
        learn_url = learn_url_for_path(path)
        if learn_url is None:
            return None
        learn_href = learn_url + query + anchor
        page = self._page_by_path.get(path)
        if page is not None:
            return ResolvedLink(page + anchor, learn_href, hosted=True)
        return ResolvedLink(learn_href, learn_href, hosted=False)

    def _resolve_root_link(self, path: str, query: str, anchor: str) -> ResolvedLink:
        learn_href = learn_url_for_root_link(path) + query + anchor
        hosted_path = self._path_by_learn_path.get(path.rstrip("/"))
        if hosted_path is not None:
            return ResolvedLink(self._page_by_path[hosted_path] + anchor, learn_href, hosted=True)
        return ResolvedLink(learn_href, learn_href, hosted=False)

