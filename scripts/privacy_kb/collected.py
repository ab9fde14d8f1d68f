"""What the parse and extract stages hand to the index and page stages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
