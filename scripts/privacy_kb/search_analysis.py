"""One analysis and one ranking for both search runtimes: `privacy-kb search` (Whoosh) and the
site's search box (a small scorer in JavaScript, `site_overrides/assets/privacy-kb-search.js`).

The Sphinx way: everything that needs the stemmer, the stop words, the taxonomy or the field
statistics is computed here, at build time, once. What each query word is worth in each entry is
query-independent, so it is computed in advance as an integer *impact*:

    impact(term, entry) = best field + FIELD_TIEBREAK × sum of fields, each field scored by
                          its weight × BM25 (idf, term frequency, field length)

and both runtimes score an entry by adding the impacts of the query's terms, then multiply by
the boost of a deployment type the query names. Integer impacts are exact in Whoosh's float32
postings and in JavaScript's numbers, so the two runtimes compute the same scores, bit for bit,
and break ties the same way (entry order). The browser never stems: the build publishes every
word form of the sources and the taxonomy with its term (a lookup), and a word it has never seen
is corrected to the nearest known word, as the command line does.

Plain data only here; `index.py` writes it into Whoosh and `browser_index.py` into static files.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from whoosh.analysis import STOP_WORDS, Analyzer, StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import FieldType
from whoosh.formats import Frequency
from whoosh.system import pack_uint

from .links import source_slug
from .model import FaqEntry, Taxonomy

# Whoosh's English stop list is made for documents. Plain-language questions add words that are
# in nearly every question and never tell one answer from another ("what does my ... do").
# "who", "where" and "not" are deliberately absent: they pick the facet ("who hosts", "where is
# my data processed") or are meaningful in privacy statements.
QUESTION_STOP_WORDS = frozenset(
    (STOP_WORDS - {"not"})
    | {
        "am", "about", "any", "been", "being", "could", "did", "do", "does", "doing", "done",
        "get", "gets", "got", "has", "had", "how", "i", "i'm", "im", "into", "is", "its",
        "me", "my", "mine", "our", "ours", "should", "so", "some", "than", "them", "then",
        "there", "these", "they", "those", "was", "were", "what", "which", "would", "yes",
        "ok", "please", "tell", "know", "want", "hi", "hello",
    }
)  # fmt: skip
MIN_WORD_LENGTH = 2

# Fields and their weights. The question is worded by the taxonomy and is the best single
# signal; the answer is the source's own sentences; the rest is context that helps a query land
# on the right deployment type and facet without drowning the answer text.
# Chosen on the development questions only (a 32-point grid of these weights, the tiebreak and
# B; hit@1 on the whole answer / on the passage 84 / 76 → 89 / 79 of 96), never on the test set.
FIELD_BOOSTS: dict[str, float] = {
    "question": 1.5,
    "aliases": 2.0,
    "answer": 1.0,
    "heading": 0.8,
    "facet": 2.0,
    "deployment": 0.6,
    "title": 0.2,
}
# BM25: B is how much a long field is discounted (0: not at all, 1: fully by its length). Short
# fields (question, heading) barely vary; answers run from one sentence to a whole article's
# statements on a facet, and a long answer must not win by containing every word.
BM25_K1 = 1.2
BM25_B = 0.75
FIELD_B: dict[str, float] = {"answer": 1.0}
# A query word scores by its best field, plus this share of the sum of its fields' scores (1.0
# would be plain BM25F, the fields adding up): a word in the question, the facet and the
# heading is one word, not three matches. (The Whoosh query this replaced meant the same, but
# Whoosh's DisjunctionMax matcher takes the max of two different documents' scores.)
FIELD_TIEBREAK = 0.3
# Impacts are stored as integers of this many parts per score point (exact in both runtimes).
IMPACT_SCALE = 100
# How much more an entry of a deployment type the query names scores (multiplier).
NAMED_TYPE_FACTOR = 1.6
# How much more any other entry of an article that covers a named type scores: the article's
# general sections ("Preventing abuse") speak of its types without naming them.
NAMED_ARTICLE_FACTOR = 1.3
# Typos are corrected only in words at least this long (short words have too many neighbours),
# by at most one edit (two from this length on), keeping the first letter.
FUZZY_MIN_LENGTH = 5
FUZZY_TWO_EDITS_LENGTH = 8
FUZZY_PREFIX = 1
MAX_QUERY_CHARS = 1000
# Whoosh's RegexTokenizer default; the JavaScript uses the same with Unicode classes.
TOKEN_PATTERN = r"\w+(\.?\w+)*"


class FastTerms:
    """The analyzer's output (`make_analyzer`) without its generator chain: the same tokenizer
    pattern, lowercase, stop words and minimum length, and each word form's term memoised (a
    build's vocabulary is small next to its text). Tests check it agrees with the analyzer."""

    def __init__(self) -> None:
        from whoosh.lang.porter import stem

        # TOKEN_PATTERN without its capturing group, so findall returns whole tokens.
        self._pattern = re.compile(TOKEN_PATTERN.replace("(", "(?:"), re.UNICODE)
        self._stem = stem
        self._terms: dict[str, str | None] = {}  # token → its term; None: not a word form

    def tokens(self, text: str) -> list[str]:
        """Every token, lowercased, stop words included."""
        if text.isascii():  # lowercasing ASCII first moves no token boundary
            return self._pattern.findall(text.lower())
        return [token.lower() for token in self._pattern.findall(text)]

    def forms(self, text: str) -> list[str]:
        """The word forms (the spelling analyzer's output)."""
        terms, term_of = self._terms, self._term_of
        return [t for t in self.tokens(text) if (terms[t] if t in terms else term_of(t)) is not None]

    def __call__(self, text: str) -> list[str]:
        """The terms (the stemming analyzer's output)."""
        terms, term_of = self._terms, self._term_of
        out = [terms[t] if t in terms else term_of(t) for t in self.tokens(text)]
        return [term for term in out if term is not None]

    def counts(self, text: str) -> tuple[dict[str, int], frozenset[str]]:
        """Each term with its number of occurrences, and the word forms, of one text."""
        terms, term_of = self._terms, self._term_of
        counts: dict[str, int] = {}
        forms = []
        for token, occurrences in Counter(self.tokens(text)).items():
            term = terms[token] if token in terms else term_of(token)
            if term is not None:
                counts[term] = counts.get(term, 0) + occurrences
                forms.append(token)
        return counts, frozenset(forms)

    def term_set(self, text: str) -> list[str]:
        """The distinct terms of a text, sorted."""
        tokens = self.tokens(text)
        try:
            found = set(map(self._terms.__getitem__, tokens))
        except KeyError:  # a token not seen yet
            terms, term_of = self._terms, self._term_of
            found = {terms[t] if t in terms else term_of(t) for t in tokens}
        found.discard(None)
        return sorted(found)

    def _term_of(self, token: str) -> str | None:
        dropped = len(token) < MIN_WORD_LENGTH or token in QUESTION_STOP_WORDS
        term = self._terms[token] = None if dropped else self._stem(token)
        return term


