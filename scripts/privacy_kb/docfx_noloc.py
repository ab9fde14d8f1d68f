"""No-loc text: `:::no-loc text="Azure OpenAI":::`, never translated, never read as markdown.

It becomes backslash-escaped text, so that it shows exactly as written (`\\"` is `"`). The
pattern has no nested quantifiers over the same characters: matching is linear.
"""

from __future__ import annotations

import re

from .docfx_conversion import FileState, escape_markdown, unescape
from .docfx_lines import TextProcessor

NO_LOC = re.compile(r''':::no-loc text="(?P<text>(?:[^"\\\n]|\\.)*)":::''')


def rewrite_no_loc(text: str) -> str:
    return NO_LOC.sub(lambda match: escape_markdown(unescape(match.group("text"))), text)


class NoLocProcessor(TextProcessor):
    def test(self, text: str) -> bool:
        return ":::" in text

    def run(self, state: FileState, text: str, number: int, stack: tuple[str, ...]) -> str:
        return rewrite_no_loc(text)
