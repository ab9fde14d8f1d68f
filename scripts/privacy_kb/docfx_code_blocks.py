"""Code blocks from files: `:::code source=… range=… id=… language=…:::` and, on a line of its
own, `[!code-csharp[name](Program.cs?range=1-3#tag "title")]` or `[!notebook-python[](nb.ipynb)]`.

Each becomes a node (a `<pre><code>` by `docfx_render`) holding the part of the file that DocFX
would show (`docfx_code` chooses it). The file must be inside the source root (a symlink out of
it, bad bytes or a file too big are fatal); a missing one is shown as a note, with a warning.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import TYPE_CHECKING

from .docfx_code import (
    LANGUAGE_BY_EXTENSION,
    CodeSnippet,
    line_ranges,
    parse_snippet_line,
    snippet_text,
)
from .docfx_conversion import Conversion, DocfxNode, FileState, resolve_in_root
from .docfx_lines import (
    LineProcessor,
    Lines,
    TripleColonProcessor,
    marker_lines,
    triple_colon_parts,
)
from .docfx_notes import unavailable_note
from .docfx_placeholders import node_marker
from .docfx_source_attrs import parse_attributes
from .paths import SourceError, read_source_text

if TYPE_CHECKING:
    from .docfx_render import DocfxRenderTreeprocessor


class CodeProcessor(TripleColonProcessor):
    """`:::code source=… range=… id=… language=…:::`."""

    NAMES = ("code",)

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        prefix, _, rest, _ = triple_colon_parts(match)
        attrs = parse_attributes(rest)
        source = attrs.get("source", "")
        extension = posixpath.splitext(source)[1]
        language = attrs.get("language") or LANGUAGE_BY_EXTENSION.get(extension, "")
        snippet = CodeSnippet(source, tag=attrs.get("id", ""),
                              ranges=line_ranges(attrs.get("range", "")))
        node_attrs = {**attrs, "language": language}
        text = read_code(self.conversion, source, state.path, number)
        if text is not None:
            excerpt = snippet_text(text, snippet, extension).rstrip()
            report_snippet(self.conversion, snippet, state.path, number)
            if excerpt:
                node_attrs["text"] = excerpt
        node = self.conversion.add_node(DocfxNode("code", state.path, number, node_attrs))
        return marker_lines(prefix, node_marker(node))


class CodeSnippetProcessor(LineProcessor):
    """`[!code-lang[name](file?range=…#tag "title")]` and `[!notebook-…]` on a line of their own."""

    RE = re.compile(r"^(?P<prefix>[ \t]*(?:>[ \t]?)*)(?P<rest>\[!.*)$")

    def test(self, state: FileState, line: str) -> re.Match[str] | None:
        return self.RE.match(line) if "[!" in line else None

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        snippet = parse_snippet_line(match.group("rest"))
        if snippet is None:
            return None
        source = snippet.path
        attrs = {"source": source, "language": snippet.language, "title": snippet.title}
        text = read_code(self.conversion, source, state.path, number)
        if text is not None:
            attrs["text"] = snippet_text(text, snippet, posixpath.splitext(source)[1])
            report_snippet(self.conversion, snippet, state.path, number)
        node = self.conversion.add_node(DocfxNode("code", state.path, number, attrs))
        return marker_lines(match.group("prefix"), node_marker(node))


def report_snippet(conversion: Conversion, snippet: CodeSnippet, path: str, number: int) -> None:
    for problem in snippet.problems:
        conversion.report(path, number, f"code `{snippet.path}`: {problem}",
                          "shown an empty code block")


def read_code(conversion: Conversion, source: str, path: str, number: int) -> str | None:
    """The text of a code file inside the source root, or None (reported)."""
    resolved = resolve_in_root(source, path) if source else None
    file = _inside(conversion, resolved, path, number) if resolved else None
    if file is None:
        conversion.report(path, number, f"code sample `{source}` not found"
                          if source else "code sample without a source", "shown a note instead")
        return None
    try:
        return read_source_text(file, resolved)
    except SourceError as error:
        conversion.report(error.path, error.line, error.what, "not used", fatal=True)
        return None


def _inside(conversion: Conversion, resolved: str, path: str, number: int) -> Path | None:
    """The real file of a source path, if inside the root (else a fatal problem)."""
    try:
        return conversion.resolve(resolved, f"{path}:{number}")
    except SourceError as error:
        conversion.report(error.path, error.line, error.what, "not used", fatal=True)
        return None


def render_code(render: DocfxRenderTreeprocessor, element: etree.Element, node: DocfxNode
                ) -> None:
    """`<pre><code class="language-x">`, or a note when the file is not available."""
    attrs = node.attrs
    if "text" in attrs:
        element.tag = "pre"
        code = etree.SubElement(element, "code")
        if attrs.get("language"):
            code.set("class", f"language-{attrs['language']}")
        code.text = attrs["text"]
        return
    unavailable_note(element, "Code sample not available", "Code sample ",
                     attrs.get("source", ""),
                     " is not available (it lives outside this source repository).",
                     "docfx-missing-code")