def make_analyzer() -> Analyzer:
    """Lowercase, drop stop words (kept out of positions too), Porter-stem: 'training' ~ 'trained'."""
    return StemmingAnalyzer(stoplist=QUESTION_STOP_WORDS, minsize=MIN_WORD_LENGTH)


def make_spelling_analyzer() -> Analyzer:
    """The same words unstemmed: the word forms (the browser's lookup table) and the vocabulary
    typos are corrected against ('traning' is one edit from 'training', but its stem 'trane' is
    two from 'train')."""
    return StandardAnalyzer(stoplist=QUESTION_STOP_WORDS, minsize=MIN_WORD_LENGTH)


_ONE = pack_uint(1)  # a posting's value: its frequency, 1


class ImpactField(FieldType):
    """A Whoosh field indexed from a ready {term: integer impact} mapping: each posting's
    weight is the impact, so a query term's postings are the entries' scores for it."""

    def __init__(self) -> None:
        self.format = Frequency()
        self.analyzer = None
        self.scorable = False
        self.stored = False
        self.unique = False
        self.vector = None
        self.sortable_type = None

    def index(self, value: Any, **kwargs: Any) -> Iterable[tuple[bytes, int, float, bytes]]:
        # Whoosh's writer sorts postings by term itself.
        one = _ONE
        return [(term.encode("utf-8"), 1, float(impact), one) for term, impact in value.items()]

    @staticmethod
    def term_postings(
        postings: dict[str, tuple[list[int], list[int]]],
    ) -> dict[bytes, tuple[list[int], list[float], list[bytes]]]:
        """Whole postings lists (SearchCorpus.postings), each posting as `index` gives it."""
        return {
            term.encode("utf-8"): (docnums, list(map(float, impacts)), [_ONE] * len(docnums))
            for term, (docnums, impacts) in postings.items()
        }


