"""The stack of open DocFX containers (zones, monikers, rows, columns, tabs, complex images).

A container becomes a `<div data-docfx-node="N" markdown="1">` block, so that `md_in_html`
parses its body, and its closing `</div>`; the body's lines lose the indent the container asks
for (row and column bodies are indented one level deeper than their marker, as in DocFX). A
container left open is closed at its end marker's line or at the end of the file, with a
warning. `ContainerProcessor` is the line processor the `:::name` … `:::name-end` containers
share (`docfx_zones`, `docfx_monikers`, `docfx_rows`): the nesting limit, attribute checks as
strict as DocFX's, opening and closing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from .docfx_conversion import Conversion, DocfxNode, FileState
from .docfx_limits import MAX_CONTAINERS
from .docfx_lines import AS_TEXT, Lines, TripleColonProcessor, triple_colon_parts
from .docfx_placeholders import node_attribute
from .docfx_source_attrs import parse_attributes


def open_container(state: FileState, kind: str, node: int, dedent: int) -> list[str]:
    """The lines that open container `node`; its body loses `dedent` more columns."""
    outer = max((entry[2] for entry in state.stack), default=0)
    state.stack.append((kind, node, outer + dedent))
    return ["", f'<div data-docfx-node="{node_attribute(node)}" markdown="1">', ""]


def close(conversion: Conversion, state: FileState, kind: str, number: int, name: str) -> Lines:
    """The lines that close the innermost open `kind` (AS_TEXT when none is open: reported)."""
    if not any(entry[0] == kind for entry in state.stack):
        conversion.report(state.path, number, f"`:::{name}` without a matching opening",
                          "shown as text")
        return AS_TEXT
    return close_until(conversion, state, kind, number)


def close_until(conversion: Conversion, state: FileState, kind: str, number: int = 0
                ) -> list[str]:
    """Close containers up to the innermost `kind`; those closed on the way are reported as
    not closed (at `number`) unless `number` is 0 or they are tabs."""
    out: list[str] = []
    while state.stack:
        open_kind, node, _ = state.stack.pop()
        if open_kind == "tabs":
            state.tab_level = 0
        elif open_kind != kind and number and open_kind != "tab":
            where = conversion.nodes[node]
            conversion.report(where.path, where.line, f"`:::{open_kind}` is not closed",
                              f"closed at line {number}")
        out += ["", "</div>", ""]
        if open_kind == kind:
            break
    return out


def close_all(conversion: Conversion, state: FileState, out: list[str]) -> None:
    """At the end of a file: close what is open (a container but tabs is reported)."""
    while state.stack:
        kind, node, _ = state.stack[-1]
        if kind not in ("tabs", "tab"):
            where = conversion.nodes[node]
            conversion.report(where.path, where.line, f"`:::{kind}` is not closed",
                              "closed at the end of the file")
        out += close_until(conversion, state, kind)


def dedent(state: FileState, line: str) -> str:
    """The line without the indent of the containers it is in (as much of it as it has)."""
    columns = max((entry[2] for entry in state.stack), default=0)
    if not columns:
        return line
    indent = len(line) - len(line.lstrip(" "))
    return line[min(columns, indent):]


_STRICT_ATTRIBUTE = re.compile(
    r"""\s*(?P<key>[^\s=]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bad>\S*)))?"""
)


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


class ContainerProcessor(TripleColonProcessor):
    """`:::NAME attrs:::` … `:::NAME-end:::` outside a blockquote (in one, DocFX does not read
    it: the last processor reports an unknown construct)."""

    NAME: str
    ALLOWED: frozenset[str]  # the attributes DocFX accepts
    BODY_INDENT = False  # the body is indented one level deeper than the marker

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls.NAMES = (cls.NAME, f"{cls.NAME}-end")

    def problem(self, attrs: dict[str, str]) -> str:
        """Why valid attributes are still not a valid `NAME` ('' when they are)."""
        return ""

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        prefix, name, rest, in_quote = triple_colon_parts(match)
        if name == self.NAME:
            return self._open(state, name, prefix, rest, in_quote, number)
        if state.refused.get(self.NAME):  # the end of a container shown as text
            state.refused[self.NAME] -= 1
            return AS_TEXT
        if in_quote:
            return None
        if rest:
            self.conversion.report(state.path, number, f"text after `:::{name}:::`",
                                   "shown as text")
            return AS_TEXT
        return close(self.conversion, state, self.NAME, number, name)

    def _open(self, state: FileState, name: str, prefix: str, rest: str, in_quote: bool,
              number: int) -> Lines:
        if in_quote:
            return None
        if len(state.stack) >= MAX_CONTAINERS:
            if "containers" not in state.reported:
                state.reported.add("containers")
                self.conversion.report(state.path, number, f"`:::{name}` nested deeper than "
                                       f"{MAX_CONTAINERS} containers", "shown as text")
            state.refused[name] = state.refused.get(name, 0) + 1
            return AS_TEXT
        problem = self._problem(rest)
        if problem:
            self.conversion.report(state.path, number, f"invalid `:::{name}`: {problem}",
                                   "shown as text")
            return AS_TEXT
        node = self.conversion.add_node(DocfxNode(name, state.path, number,
                                                  parse_attributes(rest)))
        body_indent = self.source.md.tab_length if self.BODY_INDENT else 0
        return open_container(state, name, node, len(prefix) + body_indent)

    def _problem(self, rest: str) -> str:
        attrs = strict_attributes(rest)
        if isinstance(attrs, str):
            return attrs
        unexpected = sorted(set(attrs) - self.ALLOWED)
        if unexpected:
            return f"unexpected attribute `{unexpected[0]}`"
        return self.problem(attrs)


def render_labelled(element: etree.Element, node: DocfxNode, label: str) -> None:
    """A zone or moniker: an info admonition titled with what it applies to."""
    element.set("class", f"admonition info docfx-{node.kind}")
    for key in ("range", "pivot", "target"):
        if key in node.attrs:
            element.set(f"data-{key}", node.attrs[key])
    title = etree.Element("p", {"class": "admonition-title"})
    title.text = label
    element.insert(0, title)
