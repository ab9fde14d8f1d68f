"""Answer pages (`/questions/<id>/`), written after the MkDocs build with a template of our own.

There is one answer page per entry (16k at 1,000 articles). As MkDocs pages each cost a Markdown
instance, MkDocs' per-page work and Material's whole template with its navigation, and the
build spent most of its time on them (PRODUCT.md, "Facts measured here"). Here:

- the page template is `answer.html` in the theme overrides: the theme's `main.html` (header
  with our search box, palette, link preview tags, canonical link, the theme's CSS and
  JavaScript) with a short list of the site's main pages in place of the navigation. All answer
  pages sit at the same depth, so it is rendered ONCE per build, with placeholders where a page
  puts its own title, description, canonical URL and content (`PageSkeleton`);
- the question and the verbatim answer go through one Python-Markdown instance made from the
  site's own `markdown_extensions` (the DocFX syntax, the nh3 sanitiser last), reset per page;
  what we write around them (other wordings, provenance with the copy-link control, the other
  deployment types' answers) is HTML of escaped text, put through the same sanitiser.

`write_answer_pages(collected, config, site_dir)`: `config` is the loaded MkDocs config the site
was built with, `site_dir` the built site. The pages join `sitemap.xml` and its gzip.
"""

from __future__ import annotations

import gzip
import html
import posixpath
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

from markdown import Markdown
from markdown.treeprocessors import Treeprocessor
from mkdocs import __version__ as mkdocs_version
from mkdocs.utils import get_build_date, get_build_timestamp, get_relative_url

from .aliases import AliasTreeprocessor
from .collected import Collected
from .dates import readable_date
from .model import FaqEntry, SectionRef
from .pages import (
    NOT_STATED,
    SiteContent,
    SiteOptions,
    display_name,
    escape,
    last_changed_line,
    link_preview,
    matrix_cell,
)
from .registry import Alias
from .sanitize import clean_html
from .urls import (
    CHANGES,
    HOME,
    QUESTIONS,
    answer_page,
    entry_url,
    markdown_file,
    page_url,
    relative_link,
    type_page,
)
from .urls import source_page as source_page_url

TEMPLATE = "answer.html"  # in the theme overrides (custom_dir)
SITEMAP = "sitemap.xml"
# What a page fills into the template rendered once: unforgeable tokens (STX/ETX, as
# Python-Markdown's placeholders), which no escaping filter changes.
_SLOT = "\x02kb-{}\x03"
_SLOT_RE = re.compile("\x02kb-([a-z-]+)\x03")
SLOTS = ("title", "description", "canonical", "title-id", "content")
# The theme's inline icons (header, search box, palette toggles: 3 KB a page, the same in every
# answer page) become references into one file of symbols beside the theme's assets.
ICONS = "assets/privacy-kb-icons.svg"
ALIAS_PROCESSOR = "kb_aliases"  # aliases.AliasExtension's treeprocessor
_INLINE_ICON = re.compile(r'<svg xmlns="http://www.w3.org/2000/svg" viewBox="([^"]+)">(.*?)</svg>', re.S)


def answer_page_path(entry_id: str) -> str:
    """The virtual Markdown path of an answer page: its links resolve as from this file."""
    return markdown_file(answer_page(entry_id))


def write_answer_pages(
    collected: Collected,
    config: Any,
    site_dir: Path,
    *,
    aliases: Mapping[str, Iterable[Alias]] | None = None,
) -> list[str]:
    """Write `questions/<id>/index.html` for every entry into the built `site_dir` and add the
    pages to its sitemap; returns their URLs (site-relative, sorted by id).

    `aliases`: by page URL, the ids the registry recorded on a page that it no longer has
    (registry.plan_aliases; an answer page's old title ids): each becomes an empty anchor right
    before the element it stands for (aliases.py), so an old `#anchor` still lands.
    """
    site = SiteContent(collected, SiteOptions())
    renderer = AnswerRenderer(config, main_pages(site_dir))
    (site_dir / ICONS).parent.mkdir(parents=True, exist_ok=True)
    (site_dir / ICONS).write_text(renderer.skeleton.icons, encoding="utf-8", newline="\n")
    aliases = aliases or {}
    urls = []
    for entry in sorted(collected.entries, key=lambda e: e.id):
        url = answer_page(entry.id)
        path = site_dir / url / "index.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        page = renderer.render(site, entry, aliases.get(url, ()))
        path.write_bytes(page.encode("utf-8", errors="xmlcharrefreplace"))
        urls.append(url)
    add_to_sitemap(site_dir, [renderer.address(url) for url in urls])
    return urls


# --- what a page says ----------------------------------------------------------------------
# Only the question and the source's own Markdown go through Python-Markdown (its inline
# patterns cost milliseconds a page); what we write around them is HTML of escaped text, put
# through the same sanitiser.