@dataclass(frozen=True)
class TypeWording:
    """A deployment type and one of its wordings (name or alias), as analysed terms."""

    type_id: str
    terms: tuple[str, ...]


@dataclass
class SearchCorpus:
    """Everything both runtimes search, in entry-id order (the document number is the index)."""

    entries: list[FaqEntry]
    records: list[dict[str, Any]]  # what a result shows (index.entry_record)
    impacts: list[dict[str, int]]  # per entry: term → integer impact
    # The same inverted, by term in order: (entries in order, their impacts).
    postings: dict[str, tuple[list[int], list[int]]]
    entry_forms: list[frozenset[str]]  # per entry: its word forms (the spelling vocabulary)
    sentence_terms: list[list[list[str]]]  # per entry, per answer sentence: its terms, sorted
    forms: dict[str, str] = field(default_factory=dict)  # every word form → its term
    form_df: dict[str, int] = field(default_factory=dict)  # word form → entries containing it
    groups: list[int] = field(default_factory=list)  # per entry: first entry with the same answer
    group_types: list[tuple[str, ...]] = field(default_factory=list)  # per entry: its group's types
    wordings: tuple[TypeWording, ...] = ()
    sources: list[dict[str, Any]] = field(default_factory=list)


def entry_fields(entry: FaqEntry, taxonomy: Taxonomy, fast: FastTerms) -> dict[str, str]:
    """The searched text of an entry, by field (FIELD_BOOSTS)."""
    types = [t for t in taxonomy.deployment_types if t.id in entry.deployment_types]
    facets = [f for f in taxonomy.facets if f.id in entry.facets]
    facet_text = "\n".join(
        [f.name for f in facets] + [t.rstrip("*") for f in facets for t in f.triggers]
    )
    return {
        "question": entry.question,
        "aliases": _new_words(entry.aliases, entry.question, fast),
        "answer": entry.answer_text,
        "heading": entry.source.heading,
        "facet": facet_text,
        "deployment": "\n".join(term for t in types for term in (t.name, *t.aliases)),
        "title": entry.source.title,
    }


def analyse(
    entries: Iterable[FaqEntry], taxonomy: Taxonomy, record: Any
) -> SearchCorpus:
    """Analyse every entry once; `record(entry, sentences)` gives what a result shows.

    Each text is tokenized once (its term counts and word forms together); the texts entries
    share by construction (the taxonomy's facet and type words, an article's title, a
    section's heading) once per taxonomy item, article or section.
    """
    ordered = sorted(entries, key=lambda entry: entry.id)
    stemmer = make_analyzer()
    fast = FastTerms()
    count = len(ordered)
    term_counts: list[dict[str, dict[str, int]]] = []
    lengths: list[dict[str, int]] = []
    df: dict[str, Counter[str]] = {name: Counter() for name in FIELD_BOOSTS}
    total_length: Counter[str] = Counter()
    entry_forms: list[frozenset[str]] = []
    form_df: Counter[str] = Counter()
    sentences: list[list[str]] = []
    sentence_terms: list[list[list[str]]] = []
    shared: dict[tuple[str, ...], tuple[dict[str, int], frozenset[str]]] = {}
    for entry in ordered:
        fields = entry_fields(entry, taxonomy, fast)
        counts: dict[str, dict[str, int]] = {}
        forms: set[str] = set()
        for name, text in fields.items():
            key = _shared_key(name, entry)
            if key is None:
                counts[name], field_forms = fast.counts(text)
            else:
                if key not in shared:
                    shared[key] = fast.counts(text)
                counts[name], field_forms = shared[key]
            forms.update(field_forms)
            df[name].update(counts[name].keys())
        term_counts.append(counts)
        lengths.append({name: sum(c.values()) for name, c in counts.items()})
        for name, length in lengths[-1].items():
            total_length[name] += length
        for alias in entry.aliases:
            forms.update(fast.forms(alias))
        entry_forms.append(frozenset(forms))
        form_df.update(forms)
        sentences.append(answer_sentences(entry.answer_text))
        # Each sentence's terms, so choosing the passage analyses nothing at query time.
        sentence_terms.append([fast.term_set(sentence) for sentence in sentences[-1]])
    average = {name: (total_length[name] / count if count else 0.0) or 1.0 for name in FIELD_BOOSTS}
    # Each field's weight × idf, per term, once (not once per entry and term).
    weighted_idf = {
        name: {term: boost * (math.log(count / (n + 1)) + 1) for term, n in df[name].items()}
        for name, boost in FIELD_BOOSTS.items()
    }
    impacts = [
        _impacts(counts, length, weighted_idf, average)
        for counts, length in zip(term_counts, lengths, strict=True)
    ]
    forms_of = {form: _single(fast(form)) for form in sorted(form_df)}
    leaders: dict[str, int] = {}
    groups = [leaders.setdefault(entry.answer_text, n) for n, entry in enumerate(ordered)]
    members: dict[int, set[str]] = {}
    for entry, leader in zip(ordered, groups, strict=True):
        members.setdefault(leader, set()).update(entry.deployment_types)
    order = [t.id for t in taxonomy.deployment_types]
    group_types = [
        tuple(sorted(members[leader], key=lambda t: (order.index(t) if t in order else 999, t)))
        for leader in groups
    ]
    return SearchCorpus(
        entries=ordered,
        records=[record(entry, s) for entry, s in zip(ordered, sentences, strict=True)],
        impacts=impacts,
        postings=_inverted(impacts),
        entry_forms=entry_forms,
        sentence_terms=sentence_terms,
        forms={form: stem for form, stem in forms_of.items() if stem},
        form_df=dict(sorted(form_df.items())),
        groups=groups,
        group_types=group_types,
        wordings=type_wordings(taxonomy, stemmer),
        sources=_sources(ordered, taxonomy),
    )


