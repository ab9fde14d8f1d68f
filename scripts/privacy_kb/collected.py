"""What the parse and extract stages hand to the index and page stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .extract import CellReport
from .model import FaqEntry, SourceDocument, Taxonomy
from .problems import Problem


@dataclass(frozen=True)
class Collected:
    """Everything known about one source root after extraction."""

    source_root: Path
    taxonomy: Taxonomy
    documents: tuple[SourceDocument, ...]
    entries: tuple[FaqEntry, ...]
    problems: tuple[Problem, ...]
    known_problems: tuple[str, ...]  # accepted upstream problems, as "path:line: what"
    # Image files the articles show that exist inside the source root (relative, sorted):
    # published with the site (media.py).
    media: tuple[str, ...] = ()
    # How each deployment type × facet cell was filled (overrides, doubts): the build report.
    cells: tuple[CellReport, ...] = ()
    # Answer id → (ISO date, build number) of the published build that last changed its text
    # (changes.py); empty when built without a record of what was published.
    last_changed: dict[str, tuple[str, int]] = field(default_factory=dict)
