"""Includes: `[!INCLUDE [name](path "title")]` on a line of its own, or inside a line.

An include is expanded relative to the including file, before anything else reads its lines,
so its constructs are scanned (and reported at their own file:line) like the article's. On a
line of its own its lines keep the line's indent and quote markers; inside a line they are
joined with spaces. Never outside the source root (a path or symlink out of it is fatal); a
missing file is shown as a note, with a warning. As DocFX does, a URL, an include of a file
already being included (a cycle) and `\\[!INCLUDE …]` stay text; includes nest 8 deep at most.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from .docfx_conversion import (
    PAGE,
    DocfxNode,
    FileState,
    escape_markdown,
    normalize_source_text,
    resolve_in_root,
    unescape,
)
from .docfx_front_matter import parse_front_matter, split_front_matter
from .docfx_lines import LineProcessor, Lines, TextProcessor, marker_lines
from .docfx_notes import unavailable_note
from .docfx_placeholders import node_marker
from .paths import SourceError, read_source_text

if TYPE_CHECKING:
    from .docfx_render import DocfxRenderTreeprocessor
    from .docfx_source import DocfxSourcePreprocessor

MAX_INCLUDE_DEPTH = 8
CYCLE = "\x00cycle"  # what `read_include` returns for an include DocFX shows as text

# `[!INCLUDE [name](path "title")]`: `)]` adjacent, `\(` and `\)` escapes in the path (DocFX).
_INCLUDE_BODY = (
    r"\[(?P<name>(?:\\.|[^\]\\\n])*)\]\([ \t]*(?P<target>(?:\\.|[^)\s\\])*)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?[ \t]*\)\]"
)
INCLUDE = re.compile(r"\[!INCLUDE-?[ \t]*" + _INCLUDE_BODY, re.I)
BLOCK_INCLUDE = re.compile(
    r"^(?P<prefix>[ \t]*(?:>[ \t]?)*)\[!INCLUDE[ \t]*" + _INCLUDE_BODY + r"[ \t]*$", re.I
)


def read_include(source: DocfxSourcePreprocessor, target: str, path: str, line: int,
                 stack: tuple[str, ...]) -> list[str] | str:
    """The processed lines of an included file, or the reason it is unavailable (`CYCLE`: it
    is shown as text; '': nothing is shown)."""
    conversion = source.conversion
    report = conversion.report
    if re.match(r"^(?:[A-Za-z][\w+.-]*:|//)", target):
        report(path, line, f"include `{target}` is a URL, not a file",
               "not included; shown as text")
        return CYCLE
    resolved = resolve_in_root(target, path)
    if resolved is None:
        report(path, line, f"include `{target}` resolves outside the source root",
               "not included; shown a note instead", fatal=True)
        return "outside the source root"
    try:  # symlinks followed, then checked: the real file must be inside the root
        file = conversion.resolve(resolved, f"{path}:{line}")
    except SourceError as error:
        report(error.path, error.line, error.what, "not included", fatal=True)
        return "outside the source root"
    if file is None:
        report(path, line, f"included file `{resolved}` does not exist", "shown a note instead")
        return "missing upstream"
    if resolved in stack:
        report(path, line, f"include cycle: `{resolved}` includes itself",
               "not included again; shown as text")
        return CYCLE
    if len(stack) >= MAX_INCLUDE_DEPTH:
        report(path, line, f"includes nested deeper than {MAX_INCLUDE_DEPTH} at `{resolved}`",
               "not included")
        return ""
    try:
        text = read_source_text(file, resolved)
    except SourceError as error:  # not UTF-8, binary, too big: stop the build
        if error.line:  # a line of the included file (bad bytes)
            report(error.path, error.line, error.what, "not included", fatal=True)
        else:  # the whole file: named where it is included
            report(path, line, f"included file `{error.path}`: {error.what}", "not included",
                   fatal=True)
        return "not readable"
    lines = normalize_source_text(text, source.md.tab_length)
    start, raw_yaml = split_front_matter(lines)
    front_matter = parse_front_matter(raw_yaml, resolved, report)
    if not stack and path == PAGE and conversion.front_matter is None:
        conversion.front_matter = front_matter
    return source.expand(lines[start:], resolved, start, (*stack, resolved))


def include_as_text(match: re.Match[str]) -> str:
    """An include DocFX does not expand, as the text it shows: `[!include[name](path)]`."""
    return escape_markdown(f"[!include[{unescape(match.group('name'))}]"
                           f"({unescape(match.group('target'))})]")


class IncludeProcessor(LineProcessor):
    """`[!INCLUDE [name](path)]` on a line of its own: the file's lines, with its prefix."""

    RE = BLOCK_INCLUDE

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        prefix = match.group("prefix")
        blank = prefix.rstrip()
        target = unescape(match.group("target"))
        included = read_include(self.source, target, state.path, number, stack)
        if included == CYCLE:
            return [blank, prefix + include_as_text(match), blank]
        if isinstance(included, str):
            if not included:
                return [blank]
            node = self.conversion.add_node(DocfxNode(
                "missing-include", state.path, number, {"target": target, "reason": included},
            ))
            return marker_lines(prefix, node_marker(node))
        body = [prefix + text if text.strip() else blank for text in included]
        return [blank, *body, blank]


class InlineIncludeProcessor(TextProcessor):
    """`[!INCLUDE [name](path)]` inside a line: the file's lines joined with spaces."""

    def test(self, text: str) -> bool:
        return "[!" in text

    def run(self, state: FileState, text: str, number: int, stack: tuple[str, ...]) -> str:
        return INCLUDE.sub(lambda match: self._include(state, match, number, stack), text)

    def _include(self, state: FileState, match: re.Match[str], number: int,
                 stack: tuple[str, ...]) -> str:
        before = match.string[: match.start()]
        if (len(before) - len(before.rstrip("\\"))) % 2:  # `\[!include…`: escaped, not one
            return match.group(0)
        target = unescape(match.group("target"))
        included = read_include(self.source, target, state.path, number, stack)
        if included == CYCLE:
            return include_as_text(match)
        if isinstance(included, str):
            if not included:
                return ""
            return f"*(included content `{target}` is not available: {included})*"
        return " ".join(text.strip() for text in included if text.strip())


def render_missing_include(render: DocfxRenderTreeprocessor, element: etree.Element,
                           node: DocfxNode) -> None:
    """A missing include: a note naming it, and why."""
    unavailable_note(element, "Missing content", "Included content ", node.attrs["target"],
                     f" is not available ({node.attrs['reason']}).", "docfx-missing-include")
