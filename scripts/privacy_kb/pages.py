"""The site's pages as standard Markdown (pymdownx, attr_list, md_in_html), from a `Collected`.

Pages (URL scheme is a contract, PRODUCT.md "Site"):

| file | what |
|---|---|
| `index.md` | what this is, the privacy matrix (facets × types; the reader picks the columns), deployment-type cards, the sources |
| `deployments/<type-id>.md` | a type's facets, then its source sections once each, every paragraph marked with the facets it answers |
| `questions.md` | every question grouped by facet; general entries are answered here |
| `sources/<slug>.md` | an article, rendered by privacy_kb.docfx from a one-line include |

Only deployment types that some entry speaks of get a card, a matrix column and a page. Each
answer's own page (`/questions/<entry-id>/`) is written after the MkDocs build by
`answer_pages.py`.

Search shaping (Material's lunr runs in the browser; measured with site_search_eval, see
`SiteOptions`): every entry is one search target, its own page `/questions/<id>/`, whose title
is the question and whose text is the answer, the names of its deployment types and its other
wordings. Type pages, the questions page, the home page and the source pages (whose sections
the section entries repeat) are `search.exclude`d, so a result is an answer, once; provenance
and the other types' answers are `data-search-exclude`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .collected import Collected
from .dates import readable_date
from .model import DeploymentType, Facet, FaqEntry, SectionRef, SourceDocument, SourceRef
from .sentences import split_text
from .urls import (
    CHANGES,
    QUESTIONS,
    answer_page,
    entry_url,
    markdown_file,
    markdown_link,
    page_url,
    relative_link,
    type_page,
)
from .urls import (
    source_page as source_page_url,
)

SITE_TITLE = "Foundry model privacy answers"
NOT_STATED = "not stated in the source"
ALL_TYPES = "(all types)"
CORPUS_REPOSITORY = "https://github.com/MicrosoftDocs/azure-ai-docs"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"
PREVIEW_LIMIT = 200  # characters of a link preview's description (OpenGraph / Twitter)

# Marks an element (and, on a heading, its whole section) as not indexed by Material's search.
_NO_SEARCH = 'data-search-exclude="true"'
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]>|{}#])")


@dataclass(frozen=True)
class SiteOptions:
    """How entries are shaped for the site's search box (measured with site_search_eval)."""

    # "type-page": an entry is found at its type-page anchor; "question-page": at /questions/<id>/.
    search_target: str = "question-page"
    # Index the entry's other wordings ("Also asked as") with its answer.
    aliases_in_search: bool = True
    # Index the names of the entry's deployment types ("Applies to: …") with its answer.
    type_names_in_search: bool = True
    # Index a type page's intro (summary, other names) as well as its title.
    type_intro_in_search: bool = True
    # Index the source articles' pages (their sections repeat the section entries).
    sources_in_search: bool = False
    # Answer pages only: the search boost of whole-section entries. Material's lunr does no
    # length normalization (b=0) and makes every query word a prefix, so a long section that
    # matches many common prefixes outranks the short statement that answers; the statement is
    # quoted in its section too, so the section is second best. Measured on 96 questions:
    # 1 → hit@1 0.51 / hit@3 0.77; 0.5 → 0.56 / 0.77; 0.25 → 0.60 / 0.76. (Damping every
    # answer by its length instead was worse: 0.43 / 0.55.)
    section_boost: float = 0.25


def site_pages(collected: Collected, options: SiteOptions = SiteOptions()) -> dict[str, str]:
    """Every content page of the site, by its Markdown path in the docs (deterministic: same
    input, same text)."""
    site = SiteContent(collected, options)
    pages = {"index.md": home_page(site), markdown_file(QUESTIONS): questions_page(site)}
    for deployment_type in site.types:
        pages[markdown_file(type_page(deployment_type.id))] = deployment_page(site, deployment_type)
    for document in collected.documents:
        pages[markdown_file(source_page_url(document.slug))] = source_page(document, options)
    return pages


