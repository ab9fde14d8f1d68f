"""Triple-colon constructs inside a line: `:::image …:::` in a paragraph or a table cell, and
`:::no-loc text="…":::` (text kept as written, never translated, never read as markdown).

Both are rewritten in the source stage into plain markdown: an image into `![alt](source)`, so
that it goes through the same link and media handling as any markdown image, and no-loc text
into backslash-escaped text. The patterns have no nested quantifiers over the same characters,
so matching is linear in the length of the line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .docfx_source_attrs import parse_attributes

INLINE_IMAGE = re.compile(r""":::image(?P<attrs>(?:[ \t]+[\w-]+(?:[ \t]*=[ \t]*"[^"\n]*")?)*)[ \t]*:::""")
NO_LOC = re.compile(r''':::no-loc text="(?P<text>(?:[^"\\\n]|\\.)*)":::''')
XREF = re.compile(r"""<xref:(?P<uid>"[^"\n<>]*"|'[^'\n<>]*'|[^\s"'<>]+)>""")
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
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()>#+\-.!|])")


def image_problem(attrs: dict[str, str]) -> str:
    """Why DocFX rejects an `:::image` ('' when it is valid)."""
    if not attrs.get("source"):
        return "no source"
    kind = attrs.get("type", "content").lower()
    if kind in ("content", "complex") and not attrs.get("alt-text"):
        return f"no alt-text on a {kind} image"
    return ""


def escape_markdown(text: str) -> str:
    """`text` as markdown that shows exactly `text`."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("<", "&lt;")


def rewrite_inline(text: str, invalid_image: Callable[[str], None],
                   unresolved_xref: Callable[[str], None] = lambda uid: None) -> str:
    """`text` with inline images and no-loc text as plain markdown; `invalid_image(problem)` is
    called for each image DocFX would reject (it stays text). `<xref:uid>` becomes the uid as
    code (there is no xref map to resolve it with): `unresolved_xref(uid)` is called."""
    if "<xref:" in text:
        text = rewrite_xrefs(text, unresolved_xref)
    if ":::" not in text:
        return text

    def image(match: re.Match[str]) -> str:
        attrs = parse_attributes(match.group("attrs"))
        problem = image_problem(attrs)
        if problem:
            invalid_image(problem)
            return match.group(0)
        icon = attrs.get("type", "").lower() == "icon"  # decorative: no alt text (DocFX)
        alt = ("" if icon else attrs.get("alt-text", "")).replace("[", "\\[").replace("]", "\\]")
        return f"![{alt}]({attrs['source']})"

    def no_loc(match: re.Match[str]) -> str:
        return escape_markdown(re.sub(r"\\(.)", r"\1", match.group("text")))

    return NO_LOC.sub(no_loc, INLINE_IMAGE.sub(image, text))


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
