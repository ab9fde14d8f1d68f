"""What the source stage never rewrites: code fences, code spans and HTML comments.

A fence (three or more backticks or tildes, after any indent and quote markers) runs to a fence
of the same character at least as long; a backtick fence whose info string has a backtick is
not a fence (CommonMark). Inside a line, code spans and comments (which may span lines) are
kept as they are; only the text between them is offered to the text processors.
"""

from __future__ import annotations

import re

_FENCE_OPEN = re.compile(r"^(?P<prefix>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")


def fence_opening(line: str) -> str | None:
    """The fence `line` opens (its backticks or tildes), or None."""
    fence = _FENCE_OPEN.match(line)
    if fence and not (fence.group("fence")[0] == "`" and "`" in fence.group("info")):
        return fence.group("fence")
    return None


def closes_fence(fence: str, line: str) -> bool:
    return bool(re.match(rf"^[ \t>]*{re.escape(fence[0])}{{{len(fence)},}}\s*$", line))


def split_segments(line: str, in_comment: bool) -> tuple[list[tuple[bool, str]], bool]:
    """Split a line into (rewritable, text) pieces: HTML comments and code spans are not.
    Also returns whether the line ends inside a comment."""
    segments: list[tuple[bool, str]] = []
    rest = line
    while rest:
        if in_comment:
            end = rest.find("-->")
            if end < 0:
                segments.append((False, rest))
                return segments, True
            segments.append((False, rest[: end + 3]))
            rest, in_comment = rest[end + 3 :], False
            continue
        start = rest.find("<!--")
        text, rest = (rest, "") if start < 0 else (rest[:start], rest[start:])
        position = 0
        for span in _CODE_SPAN.finditer(text):
            segments.append((True, text[position : span.start()]))
            segments.append((False, span.group(0)))
            position = span.end()
        segments.append((True, text[position:]))
        if start >= 0:
            in_comment = True
    return segments, in_comment