def write_pages(collected: Collected, docs_dir: Path, options: SiteOptions = SiteOptions()) -> None:
    """The content pages as files in `docs_dir` (to read or build them without the plugin)."""
    for relative_path, text in site_pages(collected, options).items():
        path = docs_dir / relative_path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


class SiteContent:
    """The collected content as the pages see it: shown types, articles, scopes."""

    def __init__(self, collected: Collected, options: SiteOptions) -> None:
        self.collected = collected
        self.options = options
        self.taxonomy = collected.taxonomy
        self.entries = collected.entries
        named = {t for e in collected.entries for t in e.deployment_types}
        self.types = tuple(t for t in collected.taxonomy.deployment_types if t.id in named)
        self.documents = {d.path: d for d in collected.documents}
        self._cells: dict[tuple[str, str], tuple[FaqEntry, bool]] | None = None

    def document_of(self, entry: FaqEntry) -> SourceDocument | None:
        return self.documents.get(entry.source.path)

    def applies_to(self, entry: FaqEntry, type_id: str) -> bool:
        """Named for the type, or a general statement of an article that covers the type. An
        article the taxonomy scopes to no type (Face, Speech, …) speaks of none of them: its
        statements must never fill another product's cell."""
        if entry.deployment_types:
            return type_id in entry.deployment_types
        scope = self.taxonomy.types_of_article(entry.source.path)
        return any(t.id == type_id for t in scope)

    def answer_cells(self) -> dict[tuple[str, str], tuple[FaqEntry, bool]]:
        """(type, facet) → the fact answering it and whether it is general (`answer_for`),
        found in one pass over the entries: every answer page shows a row of cells."""
        if self._cells is None:
            scopes: dict[str, tuple[str, ...]] = {}
            for scope in self.taxonomy.articles:  # the first scope of a path, as types_of_article
                scopes.setdefault(scope.path, scope.types)
            specific: dict[tuple[str, str], FaqEntry] = {}
            general: dict[tuple[str, str], FaqEntry] = {}
            for entry in self.entries:
                if entry.kind != "fact":
                    continue
                for facet_id in entry.facets:
                    if entry.deployment_types:
                        for type_id in entry.deployment_types:
                            specific.setdefault((type_id, facet_id), entry)
                    else:
                        for type_id in scopes.get(entry.source.path, ()):
                            general.setdefault((type_id, facet_id), entry)
            self._cells = {key: (entry, True) for key, entry in general.items()}
            self._cells.update({key: (entry, False) for key, entry in specific.items()})
        return self._cells

    def general_for(self, type_id: str) -> list[FaqEntry]:
        return [e for e in self.entries
                if not e.deployment_types and e.kind == "fact" and self.applies_to(e, type_id)]

    def article_groups(self) -> list[tuple[SourceDocument | None, list[DeploymentType]]]:
        """The shown types grouped by the article that scopes them (taxonomy order), then any
        type no article scopes."""
        groups: list[tuple[SourceDocument | None, list[DeploymentType]]] = []
        placed: set[str] = set()
        for scope in self.taxonomy.articles:
            types = [t for t in self.types if t.id in scope.types and t.id not in placed]
            if types:
                groups.append((self.documents.get(scope.path), types))
                placed.update(t.id for t in types)
        rest = [t for t in self.types if t.id not in placed]
        if rest:
            groups.append((None, rest))
        return groups

    def articles_for(self, type_id: str) -> list[SourceDocument]:
        """The articles whose entries a type's page shows, in site order."""
        paths = {e.source.path for e in self.entries if self.applies_to(e, type_id)}
        return [d for d in self.collected.documents if d.path in paths]


# --- the home page -------------------------------------------------------------------------


