"""DocFX source stage: expands includes and marks DocFX block syntax, while file:line is known.

Python-Markdown forgets where a line came from once blocks are parsed, so this preprocessor does
everything that needs a file or a line: it expands `[!INCLUDE]`s (relative to the including
file, cycle-safe, never outside the source root), strips front matter, resolves `:::image` and
`:::code` sources, records where each link was written, and reports problems. What it finds
becomes nodes (`md.docfx_nodes`) that the render stage (`docfx_render`) turns into elements:

- a bodiless construct (`:::image`, `:::code`, a missing include) becomes a marker paragraph,
  indented like the construct so that it stays inside its list item;
- a container (zones, monikers, rows, columns, tabs, complex images) becomes a
  `<div data-docfx-node="N" markdown="1">` block, so that `md_in_html` parses its body.

Each construct that is a line of its own is a small processor with `test` and `run`
(`docfx_lines`, tried in priority order, like Python-Markdown's block processors); constructs
inside a line are rewritten by `docfx_inline`; the limits on nesting and length are
`docfx_limits`. Placeholders are wrapped in STX/ETX (`docfx_placeholders`). Lines inside code
fences, inline code and HTML comments are never rewritten.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from markdown.preprocessors import Preprocessor

from .docfx_alerts import is_section_marker
from .docfx_code import (
    LANGUAGE_BY_EXTENSION,
    CodeSnippet,
    line_ranges,
    snippet_text,
)
from .docfx_inline import escape_markdown, image_problem, rewrite_inline
from .docfx_limits import (
    MAX_BLOCK,
    MAX_CONTAINERS,
    MAX_LINE,
    MAX_NESTING,
    as_code_span,
    flatten,
    nesting,
)
from .docfx_lines import line_processors
from .docfx_placeholders import link_token, node_attribute, node_marker
from .docfx_source_attrs import parse_attributes
from .paths import MAX_MEDIA_BYTES, SourceError, read_source_text, resolve_inside

PAGE = "(page)"  # the path reported for lines of the page itself, which is not a source file
MAX_INCLUDE_DEPTH = 8
CYCLE = "\x00cycle"  # what `_read_include` returns for an include DocFX shows as text
ALERT_TYPES = frozenset({"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"})

_FENCE_OPEN = re.compile(r"^(?P<prefix>[ \t>]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
# `[!INCLUDE [name](path "title")]`: `)]` adjacent, `\(` and `\)` escapes in the path (DocFX).
_INCLUDE_BODY = (
    r"\[(?P<name>(?:\\.|[^\]\\\n])*)\]\([ \t]*(?P<target>(?:\\.|[^)\s\\])*)"
    r"(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?[ \t]*\)\]"
)
_INCLUDE = re.compile(r"\[!INCLUDE-?[ \t]*" + _INCLUDE_BODY, re.I)
_BLOCK_INCLUDE = re.compile(
    r"^(?P<prefix>[ \t]*(?:>[ \t]?)*)\[!INCLUDE[ \t]*" + _INCLUDE_BODY + r"[ \t]*$", re.I
)
_TABLE_DELIMITER_ROW = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)+\|?[ \t]*$")
_SECTION_MARKER = re.compile(r"^ {0,3}\[!(note|tip|important|warning|caution|div|video)\b", re.I)
_KNOWN_BANG_NAMES = frozenset({"include", "div", "video"})
_VIDEO_ATTRIBUTES = frozenset({"source", "title", "max-width", "thumbnail", "upload-date"})
_QUOTE_LINE = re.compile(r"^[ \t]*>")
_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S")
# Only a bullet or an ordered list starting at 1 interrupts a paragraph (CommonMark).
_LIST_INTERRUPT = re.compile(r"^ {0,3}(?:[-*+]|1[.)])[ \t]+\S")
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>[ \t]?)*")
_BANG_NAME = re.compile(r"\[!(?P<name>[A-Za-z][\w-]*)")
_LINK_TARGET = re.compile(
    r"(?P<open>\]\([ \t]*)(?P<target><[^>\n]*>|(?:[^\s()<>]|\([^\s()]*\))*)"
    r"""(?=(?:[ \t]+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'))?[ \t]*\))"""
)
# md_in_html's switch in an article's own HTML (ours are added after this rewrite).
_MARKDOWN_ATTRIBUTE = re.compile(r"(<[A-Za-z][^<>]*?\s)markdown(\s*=)", re.I)
_LINK_OPENING = re.compile(r"\]\(")
_REFERENCE_DEFINITION = re.compile(r"^(?P<open>[ \t]{0,3}\[[^\]]+\]:[ \t]*)(?P<target><[^>]*>|\S+)")
_CODE_SPAN = re.compile(r"(`+)(.+?)(?<!`)\1(?!`)")

CONTAINERS = {
    "zone": "zone-end", "moniker": "moniker-end", "row": "row-end", "column": "column-end"
}
CONTAINER_ENDS = {end: start for start, end in CONTAINERS.items()}


@dataclass
class DocfxNode:
    """A DocFX construct found at `path:line`, rendered later by `docfx_render`."""

    kind: str  # image | code | missing-include | zone | moniker | row | column | tabs | tab
    path: str
    line: int
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[int] = field(default_factory=list)  # tab nodes of a tab set


@dataclass(frozen=True)
class LinkOrigin:
    """A link or image target exactly as written, and where."""

    target: str
    path: str
    line: int


Report = Callable[..., None]  # (path, line, what, action, fatal=False)


@dataclass
class Conversion:
    """What the source stage learns during one `convert()`; lives on the Markdown instance."""

    source_root: Path
    report: Report
    nodes: list[DocfxNode] = field(default_factory=list)
    links: list[LinkOrigin] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    front_matter: dict[str, Any] | None = None

    def add_node(self, node: DocfxNode) -> int:
        self.nodes.append(node)
        return len(self.nodes) - 1

    def add_media(self, path: str) -> None:
        if path not in self.media:
            self.media.append(path)


def normalize_source_text(text: str, tab_length: int) -> list[str]:
    """The same normalisation Python-Markdown applies to the page (`NormalizeWhitespace`)."""
    text = text.replace("\x02", "").replace("\x03", "").replace("\r\n", "\n").replace("\r", "\n")
    return [line.expandtabs(tab_length) if line.strip() else "" for line in text.split("\n")]


def split_front_matter(lines: list[str]) -> tuple[int, str | None]:
    """Index of the first body line, and the raw YAML (None when there is no front matter)."""
    if not lines or lines[0].strip() != "---":
        return 0, None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return index + 1, "\n".join(lines[1:index])
    return 0, None


def resolve_in_root(target: str, from_path: str) -> str | None:
    """`target` as written in `from_path`, relative to the source root; None when outside it."""
    target = target.replace("\\", "/")
    if target.startswith("~/"):
        joined = target[2:]
    elif target.startswith("/"):
        return None
    else:
        base = "" if from_path == PAGE else posixpath.dirname(from_path)
        joined = posixpath.join(base, target)
    path = posixpath.normpath(joined)
    if path == ".." or path.startswith("../") or path.startswith("/"):
        return None
    return path


def _split_segments(line: str, in_comment: bool) -> tuple[list[tuple[bool, str]], bool]:
    """Split a line into (rewritable, text) pieces: HTML comments and code spans are not."""
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


@dataclass
class _FileState:
    """Per-file scanning state."""

    path: str
    fence: str | None = None
    in_comment: bool = False
    stack: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, node, dedent)
    tab_level: int = 0
    after_quote: bool = False  # the previous line was part of a blockquote
    # What the previous line's text was ("paragraph", "list" or None after a blank line), to
    # let a bullet list interrupt a paragraph as it does on Learn (CommonMark).
    text_kind: str | None = None
    block_chars: int = 0  # characters since the last blank line (see `_bounded`)
    refused: dict[str, int] = field(default_factory=dict)  # containers nested too deep, by kind
    reported: set[str] = field(default_factory=set)  # limits already reported for this file


