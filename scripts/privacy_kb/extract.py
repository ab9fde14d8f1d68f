"""Extract stage: sections and FAQ entries from an article's rendered element tree.

Three kinds of entry (PRODUCT.md, content model):
- `question-heading`: a section whose heading is a question, answered by the section;
- `section`: every other section, asked with the taxonomy's `section_question`;
- `fact`: the sentences that state one privacy facet for one deployment type, asked with the
  facet's wording. A section whose heading names none of the article's deployment types
  (content/taxonomy.yml `articles`) speaks of all of them; an article with no types gets
  general facts.
Answers are the article's own sentences, never reworded.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import xml.etree.ElementTree as etree
from collections.abc import Iterator
from dataclasses import dataclass, field

from .learn import learn_anchor
from .model import DeploymentType, FaqEntry, Section, SourceDocument, SourceRef, Taxonomy
from .paths import capped
from .sentences import Sentence, split_sentences
from .sources import ArticleFile

_HEADINGS = {f"h{level}": level for level in range(1, 7)}
_TEXT_BLOCKS = {"p", "li", "td", "th", "dt", "dd"}
_NESTED_BLOCKS = frozenset({"ul", "ol", "p", "div", "blockquote", "table", "pre", "figure"})
_NOT_PROSE = {"figure", "pre", "script", "style"}
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t]*#*[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class Block:
    """A paragraph-like piece of a section: its sentences, and whether it is a list item."""

    sentences: tuple[Sentence, ...]
    list_item: bool


@dataclass(frozen=True)
class _Quote:
    """A sentence quoted for a fact, and whether its section is about the fact's type."""

    sentence: Sentence
    block: Block
    section: Section
    specific: bool
    states_facet: bool  # False for the context quoted with it (the rest of a list item, …)


@dataclass
class _SectionDraft:
    heading: str
    anchor: str
    level: int
    blocks: list[Block] = field(default_factory=list)


def extract_article(
    article: ArticleFile, tree: etree.Element, taxonomy: Taxonomy
) -> tuple[SourceDocument, list[FaqEntry]]:
    """The article's document model and its entries, in document order."""
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
    article_types = taxonomy.types_of_article(article.path)
    meta = [re.compile(pattern) for pattern in taxonomy.meta_sentences]
    openers = tuple(taxonomy.context_openers)
    entries: list[FaqEntry] = []
    facts: dict[tuple[str, str], list[_Quote]] = {}
    for draft, section in zip(drafts, sections, strict=True):
        if section.heading.strip().casefold() in navigation or not draft.blocks:
            continue
        named = _types_named(section.heading, article_types)
        # A section that names no deployment type speaks of all the article's types.
        section_types = named or tuple(t.id for t in article_types)
        entries.append(_section_entry(document, section, draft, section_types, taxonomy))
        types = section_types or ("",)
        for index, block in enumerate(draft.blocks):
            for sentence in block.sentences:
                if any(pattern.search(sentence.text) for pattern in meta):
                    continue
                statement = _statement(draft.blocks, index, sentence, openers)
                for facet_id in _facets_stated(sentence.text, taxonomy):
                    for type_id in types:
                        found = facts.setdefault((type_id, facet_id), [])
                        found.extend(
                            _Quote(s, b, section, bool(named), s is sentence) for s, b in statement
                        )
    entries.extend(_fact_entries(document, facts, taxonomy))
    return document, entries


def _statement(
    blocks: list[Block], index: int, sentence: Sentence, openers: tuple[str, ...]
) -> list[tuple[Sentence, Block]]:
    """A sentence with what it needs to be read alone: a list item is quoted whole, after the
    lead-in (ending in ':') that introduces its list; a lead-in brings the whole list; a
    sentence that leans on the one before it ("This…", "Also,…") brings that one."""
    block = blocks[index]
    if block.list_item:
        lead_in = _lead_in(blocks, index)
        return lead_in + [(s, block) for s in block.sentences]
    position = block.sentences.index(sentence)
    start = position
    while start > 0 and _leans_on_previous(block.sentences[start].text, openers):
        start -= 1
    statement = [(s, block) for s in block.sentences[start : position + 1]]
    if sentence.text.endswith(":") and sentence is block.sentences[-1]:
        for following in blocks[index + 1 :]:
            if not following.list_item:
                break
            statement.extend((s, following) for s in following.sentences)
    return statement


def _leans_on_previous(text: str, openers: tuple[str, ...]) -> bool:
    first_word = text.split(maxsplit=1)[0] if text.strip() else ""
    return first_word in openers


def _lead_in(blocks: list[Block], index: int) -> list[tuple[Sentence, Block]]:
    """The sentence ending in ':' right before the list that holds blocks[index], if any."""
    start = index
    while start > 0 and blocks[start - 1].list_item:
        start -= 1
    if start == 0 or not blocks[start - 1].sentences[-1].text.endswith(":"):
        return []
    return [(blocks[start - 1].sentences[-1], blocks[start - 1])]