def home_page(site: SiteContent) -> str:
    sources = "\n".join(
        f"- [{escape(d.title)}](sources/{d.slug}.md), {escape(readable_date(d.ms_date))}"
        for d in site.collected.documents
    )
    parts = [
        front_matter(SITE_TITLE, "What happens to your data when you use a model in Microsoft "
                     "Foundry: Microsoft's own answers, per deployment type, quoted from Microsoft "
                     "Learn.", search_exclude=True, hide=("navigation", "toc")),
        f"# {SITE_TITLE}\n",
        ("What happens to your data when you use a model in Microsoft Foundry, answered per "
         "deployment type in Microsoft's own words: every answer quotes the source, with its "
         "article, section, date and a link to the live page on Microsoft Learn. Browse "
         "[all questions](questions.md) or use the search box.\n"),
        "## Compare deployment types { #privacy-matrix }\n",
        ("Each cell is the source's sentence that states it for that deployment type (one about "
         "that type in particular before one about every type of its article); follow it for the "
         f"full answer. *{ALL_TYPES}* marks a statement its article makes for every deployment "
         "type it covers.\n"),
        privacy_matrix(site),
        "## Deployment types\n",
        type_cards(site.types),
        "## Sources\n",
        f"The Microsoft Learn articles the answers quote, with their dates:\n\n{sources}\n",
    ]
    return "\n".join(parts)


def type_cards(types: Iterable[DeploymentType]) -> str:
    cards = []
    for deployment_type in types:
        card = f"-   **[{escape(display_name(deployment_type))}]({markdown_file(type_page(deployment_type.id))})**\n"
        card += "\n    ---\n"
        if deployment_type.summary:
            card += f"\n    {escape(deployment_type.summary)}\n"
        if deployment_type.aliases:
            card += f"\n    *Also called:* {escape(', '.join(deployment_type.aliases))}\n"
        cards.append(card)
    return '<div class="grid cards" markdown>\n\n' + "\n".join(cards) + "\n</div>\n"


def privacy_matrix(site: SiteContent) -> str:
    """Facets that have a statement × the shown deployment types; cells quote, never paraphrase.

    Raw HTML (a Markdown table has no row headers). The table scrolls inside a box of bounded
    height with its header row and question column in view; on a phone each row becomes a card
    (CSS). privacy-kb.js builds the chooser of the columns to compare from the header cells
    (their type, and the article in `data-kb-group`) and hides the others; without JS every
    column shows. Only plain table markup and data attributes: it passes the page sanitiser."""
    groups = site.article_groups()
    header = ['<th scope="col" class="kb-matrix-corner">Question</th>']
    for document, types in groups:
        group = html.escape(document.title if document else "Other sources")
        header += [
            f'<th scope="col" data-kb-type="{t.id}" data-kb-group="{group}"{_group_class(i == 0)}>'
            f'<a href="{type_page(t.id)}">{html.escape(display_name(t))}</a></th>'
            for i, t in enumerate(types)
        ]
    columns = _with_group_starts(groups)
    rows = []
    for facet in site.taxonomy.facets:
        cells = [(t, matrix_cell(site, t.id, facet.id), starts) for t, starts in columns]
        if all(cell == NOT_STATED for _, cell, _ in cells):
            continue
        tds = "".join(
            f'<td data-kb-type="{t.id}"{_cell_class(cell, starts)}>'
            f'<span class="kb-cell-type">{html.escape(display_name(t))}</span>'
            f"{_shown(cell)}</td>"
            for t, cell, starts in cells
        )
        rows.append(
            f'<tr data-kb-facet="{facet.id}"><th scope="row">{html.escape(facet.name)}</th>{tds}</tr>'
        )
    return (
        f'<div class="kb-matrix" {_NO_SEARCH} tabindex="0" role="region" '
        'aria-label="Privacy matrix: questions by deployment type">\n'
        '<table class="kb-matrix-table">\n'
        f'<thead><tr>{"".join(header)}</tr></thead>\n'
        "<tbody>\n" + "\n".join(rows) + "\n</tbody></table>\n</div>\n"
    )


def _group_class(starts: bool) -> str:
    return ' class="kb-group-start"' if starts else ""


def _cell_class(cell: str, starts: bool) -> str:
    classes = (["kb-group-start"] if starts else []) + (["kb-cell-not-stated"] if cell == NOT_STATED else [])
    return f' class="{" ".join(classes)}"' if classes else ""


