"""The two kinds of processor of the source stage, in the style of Python-Markdown's.

- A `LineProcessor` is a construct that is a line of its own (`[!INCLUDE …]`, `:::zone …`,
  `#### [Tab](#tab/id)`). Like a `BlockProcessor`, it has `test` (does this line start my
  construct? the match, or None) and `run` (the markdown lines that replace it). `run` may
  decline with None (the next processor is tried; a line no processor takes is text), or take
  the line and show it as text with `AS_TEXT` (no other processor is tried).
- A `TextProcessor` is a construct inside a line (`<xref:…>`, `:::no-loc …:::`, an inline
  include, a link target). Like an `InlineProcessor`, `test` says whether the text may hold it
  (cheaply) and `run` returns the text rewritten. It sees only the parts of a line that are not
  code spans or HTML comments.

Each construct module defines its processors; the source stage (`docfx_source`) keeps them in
`markdown.util.Registry`s, tried in priority order. What a construct needs from the file being
scanned (the include reader, the `Conversion`, Markdown's `tab_length`) it asks of `source`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the source stage imports the construct modules, which import this one
    from .docfx_conversion import Conversion, FileState
    from .docfx_source import DocfxSourcePreprocessor


class _AsText(list):
    """The type of `AS_TEXT`: an empty list that is never a result's lines."""


AS_TEXT: list[str] = _AsText()  # a line processor took the line, and shows it as text
Lines = list[str] | None


class LineProcessor:
    """One construct that is a line of its own (see the module docstring)."""

    RE: re.Pattern[str]

    def __init__(self, source: DocfxSourcePreprocessor) -> None:
        self.source = source

    @property
    def conversion(self) -> Conversion:
        return self.source.conversion

    def test(self, state: FileState, line: str) -> re.Match[str] | None:
        return self.RE.match(line)

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        raise NotImplementedError


class TextProcessor:
    """One construct inside a line (see the module docstring)."""

    def __init__(self, source: DocfxSourcePreprocessor) -> None:
        self.source = source

    @property
    def conversion(self) -> Conversion:
        return self.source.conversion

    def test(self, text: str) -> bool:
        raise NotImplementedError

    def run(self, state: FileState, text: str, number: int, stack: tuple[str, ...]) -> str:
        raise NotImplementedError


TRIPLE_COLON = re.compile(
    r"^(?P<prefix>[ \t]*(?:>[ \t]?)*):::\s*(?P<name>[A-Za-z][\w-]*)(?P<rest>.*)$"
)


class TripleColonProcessor(LineProcessor):
    """A `:::name attrs:::` line whose name is one of `NAMES` (any name when it is empty)."""

    RE = TRIPLE_COLON
    NAMES: tuple[str, ...] = ()

    def test(self, state: FileState, line: str) -> re.Match[str] | None:
        match = self.RE.match(line)
        if match is None or (self.NAMES and match.group("name").lower() not in self.NAMES):
            return None
        return match


def triple_colon_parts(match: re.Match[str]) -> tuple[str, str, str, bool]:
    """(prefix, lower-case name, attributes without the closing `:::`, inside a blockquote)."""
    prefix = match.group("prefix")
    rest = re.sub(r":::\s*$", "", match.group("rest")).strip()
    return prefix, match.group("name").lower(), rest, ">" in prefix


def marker_lines(prefix: str, marker: str) -> list[str]:
    """A bodiless node's marker as a paragraph of its own, indented like its construct."""
    blank = prefix.rstrip()
    return [blank, prefix + marker, blank]