def answer_markdown(site: SiteContent, entry: FaqEntry) -> str:
    """The Markdown of an answer's page: the question (its heading id is the page's title id,
    which the registry records), where it applies and the verbatim answer."""
    from_url = answer_page(entry.id)
    types = [site.taxonomy.deployment_type(t) for t in entry.deployment_types]
    applies = ", ".join(
        f'<a href="{html.escape(relative_link(type_page(t.id), from_url))}">'
        f"{html.escape(display_name(t))}</a>" for t in types
    ) or "every deployment type its article covers"
    also_called = ""
    if site.options.type_names_in_search and types:
        names = [alias for t in types for alias in t.aliases]
        also_called = f' <span class="kb-also-called">(also called: {html.escape(", ".join(names))})</span>'
    return "\n".join([
        f"# {escape(entry.question)}\n",
        (f'<p class="kb-applies" data-kb-entry="{entry.id}" '
         f'data-kb-types="{" ".join(entry.deployment_types)}">'
         f"Applies to: {applies}{also_called}</p>\n"),
        entry.answer_markdown.strip() + "\n",
    ])


def after_answer_html(site: SiteContent, entry: FaqEntry) -> str:
    """What follows the answer: when its text last changed, its other wordings, its provenance
    with the copy-link control, and the other deployment types' answers (HTML, unsanitised)."""
    parts = [last_changed_line(site, entry, answer_page_path(entry.id)).strip()]
    wordings = [a for a in entry.aliases if a != entry.question] if site.options.aliases_in_search else []
    if wordings:
        items = "\n".join(f"<li>{html.escape(' '.join(w.split()), quote=False)}</li>" for w in wordings)
        parts.append(f'<details class="question">\n<summary>Also asked as</summary>\n<ul>\n{items}\n</ul>\n</details>')
    parts += [provenance_html(site, entry), other_types_html(site, entry)]
    return "\n".join(part for part in parts if part)


def provenance_html(site: SiteContent, entry: FaqEntry) -> str:
    """As pages.provenance says it on the type pages: the article and every section the answer
    quotes (on our source page and on Learn), its date, the live Learn page and the answer's
    place on its deployment type's page; the copy-link control copies this page's address."""
    from_url = answer_page(entry.id)
    source = entry.source
    document = site.document_of(entry)

    def link(href: str, text: str, label: str = "") -> str:
        aria = f' aria-label="{html.escape(label)}"' if label else ""
        return f'<a{aria} href="{html.escape(href)}">{html.escape(text, quote=False)}</a>'

    parts = []
    if document is not None:
        page = relative_link(source_page_url(document.slug), from_url)
        parts.append(f"<strong>{link(page, source.title)}</strong>")
        sections = source.sections or (SectionRef(source.heading, source.anchor, source.learn_url,
                                                  source.line_start, source.line_end),)
        several = len(sections) > 1
        quoted = [link(f"{page}#{s.anchor}", s.heading)
                  + (f" ({link(s.learn_url, 'on Learn', f'{s.heading} on Learn')})"
                     if s.learn_url and several else "")
                  for s in sections]
        parts.append(("sections " if several else "section ") + ", ".join(quoted))
    else:
        parts.append(f"<strong>{html.escape(source.title or source.path, quote=False)}</strong>")
    if source.ms_date:
        parts.append(f"dated {html.escape(readable_date(source.ms_date))}")
    if source.learn_url:
        parts.append(link(source.learn_url, "View on Microsoft Learn"))
    in_context = entry_url(entry)
    if not in_context.startswith(from_url):  # an answer of no type has no other place
        parts.append(link(relative_link(in_context, from_url), "In context on its deployment type's page"))
    button = (
        f'<button type="button" class="kb-copy-link" data-kb-anchor="{entry.id}" '
        'data-kb-permalink="./" aria-label="Copy link to this answer">Copy link</button>'
        '<span class="kb-copy-status" role="status" aria-live="polite"></span>'
    )
    return (f'<div class="kb-provenance" data-search-exclude="true">\n'
            f"<p>{button} From: {' · '.join(parts)}</p>\n</div>")