def _shown(cell: str) -> str:
    return f'<span class="kb-not-stated">{NOT_STATED}</span>' if cell == NOT_STATED else cell


def _with_group_starts(
    groups: list[tuple[SourceDocument | None, list[DeploymentType]]]
) -> list[tuple[DeploymentType, bool]]:
    return [(t, i == 0) for _, group in groups for i, t in enumerate(group)]


def matrix_cell(site: SiteContent, type_id: str, facet_id: str, from_url: str = "") -> str:
    """One cell as HTML: the short answer of the type's entry (or of a general statement of an
    article that covers the type), linked to the entry's own page with the full answer; else
    NOT_STATED."""
    entry, general = answer_for(site, type_id, facet_id)
    if entry is None:
        return NOT_STATED
    href = html.escape(relative_link(answer_page(entry.id), from_url))
    text = html.escape(entry.short_answer or first_sentence(entry.answer_text))
    mark = f' <span class="kb-all-types">{ALL_TYPES}</span>' if general else ""
    return f'<a href="{href}">{text}</a>{mark}'


def answer_for(site: SiteContent, type_id: str, facet_id: str) -> tuple[FaqEntry | None, bool]:
    """The fact entry answering a facet for a type, and whether it is a general statement: the
    first fact named for the type, else the first general one of an article covering it."""
    return site.answer_cells().get((type_id, facet_id), (None, False))


def first_sentence(text: str) -> str:
    """The first sentence of a plain-text answer, verbatim."""
    return sentences(text)[0]


def sentences(text: str) -> list[str]:
    """A plain-text answer cut into its sentences, verbatim, by the extractor's rules."""
    return split_text(" ".join(text.split())) or [text]


def link_preview(entry: FaqEntry) -> str:
    """What a pasted link unfurls into: the answer from the sentence that states it best (a
    context sentence quoted before it would make the preview miss the point)."""
    if " … " in entry.short_answer:  # already the statement with its lead-in
        return entry.short_answer
    start = entry.answer_text.find(entry.short_answer) if entry.short_answer else -1
    return preview_text(entry.answer_text[max(start, 0):])


def preview_text(text: str, limit: int = PREVIEW_LIMIT) -> str:
    """A link preview's description: the whole first sentences that fit in `limit` characters,
    or the first sentence alone when it is longer; never cut mid-sentence."""
    parts = sentences(text)
    preview = parts[0]
    for sentence in parts[1:]:
        if len(preview) + 1 + len(sentence) > limit:
            break
        preview += " " + sentence
    return preview


# --- deployment-type pages -----------------------------------------------------------------


def deployment_page(site: SiteContent, deployment_type: DeploymentType) -> str:
    """Everything the sources say about one type, each statement once: the source sections
    that speak of it, whole and in source order, each paragraph marked with the facets it
    answers (linked to their answers); a fact's permanent anchor sits on the first paragraph
    it quotes. The page opens with the list of its facets."""
    page = markdown_file(type_page(deployment_type.id))
    mine = [e for e in site.entries if deployment_type.id in e.deployment_types]
    facts = [e for e in mine if e.kind == "fact"] + site.general_for(deployment_type.id)
    sections = source_sections_for(site.collected, mine)
    parts = [
        front_matter(display_name(deployment_type), deployment_type.summary,
                     search_exclude=site.options.search_target != "type-page"),
        f"# {escape(display_name(deployment_type))}\n",
    ]
    intro = []
    if deployment_type.summary:
        intro.append(f"{escape(deployment_type.summary)}\n")
    if deployment_type.aliases:
        intro.append(f"*Also called:* {escape(', '.join(deployment_type.aliases))}.\n")
    if site.options.type_intro_in_search:
        parts.extend(intro)
    else:
        parts.append(f'<div class="kb-type-intro" {_NO_SEARCH} markdown>\n\n'
                     + "\n".join(intro) + "\n</div>\n")
    parts.append(facet_index(site, facts))
    parts.append(articles_intro(site, deployment_type, page))
    marked = marked_sections(sections, facts)
    placed = {f.id for _, lines in marked for line in lines for f in line.anchors}
    for section, lines in marked:
        parts.append(statement_section(site, section, lines, page))
    unplaced = [f for f in facts if f.id not in placed]
    if unplaced:  # a statement no shown section holds: shown as its own answer
        parts.append(group_heading("Other statements", "other-statements"))
        parts.extend(entry_block(site, e, page) for e in unplaced)
    return "\n".join(parts)


