"""Bounds on the work any article can ask for, applied line by line in the source stage.

- Nesting: a line inside more than `MAX_NESTING` levels of block quotes, list indentation and
  `:::` containers (zones, monikers, rows, columns) keeps the levels that fit; the rest of it is
  text at the deepest level (Python-Markdown recurses once per level, and ran out of stack).
- Long lines: Python-Markdown rebuilds a paragraph's text after every inline match, so a line
  with many matches costs the square of its length; a line longer than `MAX_LINE` characters is
  shown as code (one match), and a paragraph is cut into pieces of at most `MAX_BLOCK`
  characters.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from .docfx_commonmark import LIST_ITEM, QUOTE_PREFIX

if TYPE_CHECKING:
    from .docfx_conversion import FileState, Report

MAX_NESTING = 24
MAX_CONTAINERS = 16
MAX_LINE = 20_000
MAX_BLOCK = 8_000

_QUOTE_MARKERS = re.compile(r"^(?:[ \t]*>)+[ \t]?")
_BLOCK_START = re.compile(r"^(?:[-*+>#]|\d{1,9}[.)])")


def nesting(line: str, containers: int, tab_length: int) -> int:
    """How many levels deep `line` is: open containers, quote markers, list indentation."""
    quote = _QUOTE_MARKERS.match(line)
    quotes = quote.group(0).count(">") if quote else 0
    body = line[quote.end() :] if quote else line
    indent = len(body) - len(body.lstrip(" "))
    return containers + quotes + indent // tab_length


def flatten(line: str, containers: int, tab_length: int) -> str:
    """`line` with the levels beyond `MAX_NESTING` made text: the quote markers and indentation
    that fit, then the rest of the line with its list or quote marker escaped."""
    room = max(MAX_NESTING - containers, 0)
    quote = _QUOTE_MARKERS.match(line)
    markers = quote.group(0).count(">") if quote else 0
    rest = line[quote.end() :] if quote else line
    kept_quotes = min(markers, room)
    indent = " " * (tab_length * max(room - kept_quotes, 0))
    content = rest.lstrip(" ") if markers <= room else line.lstrip(" >")
    content = _BLOCK_START.sub(lambda m: m.group(0)[:-1] + "\\" + m.group(0)[-1], content)
    return "> " * kept_quotes + indent + content


def as_code_span(line: str) -> str:
    """`line` as one code span: shown as it is, without markdown (and without inline work)."""
    longest = max((len(run) for run in re.findall(r"`+", line)), default=0)
    fence = "`" * (longest + 1)
    indent = line[: len(line) - len(line.lstrip(" "))]
    return f"{indent}{fence} {line.strip()} {fence}"


def bound_line(state: FileState, line: str, number: int, tab_length: int, report: Report
               ) -> tuple[str, str | None]:
    """`line` within the limits, and the blank line (with the line's quote markers) to put
    before it when its paragraph is cut; None when it is not. Each limit is reported once a
    file: the first line past it names the place."""
    def once(what: str, action: str) -> None:
        if what not in state.reported:
            state.reported.add(what)
            report(state.path, number, what, action)

    if not line.strip():
        state.block_chars = 0
        return line, None
    if nesting(line, len(state.stack), tab_length) > MAX_NESTING:
        once(f"nested deeper than {MAX_NESTING} levels", "the deeper levels shown as text")
        line = flatten(line, len(state.stack), tab_length)
    if len(line) > MAX_LINE and not state.in_comment:
        once(f"line longer than {MAX_LINE:,} characters", "shown as code")
        line = as_code_span(line)
    if "|" in line or LIST_ITEM.match(line):
        return line, None  # table cells and list items are texts of their own
    state.block_chars += len(line)
    if state.block_chars > MAX_BLOCK and state.block_chars > len(line):
        once(f"paragraph longer than {MAX_BLOCK:,} characters", "cut into paragraphs")
        # The line is handled again after the cut, and counts for its new paragraph then.
        state.block_chars = 0
        return line, QUOTE_PREFIX.match(line).group(0).rstrip()
    return line, None
