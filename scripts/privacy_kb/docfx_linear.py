"""Python-Markdown's link and image patterns, with linear-time bracket matching.

`LinkInlineProcessor.getText` finds the `]` that closes a `[` by scanning forward from it, so
a line of a million `[` costs a million scans of up to a million characters (it ran for hours).
Here a scan that goes on for more than `SCAN_LIMIT` characters stops, and the closing bracket
is looked up instead in a table of matching brackets built once per text: the same answer, in
time linear in the text (a text is rebuilt after each inline match anyway, at the same cost).
"""

from __future__ import annotations

import re
from typing import Any

from markdown import inlinepatterns as patterns

_BRACKET = re.compile(r"[\[\]]")
SCAN_LIMIT = 2_000


class BracketIndex:
    """The matching `]` of every `[` of the last text asked about."""

    def __init__(self) -> None:
        self._text: str | None = None
        self._closing: dict[int, int] = {}

    def closing(self, text: str, opening: int) -> int | None:
        """Index of the `]` closing the `[` at `opening`, or None when nothing closes it."""
        if text is not self._text:
            self._text, self._closing = text, _match_brackets(text)
        return self._closing.get(opening)


def _match_brackets(text: str) -> dict[int, int]:
    closing: dict[int, int] = {}
    open_positions: list[int] = []
    for match in _BRACKET.finditer(text):
        if match.group() == "[":
            open_positions.append(match.start())
        elif open_positions:
            closing[open_positions.pop()] = match.start()
    return closing


def _scan(text: str, index: int) -> int | None:
    """The `]` closing the `[` before `index` within `SCAN_LIMIT` characters; None when the text
    ends unclosed first, -1 when the limit is reached first. Runs of text without `]` are
    skipped by `str.find` and counted by `str.count` (C loops): a run of a thousand `[` costs one
    call, not a thousand steps."""
    end = min(len(text), index + SCAN_LIMIT)
    depth, position = 1, index
    while True:
        close = text.find("]", position, end)
        if close == -1:
            return None if end == len(text) else -1
        depth += text.count("[", position, close) - 1
        if depth == 0:
            return close
        position = close + 1


class _LinearText:
    """Mixin: `getText` by lookup (see the module docstring)."""

    brackets: BracketIndex

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:  # noqa: N802
        if index < 1 or data[index - 1] != "[":
            return super().getText(data, index)  # type: ignore[misc]
        close = _scan(data, index)
        if close == -1:
            close = self.brackets.closing(data, index - 1)
        if close is None:
            return "", len(data), False  # callers give up: the text is not needed
        return data[index:close], close + 1, True


def _linear(base: type) -> type:
    return type(f"Linear{base.__name__}", (_LinearText, base), {})


# (name in Python-Markdown's registry, priority, class, pattern): as markdown.inlinepatterns
# registers them.
_REPLACED = (
    ("reference", 170, patterns.ReferenceInlineProcessor, patterns.REFERENCE_RE),
    ("link", 160, patterns.LinkInlineProcessor, patterns.LINK_RE),
    ("image_link", 150, patterns.ImageInlineProcessor, patterns.IMAGE_LINK_RE),
    ("image_reference", 140, patterns.ImageReferenceInlineProcessor, patterns.IMAGE_REFERENCE_RE),
    ("short_reference", 130, patterns.ShortReferenceInlineProcessor, patterns.REFERENCE_RE),
    ("short_image_ref", 125, patterns.ShortImageReferenceInlineProcessor,
     patterns.IMAGE_REFERENCE_RE),
)


def register_linear_links(md: Any) -> None:
    """Replace Python-Markdown's link and image patterns with the linear ones."""
    brackets = BracketIndex()
    for name, priority, base, pattern in _REPLACED:
        processor = _linear(base)(pattern, md)
        processor.brackets = brackets
        md.inlinePatterns.register(processor, name, priority)