@dataclass
class MarkedLine:
    """One paragraph (or list item) of a section's answer, with the facts that quote it and
    the facts whose anchor stands at it."""

    markdown: str
    facts: list[FaqEntry]
    anchors: list[FaqEntry]


def marked_sections(
    sections: list[FaqEntry], facts: list[FaqEntry]
) -> list[tuple[FaqEntry, list[MarkedLine]]]:
    """Each section's answer cut into its paragraphs, each marked with the facts quoting it (a
    fact's paragraphs are its sentences, as the extractor joined them, so one of its sentences
    inside a section's paragraph is the same paragraph); a fact's anchor goes to its first."""
    quotes = {fact.id: _quoted_pieces(fact) for fact in facts}
    by_article: dict[str, list[FaqEntry]] = {}  # a fact quotes its own article only: linear
    for fact in facts:
        by_article.setdefault(fact.source.path, []).append(fact)
    anchored: set[str] = set()
    marked = []
    for section in sections:
        lines = []
        candidates = by_article.get(section.source.path, [])
        for markdown in section.answer_markdown.split("\n"):
            quoting = [f for f in candidates if markdown and any(q in markdown for q in quotes[f.id])]
            anchors = [f for f in quoting if f.id not in anchored]
            anchored.update(f.id for f in anchors)
            lines.append(MarkedLine(markdown, quoting, anchors))
        marked.append((section, lines))
    return marked


def _quoted_pieces(fact: FaqEntry) -> list[str]:
    pieces = []
    for line in fact.answer_markdown.split("\n"):
        line = line.removeprefix("- ").strip()
        pieces += [p.strip() for p in split_text(line) if len(p.strip()) >= 12]
    return pieces


def statement_section(site: SiteContent, section: FaqEntry, lines: list[MarkedLine], page: str) -> str:
    """A whole source section, once: its question as heading (the section entry's permanent
    anchor), its paragraphs with the facets each answers, its provenance."""
    from_url = page_url(page)
    body = []
    for line in lines:
        text = line.markdown
        if not text.strip():
            body.append(text)
            continue
        item = "- " if text.startswith("- ") else ""
        text = text.removeprefix(item)
        spans = "".join(f'<span id="{f.id}" class="kb-anchor"></span>' for f in line.anchors)
        tags = ""
        if line.facts:
            links = ", ".join(
                f'<a href="{html.escape(relative_link(answer_page(f.id), from_url))}">'
                f"{html.escape(site.taxonomy.facet(f.facets[0]).name if f.facets else f.question)}</a>"
                for f in line.facts
            )
            tags = f' <span class="kb-answers">Answers: {links}</span>'
        body.append(f"{item}{spans}{text}{tags}")
    parts = [f"## {escape(section.question)} {{ #{section.id} {_NO_SEARCH} }}\n",
             "\n".join(body).strip() + "\n"]
    parts.append(provenance(site, section, page))
    return "\n".join(parts)


