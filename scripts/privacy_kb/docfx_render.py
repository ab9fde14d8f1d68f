"""DocFX render stage: turns the nodes and link origins of `docfx_source` into HTML elements.

Runs after the inline patterns, so links exist as `<a>`/`<img>` elements; everything it
builds is plain ElementTree, so the extractor sees the same structure the site shows.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor

from .docfx_source import (
    LINK_TOKEN_RE,
    NODE_MARKER_ANYWHERE_RE,
    NODE_MARKER_RE,
    Conversion,
    DocfxNode,
    LinkOrigin,
    media_inside,
    resolve_in_root,
)
from .links import LinkResolver

_DIV_MARKER = re.compile(r'^\s*\[!div\s+class\s*=\s*"(?P<classes>[^"]*)"\s*\]\s*', re.I)
_FLEX_ROW = "display:flex;flex-wrap:wrap;gap:1rem"
_FLEX_COLUMN = "flex:1 1 0;min-width:12rem"


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

    def _element(self, element: etree.Element, parents: dict[etree.Element, etree.Element]) -> None:
        node_id = element.get("data-docfx-node")
        if node_id is not None:
            del element.attrib["data-docfx-node"]
            self._container(element, self.conversion.nodes[int(node_id)])
        elif element.tag == "p" and len(element) == 0 and element.text:
            marker = NODE_MARKER_RE.match(element.text.strip())
            if marker:
                element.text = None
                self._bodiless(element, self.conversion.nodes[int(marker.group(1))])
        elif element.tag == "a":
            self._link(element)
        elif element.tag == "img":
            self._image(element, parents)
        elif element.tag == "blockquote":
            self._div_quote(element)

    # -- links and markdown images -----------------------------------------------------------

    def _origin(self, value: str | None) -> LinkOrigin | None:
        match = LINK_TOKEN_RE.fullmatch(value or "")
        return self.conversion.links[int(match.group(1))] if match else None

    def _link(self, element: etree.Element) -> None:
        if element.get("href") == "":  # `[text]()`: reported by the source stage
            element.tag = "span"
            element.attrib.clear()
            return
        origin = self._origin(element.get("href"))
        if origin is None:
            return
        target = origin.target.replace("\\", "/")
        if target.startswith("~/"):
            resolved = self.resolver.resolve(target[2:], "")
        else:
            resolved = self.resolver.resolve(target, origin.path)
        if resolved is None:
            element.set("href", origin.target)
            if resolve_in_root(target, origin.path) is None and not target.startswith("/"):
                self.conversion.report(origin.path, origin.line,
                                       f"link `{origin.target}` leaves the source root",
                                       "left unchanged")
            return
        element.set("href", resolved.href)
        element.set("data-learn-href", resolved.learn_href)

    def _image(self, element: etree.Element, parents: dict[etree.Element, etree.Element]) -> None:
        origin = self._origin(element.get("src"))
        if origin is None:
            return
        path = resolve_in_root(origin.target.split("#")[0].split("?")[0], origin.path)
        if path is not None and media_inside(self.conversion, path, origin.path, origin.line):
            self.conversion.add_media(path)
            element.set("src", "/" + path)
            return
        self.conversion.report(origin.path, origin.line, f"image `{origin.target}` not found",
                               "shown its alt text instead")
        alt = element.get("alt", "")
        parent = parents.get(element)
        if parent is not None and parent.tag == "p" and len(parent) == 1 and not (
            (parent.text or "").strip() or (element.tail or "").strip()
        ):
            parent.tag, parent.text = "figure", None
            parent.attrib.clear()
            parent.set("class", "docfx-image docfx-image--missing")
            parent.remove(element)
            etree.SubElement(parent, "figcaption").text = alt
            return
        tail = element.tail
        element.clear()
        element.tag, element.text, element.tail = "span", alt, tail
        element.set("class", "docfx-image docfx-image--missing")

    # -- bodiless nodes ----------------------------------------------------------------------

    def _bodiless(self, element: etree.Element, node: DocfxNode) -> None:
        if node.kind == "image":
            element.tag = "figure"
            self._figure(element, node)
        elif node.kind == "code":
            self._code(element, node)
        elif node.kind == "missing-include":
            _note(element, "Missing content", "Included content ", node.attrs["target"],
                  f" is not available ({node.attrs['reason']}).", "docfx-missing-include")

    def _figure(self, element: etree.Element, node: DocfxNode) -> None:
        attrs = node.attrs
        classes = ["docfx-image", f"docfx-image--{attrs.get('type', 'content').lower()}"]
        if "border" in attrs and attrs["border"].lower() != "false":
            classes.append("docfx-image--border")
        alt = attrs.get("alt-text", "")
        if attrs.get("present"):
            image = etree.Element("img", {"src": "/" + attrs["resolved"], "alt": alt})
            element.insert(0, image)
        else:
            classes.append("docfx-image--missing")
            element.set("data-docfx-source", attrs.get("source", ""))
            caption = etree.Element("figcaption")
            caption.text = alt or f"Image: {posixpath.basename(attrs.get('source', ''))}"
            element.insert(0, caption)
        element.set("class", " ".join(classes))

    def _code(self, element: etree.Element, node: DocfxNode) -> None:
        attrs = node.attrs
        if "text" in attrs:
            element.tag = "pre"
            code = etree.SubElement(element, "code")
            if attrs.get("language"):
                code.set("class", f"language-{attrs['language']}")
            code.text = attrs["text"]
            return
        _note(element, "Code sample not available", "Code sample ", attrs.get("source", ""),
              " is not available (it lives outside this source repository).", "docfx-missing-code")

    # -- containers --------------------------------------------------------------------------

    def _container(self, element: etree.Element, node: DocfxNode) -> None:
        if node.kind == "image":  # complex image: the body is the long description
            body = list(element)
            for child in body:
                element.remove(child)
            element.tag = "figure"
            self._figure(element, node)
            details = etree.SubElement(element, "details", {"class": "docfx-image-description"})
            etree.SubElement(details, "summary").text = "Description"
            details.extend(body)
        elif node.kind in ("zone", "moniker"):
            self._labelled(element, node)
        elif node.kind == "row":
            element.set("class", "docfx-row")
            element.set("style", _FLEX_ROW)
        elif node.kind == "column":
            element.set("class", "docfx-column")
            element.set("style", _FLEX_COLUMN)
        elif node.kind == "tabs":
            self._tabs(element, node)

    def _labelled(self, element: etree.Element, node: DocfxNode) -> None:
        if node.kind == "moniker":
            label = f"Applies to: {node.attrs.get('range', '')}"
        else:
            pivot = node.attrs.get("pivot") or node.attrs.get("target", "")
            label = f"Applies to: {pivot.replace(',', ', ')}"
        element.set("class", f"admonition info docfx-{node.kind}")
        for key in ("range", "pivot", "target"):
            if key in node.attrs:
                element.set(f"data-{key}", node.attrs[key])
        title = etree.Element("p", {"class": "admonition-title"})
        title.text = label
        element.insert(0, title)

    def _tabs(self, element: etree.Element, node: DocfxNode) -> None:
        """pymdownx.tabbed's alternate-style markup, which Material styles and scripts."""
        self._tab_sets += 1
        blocks = list(element)
        for child in blocks:
            element.remove(child)
        count = len(node.children)
        name = f"__docfx_tabbed_{self._tab_sets}"
        element.set("class", "tabbed-set tabbed-alternate")
        element.set("data-tabs", f"{self._tab_sets}:{count}")
        labels = etree.Element("div", {"class": "tabbed-labels"})
        for index, tab_id in enumerate(node.children, start=1):
            tab = self.conversion.nodes[tab_id]
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

    # -- [!div class="..."] ------------------------------------------------------------------

    def _div_quote(self, element: etree.Element) -> None:
        first = element[0] if len(element) else None
        if first is None or first.tag != "p" or not first.text:
            return
        marker = _DIV_MARKER.match(first.text)
        if not marker:
            return
        classes = marker.group("classes").split()
        first.text = first.text[marker.end() :]
        element.tag = "div"
        element.set("class", " ".join(["docfx-div", *classes]))
        if "nextstepaction" in classes:
            for link in element.iter("a"):
                link.set("class", "md-button md-button--primary")
        if not first.text and len(first) == 0:
            element.remove(first)

    # -- leftovers ---------------------------------------------------------------------------

    def _restore_tokens(self, root: etree.Element) -> None:
        """A link token the inline parser did not turn into a link goes back to its target."""

        def restore(match: re.Match[str]) -> str:
            return self.conversion.links[int(match.group(1))].target

        for element in root.iter():
            if element.text and "docfx-link:" in element.text:
                element.text = LINK_TOKEN_RE.sub(restore, element.text)
            if element.tail and "docfx-link:" in element.tail:
                element.tail = LINK_TOKEN_RE.sub(restore, element.tail)
            for key, value in element.attrib.items():
                if "docfx-link:" in value:
                    element.set(key, LINK_TOKEN_RE.sub(restore, value))


def _note(
    element: etree.Element, title: str, before: str, code: str, after: str, kind: str
) -> None:
    """A Material admonition saying that something is not available, naming it in `<code>`."""
    element.tag = "div"
    element.set("class", f"admonition warning {kind}")
    heading = etree.SubElement(element, "p", {"class": "admonition-title"})
    heading.text = title
    paragraph = etree.SubElement(element, "p")
    paragraph.text = before
    literal = etree.SubElement(paragraph, "code")
    literal.text = code
    literal.tail = after



class DocfxLeftoverPostprocessor(Postprocessor):
    """Raw HTML blocks (say, an unclosed `<table>`) swallow markdown whole, tokens included:
    put link targets back as written and drop node markers there."""

    def __init__(self, md: Any, conversion: Callable[[], Conversion]) -> None:
        super().__init__(md)
        self._conversion = conversion

    def run(self, text: str) -> str:
        links = self._conversion().links
        text = LINK_TOKEN_RE.sub(lambda match: links[int(match.group(1))].target, text)
        return NODE_MARKER_ANYWHERE_RE.sub("", text)
