"""DocFX syntax no construct takes: `:::name …` and `[!NAME` that no processor knows.

They stay text, with a warning naming file:line, as DocFX warns: a misspelt construct shows on
the page as written instead of vanishing. (`:::zone` inside a blockquote is one: DocFX does
not read containers there.) A `[!INCLUDE` that is not an include is reported as malformed.
"""

from __future__ import annotations

import re

from .docfx_alerts import ALERT_TYPES
from .docfx_conversion import FileState
from .docfx_lines import AS_TEXT, Lines, TextProcessor, TripleColonProcessor

_BANG_NAME = re.compile(r"\[!(?P<name>[A-Za-z][\w-]*)")
_KNOWN_BANG_NAMES = frozenset({"include", "div", "video"})


class UnknownTripleColonProcessor(TripleColonProcessor):
    """Any `:::name` line the processors before this one did not take."""

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        name = match.group("name").lower()
        self.conversion.report(state.path, number, f"unknown DocFX construct `:::{name}`",
                               "shown as text")
        return AS_TEXT


class UnknownBangProcessor(TextProcessor):
    """`[!NAME` left in a line once the constructs inside it are rewritten: reported only."""

    def test(self, text: str) -> bool:
        return "[!" in text

    def run(self, state: FileState, text: str, number: int, stack: tuple[str, ...]) -> str:
        for match in _BANG_NAME.finditer(text):
            name = match.group("name")
            if name.upper() in ALERT_TYPES or name.lower() in _KNOWN_BANG_NAMES:
                if name.upper() == "INCLUDE":
                    self.conversion.report(state.path, number, "malformed `[!INCLUDE` (expected "
                                           "`[!INCLUDE [name](path)]`)", "shown as text")
                continue
            self.conversion.report(state.path, number, f"unknown DocFX construct `[!{name}`",
                                   "shown as text")
        return text
