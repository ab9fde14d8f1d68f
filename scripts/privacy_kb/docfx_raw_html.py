"""An article's own HTML: DocFX never reads markdown inside it.

Python-Markdown's `md_in_html` would, for an element with a `markdown` attribute (and nest as
deep as the article asks, until Python runs out of stack); the attribute is renamed
`data-markdown`, so the body stays raw HTML. The source stage's own containers get their
`markdown="1"` after this rewrite, and the site's generated pages are never rewritten.

The attribute is found the way an HTML parser finds it, not by a pattern over the line: in any
case (`MARKDOWN`), without a value (`<div markdown>`), after a quoted value holding `>` or `<`,
after a `/`, and on a line after the one its tag starts on (a tag that starts a line and is
not closed on it goes on on the next line, as `md_in_html` reads it, when it is a block-level
tag: the only ones `md_in_html` reads markdown in). A `<` in prose whose "tag" is not closed on
its line is text, and left alone. One pass over the line: linear.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from .docfx_conversion import FileState
from .docfx_lines import TextProcessor

_START_TAG = re.compile(r"<[A-Za-z][A-Za-z0-9:-]*")
_LINE_START = re.compile(r"^[ \t>]*$")
_SEPARATORS = re.compile(r"[\s/]*")
_NAME = re.compile(r"[^\s/>=]+")
_EQUALS = re.compile(r"\s*=\s*")
_UNQUOTED = re.compile(r"[^\s>]*")


class RawHtmlProcessor(TextProcessor):
    def test(self, text: str) -> bool:
        return True  # cheap either way: `run` returns at once without `<` or an open tag

    def run(self, state: FileState, text: str, number: int, stack: tuple[str, ...]) -> str:
        if state.html_tag is None and "<" not in text:
            return text
        return rename_markdown_attributes(state, text, self.source.md.block_level_elements)


def rename_markdown_attributes(state: FileState, text: str, block_level: Collection[str]
                               ) -> str:
    """`text` with the `markdown` attribute of every HTML start tag renamed `data-markdown`.
    `state.html_tag` carries a tag open at the end of a line to the next one: '' inside the
    tag, a quote character inside a quoted value, None outside any tag. Only a tag named in
    `block_level` that starts its line goes on on the next line."""
    out: list[str] = []
    tag: list[str] = []  # the current tag as rewritten
    tag_start = 0  # where the current tag starts in `text`
    carried = state.html_tag is not None  # the tag started on an earlier line
    tag_name = ""
    position, end = 0, len(text)
    while position < end:
        inside = state.html_tag
        if inside is None:
            start = _START_TAG.search(text, position)
            if start is None:
                out.append(text[position:])
                break
            out.append(text[position : start.start()])
            tag, tag_start, carried = [start.group(0)], start.start(), False
            tag_name = start.group(0)[1:].lower()
            position, state.html_tag = start.end(), ""
        elif inside:  # inside a quoted value
            close = text.find(inside, position)
            if close < 0:
                tag.append(text[position:])
                position = end
                break
            tag.append(text[position : close + 1])
            position, state.html_tag = close + 1, ""
        else:  # between attributes
            spaces = _SEPARATORS.match(text, position).end()
            tag.append(text[position:spaces])
            position = spaces
            if position >= end:
                break
            if text[position] == ">":
                out += [*tag, ">"]
                tag, position, state.html_tag = [], position + 1, None
                continue
            name = _NAME.match(text, position)
            if name is None:  # a stray `=`
                tag.append(text[position])
                position += 1
                continue
            tag.append("data-markdown" if name.group(0).lower() == "markdown" else name.group(0))
            position = name.end()
            equals = _EQUALS.match(text, position)
            if equals is None:
                continue
            tag.append(equals.group(0))
            position = equals.end()
            if position < end and text[position] in "\"'":
                tag.append(text[position])
                state.html_tag = text[position]
                position += 1
            else:
                value = _UNQUOTED.match(text, position)
                tag.append(value.group(0))
                position = value.end()
    if state.html_tag is not None:  # a tag still open at the end of the text
        if carried or (_LINE_START.match(text[:tag_start]) and tag_name in block_level):
            out += tag  # it goes on on the next line
        else:  # `a <b` in prose: text, as it was
            out.append(text[tag_start:])
            state.html_tag = None
    return "".join(out)
