"""Extract stage: sections and FAQ entries from an article's rendered element tree.

Three kinds of entry (PRODUCT.md, content model):
- `question-heading`: a section whose heading is a question, answered by the section;
- `section`: every other section, asked as the taxonomy words it (`section_questions`);
- `fact`: the sentences that state one privacy facet for one deployment type, asked with the
  facet's wording. A section whose heading names none of the article's deployment types
  (data/taxonomy.yml `articles`) speaks of all of them; an article with no types gets
  general facts. Which sentence states what for which type: statements.py.
Answers are the article's own sentences, never reworded. Each deployment type × facet cell is
reported (CellReport): filled or not, the editors' override (content/overrides.yml) that
decided it, or why the extractor is unsure of it.
"""

from __future__ import annotations

import dataclasses
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass, field

from .learn import learn_anchor
from .model import (
    FaqEntry,
    Section,
    SectionRef,
    SourceDocument,
    SourceRef,
    Taxonomy,
)
from .overrides import CellOverride
from .paths import capped
from .problems import BuildError
from .sentences import Sentence, split_sentences
from .sources import ArticleFile
from .statements import (
    Block,
    Quote,
    SentenceClassifier,
    best_quote,
    facets_stated,
    lead_in,
    lead_in_is_meta,
    sentence_types,
    short_answer_of,
    specializations,
    statement_of,
    types_named,
)

_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_TEXT_BLOCKS = {"p", "li", "td", "th", "dt", "dd"}
_NESTED_BLOCKS = frozenset({"ul", "ol", "p", "div", "blockquote", "table", "pre", "figure"})
_NOT_PROSE = {"figure", "pre", "script", "style"}
# Notes the build writes where upstream content is missing (an include, code, an image): they
# stay on the source page and in the build report, never in an answer.
_BUILD_NOTES = {"admonition-title", "docfx-missing-include", "docfx-missing-code",
                "docfx-image--missing"}
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class CellReport:
    """How the extractor filled one deployment type × facet cell, for the build report."""

    type_id: str
    facet_id: str
    entry_id: str  # "" when not stated
    short_answer: str
    unsure: tuple[str, ...]  # why a person should look at it; () when the extractor is sure
    override: str = ""  # "pinned" | "not stated" when content/overrides.yml decided it
    reason: str = ""  # the override's reason


@dataclass
class _SectionDraft:
    heading: str
    anchor: str
    level: int
    blocks: list[Block] = field(default_factory=list)


def extract_article(
    article: ArticleFile,
    tree: etree.Element,
    taxonomy: Taxonomy,
    overrides: tuple[CellOverride, ...] = (),
) -> tuple[SourceDocument, list[FaqEntry]]:
    """The article's document model and its entries, in document order."""
    document, entries, _ = extract_article_cells(article, tree, taxonomy, overrides)
    return document, entries


