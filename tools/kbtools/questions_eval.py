"""Measure search quality on a set of plain-language questions: the share of questions whose
right answer is the first result (hit@1) or among the first three (hit@3), overall and per
source article, judged on the PASSAGE (what a reader sees first: `answer_contains` must be in
the result's passage) and on the whole answer.

Two sets (see their headers): `tests/questions-dev.yml`, the development part the ranking may be
tuned on, and `tests/questions-test.yml`, held out: written before any tuning, never tuned to.
Questions marked `answer_contains: null` are not answered by the articles; they are reported
apart (how strongly the search still answers them), never counted as hits or misses.

Reused by the tests, `make bench`, the site's search-box evaluation (`site_search_eval`) and the
closing note, so the numbers quoted are the numbers tested:
`python -m kbtools.questions_eval INDEX_DIR [QUESTIONS_YML]`.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from privacy_kb.links import source_slug

TESTS = Path(__file__).resolve().parents[2] / "tests"
DEV_QUESTIONS = TESTS / "questions-dev.yml"
TEST_QUESTIONS = TESTS / "questions-test.yml"
DEFAULT_QUESTIONS = DEV_QUESTIONS


@dataclass(frozen=True)
class Shown:
    """One result as a reader gets it, from either runtime."""

    id: str
    passage: str
    answer: str
    deployment_types: tuple[str, ...]
    source_path: str
    score: float = 0.0


@dataclass(frozen=True)
class BenchQuestion:
    """A question and how to recognise its right answer (none: the articles don't answer it)."""

    q: str
    answer_contains: tuple[str, ...]  # any one of these verbatim substrings
    deployment_type: str | None = None
    sources: tuple[str, ...] = ()  # article slugs the right entry may come from (empty: any)

    @property
    def answerable(self) -> bool:
        return bool(self.answer_contains)

    @property
    def article(self) -> str:
        """The article the question is about, for per-article rates."""
        return self.sources[0] if self.sources else "(any article)"

    def is_answered_by(self, result: Any, *, on: str = "passage") -> bool:
        """`result` (a Shown or a search.SearchResult) answers: right type and article, and
        the expected words in its passage (`on="passage"`) or anywhere in its answer."""
        types = result.deployment_types
        path = getattr(result, "source_path", None) or result.source.path
        if self.deployment_type and self.deployment_type not in types:
            return False
        if self.sources and source_slug(path) not in self.sources:
            return False
        text = " ".join((result.passage if on == "passage" else result.answer).split())
        return any(" ".join(expected.split()) in text for expected in self.answer_contains)


@dataclass(frozen=True)
class Miss:
    question: BenchQuestion
    rank: int | None  # where the right passage came (None: not in the first ten)
    top: tuple[str, ...]  # ids of the first three results


@dataclass(frozen=True)
class ArticleScore:
    """The hit counts (on the passage) of the questions about one article."""

    article: str
    total: int
    hits_at_1: int
    hits_at_3: int


@dataclass(frozen=True)
class Unanswered:
    """A question the articles don't answer, and how strongly the search answered anyway."""

    question: BenchQuestion
    top_score: float | None  # None: no result at all
    top: str | None


@dataclass(frozen=True)
class EvalReport:
    total: int  # answerable questions
    hits_at_1: int  # judged on the passage
    hits_at_3: int
    misses: tuple[Miss, ...]  # every answerable question not answered first (on the passage)
    median_ms: float
    by_article: tuple[ArticleScore, ...] = ()
    answer_hits_at_1: int = 0  # judged on the whole answer
    answer_hits_at_3: int = 0
    unanswered: tuple[Unanswered, ...] = ()
    median_top_score: float = 0.0  # of the answerable questions, for comparison
    top_ids: tuple[str | None, ...] = ()  # per question (all of them, in order): the first result

    @property
    def hit_at_1(self) -> float:
        return self.hits_at_1 / self.total if self.total else 0.0

    @property
    def hit_at_3(self) -> float:
        return self.hits_at_3 / self.total if self.total else 0.0

    @property
    def answer_hit_at_1(self) -> float:
        return self.answer_hits_at_1 / self.total if self.total else 0.0

    @property
    def answer_hit_at_3(self) -> float:
        return self.answer_hits_at_3 / self.total if self.total else 0.0

    def summary(self) -> str:
        lines = [
            f"{self.total} answerable questions; on the passage: hit@1 {self.hits_at_1}/"
            f"{self.total} ({self.hit_at_1:.0%}), hit@3 {self.hits_at_3}/{self.total} "
            f"({self.hit_at_3:.0%}); on the whole answer: hit@1 {self.answer_hits_at_1}/"
            f"{self.total} ({self.answer_hit_at_1:.0%}), hit@3 {self.answer_hits_at_3}/"
            f"{self.total} ({self.answer_hit_at_3:.0%}); median query {self.median_ms:.1f} ms"
        ]
        for score in self.by_article:
            lines.append(
                f"  {score.article}: hit@1 {score.hits_at_1}/{score.total}, "
                f"hit@3 {score.hits_at_3}/{score.total}"
            )
        if self.unanswered:
            scores = [u.top_score for u in self.unanswered if u.top_score is not None]
            none = sum(1 for u in self.unanswered if u.top_score is None)
            median = f"{statistics.median(scores):.1f}" if scores else "-"
            lines.append(
                f"{len(self.unanswered)} questions the articles don't answer: {none} get no "
                f"result; median top score {median} (answerable questions: "
                f"{self.median_top_score:.1f})"
            )
            for item in self.unanswered:
                score = "no result" if item.top_score is None else f"{item.top_score:.1f}"
                lines.append(f"  unanswerable ({score}): {item.question.q!r} -> {item.top}")
        for miss in self.misses:
            rank = f"rank {miss.rank}" if miss.rank else "not in top 10"
            lines.append(f"  miss ({rank}): {miss.question.q!r} -> {', '.join(miss.top)}")
        return "\n".join(lines)


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[BenchQuestion]:
    """Read a question set; a malformed item is a ValueError naming its position."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of questions")  # noqa: TRY004 — bad file, not bad argument
    return [_question(item, path, number) for number, item in enumerate(data, 1)]


def judge(
    questions: Sequence[BenchQuestion],
    rankings: Sequence[Sequence[Any]],
    timings: Sequence[float] = (),
) -> EvalReport:
    """Score the rankings (one list of results per question, best first)."""
    hits_1 = hits_3 = answer_1 = answer_3 = 0
    misses: list[Miss] = []
    unanswered: list[Unanswered] = []
    top_scores: list[float] = []
    per_article: dict[str, list[int]] = {}
    for question, results in zip(questions, rankings, strict=True):
        if not question.answerable:
            top = results[0] if results else None
            unanswered.append(Unanswered(question, top.score if top else None,
                                         top.id if top else None))  # fmt: skip
            continue
        if results:
            top_scores.append(results[0].score)
        rank = _rank(question, results, "passage")
        answer_rank = _rank(question, results, "answer")
        hits_1 += rank == 1
        hits_3 += rank is not None and rank <= 3
        answer_1 += answer_rank == 1
        answer_3 += answer_rank is not None and answer_rank <= 3
        counts = per_article.setdefault(question.article, [0, 0, 0])
        counts[0] += 1
        counts[1] += rank == 1
        counts[2] += rank is not None and rank <= 3
        if rank != 1:
            misses.append(Miss(question, rank, tuple(result.id for result in results[:3])))
    by_article = tuple(ArticleScore(name, *per_article[name]) for name in sorted(per_article))
    return EvalReport(
        total=sum(1 for q in questions if q.answerable),
        hits_at_1=hits_1,
        hits_at_3=hits_3,
        misses=tuple(misses),
        median_ms=statistics.median(timings) if timings else 0.0,
        by_article=by_article,
        answer_hits_at_1=answer_1,
        answer_hits_at_3=answer_3,
        unanswered=tuple(unanswered),
        median_top_score=statistics.median(top_scores) if top_scores else 0.0,
        top_ids=tuple(results[0].id if results else None for results in rankings),
    )


def evaluate(index_dir: Path, questions: list[BenchQuestion]) -> EvalReport:
    """Run every question through `privacy-kb search`'s engine and score the rankings."""
    from privacy_kb.search import KnowledgeIndex

    rankings = []
    timings: list[float] = []
    with KnowledgeIndex(index_dir) as knowledge:
        for question in questions:
            start = time.perf_counter()
            response = knowledge.search(question.q, limit=10)
            timings.append((time.perf_counter() - start) * 1000)
            rankings.append(response.results)
    return judge(questions, rankings, timings)


def _rank(question: BenchQuestion, results: Sequence[Any], on: str) -> int | None:
    return next(
        (n for n, result in enumerate(results, 1) if question.is_answered_by(result, on=on)),
        None,
    )


def _question(item: Any, path: Path, number: int) -> BenchQuestion:
    if not isinstance(item, dict) or "q" not in item or "answer_contains" not in item:
        raise ValueError(f"{path}: question {number} needs 'q' and 'answer_contains'")
    expected = item["answer_contains"]
    if expected is None:
        expected = ()
    elif isinstance(expected, str):
        expected = (expected,)
    else:
        expected = tuple(str(e) for e in expected)
    sources = item.get("source") or ()
    sources = (sources,) if isinstance(sources, str) else tuple(str(s) for s in sources)
    return BenchQuestion(str(item["q"]), expected, item.get("deployment_type"), sources)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m kbtools.questions_eval INDEX_DIR [QUESTIONS_YML]")
        return 2
    questions = load_questions(Path(args[1]) if len(args) > 1 else DEFAULT_QUESTIONS)
    print(evaluate(Path(args[0]), questions).summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
