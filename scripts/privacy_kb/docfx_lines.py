"""The source stage's block processors: one small class per DocFX construct that is a line.

Like Python-Markdown's `BlockProcessor`s, each has `test` (does this line start my construct?)
and `run` (the markdown lines that replace it, or None to decline: the next processor is tried,
and a line no processor takes stays text). They are kept in a `markdown.util.Registry`, tried in
priority order; what a construct needs from the file (includes, nodes, the container stack, the
problem reporter) it asks of the source stage (`docfx_source.DocfxSourcePreprocessor`).

| processor | priority | construct |
|---|---|---|
| `div` | 90 | `> [!div class="…"]` on a line of its own, so that a list can follow it |
| `include` | 80 | `[!INCLUDE [name](path "title")]` on a line of its own |
| `code_snippet` | 70 | `[!code-lang[name](file?range=…#tag "title")]`, `[!notebook-…]` |
| `indented_heading` | 60 | `   ## heading` (up to 3 spaces before `#`, CommonMark) |
| `tab` | 50 | `#### [Title](#tab/id)` |
| `tab_group_end` | 40 | `---` (or `- - -`) inside a tab group |
| `tab_heading_end` | 30 | a heading above the tabs' level ends the tab group |
| `triple_colon` | 20 | `:::image`, `:::code`, `:::video`, zones, monikers, rows, columns |
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from markdown.util import Registry

from .docfx_code import parse_snippet_line
from .docfx_placeholders import node_marker

if TYPE_CHECKING:  # the source stage imports this module
    from .docfx_source import DocfxSourcePreprocessor, _FileState

Lines = list[str] | None


class LineProcessor:
    """One construct that is a line of its own (see the module docstring)."""

    RE: re.Pattern[str]

    def __init__(self, source: DocfxSourcePreprocessor) -> None:
        self.source = source

    def test(self, state: _FileState, line: str) -> re.Match[str] | None:
        return self.RE.match(line)

    def run(self, state: _FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        raise NotImplementedError


class DivProcessor(LineProcessor):
    RE = re.compile(r"^(?P<prefix>[ \t]*>)[ \t]*\[!div\b[^\]]*\][ \t]*$", re.I)

    def run(self, state: _FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        line = match.group(0)
        return [self.source._inline(state, line, number, stack), match.group("prefix")]


class IncludeProcessor(LineProcessor):
    def test(self, state: _FileState, line: str) -> re.Match[str] | None:
        from .docfx_source import _BLOCK_INCLUDE

        return _BLOCK_INCLUDE.match(line)

    def run(self, state: _FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        return self.source._block_include(state, match, number, stack)


class CodeSnippetProcessor(LineProcessor):
    RE = re.compile(r"^(?P<prefix>[ \t]*(?:>[ \t]?)*)(?P<rest>\[!.*)$")

    def test(self, state: _FileState, line: str) -> re.Match[str] | None:
        return self.RE.match(line) if "[!" in line else None

    def run(self, state: _FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        snippet = parse_snippet_line(match.group("rest"))
        if snippet is None:
            return None
        prefix = match.group("prefix")
        node = self.source._code_snippet(snippet, state.path, number)
        return [prefix.rstrip(), prefix + node_marker(node), prefix.rstrip()]


class IndentedHeadingProcessor(LineProcessor):
    RE = re.compile(r"^ {1,3}#{1,6}(?:[ \t]|$)")

    def test(self, state: _FileState, line: str) -> re.Match[str] | None:
        return self.RE.match(line) if state.text_kind != "list" else None

    def run(self, state: _FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        return [match.string.lstrip(" ")]


class TabProcessor(LineProcessor):
    RE = re.compile(
        r"^(?P<hashes>#{1,6})[ \t]+(?:<a\b[^<>]*>\s*</a>\s*)?"
        r"\[(?P<title>[^\]]+)\]\(#tab/(?P<id>[^)\s]+)\)\s*$"
    )

    def run(self, state: _FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        return self.source._tab(state, match, number)


class TabGroupEndProcessor(LineProcessor):
    RE = re.compile(r"^ {0,3}-[ \t]*-[ \t]*-[ \t-]*$")  # a thematic break of dashes

    def test(self, state: _FileState, line: str) -> re.Match[str] | None:
        return self.RE.match(line) if state.tab_level else None

    def run(self, state: _FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        return self.source._close_until(state, "tabs")


class TabHeadingEndProcessor(LineProcessor):
    RE = re.compile(r"^(#{1,6})[ \t]")

    def test(self, state: _FileState, line: str) -> re.Match[str] | None:
        heading = self.RE.match(line) if state.tab_level else None
        return heading if heading and len(heading.group(1)) < state.tab_level else None

    def run(self, state: _FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        return self.source._close_until(state, "tabs") + [match.string]


class TripleColonProcessor(LineProcessor):
    RE = re.compile(r"^(?P<prefix>[ \t]*(?:>[ \t]?)*):::\s*(?P<name>[A-Za-z][\w-]*)(?P<rest>.*)$")

    def run(self, state: _FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        return self.source._triple_colon(state, match, number)


def line_processors(source: Any) -> Registry:
    """The registry of line processors of the source stage, by priority."""
    registry: Registry = Registry()
    for cls, name, priority in (
        (DivProcessor, "div", 90),
        (IncludeProcessor, "include", 80),
        (CodeSnippetProcessor, "code_snippet", 70),
        (IndentedHeadingProcessor, "indented_heading", 60),
        (TabProcessor, "tab", 50),
        (TabGroupEndProcessor, "tab_group_end", 40),
        (TabHeadingEndProcessor, "tab_heading_end", 30),
        (TripleColonProcessor, "triple_colon", 20),
    ):
        registry.register(cls(source), name, priority)
    return registry