def extract_article_cells(
    article: ArticleFile,
    tree: etree.Element,
    taxonomy: Taxonomy,
    overrides: tuple[CellOverride, ...] = (),
) -> tuple[SourceDocument, list[FaqEntry], list[CellReport]]:
    """The article's document model, its entries in document order, and how each cell of its
    deployment types was filled. `overrides` (content/overrides.yml) pin or empty cells; a pin
    whose sentence is gone from the article is a BuildError naming the cell."""
    drafts = _section_drafts(tree, article.title)
    lines = _heading_lines(article)
    sections = _sections(drafts, lines, len(article.lines))
    document = SourceDocument(
        path=article.path,
        slug=article.slug,
        title=article.title,
        description=str(article.front_matter.get("description", "")).strip(),
        ms_date=article.ms_date,
        learn_url=article.learn_url,
        sections=tuple(sections),
    )
    navigation = {heading.casefold() for heading in taxonomy.navigation_headings}
    classifier = SentenceClassifier.of(taxonomy, article.path)
    article_type_ids = tuple(t.id for t in classifier.article_types)
    entries: list[FaqEntry] = []
    facts: dict[tuple[str, str], list[Quote]] = {}
    elsewhere: dict[tuple[str, str], int] = {}  # stating sentences scoped to another type
    findable: list[tuple[Sentence, Block, list[Block], int, Section, tuple[str, ...]]] = []
    for draft, section in zip(drafts, sections, strict=True):
        if section.heading.strip().casefold() in navigation or not draft.blocks:
            continue
        named = types_named(section.heading, classifier.article_types)
        # A section that names no deployment type speaks of all the article's types.
        section_types = named or article_type_ids
        entries.append(
            _section_entry(document, section, draft, section_types, taxonomy, classifier)
        )
        for index, block in enumerate(draft.blocks):
            meta_list = block.list_item and lead_in_is_meta(draft.blocks, index, classifier)
            for sentence in block.sentences:
                findable.append((sentence, block, draft.blocks, index, section, section_types))
                if meta_list or classifier.is_meta(sentence.text):
                    continue
                facets = facets_stated(sentence.text, taxonomy)
                if not facets:
                    continue
                # A list item is scoped by its lead-in too ("For Global deployments: …").
                lead = lead_in(draft.blocks, index) if block.list_item else []
                scope_text = " ".join([*(s.text for s, _ in lead), sentence.text])
                scoped = sentence_types(scope_text, section_types, classifier)
                specific = len(scoped) < len(article_type_ids)
                statement = tuple(statement_of(draft.blocks, index, sentence, classifier))
                first_item = index > 0 and not draft.blocks[index - 1].list_item
                heirs = specializations(scoped, classifier) if specific else ()
                targets = tuple(dict.fromkeys((*section_types, *heirs))) or ("",)
                for facet_id in facets:
                    for type_id in targets:
                        if type_id and type_id not in scoped and type_id not in heirs:
                            key = (type_id, facet_id)
                            elsewhere[key] = elsewhere.get(key, 0) + 1
                            continue
                        found = facts.setdefault((type_id, facet_id), [])
                        found.extend(
                            Quote(s, b, section, specific, s is sentence,
                                   statement if s is sentence else (), first_item=first_item,
                                   inherited=type_id in heirs)
                            for s, b in statement
                        )
    applied = _apply_overrides(facts, overrides, article_type_ids, findable, classifier, article.path)
    fact_entries = _fact_entries(document, facts, taxonomy)
    entries.extend(fact_entries)
    cells = _cell_reports(
        article_type_ids, taxonomy, facts, fact_entries, elsewhere, applied
    )
    return document, entries, cells


# --- sections ------------------------------------------------------------------------------


def _section_drafts(tree: etree.Element, title: str) -> list[_SectionDraft]:
    """Split the tree at headings; the text before the first `##` is the title's section."""
    drafts = [_SectionDraft(title, learn_anchor(title), 1)]
    for element in tree:
        level = _HEADINGS.get(element.tag)
        if level is not None:
            heading = "".join(element.itertext()).strip()
            if level == 1 and len(drafts) == 1 and not drafts[0].blocks:
                drafts[0] = _SectionDraft(heading, element.get("id") or learn_anchor(heading), 1)
            else:
                drafts.append(_SectionDraft(heading, element.get("id") or learn_anchor(heading), level))
            continue
        drafts[-1].blocks.extend(_blocks(element))
    return drafts


def _blocks(element: etree.Element, in_list_item: bool = False) -> Iterator[Block]:
    """The prose blocks of an element, depth first; headings inside containers are prose too.
    Paragraphs of a (loose) list item count as list items."""
    if element.tag in _NOT_PROSE or _BUILD_NOTES & set((element.get("class") or "").split()):
        return
    in_list_item = element.tag == "li" or (in_list_item and element.tag not in ("ul", "ol"))
    if element.tag in _TEXT_BLOCKS or element.tag in _HEADINGS:
        sentences = split_sentences(element, skip=_NESTED_BLOCKS)
        if sentences:
            yield Block(tuple(sentences), list_item=in_list_item)
        for child in element:
            if child.tag in _NESTED_BLOCKS:
                yield from _blocks(child, in_list_item)
        return
    for child in element:
        yield from _blocks(child, in_list_item)


