"""DocFX source stage: expands includes and marks DocFX syntax, while file:line is known.

Python-Markdown forgets where a line came from once blocks are parsed, so this preprocessor does
everything that needs a file or a line. It reads each file (the article, then each include)
line by line and hands each line to the construct modules, in the style of Python-Markdown's
block and inline processors (`docfx_lines`): the first line processor whose `test` takes the
line replaces it by what its `run` returns; the text of any other line goes through every text
processor in turn. What they find becomes nodes and link origins on the `Conversion`
(`docfx_conversion`), which the render stage (`docfx_render`) turns into elements:

- a bodiless construct (`:::image`, `:::code`, a missing include) becomes a marker paragraph,
  indented like the construct so that it stays inside its list item;
- a container (zones, monikers, rows, columns, tabs, complex images) becomes a
  `<div data-docfx-node="N" markdown="1">` block, so that `md_in_html` parses its body.

Placeholders are wrapped in STX/ETX (`docfx_placeholders`), which no article text can hold.
Before any construct, a line is bounded (`docfx_limits`), fixed where CommonMark and
Python-Markdown disagree (`docfx_commonmark`), and skipped inside code fences; code spans and
HTML comments are never rewritten (`docfx_segments`).

| line processor | priority | construct (module) |
|---|---|---|
| `div` | 90 | `> [!div class="…"]` on a line of its own (`docfx_alerts`) |
| `include` | 80 | `[!INCLUDE [name](path "title")]` on a line of its own (`docfx_includes`) |
| `code_snippet` | 70 | `[!code-lang[name](file?range=…#tag "title")]` (`docfx_code_blocks`) |
| `indented_heading` | 60 | `   ## heading` (`docfx_commonmark`) |
| `tab`, `tab_group_end`, `tab_heading_end` | 50-30 | `#### [Title](#tab/id)`, `---` (`docfx_tabs`) |
| `image`, `image_end` | 25, 24 | `:::image …:::`, `:::image-end:::` (`docfx_images`) |
| `code` | 23 | `:::code source=… range=…:::` (`docfx_code_blocks`) |
| `video` | 22 | `:::video source=…:::` (`docfx_video`) |
| `zone`, `moniker` | 21, 20 | `:::zone …` / `:::moniker …` and their ends (`docfx_zones`, `docfx_monikers`) |
| `row`, `column` | 19, 18 | `:::row:::` / `:::column:::` and their ends (`docfx_rows`) |
| `unknown` | 10 | any other `:::name` (`docfx_unknown`) |

| text processor | priority | construct (module) |
|---|---|---|
| `raw_html` | 70 | a `markdown` attribute in an article's HTML (`docfx_raw_html`) |
| `xref` | 60 | `<xref:uid>` (`docfx_xref`) |
| `inline_image` | 50 | `:::image …:::` inside a line (`docfx_images`) |
| `no_loc` | 40 | `:::no-loc text="…":::` (`docfx_noloc`) |
| `inline_include` | 30 | `[!INCLUDE [name](path)]` inside a line (`docfx_includes`) |
| `link` | 20 | link and image targets (`docfx_links`) |
| `unknown_bang` | 10 | `[!NAME` no construct took (`docfx_unknown`) |
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from markdown.preprocessors import Preprocessor
from markdown.util import Registry

from .docfx_alerts import DivProcessor, section_marker_problem
from .docfx_code_blocks import CodeProcessor, CodeSnippetProcessor
from .docfx_commonmark import (
    IndentedHeadingProcessor,
    list_ends_quote,
    list_interrupting_paragraph,
)
from .docfx_containers import close_all, dedent, strict_attributes
from .docfx_conversion import (
    PAGE,
    Conversion,
    DocfxNode,
    FileState,
    LinkOrigin,
    normalize_source_text,
    resolve_in_root,
)
from .docfx_front_matter import split_front_matter
from .docfx_images import ImageEndProcessor, ImageProcessor, InlineImageProcessor, media_inside
from .docfx_includes import BLOCK_INCLUDE, IncludeProcessor, InlineIncludeProcessor
from .docfx_limits import bound_line
from .docfx_lines import AS_TEXT
from .docfx_links import LinkProcessor
from .docfx_monikers import MonikerProcessor
from .docfx_noloc import NoLocProcessor
from .docfx_raw_html import RawHtmlProcessor
from .docfx_rows import ColumnProcessor, RowProcessor
from .docfx_segments import closes_fence, fence_opening, split_segments
from .docfx_tabs import TabGroupEndProcessor, TabHeadingEndProcessor, TabProcessor
from .docfx_unknown import UnknownBangProcessor, UnknownTripleColonProcessor
from .docfx_video import VideoProcessor
from .docfx_xref import XrefProcessor
from .docfx_zones import ZoneProcessor

# Kept importable from here: other stages and tests name them as `docfx_source.X`.
__all__ = [
    "PAGE", "Conversion", "DocfxNode", "DocfxSourcePreprocessor", "LinkOrigin", "line_processors",
    "media_inside", "normalize_source_text", "resolve_in_root", "split_front_matter",
    "strict_attributes", "text_processors",
]

LINE_PROCESSORS = (
    (DivProcessor, "div", 90),
    (IncludeProcessor, "include", 80),
    (CodeSnippetProcessor, "code_snippet", 70),
    (IndentedHeadingProcessor, "indented_heading", 60),
    (TabProcessor, "tab", 50),
    (TabGroupEndProcessor, "tab_group_end", 40),
    (TabHeadingEndProcessor, "tab_heading_end", 30),
    (ImageProcessor, "image", 25),
    (ImageEndProcessor, "image_end", 24),
    (CodeProcessor, "code", 23),
    (VideoProcessor, "video", 22),
    (ZoneProcessor, "zone", 21),
    (MonikerProcessor, "moniker", 20),
    (RowProcessor, "row", 19),
    (ColumnProcessor, "column", 18),
    (UnknownTripleColonProcessor, "unknown", 10),
)
TEXT_PROCESSORS = (
    (RawHtmlProcessor, "raw_html", 70),
    (XrefProcessor, "xref", 60),
    (InlineImageProcessor, "inline_image", 50),
    (NoLocProcessor, "no_loc", 40),
    (InlineIncludeProcessor, "inline_include", 30),
    (LinkProcessor, "link", 20),
    (UnknownBangProcessor, "unknown_bang", 10),
)


def _registry(source: DocfxSourcePreprocessor, table: tuple) -> Registry:
    registry: Registry = Registry()
    for cls, name, priority in table:
        registry.register(cls(source), name, priority)
    return registry


def line_processors(source: DocfxSourcePreprocessor) -> Registry:
    """The line processors of the source stage, by priority."""
    return _registry(source, LINE_PROCESSORS)


def text_processors(source: DocfxSourcePreprocessor) -> Registry:
    """The text processors of the source stage, by priority."""
    return _registry(source, TEXT_PROCESSORS)


class DocfxSourcePreprocessor(Preprocessor):
    """Expands includes and marks DocFX constructs; see the module docstring."""

    def __init__(self, md: Any, conversion_factory: Callable[[], Conversion]) -> None:
        super().__init__(md)
        self._conversion_factory = conversion_factory
        self.line_processors = line_processors(self)
        self.text_processors = text_processors(self)

    def run(self, lines: list[str]) -> list[str]:
        self.conversion = self._conversion_factory()
        return self.expand(lines, PAGE, 0, ())

    def expand(self, lines: list[str], path: str, first_line: int, stack: tuple[str, ...]
               ) -> list[str]:
        """The lines of the file `path` (whose first line is `first_line + 1`), processed;
        `stack` holds the includes being expanded."""
        state = FileState(path)
        out: list[str] = []
        for number, line in enumerate(lines, start=first_line + 1):
            out.extend(self._line(state, line, number, stack))
        close_all(self.conversion, state, out)
        return out

    def _line(self, state: FileState, line: str, number: int, stack: tuple[str, ...]
              ) -> list[str]:
        if state.path == PAGE and not BLOCK_INCLUDE.match(line):
            # A generated page is ours, not DocFX: only its include lines are expanded. Text it
            # quotes from an article (even `:::name` shown as text) stays as it is.
            return [line]
        line = dedent(state, line)  # once: the steps below may hand the line on again
        if list_ends_quote(state, line):
            return ["", *self._scan(state, line, number, stack)]
        return self._scan(state, line, number, stack)

    def _scan(self, state: FileState, line: str, number: int, stack: tuple[str, ...],
              bounded: bool = False) -> list[str]:
        if state.fence is not None:
            if closes_fence(state.fence, line):
                state.fence = None
            return [line]
        if not bounded:  # once a line: a line bounded again grows (a code span in a code span)
            line, split = bound_line(state, line, number, self.md.tab_length,
                                     self.conversion.report)
            if split is not None:
                return [split, *self._scan(state, line, number, stack, bounded=True)]
        interrupting = list_interrupting_paragraph(state, line)
        if interrupting is not None:
            return [interrupting, *self._scan(state, line, number, stack, bounded=True)]
        if not state.in_comment:
            fence = fence_opening(line)
            if fence is not None:
                state.fence = fence
                return [line]
            handled = self._block_construct(state, line, number, stack)
            if handled is not None:
                return handled
        return [self.inline(state, line, number, stack)]

    def _block_construct(self, state: FileState, line: str, number: int,
                         stack: tuple[str, ...]) -> list[str] | None:
        """The lines the first line processor that takes `line` makes of it (None: text)."""
        for processor in self.line_processors:
            match = processor.test(state, line)
            if match is not None:
                lines = processor.run(state, match, number, stack)
                if lines is AS_TEXT:
                    return None
                if lines is not None:
                    return lines
        return None

    def inline(self, state: FileState, line: str, number: int, stack: tuple[str, ...]) -> str:
        """`line` with the constructs inside it rewritten by the text processors."""
        if problem := section_marker_problem(line):
            self.conversion.report(state.path, number, problem, "shown as text")
        segments, state.in_comment = split_segments(line, state.in_comment)
        pieces = []
        for rewritable, text in segments:
            if rewritable:
                for processor in self.text_processors:
                    if processor.test(text):
                        text = processor.run(state, text, number, stack)
            pieces.append(text)
        return "".join(pieces)
