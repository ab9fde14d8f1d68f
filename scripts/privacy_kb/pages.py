"""The site's pages as standard Markdown (pymdownx, attr_list, md_in_html), from a `Collected`.

Pages (URL scheme is a contract, PRODUCT.md "Site"):

| file | what |
|---|---|
| `index.md` | what this is, deployment-type cards, the privacy matrix (facets × types) |
| `deployments/<type-id>.md` | a type's entries grouped by facet, then its source sections |
| `questions.md` | every question grouped by facet; general entries are answered here |
| `sources/<slug>.md` | an article, rendered by privacy_kb.docfx from a one-line include |

Search shaping (Material's lunr runs in the browser): every entry is its own `<h3 id=entry-id>`
section whose title is the question and whose body is the answer and its other wordings. An
entry is indexed only on the page its permanent link points to; group headings, provenance
lines, duplicates and the home page are marked `data-search-exclude`, so a result is an answer.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Iterable
from pathlib import Path

from .collected import Collected
from .index import entry_url
from .model import DeploymentType, Facet, FaqEntry, SourceDocument

NOT_STATED = "not stated in the source"
ALL_TYPES = "(all types)"
CORPUS_REPOSITORY = "https://github.com/MicrosoftDocs/azure-ai-docs"
LICENSE_URL = "https://creativecommons.org/licenses/by/4.0/"

# Marks an element (and, on a heading, its whole section) as not indexed by Material's search.
_NO_SEARCH = 'data-search-exclude="true"'
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]>|{}#])")
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'”’)]*\s+(?=[A-Z0-9\"'“‘(\[*])")
_ABBREVIATION = re.compile(r"\b(?:e\.g|i\.e|etc|vs|Inc|Ltd|Corp|No|approx)\.$")


def write_pages(collected: Collected, docs_dir: Path) -> None:
    """Write every page of the site into `docs_dir` (deterministic: same input, same bytes)."""
    pages = {"index.md": home_page(collected), "questions.md": questions_page(collected)}
    for deployment_type in collected.taxonomy.deployment_types:
        pages[f"deployments/{deployment_type.id}.md"] = deployment_page(collected, deployment_type)
    for document in collected.documents:
        pages[f"sources/{document.slug}.md"] = source_page(document)
    for relative, text in pages.items():
        path = docs_dir / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")


# --- the home page -------------------------------------------------------------------------


def home_page(collected: Collected) -> str:
    sources = ", ".join(
        f"[{escape(d.title)}](sources/{d.slug}.md) ({escape(d.ms_date)})" for d in collected.documents
    )
    parts = [
        front_matter("What happens to your data", "Privacy of models in Microsoft Foundry, "
                     "per deployment type, quoted from Microsoft Learn.", search_exclude=True),
        "# What happens to your data\n",
        "Answers to the privacy questions people ask before deploying a model from the Microsoft "
        "Foundry model catalog: what data is processed, who hosts it, whether it is used for "
        "training or shared, where it is processed and stored. Every answer is the source's own "
        "sentences, with the article, section, date and a link to the live page on Microsoft "
        f"Learn. Sources: {sources}. Browse [all questions](questions.md) or use the search "
        "box.\n",
        "## Deployment types\n",
        type_cards(collected.taxonomy.deployment_types),
        "## Privacy matrix\n",
        f"Each cell is the first sentence the source states for that deployment type, linked to "
        f"the full answer; *{ALL_TYPES}* marks a statement that applies to every deployment "
        "type.\n",
        privacy_matrix(collected),
    ]
    return "\n".join(parts)


def type_cards(types: Iterable[DeploymentType]) -> str:
    cards = []
    for deployment_type in types:
        card = f"-   **[{escape(display_name(deployment_type))}](deployments/{deployment_type.id}.md)**\n"
        card += "\n    ---\n"
        if deployment_type.summary:
            card += f"\n    {escape(deployment_type.summary)}\n"
        if deployment_type.aliases:
            card += f"\n    *Also called:* {escape(', '.join(deployment_type.aliases))}\n"
        cards.append(card)
    return '<div class="grid cards" markdown>\n\n' + "\n".join(cards) + "\n</div>\n"


def privacy_matrix(collected: Collected) -> str:
    """Facets that have a statement × the deployment types; cells quote, never paraphrase."""
    types = collected.taxonomy.deployment_types
    header = "| Question | " + " | ".join(escape(display_name(t)) for t in types) + " |"
    rows = [header, "|" + "---|" * (len(types) + 1)]
    for facet in collected.taxonomy.facets:
        cells = [matrix_cell(collected.entries, t.id, facet.id) for t in types]
        if all(cell == NOT_STATED for cell in cells):
            continue
        rows.append(f"| {escape(facet.name)} | " + " | ".join(cells) + " |")
    return '<div class="kb-matrix" markdown>\n\n' + "\n".join(rows) + "\n\n</div>\n"


def matrix_cell(entries: Iterable[FaqEntry], type_id: str, facet_id: str) -> str:
    entries = [e for e in entries if e.kind == "fact" and facet_id in e.facets]
    specific = next((e for e in entries if type_id in e.deployment_types), None)
    if specific is not None:
        return f"[{escape(first_sentence(specific.answer_text))}]({markdown_link(specific, '')})"
    general = next((e for e in entries if not e.deployment_types), None)
    if general is not None:
        link = markdown_link(general, "")
        return f"[{escape(first_sentence(general.answer_text))}]({link}) *{ALL_TYPES}*"
    return NOT_STATED


def first_sentence(text: str) -> str:
    """The first sentence of a plain-text answer, verbatim."""
    text = " ".join(text.split())
    for match in _SENTENCE_END.finditer(text):
        if not _ABBREVIATION.search(text[: match.start()]):
            return text[: match.start()].rstrip()
    return text


# --- deployment-type pages -----------------------------------------------------------------


def deployment_page(collected: Collected, deployment_type: DeploymentType) -> str:
    page = f"deployments/{deployment_type.id}.md"
    mine = [e for e in collected.entries if deployment_type.id in e.deployment_types]
    answers = [e for e in mine if e.kind != "section"]
    general = [e for e in collected.entries if not e.deployment_types and e.kind == "fact"]
    parts = [
        front_matter(display_name(deployment_type), deployment_type.summary),
        f"# {escape(display_name(deployment_type))}\n",
    ]
    if deployment_type.summary:
        parts.append(f"{escape(deployment_type.summary)}\n")
    if deployment_type.aliases:
        parts.append(f"*Also called:* {escape(', '.join(deployment_type.aliases))}.\n")
    if not mine:
        parts.append(f"The sources say nothing specific to {escape(deployment_type.name)}.\n")
    for facet, group in grouped_by_facet(collected.taxonomy.facets, answers):
        parts.append(group_heading(facet.name, f"facet-{facet.id}"))
        parts.extend(entry_block(collected, e, page, deployment_type) for e in group)
    if general:
        parts.append(group_heading("Applies to all deployment types", "all-types"))
        parts.append("Statements the sources make without naming a deployment type; their "
                     "permanent links are on the [questions page](../questions.md).\n")
        parts.extend(entry_block(collected, e, page, deployment_type) for e in general)
    sections = source_sections_for(collected, mine)
    if sections:
        parts.append(group_heading("Source sections", "source-sections"))
        parts.append("The full sections of the sources these answers come from.\n")
        parts.extend(entry_block(collected, e, page, deployment_type) for e in sections)
    return "\n".join(parts)


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


def questions_page(collected: Collected) -> str:
    page = "questions.md"
    parts = [
        front_matter("All questions", "Every question the sources answer, grouped by topic."),
        "# All questions\n",
        "Every question the sources answer, grouped by topic. Questions about one deployment "
        "type link to that type's page; the others are answered here.\n",
    ]
    groups = grouped_by_facet(collected.taxonomy.facets, list(collected.entries))
    facetless = [e for e in collected.entries if not e.facets]
    for title, anchor, group in [
        *((f.name, f"facet-{f.id}", g) for f, g in groups),
        *([("Other questions", "other-questions", facetless)] if facetless else []),
    ]:
        parts.append(group_heading(title, anchor))
        elsewhere = [e for e in group if page_of(e) != page]
        if elsewhere:
            parts.append(question_links(elsewhere, page, collected))
        parts.extend(entry_block(collected, e, page, None) for e in group if page_of(e) == page)
    return "\n".join(parts)


def question_links(entries: list[FaqEntry], page: str, collected: Collected) -> str:
    items = []
    for entry in entries:
        names = ", ".join(
            display_name(collected.taxonomy.deployment_type(t)) for t in entry.deployment_types
        )
        items.append(f"- [{escape(entry.question)}]({markdown_link(entry, page)}) — {escape(names)}")
    return f'<div class="kb-question-links" {_NO_SEARCH} markdown>\n\n' + "\n".join(items) + "\n\n</div>\n"


# --- source pages --------------------------------------------------------------------------


def source_page(document: SourceDocument) -> str:
    title = document.title.replace("[", "").replace("]", "") or document.slug
    return "\n".join([
        front_matter(document.title or document.slug, document.description),
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
        f"[MicrosoftDocs/azure-ai-docs]({CORPUS_REPOSITORY}), ms.date {escape(document.ms_date)}"
        f"{'; see ' + live if live else ''}. © Microsoft Corporation and contributors, licensed "
        f"under [CC BY 4.0]({LICENSE_URL}). Reproduced unchanged apart from rendering.\n\n"
        "</div>\n"
    )


# --- one entry -----------------------------------------------------------------------------


def entry_block(
    collected: Collected, entry: FaqEntry, page: str, deployment_type: DeploymentType | None
) -> str:
    """An entry as its own section: the question as heading (anchor = entry id), the answer, its
    other wordings, and a provenance line with the copy-link control. Indexed for search only on
    the entry's own page."""
    indexed = page_of(entry) == page
    attrs = f"#{entry.id}" + ("" if indexed else f" {_NO_SEARCH}")
    parts = [f"### {escape(entry.question)} {{ {attrs} }}\n", entry.answer_markdown.strip() + "\n"]
    wordings = other_wordings(collected, entry, deployment_type)
    if wordings:
        items = "\n".join(f"    - {escape(w)}" for w in wordings)
        parts.append(f'??? question "Also asked as"\n\n{items}\n')
    parts.append(provenance(collected, entry, page))
    return "\n".join(parts)