def facet_index(site: SiteContent, facts: list[FaqEntry]) -> str:
    """The page's facets in taxonomy order, each linked to its answer's anchor; then the facets
    the sources do not state for this type. Every facet has its `facet-<id>` anchor here: a
    withdrawn answer's recorded link lands on its facet (registry.plan_aliases)."""
    items, missing = [], []
    for facet in site.taxonomy.facets:
        fact = next((f for f in facts if f.facets and f.facets[0] == facet.id), None)
        if fact is None:
            missing.append(f'<span id="facet-{facet.id}">{html.escape(facet.name)}</span>')
            continue
        items.append(f'<li id="facet-{facet.id}"><a href="#{fact.id}">{html.escape(facet.name)}</a></li>')
    text = (f'<div class="kb-facet-index" role="navigation" aria-label="What this page answers" '
            f'{_NO_SEARCH}>\n<p class="kb-facet-index-title">Answered on this page</p>\n'
            f'<ul>{"".join(items)}</ul>\n')
    if missing:
        text += (f'<p class="kb-facet-missing"><span class="kb-not-stated">{NOT_STATED}</span>: '
                 f"{', '.join(missing)}</p>\n")
    return text + "</div>\n"


def articles_intro(site: SiteContent, deployment_type: DeploymentType, page: str) -> str:
    documents = site.articles_for(deployment_type.id)
    items = "\n".join(
        f"- [{escape(d.title)}]({markdown_link(source_page_url(d.slug), page)}), "
        f"{escape(readable_date(d.ms_date))}"
        + (f" — [live on Microsoft Learn]({d.learn_url})" if d.learn_url else "")
        for d in documents
    )
    noun = "this article" if len(documents) == 1 else f"these {len(documents)} articles"
    return (f'<div class="kb-articles" {_NO_SEARCH} markdown>\n\n'
            f"The answers on this page are quoted from {noun}:\n\n"
            f"{items}\n\n</div>\n")


def source_sections_for(collected: Collected, entries: list[FaqEntry]) -> list[FaqEntry]:
    """Whole-section entries for every source section the page's entries quote, source order."""
    quoted = {(e.source.path, e.source.anchor) for e in entries}
    wholes = [e for e in collected.entries if e.kind in ("section", "question-heading")]
    chosen: dict[tuple[str, str], FaqEntry] = {}
    for entry in wholes:
        key = (entry.source.path, entry.source.anchor)
        if key in quoted and (key not in chosen or entry.kind == "section"):
            chosen[key] = entry
    return sorted(chosen.values(), key=lambda e: (e.source.path, e.source.line_start))


def grouped_by_facet(
    facets: Iterable[Facet], entries: list[FaqEntry]
) -> list[tuple[Facet, list[FaqEntry]]]:
    """Entries under their first facet, in taxonomy order; facetless entries are left out."""
    return [
        (facet, group)
        for facet in facets
        if (group := [e for e in entries if e.facets and e.facets[0] == facet.id])
    ]


# --- the questions page --------------------------------------------------------------------


def questions_page(site: SiteContent) -> str:
    page = markdown_file(QUESTIONS)
    parts = [
        front_matter("All questions", "Every question the sources answer, grouped by topic.",
                     search_exclude=site.options.search_target != "type-page"),
        "# All questions\n",
        ("Every question the sources answer, grouped by topic. Questions about one deployment "
        "type link to their answers; the others are answered here.\n"),
    ]
    groups = grouped_by_facet(site.taxonomy.facets, list(site.entries))
    facetless = [e for e in site.entries if not e.facets]
    for title, anchor, group in [
        *((f.name, f"facet-{f.id}", g) for f, g in groups),
        *([("Other questions", "other-questions", facetless)] if facetless else []),
    ]:
        parts.append(group_heading(title, anchor))
        elsewhere = [e for e in group if page_of(e) != page]
        if elsewhere:
            parts.append(question_links(site, elsewhere, page))
        parts.extend(entry_block(site, e, page) for e in group if page_of(e) == page)
    return "\n".join(parts)


def question_links(site: SiteContent, entries: list[FaqEntry], page: str) -> str:
    items = []
    for entry in entries:
        names = ", ".join(
            display_name(site.taxonomy.deployment_type(t)) for t in entry.deployment_types
        )
        # The answer's own page: the whole answer (a type page spreads a fact over its statements).
        items.append(f"- {answer_link(entry, page, entry.question)} — {escape(names)}")
    # A plain list: a `markdown` div around thousands of items is quadratic in Python-Markdown.
    return "\n".join(items) + "\n"


