"""Link check of a built site: every internal link, asset and `#fragment` must resolve.

Reads the static HTML only (stdlib `html.parser`), the way a reader's browser meets it when
the site is served from its root: relative URLs resolve against the page, root-relative ones
against the site root, directory URLs to their `index.html`.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .problems import BuildError

# The attributes that load or navigate to a URL, per element; a meta refresh is handled apart.
LINK_ATTRIBUTES = {"a": "href", "img": "src", "script": "src", "link": "href"}


@dataclass(frozen=True, order=True)
class BrokenLink:
    page: str  # relative to the site root, POSIX
    href: str  # as written in the page (entities decoded)
    reason: str

    def __str__(self) -> str:
        return f"{self.page}: {self.href} ({self.reason})"


@dataclass
class PageLinks:
    """What one page offers (its anchors) and what it asks for (its URLs)."""

    ids: set[str] = field(default_factory=set)
    hrefs: list[str] = field(default_factory=list)


class _PageParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = PageLinks()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        if "id" in values:
            self.page.ids.add(values["id"])
        if tag == "a" and "name" in values:
            self.page.ids.add(values["name"])
        attribute = LINK_ATTRIBUTES.get(tag)
        if attribute and attribute in values:
            self.page.hrefs.append(values[attribute].strip())
        if tag == "meta" and values.get("http-equiv", "").lower() == "refresh":
            target = refresh_target(values.get("content", ""))
            if target is not None:
                self.page.hrefs.append(target)

    handle_startendtag = handle_starttag


def refresh_target(content: str) -> str | None:
    """The URL of `<meta http-equiv="refresh" content="0; url=…">`, or None when it reloads.

    Follows the HTML parsing rules: `;` or `,` after the delay, `url=` optional, quotes optional.
    """
    match = _REFRESH.match(content)
    if not match:
        return None
    url = match.group("url").strip()
    if url[:1] in ("'", '"'):
        url = url[1:].split(url[0], 1)[0]
    return url.strip() or None


_REFRESH = re.compile(r"\s*[\d.]+\s*[;,]?\s*(?:url\s*=\s*)?(?P<url>.*)", re.IGNORECASE | re.DOTALL)


def parse_page(html: str) -> PageLinks:
    parser = _PageParser()
    parser.feed(html)
    parser.close()
    return parser.page


def check_site(site_dir: Path) -> list[BrokenLink]:
    """Every broken internal link, asset or anchor of the built site, sorted, once each."""
    site_dir = Path(site_dir)
    if not (site_dir / "index.html").is_file():
        raise BuildError(
            f"{site_dir}: no built site here (no index.html); run `privacy-kb build` first"
        )
    pages = {page: _read(site_dir / page) for page in _html_pages(site_dir)}
    base = published_path(site_dir)
    broken: set[BrokenLink] = set()
    for page, links in list(pages.items()):  # _has_anchor may add unwalked targets
        for href in links.hrefs:
            if base != "/" and href.startswith(base):  # root-relative under the published path
                href = "/" + href[len(base):]
            reason = _why_broken(site_dir, page, href, pages)
            if reason:
                broken.add(BrokenLink(page, href, reason))
    return sorted(broken)


def published_path(site_dir: Path) -> str:
    """The path the site is published under (`/kb/` for `--site-url https://host/kb/`), read
    from the sitemap MkDocs writes; "/" when built without a site URL. MkDocs' 404 page links
    root-relative under it."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.is_file():
        return "/"
    locations = re.findall(r"<loc>\s*([^<\s]+)\s*</loc>", sitemap.read_text(encoding="utf-8", errors="replace"))
    paths = [urlsplit(location).path or "/" for location in locations if "://" in location]
    return min(paths, key=len) if paths else "/"


def _html_pages(site_dir: Path) -> list[str]:
    # Dot folders (the Whoosh index) are our own data, not pages of the site.
    return sorted(
        path.relative_to(site_dir).as_posix()
        for path in site_dir.rglob("*.html")
        if path.is_file()
        and not any(part.startswith(".") for part in path.relative_to(site_dir).parts)
    )


def _read(path: Path) -> PageLinks:
    return parse_page(path.read_text(encoding="utf-8", errors="replace"))


def _why_broken(site_dir: Path, page: str, href: str, pages: dict[str, PageLinks]) -> str | None:
    """None when `href` on `page` resolves (or is not ours to check), else what is wrong."""
    url = urlsplit(href)
    if url.scheme or url.netloc or href.startswith("//"):
        return None  # external, mailto:, javascript:, data:
    if url.path:
        resolved = _resolve(page, unquote(url.path))
        if resolved is None:
            return "points outside the site"
        directory = url.path.endswith("/")
        target = _existing_file(site_dir, resolved, directory=directory)
        if target is None:
            return f"no such file: /{resolved}{'/' if directory and resolved else ''}"
    else:
        target = page  # "#fragment" or "?query" on the same page
    if not url.fragment or not target.endswith((".html", ".htm")):
        return None
    if _has_anchor(site_dir, target, url.fragment, pages):
        return None
    return f"no id {url.fragment!r} in {target}"


def _resolve(page: str, path: str) -> str | None:
    """The site-relative path `path` names from `page`; None above the site root."""
    joined = (
        path.lstrip("/") if path.startswith("/") else posixpath.join(posixpath.dirname(page), path)
    )
    normal = posixpath.normpath(joined) if joined else "."
    if normal == ".." or normal.startswith("../"):
        return None
    return "" if normal == "." else normal


def _existing_file(site_dir: Path, target: str, *, directory: bool) -> str | None:
    """The file a server sends for `target`: itself, or its `index.html` when a folder."""
    candidates = [] if directory else [target]
    candidates.append(posixpath.join(target, "index.html") if target else "index.html")
    for candidate in candidates:
        if (site_dir / candidate).is_file():
            return candidate
    return None


def _has_anchor(site_dir: Path, target: str, fragment: str, pages: dict[str, PageLinks]) -> bool:
    # Per HTML, an empty fragment and "top" scroll to the top without any element.
    decoded = unquote(fragment)
    if decoded == "" or decoded.lower() == "top":
        return True
    links = pages.get(target)
    if links is None:  # an HTML file we did not walk (in a dot folder)
        links = pages[target] = _read(site_dir / target)
    return fragment in links.ids or decoded in links.ids
