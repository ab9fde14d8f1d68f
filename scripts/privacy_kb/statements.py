"""What a sentence states: which privacy facets, for which deployment types, and what it needs
to be read alone. The taxonomy (data/taxonomy.yml) decides all of it, never code:

- a facet is stated by one of its trigger terms, with its `subjects` and none of its `unless`;
- a sentence speaks of the types of its section, narrowed by the types' `scope` wordings it
  uses (the longer wording wins); a specialization inherits what is said of its broader type;
- a sentence that leans on the one before it (`context_openers`, `context_patterns`) is quoted
  with it; a list item with its lead-in; a sentence about the article (`meta_sentences`), and
  a list it introduces, states nothing.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .model import DeploymentType, Section, Taxonomy
from .sentences import Sentence


@dataclass(frozen=True)
class Block:
    """A paragraph-like piece of a section: its sentences, and whether it is a list item."""

    sentences: tuple[Sentence, ...]
    list_item: bool


@dataclass(frozen=True)
class Quote:
    """A sentence quoted for a fact, and whether its section is about the fact's type."""

    sentence: Sentence
    block: Block
    section: Section
    specific: bool
    states_facet: bool  # False for the context quoted with it (the rest of a list item, …)
    # The sentences a stating sentence needs to be read alone (itself included); () otherwise.
    statement: tuple[tuple[Sentence, Block], ...] = ()
    pinned: bool = False  # chosen by an editor (content/overrides.yml)
    first_item: bool = False  # a list item right after its lead-in
    inherited: bool = False  # said of the broader type this one specializes

    @property
    def rank(self) -> tuple[bool, bool]:
        """Sort key: about this type itself, then inherited from its broader type, then
        about every type of the article."""
        return (not self.specific, self.inherited)


@dataclass
class SentenceClassifier:
    """The taxonomy compiled for one article: what is meta, what leans, which types it has."""

    taxonomy: Taxonomy
    article_types: tuple[DeploymentType, ...]
    meta: tuple[re.Pattern[str], ...]
    openers: tuple[str, ...]
    leaning: tuple[re.Pattern[str], ...]

    @classmethod
    def of(cls, taxonomy: Taxonomy, path: str) -> SentenceClassifier:
        return cls(
            taxonomy,
            taxonomy.types_of_article(path),
            tuple(re.compile(pattern) for pattern in taxonomy.meta_sentences),
            tuple(taxonomy.context_openers),
            tuple(re.compile(pattern) for pattern in taxonomy.context_patterns),
        )

    def is_meta(self, text: str) -> bool:
        return any(pattern.search(text) for pattern in self.meta)

    def leans(self, text: str) -> bool:
        """Whether a sentence leans on the one before it ("This…", "…such features:")."""
        return _leans_on_previous(text, self.openers) or any(
            pattern.search(text) for pattern in self.leaning
        )


def specializations(types: tuple[str, ...], classifier: SentenceClassifier) -> tuple[str, ...]:
    """The article's types that specialize one of `types` (and are not among them): what the
    article says of serverless API holds for a fine-tuned model deployed as one, unless it
    says otherwise (taxonomy `specializes`)."""
    return tuple(
        t.id for t in classifier.article_types if t.specializes in types and t.id not in types
    )


def lead_in_is_meta(blocks: list[Block], index: int, classifier: SentenceClassifier) -> bool:
    """A list introduced by a sentence about the article ("This diagram covers…:") describes
    the article, not the data."""
    lead = lead_in(blocks, index)
    return bool(lead) and classifier.is_meta(lead[0][0].text)


def statement_of(
    blocks: list[Block], index: int, sentence: Sentence, classifier: SentenceClassifier
) -> list[tuple[Sentence, Block]]:
    """A sentence with what it needs to be read alone: a list item is quoted whole, after the
    lead-in (ending in ':') that introduces its list; a lead-in brings the whole list; a
    sentence that leans on the one before it ("This…", "Also,…") brings that one."""
    block = blocks[index]
    if block.list_item:
        lead: list[tuple[Sentence, Block]] = lead_in(blocks, index)
        if lead:
            lead_block = lead[0][1]
            lead = leaning_chain(lead_block, lead_block.sentences[-1], classifier)
        return lead + [(s, block) for s in block.sentences]
    statement = leaning_chain(block, sentence, classifier)
    if sentence.text.endswith(":") and sentence is block.sentences[-1]:
        for following in blocks[index + 1 :]:
            if not following.list_item:
                break
            statement.extend((s, following) for s in following.sentences)
    return statement


def leaning_chain(
    block: Block, sentence: Sentence, classifier: SentenceClassifier
) -> list[tuple[Sentence, Block]]:
    """`sentence` and, while one leans on the one before it, its predecessors in the block."""
    position = block.sentences.index(sentence)
    start = position
    while start > 0 and classifier.leans(block.sentences[start].text):
        start -= 1
    return [(s, block) for s in block.sentences[start : position + 1]]


