"""Constructs inside a line, together: cross references, `:::image …:::` and no-loc text.

Each is a text processor of its own (`docfx_xref`, `docfx_images`, `docfx_noloc`), which the
source stage runs in turn; `rewrite_inline` runs the three on one text, in the same order.
Also here: `HTML_RE`, the inline HTML pattern the extension gives Python-Markdown.
"""

from __future__ import annotations

from collections.abc import Callable

from .docfx_conversion import escape_markdown
from .docfx_images import INLINE_IMAGE, image_problem, rewrite_inline_images
from .docfx_noloc import NO_LOC, rewrite_no_loc
from .docfx_xref import XREF, rewrite_xrefs

__all__ = [
    "HTML_RE", "INLINE_IMAGE", "NO_LOC", "XREF", "escape_markdown", "image_problem",
    "rewrite_inline", "rewrite_xrefs",
]

# Python-Markdown's inline HTML pattern with CommonMark's names: a tag name is letters, digits
# and `-`, an attribute name letters, digits, `_.:-`; so `<your_endpoint>` and `<a?b>` are text,
# as on Learn, instead of vanishing as unknown tags.
HTML_RE = (
    r"""(<(\/?+[a-zA-Z][a-zA-Z0-9-]*+(?:\s+[a-zA-Z_:][\w.:-]*+"""
    r"""(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>`]++))?+)*+\s*+/?|"""
    r"!--(?:(?!<!--|-->).)*--|"
    r"[?](?:(?!<[?]|[?]>).)*[?]|"
    r"!\[CDATA\[(?:(?!<!\[CDATA\[|\]\]>).)*\]\]"
    r")>)"
)


def rewrite_inline(text: str, invalid_image: Callable[[str], None],
                   unresolved_xref: Callable[[str], None] = lambda uid: None) -> str:
    """`text` with cross references as code, inline images as `![alt](source)` and no-loc text
    as escaped text; `invalid_image(problem)` is called for each image DocFX would reject (it
    stays text), `unresolved_xref(uid)` for each cross reference."""
    if "<xref:" in text:
        text = rewrite_xrefs(text, unresolved_xref)
    if ":::" not in text:
        return text
    return rewrite_no_loc(rewrite_inline_images(text, invalid_image))
