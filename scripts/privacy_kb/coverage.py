"""Nothing lost: every body sentence of an article must be quoted by at least one entry."""

from __future__ import annotations

from dataclasses import dataclass

from .collected import Collected
from .sentences import split_text


@dataclass(frozen=True)
class ArticleCoverage:
    path: str
    sentences: int
    missing: tuple[str, ...]  # body sentences no entry quotes

    @property
    def percent(self) -> float:
        return 100.0 if not self.sentences else 100.0 * (1 - len(self.missing) / self.sentences)


def coverage_of(collected: Collected) -> list[ArticleCoverage]:
    navigation = {h.casefold() for h in collected.taxonomy.navigation_headings}
    answers_of: dict[str, list[str]] = {}  # by article, once: not every entry per article
    for entry in collected.entries:
        answers_of.setdefault(entry.source.path, []).append(entry.answer_text)
    result = []
    for document in collected.documents:
        answers = answers_of.get(document.path, [])
        sentences = [
            sentence
            for section in document.sections
            if section.heading.strip().casefold() not in navigation
            for sentence in split_text(section.text)
        ]
        missing = tuple(s for s in sentences if not any(s in answer for answer in answers))
        result.append(ArticleCoverage(document.path, len(sentences), missing))
    return result