def _leans_on_previous(text: str, openers: tuple[str, ...]) -> bool:
    first_word = text.split(maxsplit=1)[0] if text.strip() else ""
    return first_word in openers


def lead_in(blocks: list[Block], index: int) -> list[tuple[Sentence, Block]]:
    """The sentence ending in ':' right before the list that holds blocks[index], if any."""
    start = index
    while start > 0 and blocks[start - 1].list_item:
        start -= 1
    if start == 0 or not blocks[start - 1].sentences[-1].text.endswith(":"):
        return []
    return [(blocks[start - 1].sentences[-1], blocks[start - 1])]


def short_answer_of(quote: Quote) -> str:
    """A stating sentence as it reads on the page, never starting with a sentence that leans on
    one left out: a list item after its lead-in (ending in ':'), a lead-in with its first list
    item, a sentence after the one it leans on. Words left out between them are shown as '…'."""
    statement = list(quote.statement) or [(quote.sentence, quote.block)]
    position = next(
        i for i, (s, b) in enumerate(statement) if s is quote.sentence and b is quote.block
    )
    if quote.block.list_item:
        context = [item for item in statement[:position] if not item[1].list_item]
        chosen = _chain_ends(context) + [statement[position]]
    else:
        chosen = _chain_ends(statement[: position + 1])
        rest = statement[position + 1 :]
        if quote.sentence.text.endswith(":") and rest:
            chosen.append(rest[0])
    parts = [chosen[0][0].text]
    for previous, current in zip(chosen, chosen[1:], strict=False):
        adjacent = _adjacent(statement, previous, current)
        if current[1].list_item and not previous[1].list_item and current[1] is quote.block:
            adjacent = adjacent and quote.first_item
        parts.append((" " if adjacent else " … ") + current[0].text)
    return "".join(parts)


def _chain_ends(chain: list[tuple[Sentence, Block]]) -> list[tuple[Sentence, Block]]:
    """The first and the last sentence of a context chain (the middle is elided)."""
    if len(chain) <= 2:
        return list(chain)
    return [chain[0], chain[-1]]


def _adjacent(
    statement: list[tuple[Sentence, Block]],
    previous: tuple[Sentence, Block],
    current: tuple[Sentence, Block],
) -> bool:
    indexes = [
        next(i for i, (s, b) in enumerate(statement) if s is item[0] and b is item[1])
        for item in (previous, current)
    ]
    return indexes[1] == indexes[0] + 1


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


def types_named(text: str, candidates: tuple[DeploymentType, ...]) -> tuple[str, ...]:
    """Types (of the candidates) a text names; a specialization wins over its broader type."""
    named = [t for t in candidates if _matches(text, t.terms)]
    broader = {t.specializes for t in named if t.specializes}
    return tuple(t.id for t in named if t.id not in broader)


def sentence_types(
    text: str, section_types: tuple[str, ...], classifier: SentenceClassifier
) -> tuple[str, ...]:
    """The types of its section a sentence speaks of: those whose `scope` wordings it uses
    (a longer wording wins over one inside it: "unless you are using a Global … type" scopes to
    Standard, not to Global), else all the section's types."""
    spans: list[tuple[int, int, str]] = []
    for deployment_type in classifier.article_types:
        if deployment_type.id not in section_types:
            continue
        for _, pattern in _term_matchers(deployment_type.scope):
            spans.extend((m.start(), m.end(), deployment_type.id) for m in pattern.finditer(text))
    kept = {
        type_id
        for start, end, type_id in spans
        if not any(
            other != type_id and s <= start and end <= e and (e - s) > (end - start)
            for s, e, other in spans
        )
    }
    return tuple(t for t in section_types if t in kept) or section_types


def facets_stated(text: str, taxonomy: Taxonomy) -> list[str]:
    """Facets a sentence states: one of the facet's trigger terms, with its subject when the
    taxonomy names one, and none of its `unless` terms."""
    return [
        facet.id
        for facet in taxonomy.facets
        if _matches(text, facet.triggers)
        and (not facet.subjects or _matches(text, facet.subjects))
        and not (facet.unless and _matches(text, facet.unless))
    ]


def best_quote(quotes: list[Quote]) -> Quote:
    """The quote whose sentence states the cell best: an editor's pin, else the first one
    about this type in particular, else the first one."""
    stating = [q for q in quotes if q.states_facet]
    # A lead-in ("Your prompts …:") only announces its list: an item that states it says more.
    return min(stating, key=lambda q: (not q.pinned, q.rank, q.sentence.text.endswith(":")))