# --- one page per answer -------------------------------------------------------------------


# Answer pages are not MkDocs pages: privacy_kb.answer_pages writes them after the build. Links
# to them are raw HTML (`<a href="../questions/<id>/">`), which MkDocs neither rewrites nor
# validates; `privacy-kb check` does.


def answer_link(entry: FaqEntry, page: str, text: str) -> str:
    """An HTML link, inside Markdown, from the page `page` to an entry's own page; `text` is
    plain (Markdown still reads the text between the tags: its specials are escaped too)."""
    href = relative_link(answer_page(entry.id), page_url(page))
    shown = _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(" ".join(text.split()), quote=False))
    return f'<a href="{html.escape(href)}">{shown}</a>'


def last_changed_line(site: SiteContent, entry: FaqEntry, page: str) -> str:
    """When the answer's text last changed on this site (the build's date comes from the
    sources' ms.date, see changes.py), linked to what changed; "" without a record."""
    changed = site.collected.last_changed.get(entry.id)
    if changed is None:
        return ""
    date, number = changed
    link = html.escape(relative_link(f"{CHANGES}#build-{number}", page_url(page)))
    return (f'<p class="kb-last-changed" {_NO_SEARCH}>Text last changed: '
            f'<time datetime="{date}">{readable_date(date)}</time> (<a href="{link}">build {number}</a>)</p>\n')


# --- source pages --------------------------------------------------------------------------


def source_page(document: SourceDocument, options: SiteOptions = SiteOptions()) -> str:
    title = document.title.replace("[", "").replace("]", "") or document.slug
    return "\n".join([
        front_matter(document.title or document.slug, document.description,
                     search_exclude=not options.sources_in_search),
        attribution_box(document),
        f"[!INCLUDE [{title}](~/{document.path})]\n",
    ])


def attribution_box(document: SourceDocument) -> str:
    repo_file = f"{CORPUS_REPOSITORY}/blob/main/{document.path}"
    live = f"[the live page on Microsoft Learn]({document.learn_url})" if document.learn_url else ""
    return (
        f'<div class="admonition info kb-attribution" {_NO_SEARCH} markdown>\n'
        '<p class="admonition-title">Source and licence</p>\n\n'
        f"Microsoft Learn article [`{escape(document.path)}`]({repo_file}) from "
        f"[MicrosoftDocs/azure-ai-docs]({CORPUS_REPOSITORY}), dated {escape(readable_date(document.ms_date))}"
        f"{'; see ' + live if live else ''}. © Microsoft Corporation and contributors, licensed "
        f"under [CC BY 4.0]({LICENSE_URL}). Reproduced unchanged apart from rendering.\n\n"
        "</div>\n"
    )


# --- one entry -----------------------------------------------------------------------------


def entry_block(site: SiteContent, entry: FaqEntry, page: str) -> str:
    """An entry as its own section: the question as heading (anchor = entry id), the answer, its
    other wordings, and a provenance line naming the article, with the copy-link control.
    Indexed for search only on the entry's own page (and only when type pages are the targets)."""
    indexed = page_of(entry) == page and site.options.search_target == "type-page"
    attrs = f"#{entry.id}" + ("" if indexed else f" {_NO_SEARCH}")
    parts = [f"### {escape(entry.question)} {{ {attrs} }}\n", entry.answer_markdown.strip() + "\n"]
    wordings = other_wordings(site, entry)
    if wordings:
        items = "\n".join(f"    - {escape(w)}" for w in wordings)
        parts.append(f'??? question "Also asked as"\n\n{items}\n')
    parts.append(provenance(site, entry, page))
    return "\n".join(parts)


def other_wordings(site: SiteContent, entry: FaqEntry) -> list[str]:
    """The entry's other wordings ("Also asked as"), when SiteOptions indexes them; the names of
    its deployment types are on the page already ("Applies to", the page's own type)."""
    if not site.options.aliases_in_search:
        return []
    return [a for a in entry.aliases if a != entry.question]


