"""Tabs: a run of headings `#### [Title](#tab/id)`, each starting a tab of one tab group.

The first tab heading opens a group (its level is the group's); each next one closes the tab
before it. The group ends at a thematic break of dashes (`---`, `- - -`) or at a heading above
the tabs' level, which stays a heading. The group renders as pymdownx.tabbed's markup
(`docfx_render`), so Material styles and switches it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from .docfx_containers import close_until, open_container
from .docfx_conversion import DocfxNode, FileState
from .docfx_lines import LineProcessor, Lines

if TYPE_CHECKING:
    from .docfx_render import DocfxRenderTreeprocessor


class TabProcessor(LineProcessor):
    RE = re.compile(
        r"^(?P<hashes>#{1,6})[ \t]+(?:<a\b[^<>]*>\s*</a>\s*)?"
        r"\[(?P<title>[^\]]+)\]\(#tab/(?P<id>[^)\s]+)\)\s*$"
    )

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        conversion = self.conversion
        out: list[str] = []
        if state.tab_level:
            out += close_until(conversion, state, "tab")
        else:
            tabs = conversion.add_node(DocfxNode("tabs", state.path, number))
            out += open_container(state, "tabs", tabs, 0)
            state.tab_level = len(match.group("hashes"))
        tabs_node = next(entry[1] for entry in reversed(state.stack) if entry[0] == "tabs")
        attrs = {"title": match.group("title"), "id": match.group("id")}
        tab = conversion.add_node(DocfxNode("tab", state.path, number, attrs))
        conversion.nodes[tabs_node].children.append(tab)
        return out + open_container(state, "tab", tab, 0)


class TabGroupEndProcessor(LineProcessor):
    RE = re.compile(r"^ {0,3}-[ \t]*-[ \t]*-[ \t-]*$")  # a thematic break of dashes

    def test(self, state: FileState, line: str) -> re.Match[str] | None:
        return self.RE.match(line) if state.tab_level else None

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        return close_until(self.conversion, state, "tabs")


class TabHeadingEndProcessor(LineProcessor):
    RE = re.compile(r"^(#{1,6})[ \t]")

    def test(self, state: FileState, line: str) -> re.Match[str] | None:
        heading = self.RE.match(line) if state.tab_level else None
        return heading if heading and len(heading.group(1)) < state.tab_level else None

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        return close_until(self.conversion, state, "tabs") + [match.string]


def render_tabs(render: DocfxRenderTreeprocessor, element: etree.Element, node: DocfxNode
                ) -> None:
    """pymdownx.tabbed's alternate-style markup, which Material styles and scripts."""
    tab_set = render.next_tab_set()
    blocks = list(element)
    for child in blocks:
        element.remove(child)
    count = len(node.children)
    name = f"__docfx_tabbed_{tab_set}"
    element.set("class", "tabbed-set tabbed-alternate")
    element.set("data-tabs", f"{tab_set}:{count}")
    labels = etree.Element("div", {"class": "tabbed-labels"})
    for index, tab_id in enumerate(node.children, start=1):
        tab = render.conversion.nodes[tab_id]
        radio = {"id": f"{name}_{index}", "name": name, "type": "radio"}
        if index == 1:
            radio = {"checked": "checked", **radio}
        element.append(etree.Element("input", radio))
        label = etree.SubElement(labels, "label", {"for": f"{name}_{index}"})
        label.set("data-tab-id", tab.attrs["id"])
        label.text = tab.attrs["title"]
    element.append(labels)
    content = etree.SubElement(element, "div", {"class": "tabbed-content"})
    for block in blocks:
        block.set("class", "tabbed-block")
        content.append(block)
