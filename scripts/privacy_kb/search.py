"""Query the Whoosh index built by `index.write_index`: plain-language questions in, ranked
verbatim answers out (as objects, as the `--json` contract, or as text for a terminal).

Ranking comes from the index, the analyzer and the taxonomy, never from known questions:
- the query is parsed with OR grouping, so a question's extra words don't exclude answers;
- each field has a weight (`index.FIELD_BOOSTS`), BM25F scores the rest;
- each query word scores by its best field plus a share of the others (`FIELD_TIEBREAK`), so a
  common word found in five fields doesn't outweigh a rare one found in the answer;
- long answers are fully length-normalised (`ANSWER_B`): an entry that merges a whole article's
  statements on a facet must not win by containing every word;
- a deployment type named in the query (by its taxonomy name or any alias, e.g. "MaaS"; a
  wording the taxonomy gives several types, e.g. "Azure OpenAI", names them all) makes entries
  of that type score higher, multiplicatively, so they rank first among comparable hits; the
  other entries of the article whose taxonomy scope has that type score a little higher too;
- a word found nowhere in the index is corrected to the nearest indexed word (typos).
Any text is a valid query; only a missing index or an unknown filter value is an error.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.qparser import OrGroup, QueryParser, plugins, syntax
from whoosh.scoring import BM25F
from whoosh.searching import Searcher

from .dates import readable_date
from .index import (
    FIELD_BOOSTS,
    INDEX_FORMAT_VERSION,
    INDEX_META_FILE,
    make_analyzer,
    make_spelling_analyzer,
)

MAX_QUERY_CHARS = 1000
# How much more an entry of a deployment type the query names scores (multiplier).
NAMED_TYPE_FACTOR = 1.6
# How much more any other entry of an article that covers a named type scores: the article's
# general sections ("Preventing abuse") speak of its types without naming them.
NAMED_ARTICLE_FACTOR = 1.3
# A query word scores by its best field, plus this share of its other fields' scores: a word
# in the question, the facet and the heading is one word, not three matches.
FIELD_TIEBREAK = 0.3
# BM25: B is how much a long field is discounted (0: not at all, 1: fully by its length). Short
# fields (question, heading) barely vary; answers run from one sentence to a whole article's
# statements on a facet, and a long answer must not win by containing every word.
BM25_B = 0.5
BM25_K1 = 1.2
ANSWER_B = 1.0
# Typos are corrected only in words at least this long (short words have too many neighbours).
FUZZY_MIN_LENGTH = 5
_QUESTION_MARKS = re.compile(r"[?？¿]")
_CURLY_DOUBLE_QUOTES = re.compile(r"[“”„«»]")


class SearchError(Exception):
    """The search cannot run (no index, unknown filter value); the message says what to do."""


@dataclass(frozen=True)
class ResultSource:
    path: str
    title: str
    heading: str
    anchor: str
    learn_url: str
    ms_date: str

    def to_dict(self) -> dict[str, str]:
        return {
            "path": self.path,
            "title": self.title,
            "heading": self.heading,
            "anchor": self.anchor,
            "learn_url": self.learn_url,
            "ms_date": self.ms_date,
        }


@dataclass(frozen=True)
class SearchResult:
    """One ranked entry; `answer` is the verbatim plain-text answer."""

    id: str
    question: str
    answer: str
    url: str
    deployment_types: tuple[str, ...]
    facets: tuple[str, ...]
    score: float
    source: ResultSource
    kind: str = ""
    deployment_type_names: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: dict[str, Any], score: float) -> SearchResult:
        return cls(
            id=record["id"],
            question=record["question"],
            answer=record["answer"],
            url=record["url"],
            deployment_types=tuple(record["deployment_types"]),
            facets=tuple(record["facets"]),
            score=round(score, 4),
            source=ResultSource(**record["source"]),
            kind=record.get("kind", ""),
            deployment_type_names=tuple(record.get("deployment_type_names", ())),
        )

    def to_dict(self) -> dict[str, Any]:
        """The `--json` result object (PRODUCT.md), plus `source.title` and the deployment
        types' display names: with several articles, a bot must say where an answer is from."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "url": self.url,
            "deployment_types": list(self.deployment_types),
            "deployment_type_names": list(self.deployment_type_names),
            "facets": list(self.facets),
            "score": self.score,
            "source": self.source.to_dict(),
        }