def _heading_lines(article: ArticleFile) -> list[tuple[str, int]]:
    """(anchor, line) of each ATX heading of the article file, outside code fences."""
    found = []
    fence = None
    for number, line in enumerate(article.lines, start=1):
        if number < article.body_start:
            continue
        fence_match = _FENCE.match(line)
        if fence_match:
            marker = fence_match.group(1)[0]
            fence = None if fence == marker else (fence or marker)
            continue
        heading = _ATX_HEADING.match(line)
        if heading and fence is None:
            text = re.sub(r"[*_`]|\[([^\]]*)\]\([^)]*\)", r"\1", heading.group(2))
            found.append((learn_anchor(text), number))
    return found


def _sections(
    drafts: list[_SectionDraft], heading_lines: list[tuple[str, int]], last_line: int
) -> list[Section]:
    """Give each section its line range in the article file (headings matched by anchor, in
    order; a heading that came from an include keeps the including section's start)."""
    starts = []
    cursor = 0
    previous = 1
    for index, draft in enumerate(drafts):
        for position in range(cursor, len(heading_lines)):
            if heading_lines[position][0] == draft.anchor:
                previous, cursor = heading_lines[position][1], position + 1
                break
        starts.append(1 if index == 0 and draft.level == 1 and not heading_lines else previous)
    sections = []
    for index, draft in enumerate(drafts):
        later = [start for start in starts[index + 1 :] if start > starts[index]]
        end = (later[0] - 1) if later else last_line
        text = " ".join(s.text for block in draft.blocks for s in block.sentences)
        sections.append(Section(draft.heading, draft.anchor, draft.level, starts[index], end, text))
    return sections


# --- overrides and the cell report ---------------------------------------------------------


_Findable = tuple[Sentence, Block, list[Block], int, Section, tuple[str, ...]]


def _apply_overrides(
    facts: dict[tuple[str, str], list[Quote]],
    overrides: tuple[CellOverride, ...],
    article_types: tuple[str, ...],
    findable: list[_Findable],
    classifier: SentenceClassifier,
    path: str,
) -> dict[tuple[str, str], CellOverride]:
    """Empty the cells marked not stated; put each pinned sentence (with what it needs to be
    read alone) first in its cell. Returns the overrides applied, by cell."""
    applied = {}
    for override in overrides:
        if override.type_id not in article_types:
            continue
        key = (override.type_id, override.facet_id)
        applied[key] = override
        if override.not_stated:
            facts.pop(key, None)
            continue
        exact = [f for f in findable if f[0].text == override.sentence]
        within = exact or [f for f in findable if override.sentence in f[0].text]
        if not within:
            raise BuildError(
                f"{override.where}: pinned sentence of cell {override.cell} is no longer in "
                f"{path}: {override.sentence[:80]!r}"
            )
        if len({f[0].text for f in within}) > 1:
            raise BuildError(
                f"{override.where}: pinned words of cell {override.cell} are in "
                f"{len(within)} sentences of {path}; quote the whole sentence"
            )
        sentence, block, blocks, index, section, _ = within[0]
        statement = tuple(statement_of(blocks, index, sentence, classifier))
        first_item = index > 0 and not blocks[index - 1].list_item
        pinned = [
            Quote(s, b, section, True, s is sentence, statement if s is sentence else (),
                   pinned=s is sentence, first_item=first_item)
            for s, b in statement
        ]
        facts[key] = pinned + facts.get(key, [])
    return applied


