"""DocFX render stage: turns the nodes and link origins of `docfx_source` into HTML elements.

Runs after the inline patterns, so links exist as `<a>`/`<img>` elements; everything it
builds is plain ElementTree, so the extractor sees the same structure the site shows.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import Any

from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import ETX, STX

from .docfx_conversion import Conversion, DocfxNode, LinkOrigin, resolve_in_root
from .docfx_images import media_inside
from .docfx_placeholders import (
    LINK_TOKEN_RE,
    NODE_ATTRIBUTE_RE,
    NODE_MARKER_ANYWHERE_RE,
    NODE_MARKER_RE,
    lookup,
)
from .docfx_video import video_element
from .links import LinkResolver

_DIV_MARKER = re.compile(r'^\s*\[!div\s+class\s*=\s*"(?P<classes>[^"]*)"\s*\]\s*', re.I)
_NODE_ATTRIBUTE_LEFT = re.compile(r' data-docfx-node="[^"]*"')
_MEDIA_LINK = re.compile(r"^https?://[^?#]+\.(?:mp4|webm|ogg|ogv|mov)(?:[?#].*)?$", re.I)
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
            del element.attrib["data-docfx-node"]  # an article's own is dropped
            node = lookup(self.conversion.nodes, NODE_ATTRIBUTE_RE.match(node_id))
            if node is not None:
                self._container(element, node)
        elif element.tag == "p" and len(element) == 0 and element.text:
            node = lookup(self.conversion.nodes, NODE_MARKER_RE.match(element.text.strip()))
            if node is not None:
                element.text = None
                self._bodiless(element, node)
        elif element.tag == "a":
            self._link(element)
        elif element.tag == "img":
            self._image(element, parents)
        elif element.tag == "div" and "docfx-div" in (element.get("class") or ""):
            self._div_quote(element)

    # -- links and markdown images -----------------------------------------------------------

    def _origin(self, value: str | None) -> LinkOrigin | None:
        return lookup(self.conversion.links, LINK_TOKEN_RE.fullmatch(value or ""))

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
        src = element.get("src") or ""
        if _MEDIA_LINK.match(src):  # `![title](https://…/video.mp4)`: DocFX's media links
            tail, alt = element.tail, element.get("alt", "")
            element.clear()
            element.tag, element.tail = "a", tail
            element.attrib.update({"class": "docfx-video", "href": src})
            element.text = f"▶ {alt or 'Video'}"
            return
        origin = self._origin(src)
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
        elif node.kind == "video":
            video = video_element(node.attrs["source"], node.attrs.get("title", ""))
            element.attrib.update(video.attrib)
            element.text = video.text
            element.extend(video)
        elif node.kind == "missing-include":
            _note(element, "Missing content", "Included content ", node.attrs["target"],
                  f" is not available ({node.attrs['reason']}).", "docfx-missing-include")

    def _figure(self, element: etree.Element, node: DocfxNode) -> None:
        attrs = node.attrs
        classes = ["docfx-image", f"docfx-image--{attrs.get('type', 'content').lower()}"]
        if "border" in attrs and attrs["border"].lower() != "false":
            classes.append("docfx-image--border")
        # An icon is decorative (DocFX gives it role="presentation" and no alt text).
        alt = "" if attrs.get("type", "").lower() == "icon" else attrs.get("alt-text", "")
        if attrs.get("present"):
            image = etree.Element("img", {"src": "/" + attrs["resolved"], "alt": alt})
            element.insert(0, image)
        else:
            classes.append("docfx-image--missing")
            element.set("data-docfx-source", attrs.get("source", ""))
            if alt:  # an icon has none: it is decorative
                caption = etree.Element("figcaption")
                caption.text = alt
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
            etree.SubElement(details, "summary", {"class": "docfx-label"}).text = "Description"
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
        """`> [!div class="nextstepaction"]`: its links look like Learn's buttons."""
        if "nextstepaction" in (element.get("class") or "").split():
            for link in element.iter("a"):
                link.set("class", "md-button md-button--primary")

    # -- leftovers ---------------------------------------------------------------------------

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
