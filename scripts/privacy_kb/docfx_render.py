"""DocFX render stage: turns the nodes and link origins of `docfx_source` into HTML elements.

Runs after the inline patterns, so links exist as `<a>`/`<img>` elements; everything it
builds is plain ElementTree, so the extractor sees the same structure the site shows. It only
dispatches: each node goes to the renderer of its kind (`BODILESS`, `CONTAINERS`), each link
and image to `docfx_links` and `docfx_images`, all of them in their construct's module, next to
the processors that found the construct. Placeholders it does not find an owner for (a forged
or a stray one) are text (`docfx_placeholders`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX

from .docfx_alerts import render_div_quote
from .docfx_code_blocks import render_code
from .docfx_conversion import Conversion, DocfxNode, LinkOrigin
from .docfx_images import render_complex_image, render_image, render_markdown_image
from .docfx_includes import render_missing_include
from .docfx_links import render_link
from .docfx_monikers import render_moniker
from .docfx_placeholders import (
    LINK_TOKEN_RE,
    NODE_ATTRIBUTE_RE,
    NODE_MARKER_ANYWHERE_RE,
    NODE_MARKER_RE,
    lookup,
)
from .docfx_rows import render_column, render_row
from .docfx_tabs import render_tabs
from .docfx_video import render_media_link, render_video
from .docfx_zones import render_zone
from .links import LinkResolver

_NODE_ATTRIBUTE_LEFT = re.compile(r' data-docfx-node="[^"]*"')
Renderer = Callable[["DocfxRenderTreeprocessor", etree.Element, DocfxNode], None]


# What renders each node, by kind: bodiless nodes (a marker paragraph) and containers (a
# `<div>` holding the body). Each renderer lives in its construct's module.
BODILESS: dict[str, Renderer] = {
    "image": render_image,
    "code": render_code,
    "video": render_video,
    "missing-include": render_missing_include,
}
CONTAINERS: dict[str, Renderer] = {
    "image": render_complex_image,
    "zone": render_zone,
    "moniker": render_moniker,
    "row": render_row,
    "column": render_column,
    "tabs": render_tabs,
}


class DocfxRenderTreeprocessor(Treeprocessor):
    """Builds the elements for DocFX nodes, resolves links and images, and `[!div]` quotes."""

    def __init__(
        self, md: Any, resolver: LinkResolver, conversion: Callable[[], Conversion]
    ) -> None:
        super().__init__(md)
        self.resolver = resolver
        self._conversion = conversion
        self._tab_sets = 0

    def run(self, root: etree.Element) -> None:
        self.conversion = self._conversion()
        self._tab_sets = 0
        parents = {child: parent for parent in root.iter() for child in parent}
        for element in list(root.iter()):
            self._element(element, parents)
        self._restore_tokens(root)

    def origin(self, value: str | None) -> LinkOrigin | None:
        """Where the link placeholder `value` was written (None: not one of ours)."""
        return lookup(self.conversion.links, LINK_TOKEN_RE.fullmatch(value or ""))

    def next_tab_set(self) -> int:
        """The number of the next tab set of the page (1, 2, …)."""
        self._tab_sets += 1
        return self._tab_sets

    def _element(self, element: etree.Element, parents: dict[etree.Element, etree.Element]) -> None:
        node_id = element.get("data-docfx-node")
        if node_id is not None:
            del element.attrib["data-docfx-node"]  # an article's own is dropped
            node = lookup(self.conversion.nodes, NODE_ATTRIBUTE_RE.match(node_id))
            if node is not None and node.kind in CONTAINERS:
                CONTAINERS[node.kind](self, element, node)
        elif element.tag == "p" and len(element) == 0 and element.text:
            node = lookup(self.conversion.nodes, NODE_MARKER_RE.match(element.text.strip()))
            if node is not None:
                element.text = None
                if node.kind in BODILESS:
                    BODILESS[node.kind](self, element, node)
        elif element.tag == "a":
            render_link(self, element)
        elif element.tag == "img":
            if not render_media_link(element):
                render_markdown_image(self, element, parents)
        elif element.tag == "div" and "docfx-div" in (element.get("class") or ""):
            render_div_quote(element)

    def _restore_tokens(self, root: etree.Element) -> None:
        """A link token the inline parser did not turn into a link goes back to its target."""

        restore = _restorer(self.conversion.links)
        for element in root.iter():
            if element.text and STX in element.text:
                element.text = LINK_TOKEN_RE.sub(restore, element.text)
            if element.tail and STX in element.tail:
                element.tail = LINK_TOKEN_RE.sub(restore, element.tail)
            for key, value in element.attrib.items():
                if STX in value:
                    element.set(key, LINK_TOKEN_RE.sub(restore, value))


class DocfxLeftoverPostprocessor(Postprocessor):
    """Raw HTML blocks (say, an unclosed `<table>`) swallow markdown whole, tokens included:
    put link targets back as written and drop node markers and container attributes there."""

    def __init__(self, md: Any, conversion: Callable[[], Conversion]) -> None:
        super().__init__(md)
        self._conversion = conversion

    def run(self, text: str) -> str:
        text = LINK_TOKEN_RE.sub(_restorer(self._conversion().links), text)
        return _NODE_ATTRIBUTE_LEFT.sub("", NODE_MARKER_ANYWHERE_RE.sub("", text))


class ControlCharacterPostprocessor(Postprocessor):
    """Drops any STX/ETX left once Python-Markdown's own postprocessors have resolved their
    placeholders: they are never article text (see `docfx_placeholders`)."""

    def run(self, text: str) -> str:
        return text.replace(STX, "").replace(ETX, "")


def _restorer(links: list[LinkOrigin]) -> Callable[[re.Match[str]], str]:
    """A link placeholder back to the target as written (`""` if it is not one of ours)."""

    def restore(match: re.Match[str]) -> str:
        origin = lookup(links, match)
        return origin.target if origin is not None else ""

    return restore