def _cell_reports(
    article_types: tuple[str, ...],
    taxonomy: Taxonomy,
    facts: dict[tuple[str, str], list[Quote]],
    entries: list[FaqEntry],
    elsewhere: dict[tuple[str, str], int],
    applied: dict[tuple[str, str], CellOverride],
) -> list[CellReport]:
    """Every cell of the article's types: its entry and short answer, and why the extractor may
    be wrong about it (for the build report)."""
    by_cell = {(e.deployment_types[0], e.facets[0]): e for e in entries if e.deployment_types}
    reports = []
    for type_id in article_types:
        for facet in taxonomy.facets:
            key = (type_id, facet.id)
            entry = by_cell.get(key)
            override = applied.get(key)
            reports.append(CellReport(
                type_id=type_id,
                facet_id=facet.id,
                entry_id=entry.id if entry else "",
                short_answer=entry.short_answer if entry else "",
                unsure=() if override else _doubts(
                    facts.get(key, []), elsewhere.get(key, 0),
                    any(q.specific and not q.inherited
                        for other in article_types if other != type_id
                        for q in facts.get((other, facet.id), [])),
                ),
                override=("not stated" if override.not_stated else "pinned") if override else "",
                reason=override.reason if override else "",
            ))
    return reports


def _doubts(
    quotes: list[Quote], scoped_away: int, others_specific: bool
) -> tuple[str, ...]:
    """Why a person should look at a cell: the article tells its types apart on this facet but
    says nothing of this one in particular; or only what it says of the broader type fills it;
    or statements about this type in particular come from several sections."""
    stating = [q for q in quotes if q.states_facet]
    own = [q for q in stating if q.specific and not q.inherited]
    doubts = []
    if not own and scoped_away:
        doubts.append(f"{scoped_away} sentence(s) stating it are scoped to another type")
    if stating and not own and others_specific and not any(q.inherited for q in stating):
        doubts.append("only a statement about every type, while other types have their own")
    if stating and all(q.inherited for q in stating if q.specific) and any(q.specific for q in stating):
        doubts.append("only what the article says of the broader type")
    sections = {q.section.anchor for q in own}
    if len(sections) > 1:
        doubts.append(f"statements about this type in {len(sections)} sections")
    return tuple(doubts)


# --- entries -------------------------------------------------------------------------------


def _source_ref(document: SourceDocument, sections: list[Section]) -> SourceRef:
    """Provenance: the first section quoted in the flat fields, and every one in `sections`."""
    unique = list(dict.fromkeys(sections))
    first = unique[0]
    return SourceRef(
        path=document.path,
        title=document.title,
        heading=first.heading,
        anchor=first.anchor,
        line_start=first.line_start,
        line_end=first.line_end,
        learn_url=_learn_url(document, first),
        ms_date=document.ms_date,
        sections=tuple(
            SectionRef(s.heading, s.anchor, _learn_url(document, s), s.line_start, s.line_end)
            for s in unique
        ),
    )


def _learn_url(document: SourceDocument, section: Section) -> str:
    return f"{document.learn_url}#{section.anchor}" if document.learn_url else ""


def _answer(items: list[tuple[Sentence, Block]]) -> tuple[str, str]:
    """Markdown and plain text of sentences: one paragraph (or list item) per source block."""
    paragraphs: list[tuple[Block, list[Sentence]]] = []
    seen: set[tuple[int, Sentence]] = set()
    for sentence, block in items:
        if (id(block), sentence) in seen:
            continue
        seen.add((id(block), sentence))
        if paragraphs and paragraphs[-1][0] is block:
            paragraphs[-1][1].append(sentence)
        else:
            paragraphs.append((block, [sentence]))
    markdown_parts, text_parts = [], []
    for index, (block, sentences) in enumerate(paragraphs):
        body = " ".join(s.markdown for s in sentences)
        if block.list_item:
            previous_is_item = index > 0 and paragraphs[index - 1][0].list_item
            markdown_parts.append(("\n" if previous_is_item else "\n\n") + "- " + body)
        else:
            markdown_parts.append("\n\n" + body)
        text_parts.append(" ".join(s.text for s in sentences))
    return "".join(markdown_parts).strip(), " ".join(text_parts)