def other_types_html(site: SiteContent, entry: FaqEntry) -> str:
    """What the sources say about the entry's facet for each other deployment type: a table
    of the matrix cells (escaped text and our links only; "" for an entry without a facet)."""
    if not entry.facets:
        return ""
    from_url = answer_page(entry.id)
    facet = site.taxonomy.facet(entry.facets[0])
    rows = []
    for deployment_type in site.types:
        if deployment_type.id in entry.deployment_types:
            continue
        cell = matrix_cell(site, deployment_type.id, facet.id, from_url)
        if cell == NOT_STATED:
            cell = f'<span class="kb-not-stated">{NOT_STATED}</span>'
        link = html.escape(relative_link(type_page(deployment_type.id), from_url))
        rows.append(f'<tr><th scope="row"><a href="{link}">'
                    f"{html.escape(display_name(deployment_type))}</a></th><td>{cell}</td></tr>")
    heading = html.escape(f"{facet.name}: the other deployment types")
    return (
        f'<h2 data-search-exclude="true" id="other-types">{heading}<a class="headerlink" '
        'href="#other-types" title="Permanent link">¶</a></h2>\n'
        "<p>What the sources say about this question for each other deployment type.</p>\n"
        '<table class="kb-other-types"><thead><tr><th scope="col">Deployment type</th>'
        '<th scope="col">Answer</th></tr></thead>\n<tbody>\n' + "\n".join(rows)
        + "\n</tbody></table>"
    )


# --- the template, rendered once -----------------------------------------------------------


@dataclass
class AnswerPage:
    """What the theme's templates read of `page` (the attributes of an MkDocs Page they use)."""

    url: str
    title: str
    content: str
    meta: dict[str, Any]
    toc: list[Any]
    canonical_url: str | None = None
    abs_url: str | None = None
    edit_url: str | None = None
    is_homepage: bool = False
    previous_page: None = None
    next_page: None = None
    parent: None = None
    children: None = None
    active: bool = True
    is_page: bool = True
    is_link: bool = False
    update_date: str = field(default_factory=get_build_date)


@dataclass(frozen=True)
class NavLink:
    title: str
    url: str


@dataclass(frozen=True)
class _Homepage:
    url: str = ""


@dataclass(frozen=True)
class _Nav:
    """What the header reads of MkDocs' `nav`: the home page's URL."""

    homepage: _Homepage = _Homepage()


@dataclass(frozen=True)
class _TocItem:
    url: str
    title: str


def main_pages(site_dir: Path) -> list[NavLink]:
    """The short navigation of an answer page: the site's main pages this build has."""
    pages = [NavLink("Home", HOME), NavLink("All questions", QUESTIONS),
             NavLink("What changed", CHANGES)]
    return [p for p in pages if (site_dir / p.url / "index.html").is_file()]


class PageSkeleton:
    """`answer.html` rendered once, for a page at `questions/<slot>/`, with a slot where each
    page puts its own values: its literal parts, whitespace at line starts dropped (no `<pre>`
    is outside the content slot)."""

    def __init__(self, config: Any, links: list[NavLink]) -> None:
        slot = {name: _SLOT.format(name) for name in SLOTS}
        page = AnswerPage(
            url=answer_page(_SLOT.format("id")),
            title=slot["title"],
            content=slot["content"],
            meta={"title": slot["title"], "description": slot["description"], "kb_preview": True},
            toc=[_TocItem("#" + slot["title-id"], slot["title"])],
            canonical_url=slot["canonical"] if config.site_url else None,
        )
        template = config.theme.get_env().get_template(TEMPLATE)
        text = template.render({
            "config": config,
            "page": page,
            "nav": _Nav(),
            "base_url": get_relative_url(".", page.url),
            "mkdocs_version": mkdocs_version,
            "kb_main_pages": links,
        })
        text, self.icons = icons_by_reference(text, get_relative_url(ICONS, page.url))
        pieces = _SLOT_RE.split(text)
        self.literals = [re.sub(r"\n[ \t]+", "\n", re.sub(r"\n\s*\n", "\n", p)) for p in pieces[0::2]]
        self.slots = pieces[1::2]
        unknown = set(self.slots) - set(SLOTS)
        if unknown or "content" not in self.slots:  # the template and this module disagree
            raise ValueError(f"{TEMPLATE}: unexpected page slots {sorted(unknown)}")

    def fill(self, values: Mapping[str, str]) -> str:
        out = [self.literals[0]]
        for name, literal in zip(self.slots, self.literals[1:], strict=True):
            out += [values[name], literal]
        return "".join(out)


def icons_by_reference(text: str, icons_url: str) -> tuple[str, str]:
    """`text` with each inline icon (`<svg viewBox><path/></svg>`) replaced by a `<use>` of the
    same drawing in one SVG file of symbols at `icons_url`; returns the text and that file.
    The drawing, its box and its colour (the theme's CSS fills with `currentcolor`, inherited
    through `<use>`) stay as they were."""
    symbols: dict[tuple[str, str], str] = {}

    def reference(match: re.Match[str]) -> str:
        key = (match.group(1), match.group(2))
        symbol_id = symbols.setdefault(key, f"kb-icon-{len(symbols)}")
        return f'<svg viewBox="{key[0]}"><use href="{icons_url}#{symbol_id}"/></svg>'

    text = _INLINE_ICON.sub(reference, text)
    sprite = "".join(f'<symbol id="{symbol_id}" viewBox="{box}">{drawing}</symbol>\n'
                     for (box, drawing), symbol_id in symbols.items())
    return text, f'<svg xmlns="http://www.w3.org/2000/svg">\n{sprite}</svg>\n'