def other_wordings(
    collected: Collected, entry: FaqEntry, deployment_type: DeploymentType | None
) -> list[str]:
    """The entry's aliases, plus the names of its deployment types: the words readers search by."""
    wordings = [a for a in entry.aliases if a != entry.question]
    for type_id in entry.deployment_types:
        names = collected.taxonomy.deployment_type(type_id).terms
        wordings.append("Applies to: " + ", ".join(names))
    return wordings


def provenance(collected: Collected, entry: FaqEntry, page: str) -> str:
    source = entry.source
    document = next((d for d in collected.documents if d.path == source.path), None)
    parts = []
    if document is not None:
        target = relative(f"sources/{document.slug}.md", page)
        parts.append(f"[{escape(source.title)}]({target})")
        parts.append(f"section [{escape(source.heading)}]({target}#{source.anchor})")
    else:
        parts.append(escape(source.title or source.path))
    if source.ms_date:
        parts.append(f"ms.date {escape(source.ms_date)}")
    if source.learn_url:
        parts.append(f"[View on Microsoft Learn]({source.learn_url})")
    button = (
        f'<button type="button" class="kb-copy-link" data-kb-anchor="{entry.id}" '
        f'aria-label="Copy link to this answer">Copy link</button>'
        '<span class="kb-copy-status" role="status" aria-live="polite"></span>'
    )
    return (
        f'<div class="kb-provenance" {_NO_SEARCH} markdown>\n\n'
        f"{button} Source: {' · '.join(parts)}\n\n</div>\n"
    )