class DocfxSourcePreprocessor(Preprocessor):
    """Expands includes and marks DocFX constructs; see the module docstring."""

    def __init__(self, md: Any, conversion_factory: Callable[[], Conversion]) -> None:
        super().__init__(md)
        self._conversion_factory = conversion_factory
        self.line_processors = line_processors(self)

    def run(self, lines: list[str]) -> list[str]:
        self.conversion = self._conversion_factory()
        return self._expand(lines, PAGE, 0, ())

    # -- files -------------------------------------------------------------------------------

    def _expand(
        self, lines: list[str], path: str, first_line: int, stack: tuple[str, ...]
    ) -> list[str]:
        state = _FileState(path)
        out: list[str] = []
        for number, line in enumerate(lines, start=first_line + 1):
            out.extend(self._line(state, line, number, stack))
        self._close_all(state, out, len(lines) + first_line)
        return out

    def _read_include(self, target: str, path: str, line: int, stack: tuple[str, ...]) -> (
        list[str] | str
    ):
        """The processed lines of an included file, or the reason it is unavailable."""
        report = self.conversion.report
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
            file = resolve_inside(self.conversion.source_root, resolved, f"{path}:{line}")
        except SourceError as error:
            report(error.path, error.line, error.what, "not included", fatal=True)
            return "outside the source root"
        if file is None:
            report(path, line, f"included file `{resolved}` does not exist",
                   "shown a note instead")
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
        lines = normalize_source_text(text, self.md.tab_length)
        start, raw_yaml = split_front_matter(lines)
        front_matter = self._parse_front_matter(raw_yaml, resolved)
        if not stack and path == PAGE and self.conversion.front_matter is None:
            self.conversion.front_matter = front_matter
        return self._expand(lines[start:], resolved, start, (*stack, resolved))

    def _parse_front_matter(self, raw_yaml: str | None, path: str) -> dict[str, Any]:
        if raw_yaml is None:
            return {}
        try:
            data = yaml.safe_load(raw_yaml)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 2 if mark is not None else 1
            problem = getattr(error, "problem", None) or "invalid YAML"
            self.conversion.report(path, line, f"malformed front matter: {problem}",
                                   "front matter ignored")
            return {}
        if data is None:
            return {}
        if not isinstance(data, dict):
            self.conversion.report(path, 1, "front matter is not a mapping", "front matter ignored")
            return {}
        return data

    # -- lines -------------------------------------------------------------------------------

    def _line(
        self, state: _FileState, line: str, number: int, stack: tuple[str, ...],
        bounded: bool = False,
    ) -> list[str]:
        if state.path == PAGE and not _BLOCK_INCLUDE.match(line):
            # A generated page is ours, not DocFX: only its include lines are expanded. Text it
            # quotes from an article (even `:::name` shown as text) stays as it is.
            return [line]
        line = self._dedent(state, line)
        after_quote, state.after_quote = state.after_quote, bool(_QUOTE_LINE.match(line))
        if after_quote and state.fence is None and _LIST_ITEM.match(line):
            # CommonMark (and Learn): a list item ends a blockquote; Python-Markdown would
            # take it as a lazy continuation of the quote's paragraph.
            return ["", *self._line(state, line, number, stack)]
        if state.fence is not None:
            if re.match(rf"^[ \t>]*{re.escape(state.fence[0])}{{{len(state.fence)},}}\s*$", line):
                state.fence = None
            return [line]
        if not bounded:  # once a line: a line bounded again grows (a code span in a code span)
            line, split = self._bounded(state, line, number)
            if split is not None:
                return [split, *self._line(state, line, number, stack, bounded=True)]
        interrupting = self._list_interrupting_paragraph(state, line)
        if interrupting is not None:
            return [interrupting, *self._line(state, line, number, stack, bounded=True)]
        if not state.in_comment:
            fence = _FENCE_OPEN.match(line)
            # A backtick fence whose info string has a backtick is not a fence (CommonMark).
            if fence and not (fence.group("fence")[0] == "`" and "`" in fence.group("info")):
                state.fence = fence.group("fence")
                return [line]
            handled = self._block_construct(state, line, number, stack)
            if handled is not None:
                return handled
        return [self._inline(state, line, number, stack)]

    def _bounded(self, state: _FileState, line: str, number: int) -> tuple[str, str | None]:
        """`line` within the limits of `docfx_limits`, and the blank line (with the line's quote
        markers) to put before it when its paragraph is cut; None when it is not."""
        def report(path: str, number: int, what: str, action: str) -> None:
            if what not in state.reported:  # once a file: the first line names the place
                state.reported.add(what)
                self.conversion.report(path, number, what, action)

        if not line.strip():
            state.block_chars = 0
            return line, None
        if nesting(line, len(state.stack), self.md.tab_length) > MAX_NESTING:
            report(state.path, number, f"nested deeper than {MAX_NESTING} levels",
                   "the deeper levels shown as text")
            line = flatten(line, len(state.stack), self.md.tab_length)
        if len(line) > MAX_LINE and not state.in_comment:
            report(state.path, number, f"line longer than {MAX_LINE:,} characters",
                   "shown as code")
            line = as_code_span(line)
        if "|" in line or _LIST_ITEM.match(line):
            return line, None  # table cells and list items are texts of their own
        state.block_chars += len(line)
        if state.block_chars > MAX_BLOCK and state.block_chars > len(line):
            report(state.path, number, f"paragraph longer than {MAX_BLOCK:,} characters",
                   "cut into paragraphs")
            # The line is handled again after the cut, and counts for its new paragraph then.
            state.block_chars = 0
            return line, _QUOTE_PREFIX.match(line).group(0).rstrip()
        return line, None

    @staticmethod
    def _list_interrupting_paragraph(state: _FileState, line: str) -> str | None:
        """The blank line (with the line's quote markers) that Python-Markdown needs before a
        list starting right under a paragraph line, which CommonMark reads as a list; None if
        no blank line is needed. Keeps `state.text_kind` up to date."""
        quote = _QUOTE_PREFIX.match(line).group(0)
        body = line[len(quote):]
        previous = state.text_kind
        if not body.strip():
            state.text_kind = None
        elif _LIST_INTERRUPT.match(body) and not _TABLE_DELIMITER_ROW.match(body):
            state.text_kind = "list"
            if previous == "paragraph" and not state.in_comment:
                state.text_kind = None  # the blank line we return comes first
                return quote.rstrip()
        elif previous != "list":  # text under a list item is its lazy continuation
            plain = not body.startswith((" " * 4, "\t", "#", "|", "<", ":::", "[!"))
            state.text_kind = "paragraph" if plain else None
        return None

    def _dedent(self, state: _FileState, line: str) -> str:
        """The line without the indent of the containers it is in (as much of it as it has)."""
        dedent = max((entry[2] for entry in state.stack), default=0)
        if not dedent:
            return line
        indent = len(line) - len(line.lstrip(" "))
        return line[min(dedent, indent):]

    def _block_construct(
        self, state: _FileState, line: str, number: int, stack: tuple[str, ...]
    ) -> list[str] | None:
        """The lines the first line processor (`docfx_lines`) that takes `line` makes of it."""
        for processor in self.line_processors:
            match = processor.test(state, line)
            if match is not None:
                lines = processor.run(state, match, number, stack)
                if lines is not None:
                    return lines
        return None

    def _inline(self, state: _FileState, line: str, number: int, stack: tuple[str, ...]) -> str:
        quote = _QUOTE_PREFIX.match(line).group(0)
        body = line[len(quote) :]
        marker = _SECTION_MARKER.match(body) if ">" in quote else None
        if marker and not is_section_marker(body):  # `> [!NOTE] text`: DocFX warns too
            self.conversion.report(state.path, number, f"`[!{marker.group(1)}]` with more "
                                   "on its line is not a quote section", "shown as text")
        segments, state.in_comment = _split_segments(line, state.in_comment)
        pieces = []
        for rewritable, text in segments:
            if rewritable:
                if "markdown" in text:  # DocFX never reads markdown inside raw HTML
                    text = _MARKDOWN_ATTRIBUTE.sub(r"\1data-markdown\2", text)
                text = rewrite_inline(
                    text,
                    lambda problem: self._invalid_image(problem, state.path, number),
                    lambda uid: self.conversion.report(
                        state.path, number, f"cross reference `{uid}` cannot be resolved "
                        "(no xref map)", "shown as code"),
                )
                text = _INCLUDE.sub(lambda m: self._inline_include(state, m, number, stack), text)
                text = self._tokenize_links(text, state.path, number)
                self._check_unknown_bang(text, state.path, number)
            pieces.append(text)
        return "".join(pieces)

    # -- includes ----------------------------------------------------------------------------

    def _block_include(
        self, state: _FileState, match: re.Match[str], number: int, stack: tuple[str, ...]
    ) -> list[str]:
        prefix = match.group("prefix")
        blank = prefix.rstrip()
        target = _unescape(match.group("target"))
        included = self._read_include(target, state.path, number, stack)
        if included == CYCLE:
            return [blank, prefix + _include_as_text(match), blank]
        if isinstance(included, str):
            if not included:
                return [blank]
            node = self.conversion.add_node(DocfxNode(
                "missing-include", state.path, number,
                {"target": target, "reason": included},
            ))
            return [blank, prefix + node_marker(node), blank]
        body = [prefix + text if text.strip() else blank for text in included]
        return [blank, *body, blank]

    def _inline_include(
        self, state: _FileState, match: re.Match[str], number: int, stack: tuple[str, ...]
    ) -> str:
        before = match.string[: match.start()]
        if (len(before) - len(before.rstrip("\\"))) % 2:  # `\[!include…`: escaped, not one
            return match.group(0)
        target = _unescape(match.group("target"))
        included = self._read_include(target, state.path, number, stack)
        if included == CYCLE:
            return _include_as_text(match)
        if isinstance(included, str):
            if not included:
                return ""
            return f"*(included content `{target}` is not available: {included})*"
        return " ".join(text.strip() for text in included if text.strip())

    # -- links -------------------------------------------------------------------------------

    def _tokenize_links(self, text: str, path: str, number: int) -> str:
        def token(match: re.Match[str]) -> str:
            target = match.group("target")
            bare = target[1:-1] if target.startswith("<") else target
            if not bare.strip():
                self.conversion.report(path, number, "empty link target", "link shown as text")
                return match.group(0)
            if not _needs_resolving(bare):
                return match.group(0)
            self.conversion.links.append(LinkOrigin(bare, path, number))
            return match.group("open") + link_token(len(self.conversion.links) - 1)

        pieces, position = [], 0
        for opening in _LINK_OPENING.finditer(text):
            if opening.start() < position:
                continue
            link = _LINK_TARGET.match(text, opening.start())
            if link:
                pieces += [text[position : opening.start()], token(link)]
                position = link.end()
            elif "[" in text[: opening.start()] and text[opening.end() :].strip():
                # A `](` whose `)` is not on this line is not a link (CommonMark); escaped, so
                # that Python-Markdown does not run the link and its title into the next lines.
                # (At the end of a line, the destination may be on the next one.)
                pieces += [text[position : opening.start()], "]\\("]
                position = opening.end()
        text = "".join(pieces) + text[position:]
        return _REFERENCE_DEFINITION.sub(token, text)

    def _check_unknown_bang(self, text: str, path: str, number: int) -> None:
        for match in _BANG_NAME.finditer(text):
            name = match.group("name")
            if name.upper() in ALERT_TYPES or name.lower() in _KNOWN_BANG_NAMES:
                if name.upper() == "INCLUDE":
                    self.conversion.report(path, number, "malformed `[!INCLUDE` (expected "
                                           "`[!INCLUDE [name](path)]`)", "shown as text")
                continue
            self.conversion.report(path, number, f"unknown DocFX construct `[!{name}`",
                                   "shown as text")

    # -- ::: constructs ----------------------------------------------------------------------

    def _triple_colon(
        self, state: _FileState, match: re.Match[str], number: int
    ) -> list[str] | None:
        prefix, name = match.group("prefix"), match.group("name").lower()
        rest = re.sub(r":::\s*$", "", match.group("rest")).strip()
        in_quote = ">" in prefix
        if name == "image" and re.search(r":::\s*\S", match.group("rest")):
            return None  # text after the image: an inline image in a paragraph
        if name in ("image", "code"):
            attrs = parse_attributes(rest)
            if name == "image" and (problem := image_problem(attrs)):
                self._invalid_image(problem, state.path, number)
                return None
            complex_image = attrs.get("type", "content").lower() == "complex"
            if name == "image" and complex_image and not in_quote:
                node = self._image(attrs, state.path, number)
                return self._open(state, "image", node, len(prefix))
            node = self._image(attrs, state.path, number) if name == "image" else self._code(
                attrs, state.path, number)
            blank = prefix.rstrip()
            return [blank, prefix + node_marker(node), blank]
        if name == "video":
            return self._video(parse_attributes(rest), prefix, state.path, number)
        if name == "image-end" and not in_quote:
            return self._close(state, "image", number, name)
        if name in CONTAINERS and not in_quote and len(state.stack) >= MAX_CONTAINERS:
            if "containers" not in state.reported:
                state.reported.add("containers")
                self.conversion.report(state.path, number, f"`:::{name}` nested deeper than "
                                       f"{MAX_CONTAINERS} containers", "shown as text")
            state.refused[name] = state.refused.get(name, 0) + 1
            return None
        if name in CONTAINER_ENDS and state.refused.get(CONTAINER_ENDS[name]):
            state.refused[CONTAINER_ENDS[name]] -= 1  # the end of a container shown as text
            return None
        if name in CONTAINERS and not in_quote:
            attrs = parse_attributes(rest)
            problem = _container_problem(name, rest)
            if problem:
                self.conversion.report(state.path, number, f"invalid `:::{name}`: {problem}",
                                       "shown as text")
                return None
            node = self.conversion.add_node(DocfxNode(name, state.path, number, attrs))
            # Row and column bodies are indented one level deeper than the marker (DocFX).
            body_indent = self.md.tab_length if name in ("row", "column") else 0
            return self._open(state, name, node, len(prefix) + body_indent)
        if name in CONTAINER_ENDS and not in_quote:
            if rest:
                self.conversion.report(state.path, number, f"text after `:::{name}:::`",
                                       "shown as text")
                return None
            return self._close(state, CONTAINER_ENDS[name], number, name)
        self.conversion.report(state.path, number, f"unknown DocFX construct `:::{name}`",
                               "shown as text")
        return None

    def _invalid_image(self, problem: str, path: str, number: int) -> None:
        self.conversion.report(path, number, f"invalid `:::image`: {problem}", "shown as text")

    def _video(self, attrs: dict[str, str], prefix: str, path: str, number: int
               ) -> list[str] | None:
        """`:::video source="https://…" title=… max-width=… thumbnail=… upload-date=…:::`."""
        unknown = sorted(set(attrs) - _VIDEO_ATTRIBUTES)
        problem = (
            f"unexpected attribute `{unknown[0]}`" if unknown
            else "no source" if not attrs.get("source")
            else "max-width is not a number" if not attrs.get("max-width", "1").isdigit()
            else ""
        )
        if problem:
            self.conversion.report(path, number, f"invalid `:::video`: {problem}", "shown as text")
            return None
        node = self.conversion.add_node(DocfxNode("video", path, number, attrs))
        return [prefix.rstrip(), prefix + node_marker(node), prefix.rstrip()]

    def _image(self, attrs: dict[str, str], path: str, number: int) -> int:
        source = attrs.get("source", "")
        resolved = resolve_in_root(source, path) if source else None
        present = resolved is not None and media_inside(self.conversion, resolved, path, number)
        if present:
            self.conversion.add_media(resolved)
        else:
            self.conversion.report(path, number, f"image `{source}` not found"
                                   if source else "image without a source",
                                   "shown its alt text instead")
        node_attrs = {**attrs, "resolved": resolved or "", "present": "1" if present else ""}
        return self.conversion.add_node(DocfxNode("image", path, number, node_attrs))

    def _code(self, attrs: dict[str, str], path: str, number: int) -> int:
        """`:::code source=… range=… id=… language=…:::`."""
        source = attrs.get("source", "")
        extension = posixpath.splitext(source)[1]
        language = attrs.get("language") or LANGUAGE_BY_EXTENSION.get(extension, "")
        snippet = CodeSnippet(source, tag=attrs.get("id", ""),
                              ranges=line_ranges(attrs.get("range", "")))
        node_attrs = {**attrs, "language": language}
        text = self._read_code(source, path, number)
        if text is not None:
            excerpt = snippet_text(text, snippet, extension).rstrip()
            self._report_snippet(snippet, path, number)
            if excerpt:
                node_attrs["text"] = excerpt
        return self.conversion.add_node(DocfxNode("code", path, number, node_attrs))

    def _code_snippet(self, snippet: CodeSnippet, path: str, number: int) -> int:
        """`[!code-csharp[name](Program.cs?range=1-3#tag "title")]` and `[!notebook-…]`."""
        source = snippet.path
        attrs = {"source": source, "language": snippet.language, "title": snippet.title}
        text = self._read_code(source, path, number)
        if text is not None:
            attrs["text"] = snippet_text(text, snippet, posixpath.splitext(source)[1])
            self._report_snippet(snippet, path, number)
        return self.conversion.add_node(DocfxNode("code", path, number, attrs))

    def _report_snippet(self, snippet: CodeSnippet, path: str, number: int) -> None:
        for problem in snippet.problems:
            self.conversion.report(path, number, f"code `{snippet.path}`: {problem}",
                                   "shown an empty code block")

    def _read_code(self, source: str, path: str, number: int) -> str | None:
        """The text of a code file inside the source root, or None (reported)."""
        resolved = resolve_in_root(source, path) if source else None
        file = self._inside(resolved, path, number) if resolved else None
        if file is None:
            self.conversion.report(path, number, f"code sample `{source}` not found"
                                   if source else "code sample without a source",
                                   "shown a note instead")
            return None
        return self._code_text(file, resolved, path, number)

    def _inside(self, resolved: str, path: str, number: int) -> Path | None:
        """The real file of a source path, if inside the root (else a fatal problem)."""
        try:
            return resolve_inside(self.conversion.source_root, resolved, f"{path}:{number}")
        except SourceError as error:
            self.conversion.report(error.path, error.line, error.what, "not used", fatal=True)
            return None

    def _code_text(self, file: Path, resolved: str, path: str, number: int) -> str | None:
        try:
            return read_source_text(file, resolved)
        except SourceError as error:
            self.conversion.report(error.path, error.line, error.what, "not used", fatal=True)
            return None

    def _tab(self, state: _FileState, match: re.Match[str], number: int) -> list[str]:
        out: list[str] = []
        if state.tab_level:
            out += self._close_until(state, "tab")
        else:
            tabs = self.conversion.add_node(DocfxNode("tabs", state.path, number))
            out += self._open(state, "tabs", tabs, 0)
            state.tab_level = len(match.group("hashes"))
        tabs_node = next(entry[1] for entry in reversed(state.stack) if entry[0] == "tabs")
        attrs = {"title": match.group("title"), "id": match.group("id")}
        tab = self.conversion.add_node(DocfxNode("tab", state.path, number, attrs))
        self.conversion.nodes[tabs_node].children.append(tab)
        return out + self._open(state, "tab", tab, 0)

    def _open(self, state: _FileState, kind: str, node: int, dedent: int) -> list[str]:
        outer = max((entry[2] for entry in state.stack), default=0)
        state.stack.append((kind, node, outer + dedent))
        return ["", f'<div data-docfx-node="{node_attribute(node)}" markdown="1">', ""]

    def _close(self, state: _FileState, kind: str, number: int, name: str) -> list[str] | None:
        if not any(entry[0] == kind for entry in state.stack):
            self.conversion.report(state.path, number, f"`:::{name}` without a matching opening",
                                   "shown as text")
            return None
        return self._close_until(state, kind, number)

    def _close_until(self, state: _FileState, kind: str, number: int = 0) -> list[str]:
        out: list[str] = []
        while state.stack:
            open_kind, node, _ = state.stack.pop()
            if open_kind == "tabs":
                state.tab_level = 0
            elif open_kind != kind and number and open_kind != "tab":
                where = self.conversion.nodes[node]
                self.conversion.report(where.path, where.line, f"`:::{open_kind}` is not closed",
                                       f"closed at line {number}")
            out += ["", "</div>", ""]
            if open_kind == kind:
                break
        return out

    def _close_all(self, state: _FileState, out: list[str], last_line: int) -> None:
        while state.stack:
            kind, node, _ = state.stack[-1]
            if kind not in ("tabs", "tab"):
                where = self.conversion.nodes[node]
                self.conversion.report(where.path, where.line, f"`:::{kind}` is not closed",
                                       "closed at the end of the file")
            out += self._close_until(state, kind)