def _inverted(impacts: list[dict[str, int]]) -> dict[str, tuple[list[int], list[int]]]:
    """Per term, in term order: the entries that have it, in order, and its impacts in them."""
    inverted: dict[str, list[tuple[int, int]]] = {}
    for docnum, entry_impacts in enumerate(impacts):
        for term, impact in entry_impacts.items():
            posting = (docnum, impact)
            postings = inverted.get(term)
            if postings is None:
                inverted[term] = [posting]
            else:
                postings.append(posting)
    first, second = itemgetter(0), itemgetter(1)
    return {
        term: (list(map(first, inverted[term])), list(map(second, inverted[term])))
        for term in sorted(inverted)
    }


def _shared_key(name: str, entry: FaqEntry) -> tuple[str, ...] | None:
    """What a field's text is made of when entries share it by construction, else None."""
    if name == "facet":
        return ("facet", *entry.facets)
    if name == "deployment":
        return ("deployment", *entry.deployment_types)
    if name == "title":
        return ("title", entry.source.path, entry.source.title)
    if name == "heading":
        return ("heading", entry.source.path, entry.source.heading)
    return None


def type_wordings(taxonomy: Taxonomy, stemmer: Analyzer | None = None) -> tuple[TypeWording, ...]:
    """Every wording of every deployment type as terms, longest first (a longer wording wins:
    "fine-tuned model for serverless API" names the fine-tuned type, not serverless API)."""
    stemmer = stemmer or make_analyzer()
    wordings = {
        TypeWording(t.id, tuple(token.text for token in stemmer(wording)))
        for t in taxonomy.deployment_types
        for wording in (t.name, *t.aliases)
    }
    return tuple(sorted((w for w in wordings if w.terms), key=lambda w: (-len(w.terms), w.terms, w.type_id)))


def named_types(terms: Sequence[str], wordings: Sequence[TypeWording | dict[str, Any]],
                type_order: Sequence[str]) -> tuple[str, ...]:
    """Deployment types the query's terms name, longest wording first; a wording the taxonomy
    gives several types ("Azure OpenAI", "standard deployment") names them all."""
    by_terms: dict[tuple[str, ...], list[str]] = {}
    for wording in wordings:
        type_id, words = (
            (wording.type_id, wording.terms) if isinstance(wording, TypeWording)
            else (wording["type"], tuple(wording["terms"]))
        )
        by_terms.setdefault(words, []).append(type_id)
    found: set[str] = set()
    used = [False] * len(terms)
    for words in sorted(by_terms, key=lambda words: (-len(words), words)):
        n = len(words)
        for start in range(len(terms) - n + 1):
            if tuple(terms[start : start + n]) == words and not any(used[start : start + n]):
                used[start : start + n] = [True] * n
                found.update(by_terms[words])
    return tuple(type_id for type_id in type_order if type_id in found)


