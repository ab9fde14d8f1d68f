"""Tabs: a run of headings `#### [Title](#tab/id)`, each starting a tab of one tab group.

The first tab heading opens a group (its level is the group's); each next one closes the tab
before it. The group ends at a thematic break of dashes (`---`, `- - -`) or at a heading above
the tabs' level, which stays a heading. The group renders as pymdownx.tabbed's markup
(`docfx_render`), so Material styles and switches it.
"""

from __future__ import annotations

import re

from .docfx_containers import close_until, open_container
from .docfx_conversion import DocfxNode, FileState
from .docfx_lines import LineProcessor, Lines


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
