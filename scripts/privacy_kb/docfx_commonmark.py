"""Block rules where Learn (Markdig, CommonMark) and Python-Markdown read a line differently.

- A list item right after a blockquote line ends the quote (Python-Markdown takes it as a lazy
  continuation of the quote's paragraph): a blank line goes between them.
- A bullet, or an ordered list starting at 1, interrupts a paragraph (Python-Markdown needs a
  blank line before a list): a blank line, with the line's quote markers, goes before it.
- A heading may be indented up to 3 spaces (`   ## heading`).
"""

from __future__ import annotations

import re

from .docfx_conversion import FileState
from .docfx_lines import LineProcessor, Lines

LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S")
QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>[ \t]?)*")
_QUOTE_LINE = re.compile(r"^[ \t]*>")
# Only a bullet or an ordered list starting at 1 interrupts a paragraph (CommonMark).
_LIST_INTERRUPT = re.compile(r"^ {0,3}(?:[-*+]|1[.)])[ \t]+\S")
_TABLE_DELIMITER_ROW = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")


def list_ends_quote(state: FileState, line: str) -> bool:
    """Whether `line` is a list item right under a blockquote line (outside a code fence).
    Keeps `state.after_quote` up to date."""
    after_quote, state.after_quote = state.after_quote, bool(_QUOTE_LINE.match(line))
    return bool(after_quote and state.fence is None and LIST_ITEM.match(line))


def list_interrupting_paragraph(state: FileState, line: str) -> str | None:
    """The blank line (with the line's quote markers) that Python-Markdown needs before a list
    starting right under a paragraph line, which CommonMark reads as a list; None if no blank
    line is needed. Keeps `state.text_kind` up to date."""
    quote = QUOTE_PREFIX.match(line).group(0)
    body = line[len(quote):]
    previous = state.text_kind
    if not body.strip():
        state.text_kind = None
    elif _LIST_INTERRUPT.match(body) and not _TABLE_DELIMITER_ROW.match(body):
        state.text_kind = "list"
        if previous == "paragraph" and not state.in_comment:
            state.text_kind = None  # the blank line we return comes first
            return quote.rstrip()
    elif previous != "list":  # text under a list item is its lazy continuation
        plain = not body.startswith((" " * 4, "\t", "#", "|", "<", ":::", "[!"))
        state.text_kind = "paragraph" if plain else None
    return None


class IndentedHeadingProcessor(LineProcessor):
    """`   ## heading` (up to 3 spaces before `#`), unless it continues a list item."""

    RE = re.compile(r"^ {1,3}#{1,6}(?:[ \t]|$)")

    def test(self, state: FileState, line: str) -> re.Match[str] | None:
        return self.RE.match(line) if state.text_kind != "list" else None

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        return [match.string.lstrip(" ")]