_STRICT_ATTRIBUTE = re.compile(
    r"""\s*(?P<key>[^\s=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bad>\S*)))?"""
)
_PIVOTS = re.compile(r"^\s*[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*\s*$")
_ALLOWED = {
    "zone": {"target", "pivot"}, "moniker": {"range"}, "row": {"count"}, "column": {"span"},
}


def strict_attributes(text: str) -> dict[str, str] | str:
    """`key="value" …` as DocFX's `:::` blocks accept them, or what is wrong with them."""
    attrs: dict[str, str] = {}
    position = 0
    while position < len(text) and text[position:].strip():
        match = _STRICT_ATTRIBUTE.match(text, position)
        if not match or match.end() == position:
            return "malformed attributes"
        key = match.group("key")
        if match.group("bad") is not None or text[match.end(): match.end() + 1] not in ("", " ",
                                                                                        "\t"):
            return f"attribute `{key}` has no quoted value"
        if not re.fullmatch(r"[A-Za-z][\w-]*", key):
            return f"invalid attribute name `{key}`"
        if key.lower() in attrs:
            return f"attribute `{key}` given twice"
        value = match.group("dq") if match.group("dq") is not None else match.group("sq")
        attrs[key.lower()] = value if value is not None else ""
        position = match.end()
    return attrs