@dataclass(frozen=True)
class SearchResponse:
    query: str
    results: tuple[SearchResult, ...]
    # Why there are no (or fewer) results, or how the query was adjusted; None when all is well.
    message: str | None = None
    named_types: tuple[str, ...] = ()  # deployment types the query names (ids)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "query": self.query,
            "results": [result.to_dict() for result in self.results],
        }
        if self.message:
            data["message"] = self.message
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class _TypeTerms:
    """A deployment type and every wording of it, as analyzed token sequences."""

    id: str
    name: str
    phrases: tuple[tuple[str, ...], ...]


class _NamedTypeBM25F(BM25F):
    """BM25F, with entries of the deployment types (and articles) the query names scored
    higher: each document gets the largest factor of the sets it is in."""

    use_final = True

    def __init__(self, boosts: Sequence[tuple[float, frozenset[int]]]) -> None:
        super().__init__(B=BM25_B, K1=BM25_K1, answer_B=ANSWER_B)
        self._boosts = sorted(boosts, key=lambda boost: -boost[0])

    def final(self, searcher: Any, docnum: int, score: float) -> float:
        for factor, docnums in self._boosts:
            if docnum in docnums:
                return score * factor
        return score


@dataclass
class KnowledgeIndex:
    """An open index; reuse it for many queries (opening costs more than querying)."""

    index_dir: Path
    _ix: Any = field(init=False, repr=False)
    _reader: Any = field(init=False, repr=False)
    _meta: dict[str, Any] = field(init=False, repr=False)
    _types: tuple[_TypeTerms, ...] = field(init=False, repr=False)
    _parser: QueryParser = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index_dir = Path(self.index_dir)
        self._meta = _read_meta(self.index_dir)
        try:
            self._ix = whoosh_index.open_dir(str(self.index_dir))
        except (whoosh_index.EmptyIndexError, OSError) as error:
            raise SearchError(
                f"{self.index_dir}: the search index is unreadable ({error}); "
                "run `privacy-kb build` to rebuild it"
            ) from None
        self._reader = self._ix.reader()
        self._analyzer = make_analyzer()
        self._spelling = make_spelling_analyzer()
        self._types = tuple(
            _TypeTerms(t["id"], t["name"], self._phrases([t["name"], *t["aliases"]]))
            for t in self._meta["deployment_types"]
        )
        self._parser = _make_parser(self._ix.schema)

    # -- lifecycle -------------------------------------------------------------------------
    def close(self) -> None:
        self._reader.close()
        self._ix.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- vocabulary ------------------------------------------------------------------------
    @property
    def deployment_type_ids(self) -> tuple[str, ...]:
        return tuple(t.id for t in self._types)

    @property
    def sources(self) -> tuple[dict[str, str], ...]:
        return tuple(self._meta["sources"])

    def named_types(self, query: str) -> tuple[str, ...]:
        """Deployment types the query names, by name or alias; longest wording wins, so
        "fine-tuned model for serverless API" names the fine-tuned type only. A wording the
        taxonomy gives several types ("Azure OpenAI", "standard deployment") names them all."""
        tokens = self._tokens(query)
        types_of: dict[tuple[str, ...], list[str]] = {}
        for deployment_type in self._types:
            for phrase in deployment_type.phrases:
                types_of.setdefault(phrase, []).append(deployment_type.id)
        found: set[str] = set()
        used = [False] * len(tokens)
        for phrase in sorted(types_of, key=lambda phrase: (-len(phrase), phrase)):
            n = len(phrase)
            for start in range(len(tokens) - n + 1):
                if tuple(tokens[start : start + n]) == phrase and not any(used[start : start + n]):
                    used[start : start + n] = [True] * n
                    found.update(types_of[phrase])
        return tuple(type_id for type_id in self.deployment_type_ids if type_id in found)

    def articles_covering(self, type_ids: Sequence[str]) -> tuple[str, ...]:
        """Paths of the indexed articles whose taxonomy scope includes any of these types."""
        return tuple(
            source["path"] for source in self.sources
            if set(source.get("types", ())) & set(type_ids)
        )  # fmt: skip

    # -- searching -------------------------------------------------------------------------
    def search(
        self,
        query: str,
        *,
        deployment_type: str | None = None,
        source: str | None = None,
        limit: int = 10,
    ) -> SearchResponse:
        """Rank entries for `query`; filters restrict to one deployment type id / one source
        (path or slug). Raises SearchError only for an unknown filter value."""
        filters = self._filters(deployment_type, source)
        text, notes = _clean(query)
        if not self._tokens(text):
            notes.append(
                "nothing to search for: the query has no searchable words "
                "(try words such as 'training', 'stored' or 'serverless API')"
            )
            return SearchResponse(query, (), _join(notes))
        text, corrections = self._correct_typos(text)
        if corrections:
            notes.append("searched with corrected spelling: " + ", ".join(corrections))
        parsed = self._parse(text)
        named = self.named_types(text)
        weighting = _NamedTypeBM25F(
            [(NAMED_TYPE_FACTOR, self._docnums("type_ids", named)),
             (NAMED_ARTICLE_FACTOR, self._docnums("source_path", self.articles_covering(named)))]
        )  # fmt: skip
        searcher = Searcher(self._reader, weighting=weighting, closereader=False)
        hits = searcher.search(parsed, limit=max(1, limit), filter=filters)
        results = tuple(SearchResult.from_record(hit["record"], hit.score) for hit in hits)
        if not results:
            notes.append("no entry matches these words")
        return SearchResponse(query, results, _join(notes), named)

    def _filters(self, deployment_type: str | None, source: str | None) -> wq.Query | None:
        clauses: list[wq.Query] = []
        if deployment_type is not None:
            if deployment_type not in self.deployment_type_ids:
                valid = ", ".join(self.deployment_type_ids)
                raise SearchError(
                    f"unknown deployment type {deployment_type!r}; valid ids: {valid}"
                )
            clauses.append(wq.Term("type_ids", deployment_type))
        if source is not None:
            match = [s for s in self.sources if source in (s["path"], s["slug"])]
            if not match:
                valid = ", ".join(s["slug"] for s in self.sources) or "(none indexed)"
                raise SearchError(f"unknown source {source!r}; indexed sources: {valid}")
            clauses.append(wq.Term("source_path", match[0]["path"]))
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else wq.And(clauses)

    def _parse(self, text: str) -> wq.Query:
        """Parse with the query syntax; if the parser gives up, search the words as words."""
        try:
            parsed = self._parser.parse(text)
        except Exception:  # noqa: BLE001 — whoosh's parser can fail in many ways on odd input
            parsed = None
        if parsed is None or parsed is wq.NullQuery or not list(parsed.terms(phrases=True)):
            parsed = wq.Or(
                [_best_field_query([wq.Term(name, word, boost=boost)
                                    for name, boost in FIELD_BOOSTS.items()])
                 for word in self._tokens(text)]
            )  # fmt: skip
        return parsed

    def _correct_typos(self, text: str) -> tuple[str, list[str]]:
        """Replace each word the index has never seen by the most common indexed word one edit
        away (two for long words): 'traning' -> 'training'. Returns the text and what changed."""
        pieces: list[str] = []
        changes: list[str] = []
        end = 0
        for token in self._spelling(text, chars=True):
            word = token.text
            if len(word) < FUZZY_MIN_LENGTH or self._reader.doc_frequency("spelling", word):
                continue
            if any(self._reader.doc_frequency(name, stem) for stem in self._tokens(word)
                   for name in FIELD_BOOSTS):  # fmt: skip
                continue
            maxdist = 1 if len(word) < 8 else 2
            candidates = list(self._reader.terms_within("spelling", word, maxdist, prefix=1))
            if not candidates:
                continue
            best = min(candidates, key=lambda c: (-self._reader.doc_frequency("spelling", c), c))
            pieces.append(text[end : token.startchar] + best)
            end = token.endchar
            changes.append(f"{text[token.startchar : token.endchar]} → {best}")
        return "".join(pieces) + text[end:], changes

    def _docnums(self, fieldname: str, values: Sequence[str]) -> frozenset[int]:
        """The documents whose `fieldname` holds any of `values`."""
        docnums: set[int] = set()
        for value in values:
            if self._reader.doc_frequency(fieldname, value):
                docnums.update(self._reader.postings(fieldname, value).all_ids())
        return frozenset(docnums)

    def _tokens(self, text: str) -> list[str]:
        return [token.text for token in self._analyzer(text)]

    def _phrases(self, wordings: Sequence[str]) -> tuple[tuple[str, ...], ...]:
        phrases = {tuple(self._tokens(wording)) for wording in wordings}
        return tuple(sorted(phrase for phrase in phrases if phrase))