def passage_weight(doc_frequency: int, doc_count: int) -> int:
    """What a query term is worth when choosing the passage: its idf over all entries."""
    # Rounded half up, as JavaScript's Math.round does (Python's round() rounds half to even).
    return math.floor((math.log(doc_count / (doc_frequency + 1)) + 1) * IMPACT_SCALE + 0.5)


def best_passage(sentences: Sequence[str], sentence_terms: Sequence[set[str]],
                 weights: dict[str, int]) -> tuple[int, int]:
    """The first and last index of the passage: the sentence whose query terms weigh most (the
    first on a tie; the first sentence when none has a query term), with the neighbour (the next
    one on a tie) that adds the most query terms it lacks, if any does."""
    best, best_score = 0, 0
    for number, terms in enumerate(sentence_terms):
        score = sum(weights.get(term, 0) for term in terms)
        if score > best_score:
            best, best_score = number, score
    has = sentence_terms[best] if sentence_terms else set()
    grown, gain = best, 0
    for neighbour in (best + 1, best - 1):
        if 0 <= neighbour < len(sentence_terms):
            adds = sum(weights.get(term, 0) for term in sentence_terms[neighbour] - has)
            if adds > gain:
                grown, gain = neighbour, adds
    return min(best, grown), max(best, grown)


def passage_of(sentences: Sequence[str], first: int, last: int) -> str:
    """The passage's sentences as one text (sentences of an answer are separated by a space)."""
    return " ".join(sentences[first : last + 1])


def answer_sentences(answer_text: str) -> list[str]:
    """The answer's sentences, verbatim, split by the extractor's rules."""
    from .sentences import split_text

    return [s for line in answer_text.split("\n") if line.strip() for s in split_text(line)] or [
        answer_text
    ]


def _impacts(
    counts: dict[str, dict[str, int]],
    lengths: dict[str, int],
    weighted_idf: dict[str, dict[str, float]],
    average: dict[str, float],
) -> dict[str, int]:
    # Per term: its best field's score and the sum of its fields' scores (added in field order).
    best: dict[str, float] = {}
    total: dict[str, float] = {}
    k1_plus_1 = BM25_K1 + 1
    for name, terms in counts.items():
        b = FIELD_B.get(name, BM25_B)
        norm = BM25_K1 * ((1 - b) + b * lengths[name] / average[name])
        field_idf = weighted_idf[name]
        for term, tf in terms.items():
            score = field_idf[term] * (tf * k1_plus_1) / (tf + norm)
            if term in best:
                total[term] += score
                if score > best[term]:
                    best[term] = score
            else:
                best[term] = total[term] = score
    return {
        term: max(1, round((best[term] + FIELD_TIEBREAK * total[term]) * IMPACT_SCALE))
        for term in sorted(best)
    }


def _new_words(aliases: Sequence[str], question: str, fast: FastTerms) -> str:
    """The words the aliases add to the question, once each, in first-seen order.

    Aliases are other wordings of the same question ("... when I use MaaS?"); indexed whole,
    their repeated question words would outweigh the question itself and favour entries that
    happen to have many aliases.
    """
    seen = set(fast(question))
    words: list[str] = []
    for alias in aliases:
        for word in fast.forms(alias):
            stems = fast(word)
            if stems and stems[0] not in seen:
                seen.add(stems[0])
                words.append(word)
    return " ".join(words)


def _single(terms: list[str]) -> str:
    return terms[0] if len(terms) == 1 else ""


def _sources(entries: Sequence[FaqEntry], taxonomy: Taxonomy) -> list[dict[str, Any]]:
    sources: dict[str, dict[str, Any]] = {}
    for entry in entries:
        sources.setdefault(
            entry.source.path,
            {"path": entry.source.path, "slug": source_slug(entry.source.path),
             "title": entry.source.title, "ms_date": entry.source.ms_date,
             "types": [t.id for t in taxonomy.types_of_article(entry.source.path)]},
        )  # fmt: skip
    return [sources[path] for path in sorted(sources)]