class AnswerRenderer:
    """One Markdown instance and one rendered template for every answer page of a build."""

    def __init__(self, config: Any, links: list[NavLink]) -> None:
        self.site_url = config.site_url or ""
        self.skeleton = PageSkeleton(config, links)
        self.markdown = Markdown(extensions=config.markdown_extensions,
                                 extension_configs=config.mdx_configs or {})
        self.links = _DocsLinks()
        self.links.register(self.markdown)
        # The page's aliases (aliases.py), placed once `toc` has given the title its id: the
        # site's own alias extension when the config has it (the plugin adds it), else ours.
        if ALIAS_PROCESSOR in self.markdown.treeprocessors:
            self.aliases = self.markdown.treeprocessors[ALIAS_PROCESSOR]
        else:
            self.aliases = AliasTreeprocessor(self.markdown, {})
            self.markdown.treeprocessors.register(self.aliases, ALIAS_PROCESSOR, -1)

    def render(self, site: SiteContent, entry: FaqEntry, aliases: Iterable[Alias] = ()) -> str:
        self.markdown.reset()
        self.links.page = answer_page_path(entry.id)
        self.aliases.aliases = {a.old_id: [t for t in (a.target, a.fallback) if t]
                                for a in sorted(aliases)}
        content = self.markdown.convert(answer_markdown(site, entry))
        title_id = _first_heading_id(self.markdown)
        content += "\n" + clean_html(after_answer_html(site, entry))
        return self.skeleton.fill({
            "title": _meta_text(entry.question),
            "description": _meta_text(" ".join(link_preview(entry).split())),
            "canonical": html.escape(self.address(answer_page(entry.id))),
            "title-id": title_id,
            "content": content,
        })

    def address(self, url: str) -> str:
        """A page's absolute address (site_url), else its path from the site root."""
        return self.site_url + url if self.site_url else "/" + url


def _first_heading_id(md: Markdown) -> str:
    tokens = getattr(md, "toc_tokens", [])
    return str(tokens[0]["id"]) if tokens else ""


def _meta_text(text: str) -> str:
    """As pages.front_matter stores titles: HTML-escaped (the theme prints them unescaped)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


# --- links to MkDocs pages -----------------------------------------------------------------


_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


class _DocsLinks(Treeprocessor):
    """Links to Markdown files (`../sources/x.md#a`, docs-rooted `/sources/x.md`) become the
    URLs MkDocs gives those pages, relative to the answer page, as MkDocs' own `relpath`
    treeprocessor does in its pages (same priority)."""

    page = ""

    def register(self, md: Markdown) -> None:
        self.md = md
        md.treeprocessors.register(self, "privacy_kb_docs_links", 0)

    def run(self, root: Element) -> None:
        for element in root.iter("a"):
            href = element.get("href")
            if href:
                element.set("href", docs_link_url(href, self.page))


def docs_link_url(href: str, from_page: str) -> str:
    """`href` as written in the Markdown page `from_page`, as a URL relative to that page's
    URL (unchanged unless it names a `.md` file)."""
    if _SCHEME.match(href) or href.startswith("//"):
        return href
    path, hash_mark, fragment = href.partition("#")
    if not path.endswith(".md"):
        return href
    if path.startswith("/"):
        target = path.lstrip("/")
    else:
        target = posixpath.normpath(posixpath.join(posixpath.dirname(from_page), path))
    return relative_link(page_url(target) + hash_mark + fragment, page_url(from_page))


# --- the sitemap ---------------------------------------------------------------------------


def add_to_sitemap(site_dir: Path, locations: list[str]) -> None:
    """Add `locations` to MkDocs' sitemap.xml, in its layout, and rewrite sitemap.xml.gz as
    MkDocs writes it (file name in the header, the build's reproducible timestamp)."""
    path = site_dir / SITEMAP
    if not path.is_file() or not locations:
        return
    text = path.read_text(encoding="utf-8")
    lastmod = get_build_date()
    added = "".join(
        f"\n    <url>\n         <loc>{html.escape(location, quote=False)}</loc>\n"
        f"         <lastmod>{lastmod}</lastmod>\n    </url>"
        for location in locations
    )
    end = text.rindex("</urlset>")
    text = text[:end].rstrip("\n") + added + "\n" + text[end:]
    path.write_bytes(text.encode("utf-8"))
    gz_path = site_dir / f"{SITEMAP}.gz"
    with open(gz_path, "wb") as raw, gzip.GzipFile(
        fileobj=raw, filename=str(gz_path), mode="wb", mtime=get_build_timestamp()
    ) as compressed:
        compressed.write(text.encode("utf-8"))