def _container_problem(name: str, text: str) -> str:
    """Why a zone, moniker, row or column line is invalid for DocFX ('' when it is valid)."""
    attrs = strict_attributes(text)
    if isinstance(attrs, str):
        return attrs
    unexpected = sorted(set(attrs) - _ALLOWED[name])
    if unexpected:
        return f"unexpected attribute `{unexpected[0]}`"
    if name == "zone":
        target, pivot = attrs.get("target"), attrs.get("pivot")
        if target is None and pivot is None:
            return "either target or pivot must be given"
        if target is not None and target not in ("docs", "chromeless", "pdf"):
            return f"unexpected target `{target}`"
        if pivot is not None and not _PIVOTS.match(pivot):
            return f"invalid pivot `{pivot}`"
        if target == "pdf" and pivot is not None:
            return "no pivot on the pdf target"
    if name == "moniker" and not attrs.get("range"):
        return "no range"
    return ""


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def _include_as_text(match: re.Match[str]) -> str:
    """An include DocFX does not expand, as the text it shows: `[!include[name](path)]`."""
    return escape_markdown(f"[!include[{_unescape(match.group('name'))}]"
                           f"({_unescape(match.group('target'))})]")


def media_inside(conversion: Conversion, path: str, origin: str, line: int) -> bool:
    """Whether an image file exists inside the source root (a symlink out of it is fatal) and
    is small enough to publish."""
    try:
        file = resolve_inside(conversion.source_root, path, f"{origin}:{line}")
    except SourceError as error:
        conversion.report(error.path, error.line, error.what, "not used", fatal=True)
        return False
    if file is not None and file.stat().st_size > MAX_MEDIA_BYTES:
        conversion.report(origin, line, f"image `{path}` is larger than {MAX_MEDIA_BYTES:,} "
                          "bytes", "not published")
        return False
    return file is not None


def _needs_resolving(target: str) -> bool:
    """Relative, root (`/azure/...`) and docset-root (`~/...`) targets; not URLs or anchors."""
    return not (target.startswith(("#", "//")) or re.match(r"^[A-Za-z][\w+.-]*:", target))
