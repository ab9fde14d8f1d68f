"""An article's own HTML: DocFX never reads markdown inside it.

Python-Markdown's `md_in_html` would, for an element with `markdown="1"` (and nest as deep as
the article asks); the attribute is renamed `data-markdown`, so the body stays raw HTML. The
source stage's own containers get their `markdown="1"` after this rewrite.
"""

from __future__ import annotations

import re

from .docfx_conversion import FileState
from .docfx_lines import TextProcessor

_MARKDOWN_ATTRIBUTE = re.compile(r"(<[A-Za-z][^<>]*?\s)markdown(\s*=)", re.I)


class RawHtmlProcessor(TextProcessor):
    def test(self, text: str) -> bool:
        return "markdown" in text

    def run(self, state: FileState, text: str, number: int, stack: tuple[str, ...]) -> str:
        return _MARKDOWN_ATTRIBUTE.sub(r"\1data-markdown\2", text)
