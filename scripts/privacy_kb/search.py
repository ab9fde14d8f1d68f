"""Query the Whoosh index built by `index.write_index`: plain-language questions in, ranked
verbatim answers out (as objects, as the `--json` contract, or as text for a terminal).

The ranking is the one of `search_analysis`, shared with the site's search box: the query is
analysed (stop words, Porter stems), a word the index has never seen is corrected to the
nearest indexed word (typos), and an entry scores the sum of its precomputed impacts for the
query's terms, read from Whoosh's postings; an entry of a deployment type the query names (by
its taxonomy name or any alias, e.g. "MaaS") scores NAMED_TYPE_FACTOR times more, any other
entry of an article that covers that type NAMED_ARTICLE_FACTOR times more. Entries whose answer
is the same statement (one per deployment type) come back as one result naming all its types.
Each result carries its passage: the sentence of its answer that best matches the query.
Ranking comes from the index, the analyzer and the taxonomy, never from known questions.
Any text is a valid query; only a missing index or an unknown filter value is an error.
"""

from __future__ import annotations

import heapq
import json
import re
import textwrap
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, filterfalse
from pathlib import Path
from typing import Any, Self

from whoosh import index as whoosh_index

from .dates import readable_date
from .index import INDEX_FORMAT_VERSION, INDEX_META_FILE, stored_record
from .search_analysis import (
    FUZZY_MIN_LENGTH,
    FUZZY_PREFIX,
    FUZZY_TWO_EDITS_LENGTH,
    IMPACT_SCALE,
    MAX_QUERY_CHARS,
    NAMED_ARTICLE_FACTOR,
    NAMED_TYPE_FACTOR,
    best_passage,
    make_analyzer,
    make_spelling_analyzer,
    named_types,
    passage_of,
    passage_weight,
)

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
    # The sentence of the answer that best matches the query, verbatim (the answer when unsplit).
    passage: str = ""
    # Other entries with the same answer (the same statement for other deployment types).
    same_answer: tuple[str, ...] = ()

    @classmethod
    def from_record(
        cls,
        record: dict[str, Any],
        score: float,
        passage: str = "",
        types: Sequence[str] = (),
        names: Sequence[str] = (),
        same_answer: Sequence[str] = (),
    ) -> SearchResult:
        return cls(
            id=record["id"],
            question=record["question"],
            answer=record["answer"],
            url=record["url"],
            deployment_types=tuple(types or record["deployment_types"]),
            facets=tuple(record["facets"]),
            score=round(score, 4),
            source=ResultSource(**record["source"]),
            kind=record.get("kind", ""),
            deployment_type_names=tuple(names or record.get("deployment_type_names", ())),
            passage=passage or record["answer"],
            same_answer=tuple(same_answer),
        )

    def to_dict(self) -> dict[str, Any]:
        """The `--json` result object (PRODUCT.md), plus `source.title` and the deployment
        types' display names: with several articles, a bot must say where an answer is from."""
        return {
            "id": self.id,
            "question": self.question,
            "passage": self.passage,
            "answer": self.answer,
            "url": self.url,
            "deployment_types": list(self.deployment_types),
            "deployment_type_names": list(self.deployment_type_names),
            "facets": list(self.facets),
            "score": self.score,
            "source": self.source.to_dict(),
            "same_answer": list(self.same_answer),
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


@dataclass
class KnowledgeIndex:
    """An open index; reuse it for many queries (opening costs more than querying)."""

    index_dir: Path
    _ix: Any = field(init=False, repr=False)
    _reader: Any = field(init=False, repr=False)
    _meta: dict[str, Any] = field(init=False, repr=False)

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
        self._doc_count = self._reader.doc_count_all()
        self._analyzer = make_analyzer()
        self._spelling = make_spelling_analyzer()
        self._type_order = tuple(t["id"] for t in self._meta["deployment_types"])
        self._type_names = {t["id"]: t["name"] for t in self._meta["deployment_types"]}

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
        return self._type_order

    @property
    def sources(self) -> tuple[dict[str, str], ...]:
        return tuple(self._meta["sources"])

    def named_types(self, query: str) -> tuple[str, ...]:
        """Deployment types the query names, by name or alias (search_analysis.named_types)."""
        return named_types(self._tokens(query), self._meta["wordings"], self._type_order)

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
        allowed = self._filters(deployment_type, source)
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
        terms = self._tokens(text)
        named = named_types(terms, self._meta["wordings"], self._type_order)
        ranked = self._rank(terms, named, allowed)
        results = self._results(ranked, terms, max(1, limit))
        if not results:
            notes.append("no entry matches these words")
        return SearchResponse(query, results, _join(notes), named)

    def _rank(
        self, terms: Sequence[str], named: Sequence[str], allowed: frozenset[int] | None
    ) -> Iterator[tuple[float, int]]:
        """(-score, docnum) of every matching entry, best first, entry order on a tie; lazily:
        only the few results shown are ever computed in Python, the sorting is done in C."""
        sums = [0.0] * self._doc_count
        touched: set[int] = set()
        for term in dict.fromkeys(terms):
            for ids, weights in _posting_blocks(self._reader, "impact", term):
                touched.update(ids)
                for docnum, impact in zip(ids, weights):  # noqa: B905 — same block, same length
                    sums[docnum] += impact
        typed = self._docnums("type_ids", named)
        covered = self._docnums("source_path", self.articles_covering(named)) - typed
        if allowed is not None:
            touched &= allowed
        # By sum of impacts, highest first, then by entry (a stable sort of sorted numbers).
        order = sorted(touched)
        order.sort(key=sums.__getitem__, reverse=True)
        # score = impacts / IMPACT_SCALE, × the factor of a named type or its article: the order
        # within each of the three classes is the order of the sums; merge the three.
        special = typed | covered
        classes = (
            (filterfalse(special.__contains__, order), None),
            (filter(typed.__contains__, order), NAMED_TYPE_FACTOR),
            (filter(covered.__contains__, order), NAMED_ARTICLE_FACTOR),
        )
        return heapq.merge(*(_scored(docnums, sums, factor) for docnums, factor in classes))

    def _results(
        self, ranked: Iterator[tuple[float, int]], terms: Sequence[str], limit: int
    ) -> tuple[SearchResult, ...]:
        """The first `limit` answers: an entry with the same answer as a better one is folded
        into it (the result names the deployment types of every entry with that answer)."""
        groups = self._meta["groups"]
        seen: set[int] = set()
        chosen: list[tuple[float, int]] = []
        for negative, docnum in ranked:
            if len(chosen) == limit:
                break
            if groups[docnum] not in seen:
                seen.add(groups[docnum])
                chosen.append((-negative, docnum))
        weights = {
            term: passage_weight(self._reader.doc_frequency("impact", term), self._doc_count)
            for term in terms
        }
        results = []
        for score, docnum in chosen:
            record = stored_record(self._reader.stored_fields(docnum)["record"])
            types = record.get("group_types") or record["deployment_types"]
            results.append(SearchResult.from_record(
                record, score, self._passage(record, weights), types,
                [self._type_names.get(t, t) for t in types], self._same_answer(docnum, record),
            ))  # fmt: skip
        return tuple(results)

    def _same_answer(self, docnum: int, record: dict[str, Any]) -> list[str]:
        """The other entries with this answer (listed on the first entry with it)."""
        leader = self._meta["groups"][docnum]
        first = record if leader == docnum else self._reader.stored_fields(leader)["record"]
        return [i for i in first.get("group", ()) if i != record["id"]]

    def _passage(self, record: dict[str, Any], weights: dict[str, int]) -> str:
        sentences = record.get("sentences") or [record["answer"]]
        terms = record.get("sentence_terms") or [self._tokens(s) for s in sentences]
        first, last = best_passage(sentences, [set(t) for t in terms], weights)
        return passage_of(sentences, first, last)

    def _filters(self, deployment_type: str | None, source: str | None) -> frozenset[int] | None:
        """The documents the filters allow (None: all)."""
        allowed: frozenset[int] | None = None
        if deployment_type is not None:
            if deployment_type not in self.deployment_type_ids:
                valid = ", ".join(self.deployment_type_ids)
                raise SearchError(
                    f"unknown deployment type {deployment_type!r}; valid ids: {valid}"
                )
            allowed = self._docnums("type_ids", [deployment_type])
        if source is not None:
            match = [s for s in self.sources if source in (s["path"], s["slug"])]
            if not match:
                valid = ", ".join(s["slug"] for s in self.sources) or "(none indexed)"
                raise SearchError(f"unknown source {source!r}; indexed sources: {valid}")
            of_source = self._docnums("source_path", [match[0]["path"]])
            allowed = of_source if allowed is None else allowed & of_source
        return allowed

    def _correct_typos(self, text: str) -> tuple[str, list[str]]:
        """Replace each word the index has never seen by the most common indexed word one edit
        away (two for long words), same first letter: 'traning' -> 'training'. Returns the text
        and what changed."""
        pieces: list[str] = []
        changes: list[str] = []
        end = 0
        for token in self._spelling(text, chars=True):
            word = token.text
            if len(word) < FUZZY_MIN_LENGTH or self._reader.doc_frequency("spelling", word):
                continue
            if any(self._reader.doc_frequency("impact", stem) for stem in self._tokens(word)):
                continue
            maxdist = 1 if len(word) < FUZZY_TWO_EDITS_LENGTH else 2
            candidates = list(
                self._reader.terms_within("spelling", word, maxdist, prefix=FUZZY_PREFIX)
            )
            if not candidates:
                continue
            best = min(candidates, key=lambda c: (-self._reader.frequency("spelling", c), c))
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


def _scored(
    docnums: Iterable[int], sums: list[float], factor: float | None
) -> Iterator[tuple[float, int]]:
    for docnum in docnums:
        score = sums[docnum] / IMPACT_SCALE
        yield (-(score * factor) if factor is not None else -score), docnum


def _posting_blocks(reader: Any, fieldname: str, term: str) -> Iterator[tuple[Any, Any]]:
    """(docnums, weights) of a term's postings, block by block: whoosh3's block arrays when its
    reader has them (a Python call per posting costs ten times more at 16k entries)."""
    if not reader.doc_frequency(fieldname, term):
        return
    matcher = reader.postings(fieldname, term)
    if not all(hasattr(matcher, name) for name in ("_read_data", "_data", "_next_block")):
        ids, weights = [], []
        while matcher.is_active():  # any other Whoosh codec: one posting at a time
            ids.append(matcher.id())
            weights.append(matcher.weight())
            matcher.next()
        yield ids, weights
        return
    while matcher.is_active():
        matcher._read_data()  # noqa: SLF001 — whoosh3's block reader (pinned version)
        deltas, weights = matcher._data[0], matcher._data[1]  # noqa: SLF001
        ids = list(accumulate(deltas))  # whoosh3 keeps document numbers delta-encoded
        if weights is None or isinstance(weights, float):
            weights = [1.0 if weights is None else weights] * len(ids)
        yield ids, weights
        matcher._next_block()  # noqa: SLF001


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
def format_results(response: SearchResponse, width: int = 88) -> str:
    """The results as numbered blocks: the question, then the passage that answers it (the
    source's own sentence), the deployment types it applies to and the article it comes from
    (with several articles, the first thing to check), then the section, date and links."""
    if not response.results:
        note = f" ({response.message})" if response.message else ""
        return f"No results for {response.query!r}{note}."
    blocks = []
    if response.message:
        blocks.append(f"Note: {response.message}.")
    indent = "    "
    for rank, result in enumerate(response.results, 1):
        lines = textwrap.wrap(f"{rank}. {result.question}", width=width, subsequent_indent=indent)
        lines += textwrap.wrap(
            result.passage, width=width, initial_indent=indent, subsequent_indent=indent
        )
        if result.passage != result.answer:
            lines.append(f"{indent}[the whole answer: at the link below]")
        source = result.source
        names = result.deployment_type_names or result.deployment_types
        lines += _labelled("Applies to", "; ".join(names) or "all deployment types", width)
        lines += _labelled("Article", f"{source.title} ({readable_date(source.ms_date)})", width)
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
