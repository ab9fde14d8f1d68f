"""Cross references: `<xref:System.String>`, `<xref:"uid with space">`.

There is no xref map to resolve a uid with, so the uid is shown as code, with a warning;
`\\<xref:…>` is the text itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .docfx_conversion import FileState
from .docfx_lines import TextProcessor

XREF = re.compile(r"""<xref:(?P<uid>"[^"\n<>]*"|'[^'\n<>]*'|[^\s"'<>]+)>""")


def rewrite_xrefs(text: str, unresolved_xref: Callable[[str], None]) -> str:
    """`<xref:System.String>` as the code span `System.String`; `\\<xref:…>` stays text."""

    def xref(match: re.Match[str]) -> str:
        before = match.string[: match.start()]
        if (len(before) - len(before.rstrip("\\"))) % 2:  # escaped: the text itself
            return "&lt;xref:" + match.group("uid") + "&gt;"
        uid = match.group("uid")
        if uid[:1] in "\"'":
            uid = uid[1:-1]
        unresolved_xref(uid)
        return "`` " + uid.replace("`", "") + " ``"

    return XREF.sub(xref, text)


class XrefProcessor(TextProcessor):
    def test(self, text: str) -> bool:
        return "<xref:" in text

    def run(self, state: FileState, text: str, number: int, stack: tuple[str, ...]) -> str:
        return rewrite_xrefs(text, lambda uid: self.conversion.report(
            state.path, number, f"cross reference `{uid}` cannot be resolved (no xref map)",
            "shown as code"))