def _short_answer(quotes: list[_Quote]) -> str:
    """The first sentence that states the facet, read as on the page: a list item after its
    lead-in (ending in ':'), a lead-in with the first item of its list that states the facet.
    Words left out between the two are shown as '…'."""
    best = next(quote for quote in quotes if quote.states_facet)
    position = quotes.index(best)
    if best.block.list_item:
        lead_in = next(
            (q for q in reversed(quotes[:position]) if not q.block.list_item), None
        )
        if lead_in is None or not lead_in.sentence.text.endswith(":"):
            return best.sentence.text
        gap = " " if quotes[position - 1] is lead_in else " … "
        return lead_in.sentence.text + gap + best.sentence.text
    following = quotes[position + 1 :]
    items = [q for q in following if q.block.list_item]
    if not best.sentence.text.endswith(":") or not items:
        return best.sentence.text
    item = next((q for q in items if q.states_facet), items[0])
    gap = " " if following[0] is item else " … "
    return best.sentence.text + gap + item.sentence.text


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
    if element.tag in _NOT_PROSE or "admonition-title" in (element.get("class") or "").split():
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


# --- classification ------------------------------------------------------------------------


def _term_pattern(term: str) -> str:
    stem = term.endswith("*")
    words = re.escape(term.rstrip("*")).replace(r"\ ", r"[\s-]+")
    ending = r"[\w-]*" if stem else r"(?![\w-])"
    return rf"(?<![\w-]){words}{ending}"


@functools.cache
def _term_matchers(terms: tuple[str, ...]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Per term: a plain substring that must occur, and the exact pattern. The taxonomy is
    small and the sentences many, so the cheap test runs first."""
    return tuple(
        (term.rstrip("*").split()[0].casefold(), re.compile(_term_pattern(term), re.IGNORECASE))
        for term in terms
    )


def _matches(text: str, terms: tuple[str, ...]) -> bool:
    folded = text.casefold()
    return any(
        needle in folded and pattern.search(text) for needle, pattern in _term_matchers(terms)
    )


def _types_named(text: str, candidates: tuple[DeploymentType, ...]) -> tuple[str, ...]:
    """Types (of the candidates) a text names; a specialization wins over its broader type."""
    named = [t for t in candidates if _matches(text, t.terms)]
    broader = {t.specializes for t in named if t.specializes}
    return tuple(t.id for t in named if t.id not in broader)


def _facets_stated(text: str, taxonomy: Taxonomy) -> list[str]:
    return [facet.id for facet in taxonomy.facets if _matches(text, facet.triggers)]


# --- entries -------------------------------------------------------------------------------


def _source_ref(document: SourceDocument, section: Section) -> SourceRef:
    return SourceRef(
        path=document.path,
        title=document.title,
        heading=section.heading,
        anchor=section.anchor,
        line_start=section.line_start,
        line_end=section.line_end,
        learn_url=f"{document.learn_url}#{section.anchor}" if document.learn_url else "",
        ms_date=document.ms_date,
    )


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
) -> FaqEntry:
    is_question = section.heading.rstrip().endswith("?")
    question = section.heading.strip() if is_question else taxonomy.section_question.format(
        heading=section.heading.strip()
    )
    markdown, text = _answer([(s, block) for block in draft.blocks for s in block.sentences])
    facets = sorted({f for block in draft.blocks for s in block.sentences
                     for f in _facets_stated(s.text, taxonomy)}, key=_facet_order(taxonomy))
    return FaqEntry(
        id=capped(f"{document.slug}-{section.anchor}"),  # a file name too: bounded
        question=question,
        answer_markdown=markdown,
        answer_text=text,
        deployment_types=section_types,
        facets=tuple(facets),
        source=_source_ref(document, section),
        kind="question-heading" if is_question else "section",
        short_answer=next((s.text for block in draft.blocks for s in block.sentences), ""),
        aliases=() if is_question else (section.heading.strip(),),
    )


def _fact_entries(
    document: SourceDocument, facts: dict[tuple[str, str], list[_Quote]], taxonomy: Taxonomy
) -> list[FaqEntry]:
    entries = []
    type_order = [t.id for t in taxonomy.deployment_types]
    facet_order = _facet_order(taxonomy)
    for type_id, facet_id in sorted(
        facts, key=lambda key: (type_order.index(key[0]) if key[0] else -1, facet_order(key[1]))
    ):
        # What the article says of this type in particular comes before what it says of all;
        # a sentence quoted twice (as a fact, and as context of another) counts once.
        quotes = _first_of_each(sorted(facts[(type_id, facet_id)], key=lambda q: not q.specific))
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
                source=_source_ref(document, quotes[0].section),
                kind="fact",
                short_answer=_short_answer(quotes),
                aliases=tuple(
                    facet.question.format(type=alias)
                    for alias in (deployment_type.aliases if deployment_type else ())
                ),
            )
        )
    return entries


def _first_of_each(quotes: list[_Quote]) -> list[_Quote]:
    """Quotes without repeats of a sentence; a repeat that states the facet marks the first."""
    kept: dict[tuple[int, Sentence], _Quote] = {}
    for quote in quotes:
        key = (id(quote.block), quote.sentence)
        if key not in kept:
            kept[key] = quote
        elif quote.states_facet and not kept[key].states_facet:
            kept[key] = dataclasses.replace(kept[key], states_facet=True)
    return list(kept.values())


def _facet_order(taxonomy: Taxonomy):
    order = {facet.id: index for index, facet in enumerate(taxonomy.facets)}
    return lambda facet_id: order[facet_id]