def search(
    index_dir: Path,
    query: str,
    *,
    deployment_type: str | None = None,
    source: str | None = None,
    limit: int = 10,
) -> SearchResponse:
    """Open the index in `index_dir`, answer one query, close it."""
    with KnowledgeIndex(index_dir) as knowledge:
        return knowledge.search(query, deployment_type=deployment_type, source=source, limit=limit)


# -- output for people -------------------------------------------------------------------------
def format_results(response: SearchResponse, width: int = 88, answer_lines: int = 12) -> str:
    """The results as numbered blocks: the question, then the article it comes from and the
    deployment types it applies to (with several articles, the first thing to check), the
    answer, then the section, date and links."""
    if not response.results:
        note = f" ({response.message})" if response.message else ""
        return f"No results for {response.query!r}{note}."
    blocks = []
    if response.message:
        blocks.append(f"Note: {response.message}.")
    indent = "    "
    for rank, result in enumerate(response.results, 1):
        lines = textwrap.wrap(f"{rank}. {result.question}", width=width, subsequent_indent=indent)
        source = result.source
        names = result.deployment_type_names or result.deployment_types
        lines += _labelled("Article", f"{source.title} ({readable_date(source.ms_date)})", width)
        lines += _labelled("Applies to", ", ".join(names) or "all deployment types", width)
        answer = textwrap.wrap(
            result.answer, width=width, initial_indent=indent, subsequent_indent=indent
        )
        if len(answer) > answer_lines:
            answer = [*answer[:answer_lines], f"{indent}[… more at the link below]"]
        lines.extend(answer)
        if source.heading:
            lines += _labelled("Section", source.heading, width)
        lines.append(f"{indent}Learn: {source.learn_url}")
        lines.append(f"{indent}Link: {result.url}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


# -- helpers -----------------------------------------------------------------------------------
def _labelled(label: str, value: str, width: int, indent: str = "    ") -> list[str]:
    return textwrap.wrap(
        f"{label}: {value}", width=width, initial_indent=indent, subsequent_indent=indent + "  "
    )


def _read_meta(index_dir: Path) -> dict[str, Any]:
    meta_path = index_dir / INDEX_META_FILE
    if not meta_path.is_file() or not whoosh_index.exists_in(str(index_dir)):
        raise SearchError(f"no search index in {index_dir}; run `privacy-kb build` first")
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SearchError(
            f"{meta_path}: unreadable ({error}); run `privacy-kb build` to rebuild the index"
        ) from None
    if not isinstance(meta, dict) or meta.get("format") != INDEX_FORMAT_VERSION:
        raise SearchError(
            f"{index_dir}: the search index was built by another version of privacy-kb; "
            "run `privacy-kb build` to rebuild it"
        )
    return meta


def _best_field_query(fields: Sequence[wq.Query], boost: float = 1.0) -> wq.Query:
    """One query word across the fields: its best field's score plus a share of them all.
    (Whoosh's `DisjunctionMax` keeps a `tiebreak` but scores the plain maximum.)"""
    fields = list(fields)
    if len(fields) == 1:
        return fields[0]
    return wq.Or([wq.DisjunctionMax(fields), wq.Or(fields, boost=FIELD_TIEBREAK)], boost=boost)


class _BestFieldGroup(syntax.GroupNode):
    """The parser node of one word searched in every field (see `_best_field_query`)."""

    qclass = staticmethod(_best_field_query)


def _make_parser(schema: Any) -> QueryParser:
    """OR-grouped parser over the text fields, each word scored by its best field. Field names
    (`x:`) and single quotes are plain text here: readers type "note: ..." and "don't", not
    Whoosh syntax."""
    parser = QueryParser(None, schema, group=OrGroup.factory(0.9))
    parser.add_plugin(plugins.MultifieldPlugin(list(FIELD_BOOSTS), FIELD_BOOSTS, _BestFieldGroup))
    parser.remove_plugin_class(plugins.FieldsPlugin)
    parser.remove_plugin_class(plugins.SingleQuotePlugin)
    return parser


def _clean(query: str) -> tuple[str, list[str]]:
    """Make any text safe to parse: a '?' is punctuation to readers, not a wildcard."""
    notes: list[str] = []
    text = query
    if len(text) > MAX_QUERY_CHARS:
        cut = text.rfind(" ", 0, MAX_QUERY_CHARS)
        text = text[: cut if cut > MAX_QUERY_CHARS // 2 else MAX_QUERY_CHARS]
        notes.append(f"the query was cut to its first {len(text):,} characters")
    text = _QUESTION_MARKS.sub(" ", text)
    text = _CURLY_DOUBLE_QUOTES.sub('"', text)
    return text.strip(), notes


def _join(notes: list[str]) -> str | None:
    return "; ".join(notes) if notes else None
