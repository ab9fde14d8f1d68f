"""The content model: plain data passed between pipeline stages (see PRODUCT.md)."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import cached_property
from typing import Any

# Bumped whenever the JSON shape of entries changes incompatibly.
ENTRIES_FORMAT_VERSION = 1


@dataclass(frozen=True)
class DeploymentType:
    """A way of deploying a model; the columns of the privacy matrix."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    summary: str = ""
    specializes: str | None = None  # id of the broader type ("fine-tuned serverless" < "serverless")
    phrase: str = ""  # how questions name it: "when I use {type}" -> "a serverless API deployment"
    # Wordings that, inside a sentence, say the sentence speaks of this type only ("labeled
    # 'Global'"); narrower than `aliases`, which also name the product in headings and search.
    scope: tuple[str, ...] = ()

    @property
    def in_question(self) -> str:
        return self.phrase or self.name

    @property
    def terms(self) -> tuple[str, ...]:
        """Every wording that names this type, the name first."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class Facet:
    """One privacy question people ask, worded per deployment type by the taxonomy."""

    id: str
    name: str
    question: str  # may contain "{type}", the deployment type's name
    general_question: str  # used when a statement applies to no single deployment type
    triggers: tuple[str, ...] = ()
    # When given, a sentence states the facet only if it also names one of these (the facet's
    # subject: "stored" says something about storage of prompts only with "prompts" nearby).
    subjects: tuple[str, ...] = ()
    # A sentence that names one of these does not state the facet (it is about something else).
    unless: tuple[str, ...] = ()


def _lowered(phrase: str, names: set[str]) -> str:
    """A heading's words inside a sentence: its first word lowercased when the heading is in
    sentence case ("Data storage for …" → "data storage for …") and the word is no name the
    taxonomy knows ("Claude models" stays)."""
    lead = phrase[: len(phrase) - len(phrase.lstrip())]
    first, space, rest = phrase.lstrip().partition(" ")
    sentence_case = rest[:1].islower()
    if sentence_case and first[1:].islower() and first not in names:
        first = first.lower()
    return lead + first + space + rest


@dataclass(frozen=True)
class ArticleScope:
    """The deployment types one article distinguishes (an article not listed names none)."""

    path: str  # relative to the source root
    types: tuple[str, ...]


@dataclass(frozen=True)
class Taxonomy:
    """The editorial vocabulary, loaded from data/taxonomy.yml."""

    deployment_types: tuple[DeploymentType, ...]
    facets: tuple[Facet, ...]
    # Asked of a section whose heading is not a question; "{heading}" is the heading.
    section_question: str = "{heading}"
    # (pattern, question) pairs tried before `section_question`: the first pattern that matches
    # the whole heading asks its question, its named groups filled in ("{what}").
    section_questions: tuple[tuple[str, str], ...] = ()
    # Section headings that are navigation rather than substance ("Related content").
    navigation_headings: tuple[str, ...] = ()
    articles: tuple[ArticleScope, ...] = ()
    # Patterns of sentences that talk about the article, not about data ("To learn more…").
    meta_sentences: tuple[str, ...] = ()
    # First words of a sentence that leans on the one before it ("This data processing…"):
    # such a sentence is quoted with its predecessor.
    context_openers: tuple[str, ...] = ()
    # Patterns (anywhere in a sentence) of words that lean on what came before ("such
    # features", "described above"): such a sentence is quoted with its predecessor too.
    context_patterns: tuple[str, ...] = ()

    def question_for_section(self, heading: str) -> str:
        """The question a section answers, worded by the taxonomy (content, not code)."""
        heading = " ".join(heading.split())
        for pattern, question in self.section_questions:
            match = re.fullmatch(pattern, heading)
            if match:
                names = {term.split()[0] for t in self.deployment_types for term in t.terms
                         if term[:1].isupper()}
                asked = question.format(heading=heading, **{
                    name: _lowered(value or "", names) for name, value in match.groupdict().items()
                })
                return re.sub(r"\s+([?.,!])", r"\1", " ".join(asked.split()))
        return self.section_question.format(heading=heading)

    def types_of_article(self, path: str) -> tuple[DeploymentType, ...]:
        return self._types_by_article.get(path, ())

    @cached_property
    def _types_by_article(self) -> dict[str, tuple[DeploymentType, ...]]:
        """Article path → its types, built once: asked per entry, over thousands of articles."""
        by_path: dict[str, tuple[DeploymentType, ...]] = {}
        for scope in self.articles:  # the first scope of a path counts, as it always did
            by_path.setdefault(
                scope.path, tuple(self.deployment_type(type_id) for type_id in scope.types)
            )
        return by_path

    def deployment_type(self, type_id: str) -> DeploymentType:
        for deployment_type in self.deployment_types:
            if deployment_type.id == type_id:
                return deployment_type
        raise KeyError(type_id)

    def facet(self, facet_id: str) -> Facet:
        for facet in self.facets:
            if facet.id == facet_id:
                return facet
        raise KeyError(facet_id)


@dataclass(frozen=True)
class Section:
    """A heading of a source article and the body text up to the next heading."""

    heading: str
    anchor: str  # the slug Learn gives the heading
    level: int
    line_start: int  # 1-based, inclusive, in the article file
    line_end: int
    text: str  # plain text of the body


@dataclass(frozen=True)
class SourceDocument:
    """One Learn article of the source root."""

    path: str  # relative to the source root, POSIX separators
    slug: str  # our page: /sources/<slug>/
    title: str
    description: str
    ms_date: str
    learn_url: str
    sections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class SectionRef:
    """One section an answer quotes, with its Learn anchor."""

    heading: str
    anchor: str
    learn_url: str  # with the #anchor
    line_start: int
    line_end: int


@dataclass(frozen=True)
class SourceRef:
    """Where an entry's answer comes from, precisely enough to quote it. `heading`, `anchor`,
    `line_*` and `learn_url` name the first section quoted; `sections` names every one, in the
    order the answer quotes them."""

    path: str
    title: str
    heading: str
    anchor: str
    line_start: int
    line_end: int
    learn_url: str  # with the #anchor
    ms_date: str
    sections: tuple[SectionRef, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SourceRef:
        sections = tuple(SectionRef(**s) for s in data.get("sections", ()))
        return cls(**{**data, "sections": sections})


@dataclass(frozen=True)
class FaqEntry:
    """A question with the source's own words as its answer."""

    id: str
    question: str
    answer_markdown: str
    answer_text: str
    deployment_types: tuple[str, ...]
    facets: tuple[str, ...]
    source: SourceRef
    kind: str  # "question-heading" | "section" | "fact"
    aliases: tuple[str, ...] = field(default=())
    # The one sentence of the answer that states it best (for the matrix), verbatim.
    short_answer: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["answer"] = {"markdown": data.pop("answer_markdown"), "text": data.pop("answer_text")}
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FaqEntry:
        return cls(
            id=data["id"],
            question=data["question"],
            answer_markdown=data["answer"]["markdown"],
            answer_text=data["answer"]["text"],
            deployment_types=tuple(data["deployment_types"]),
            facets=tuple(data["facets"]),
            source=SourceRef.from_dict(data["source"]),
            kind=data["kind"],
            aliases=tuple(data.get("aliases", ())),
            short_answer=data.get("short_answer", ""),
        )