# --- links and text ------------------------------------------------------------------------


def page_of(entry: FaqEntry) -> str:
    """The Markdown page that holds an entry's permanent anchor."""
    url = entry_url(entry).split("#", 1)[0].rstrip("/")
    return f"{url}.md"


def markdown_link(entry: FaqEntry, from_page: str) -> str:
    """A docs-relative link to an entry's permanent anchor, as MkDocs validates it."""
    return f"{relative(page_of(entry), from_page)}#{entry.id}"


def relative(target: str, from_page: str) -> str:
    return posixpath.relpath(target, posixpath.dirname(from_page) or ".")


def group_heading(title: str, anchor: str) -> str:
    # Group headings are navigation, not answers: out of search, so results are entries.
    return f"## {escape(title)} {{ #{anchor} {_NO_SEARCH} }}\n"


def front_matter(title: str, description: str, *, search_exclude: bool = False) -> str:
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"]
    if description:
        lines.append(f"description: {json.dumps(' '.join(description.split()), ensure_ascii=False)}")
    if search_exclude:
        lines += ["search:", "  exclude: true"]
    return "\n".join([*lines, "---", ""])


def display_name(deployment_type: DeploymentType) -> str:
    name = deployment_type.name
    return name[:1].upper() + name[1:]


def escape(text: str) -> str:
    """Plain text made literal in inline Markdown (and in a pipe-table cell)."""
    text = _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return text.replace("<", "&lt;")
