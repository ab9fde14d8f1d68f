"""Measure search quality on a set of plain-language questions (tests/questions.yml): the share
of questions whose right answer is the first result (hit@1) or among the first three (hit@3),
overall and per source article.

Reused by the tests, `make bench` and the closing note, so the numbers quoted are the numbers
tested: `python -m privacy_kb.questions_eval INDEX_DIR [QUESTIONS_YML]`.
"""

from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .links import source_slug
from .search import KnowledgeIndex, SearchResult

DEFAULT_QUESTIONS = Path(__file__).resolve().parents[2] / "tests" / "questions.yml"


@dataclass(frozen=True)
class BenchQuestion:
    """A question and how to recognise its right answer."""

    q: str
    answer_contains: tuple[str, ...]  # any one of these verbatim substrings
    deployment_type: str | None = None
    sources: tuple[str, ...] = ()  # article slugs the right entry may come from (empty: any)

    @property
    def article(self) -> str:
        """The article the question is about, for per-article rates."""
        return self.sources[0] if self.sources else "(any article)"

    def is_answered_by(self, result: SearchResult) -> bool:
        if self.deployment_type and self.deployment_type not in result.deployment_types:
            return False
        if self.sources and source_slug(result.source.path) not in self.sources:
            return False
        return any(expected in result.answer for expected in self.answer_contains)


@dataclass(frozen=True)
class Miss:
    question: BenchQuestion
    rank: int | None  # where the right answer came (None: not in the first ten)
    top: tuple[str, ...]  # ids of the first three results


@dataclass(frozen=True)
class ArticleScore:
    """The hit counts of the questions about one article."""

    article: str
    total: int
    hits_at_1: int
    hits_at_3: int


@dataclass(frozen=True)
class EvalReport:
    total: int
    hits_at_1: int
    hits_at_3: int
    misses: tuple[Miss, ...]  # every question not answered first
    median_ms: float
    by_article: tuple[ArticleScore, ...] = ()

    @property
    def hit_at_1(self) -> float:
        return self.hits_at_1 / self.total if self.total else 0.0

    @property
    def hit_at_3(self) -> float:
        return self.hits_at_3 / self.total if self.total else 0.0

    def summary(self) -> str:
        lines = [
            (
                f"hit@1 {self.hits_at_1}/{self.total} ({self.hit_at_1:.0%}), "
                f"hit@3 {self.hits_at_3}/{self.total} ({self.hit_at_3:.0%}), "
                f"median query {self.median_ms:.1f} ms"
            )
        ]
        for score in self.by_article:
            lines.append(
                f"  {score.article}: hit@1 {score.hits_at_1}/{score.total}, "
                f"hit@3 {score.hits_at_3}/{score.total}"
            )
        for miss in self.misses:
            rank = f"rank {miss.rank}" if miss.rank else "not in top 10"
            lines.append(f"  miss ({rank}): {miss.question.q!r} -> {', '.join(miss.top)}")
        return "\n".join(lines)


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[BenchQuestion]:
    """Read the question set; a malformed item is a ValueError naming its position."""
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError(f"{path}: expected a list of questions")  # noqa: TRY004 — bad file, not bad argument
    return [_question(item, path, number) for number, item in enumerate(data, 1)]


def evaluate(index_dir: Path, questions: list[BenchQuestion]) -> EvalReport:
    """Run every question against the index in `index_dir` and score the rankings."""
    hits_1 = hits_3 = 0
    misses: list[Miss] = []
    timings: list[float] = []
    per_article: dict[str, list[int]] = {}
    with KnowledgeIndex(index_dir) as knowledge:
        for question in questions:
            start = time.perf_counter()
            response = knowledge.search(question.q, limit=10)
            timings.append((time.perf_counter() - start) * 1000)
            rank = next(
                (
                    n
                    for n, result in enumerate(response.results, 1)
                    if question.is_answered_by(result)
                ),
                None,
            )
            hits_1 += rank == 1
            hits_3 += rank is not None and rank <= 3
            counts = per_article.setdefault(question.article, [0, 0, 0])
            counts[0] += 1
            counts[1] += rank == 1
            counts[2] += rank is not None and rank <= 3
            if rank != 1:
                top = tuple(result.id for result in response.results[:3])
                misses.append(Miss(question, rank, top))
    median = statistics.median(timings) if timings else 0.0
    by_article = tuple(ArticleScore(name, *per_article[name]) for name in sorted(per_article))
    return EvalReport(len(questions), hits_1, hits_3, tuple(misses), median, by_article)


def _question(item: Any, path: Path, number: int) -> BenchQuestion:
    if not isinstance(item, dict) or "q" not in item or "answer_contains" not in item:
        raise ValueError(f"{path}: question {number} needs 'q' and 'answer_contains'")
    expected = item["answer_contains"]
    expected = (expected,) if isinstance(expected, str) else tuple(str(e) for e in expected)
    sources = item.get("source") or ()
    sources = (sources,) if isinstance(sources, str) else tuple(str(s) for s in sources)
    return BenchQuestion(str(item["q"]), expected, item.get("deployment_type"), sources)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print("usage: python -m privacy_kb.questions_eval INDEX_DIR [QUESTIONS_YML]")
        return 2
    questions = load_questions(Path(args[1]) if len(args) > 1 else DEFAULT_QUESTIONS)
    print(evaluate(Path(args[0]), questions).summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