def provenance(site: SiteContent, entry: FaqEntry, page: str) -> str:
    """From which article and section an answer comes (with its date and live Learn link), and
    the copy-link control, which copies the absolute URL of the answer's own page."""
    source = entry.source
    document = site.document_of(entry)
    parts = []
    if document is not None:
        target = markdown_link(source_page_url(document.slug), page)
        parts.append(f"**[{escape(source.title)}]({target})**")
        parts.append(quoted_sections(source, target))
    else:
        parts.append(f"**{escape(source.title or source.path)}**")
    if source.ms_date:
        parts.append(f"dated {escape(readable_date(source.ms_date))}")
    if source.learn_url:
        parts.append(f"[View on Microsoft Learn]({source.learn_url})")
    parts.append(answer_link(entry, page, "Answer's own page"))
    permalink = relative_link(answer_page(entry.id), page_url(page))
    button = (
        f'<button type="button" class="kb-copy-link" data-kb-anchor="{entry.id}" '
        f'data-kb-permalink="{html.escape(permalink)}" '
        f'aria-label="Copy link to this answer">Copy link</button>'
        '<span class="kb-copy-status" role="status" aria-live="polite"></span>'
    )
    return (
        f'<div class="kb-provenance" {_NO_SEARCH} markdown>\n\n'
        f"{button} From: {' · '.join(parts)}\n\n</div>\n"
    )


def quoted_sections(source: SourceRef, target: str) -> str:
    """Every section an answer quotes, each linked on our source page and on Learn."""
    sections = source.sections or (
        SectionRef(source.heading, source.anchor, source.learn_url, source.line_start,
                   source.line_end),
    )
    links = [
        f"[{escape(s.heading)}]({target}#{s.anchor})"
        + (f' ([on Learn]({s.learn_url}){{ aria-label="{_label(s.heading)} on Learn" }})'
           if s.learn_url and len(sections) > 1 else "")
        for s in sections
    ]
    return ("sections " if len(links) > 1 else "section ") + ", ".join(links)


def _label(text: str) -> str:
    """Text safe inside an attr_list value (no quotes, braces or backslashes; the attribute
    is escaped when the page is written)."""
    return re.sub(r'["{}\\]', "", " ".join(text.split()))


# --- links and text ------------------------------------------------------------------------


def page_of(entry: FaqEntry) -> str:
    """The Markdown page that holds an entry's permanent place."""
    return markdown_file(entry_url(entry))


def group_heading(title: str, anchor: str) -> str:
    # Group headings are navigation, not answers: out of search, so results are entries.
    return f"## {escape(title)} {{ #{anchor} {_NO_SEARCH} }}\n"


def front_matter(
    title: str,
    description: str,
    *,
    search_exclude: bool = False,
    search_boost: float | None = None,
    hide: tuple[str, ...] = (),
    extra: dict[str, object] | None = None,
) -> str:
    # Material's templates print the title and description unescaped (<title>, <meta>, nav):
    # they are stored HTML-escaped, so a source's `<script>` in a title stays text.
    lines = ["---", f"title: {json.dumps(_meta_text(title), ensure_ascii=False)}"]
    if description:
        text = _meta_text(" ".join(description.split()))
        lines.append(f"description: {json.dumps(text, ensure_ascii=False)}")
    if search_exclude:
        lines += ["search:", "  exclude: true"]
    elif search_boost is not None:
        lines += ["search:", f"  boost: {search_boost}"]
    if hide:
        lines += ["hide:", *(f"  - {item}" for item in hide)]
    for key, value in (extra or {}).items():
        lines.append(f"{key}: {json.dumps(value, ensure_ascii=False)}")
    return "\n".join([*lines, "---", ""])


def _meta_text(text: str) -> str:
    return text.replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def display_name(deployment_type: DeploymentType) -> str:
    name = deployment_type.name
    return name[:1].upper() + name[1:]


def escape(text: str) -> str:
    """Plain text made literal in inline Markdown (and in a pipe-table cell)."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return text.replace("<", "&lt;")