def _section_entry(
    document: SourceDocument,
    section: Section,
    draft: _SectionDraft,
    section_types: tuple[str, ...],
    taxonomy: Taxonomy,
    classifier: SentenceClassifier,
) -> FaqEntry:
    is_question = section.heading.rstrip().endswith("?")
    question = section.heading.strip() if is_question else taxonomy.question_for_section(
        section.heading
    )
    markdown, text = _answer([(s, block) for block in draft.blocks for s in block.sentences])
    facets = sorted({f for block in draft.blocks for s in block.sentences
                     for f in facets_stated(s.text, taxonomy)}, key=_facet_order(taxonomy))
    return FaqEntry(
        id=capped(f"{document.slug}-{section.anchor}"),  # a file name too: bounded
        question=question,
        answer_markdown=markdown,
        answer_text=text,
        deployment_types=section_types,
        facets=tuple(facets),
        source=_source_ref(document, [section]),
        kind="question-heading" if is_question else "section",
        short_answer=_section_short_answer(draft.blocks, classifier),
        aliases=() if is_question else (section.heading.strip(),),
    )


def _section_short_answer(blocks: list[Block], classifier: SentenceClassifier) -> str:
    """The first sentence of a section that reads on its own and speaks of the data, not of the
    article or a diagram; else the first that reads on its own; else the first."""
    candidates = [
        (sentence, block.list_item and lead_in_is_meta(blocks, index, classifier))
        for index, block in enumerate(blocks)
        for sentence in block.sentences
    ]
    alone = [(s, in_meta_list) for s, in_meta_list in candidates if not classifier.leans(s.text)]
    best = next((s for s, in_meta_list in alone
                 if not in_meta_list and not classifier.is_meta(s.text)), None)
    best = best or next((s for s, _ in alone), None) or next((s for s, _ in candidates), None)
    return best.text if best else ""


def _fact_entries(
    document: SourceDocument, facts: dict[tuple[str, str], list[Quote]], taxonomy: Taxonomy
) -> list[FaqEntry]:
    entries = []
    type_order = [t.id for t in taxonomy.deployment_types]
    facet_order = _facet_order(taxonomy)
    for type_id, facet_id in sorted(
        facts, key=lambda key: (type_order.index(key[0]) if key[0] else -1, facet_order(key[1]))
    ):
        # What the article says of this type in particular comes before what it says of all;
        # a sentence quoted twice (as a fact, and as context of another) counts once.
        quotes = _first_of_each(sorted(facts[(type_id, facet_id)], key=lambda q: q.rank))
        facet = taxonomy.facet(facet_id)
        deployment_type = taxonomy.deployment_type(type_id) if type_id else None
        markdown, text = _answer([(quote.sentence, quote.block) for quote in quotes])
        entries.append(
            FaqEntry(
                id=capped("-".join(part for part in (document.slug, type_id, facet_id) if part)),
                question=(
                    facet.question.format(type=deployment_type.in_question)
                    if deployment_type
                    else facet.general_question
                ),
                answer_markdown=markdown,
                answer_text=text,
                deployment_types=(type_id,) if type_id else (),
                facets=(facet_id,),
                source=_source_ref(document, [q.section for q in quotes]),
                kind="fact",
                short_answer=short_answer_of(best_quote(quotes)),
                aliases=tuple(
                    facet.question.format(type=alias)
                    for alias in (deployment_type.aliases if deployment_type else ())
                ),
            )
        )
    return entries


def _first_of_each(quotes: list[Quote]) -> list[Quote]:
    """Quotes without repeats of a sentence; a repeat that states the facet marks the first."""
    kept: dict[tuple[int, Sentence], Quote] = {}
    for quote in quotes:
        key = (id(quote.block), quote.sentence)
        if key not in kept:
            kept[key] = quote
        elif quote.states_facet and not kept[key].states_facet:
            kept[key] = dataclasses.replace(
                kept[key], states_facet=True, statement=quote.statement, pinned=quote.pinned,
                first_item=quote.first_item,
            )
    return list(kept.values())


def _facet_order(taxonomy: Taxonomy):
    order = {facet.id: index for index, facet in enumerate(taxonomy.facets)}
    return lambda facet_id: order[facet_id]
