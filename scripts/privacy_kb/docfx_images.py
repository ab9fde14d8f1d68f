"""Images: `:::image type="content" source="a.png" alt-text="…":::`, complex images with a long
description (`:::image type="complex" …:::` body `:::image-end:::`), and `:::image …:::` inside a
paragraph or a table cell.

A block image becomes a node (rendered as a `<figure>` by `docfx_render`); a complex one is a
container whose body is the long description. Inside a line, an image becomes `![alt](source)`,
so that it goes through the same link and media handling as any markdown image. An image file
is published only when it is inside the source root (a symlink out of it is fatal) and small
enough; else its alt text is shown, with a warning. DocFX rejects an image without a source,
and a content or complex one without alt text: it stays text, with a warning.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from typing import TYPE_CHECKING

from .docfx_containers import close, open_container
from .docfx_conversion import Conversion, DocfxNode, FileState, resolve_in_root
from .docfx_lines import (
    AS_TEXT,
    Lines,
    TextProcessor,
    TripleColonProcessor,
    marker_lines,
    triple_colon_parts,
)
from .docfx_placeholders import node_marker
from .docfx_source_attrs import parse_attributes
from .paths import MAX_MEDIA_BYTES, SourceError

if TYPE_CHECKING:
    from .docfx_render import DocfxRenderTreeprocessor

INLINE_IMAGE = re.compile(r""":::image(?P<attrs>(?:[ \t]+[\w-]+(?:[ \t]*=[ \t]*"[^"\n]*")?)*)[ \t]*:::""")


def image_problem(attrs: dict[str, str]) -> str:
    """Why DocFX rejects an `:::image` ('' when it is valid)."""
    if not attrs.get("source"):
        return "no source"
    kind = attrs.get("type", "content").lower()
    if kind in ("content", "complex") and not attrs.get("alt-text"):
        return f"no alt-text on a {kind} image"
    return ""


def media_inside(conversion: Conversion, path: str, origin: str, line: int) -> bool:
    """Whether an image file exists inside the source root (a symlink out of it is fatal) and
    is small enough to publish."""
    try:
        file = conversion.resolve(path, f"{origin}:{line}")
    except SourceError as error:
        conversion.report(error.path, error.line, error.what, "not used", fatal=True)
        return False
    if file is not None and file.stat().st_size > MAX_MEDIA_BYTES:
        conversion.report(origin, line, f"image `{path}` is larger than {MAX_MEDIA_BYTES:,} "
                          "bytes", "not published")
        return False
    return file is not None


def image_node(conversion: Conversion, attrs: dict[str, str], path: str, number: int) -> int:
    """The node of a block image, its file looked up (and reported when missing)."""
    source = attrs.get("source", "")
    resolved = resolve_in_root(source, path) if source else None
    present = resolved is not None and media_inside(conversion, resolved, path, number)
    if present:
        conversion.add_media(resolved)
    else:
        conversion.report(path, number, f"image `{source}` not found"
                          if source else "image without a source", "shown its alt text instead")
    node_attrs = {**attrs, "resolved": resolved or "", "present": "1" if present else ""}
    return conversion.add_node(DocfxNode("image", path, number, node_attrs))


def invalid_image(conversion: Conversion, path: str, number: int, problem: str) -> None:
    conversion.report(path, number, f"invalid `:::image`: {problem}", "shown as text")


class ImageProcessor(TripleColonProcessor):
    """`:::image …:::` on a line of its own (with text after it, it is an inline image)."""

    NAMES = ("image",)

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        if re.search(r":::\s*\S", match.group("rest")):
            return AS_TEXT  # text after the image: an inline image in a paragraph
        prefix, _, rest, in_quote = triple_colon_parts(match)
        attrs = parse_attributes(rest)
        if problem := image_problem(attrs):
            invalid_image(self.conversion, state.path, number, problem)
            return AS_TEXT
        node = image_node(self.conversion, attrs, state.path, number)
        if attrs.get("type", "content").lower() == "complex" and not in_quote:
            return open_container(state, "image", node, len(prefix))
        return marker_lines(prefix, node_marker(node))


class ImageEndProcessor(TripleColonProcessor):
    """`:::image-end:::`: the end of a complex image's long description."""

    NAMES = ("image-end",)

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        _, name, _, in_quote = triple_colon_parts(match)
        return None if in_quote else close(self.conversion, state, "image", number, name)


def rewrite_inline_images(text: str, invalid: Callable[[str], None]) -> str:
    """`text` with each `:::image …:::` as `![alt](source)`; `invalid(problem)` is called for
    each image DocFX would reject (it stays text)."""

    def image(match: re.Match[str]) -> str:
        attrs = parse_attributes(match.group("attrs"))
        problem = image_problem(attrs)
        if problem:
            invalid(problem)
            return match.group(0)
        icon = attrs.get("type", "").lower() == "icon"  # decorative: no alt text (DocFX)
        alt = ("" if icon else attrs.get("alt-text", "")).replace("[", "\\[").replace("]", "\\]")
        return f"![{alt}]({attrs['source']})"

    return INLINE_IMAGE.sub(image, text)


class InlineImageProcessor(TextProcessor):
    """`:::image …:::` inside a line."""

    def test(self, text: str) -> bool:
        return ":::" in text

    def run(self, state: FileState, text: str, number: int, stack: tuple[str, ...]) -> str:
        return rewrite_inline_images(
            text, lambda problem: invalid_image(self.conversion, state.path, number, problem))


def render_image(render: DocfxRenderTreeprocessor, element: etree.Element, node: DocfxNode
                 ) -> None:
    """A block image: a `<figure>` with the image, or its alt text when the file is missing."""
    element.tag = "figure"
    _figure(element, node)


def render_complex_image(render: DocfxRenderTreeprocessor, element: etree.Element,
                         node: DocfxNode) -> None:
    """A complex image: the figure, and its body as the long description."""
    body = list(element)
    for child in body:
        element.remove(child)
    element.tag = "figure"
    _figure(element, node)
    details = etree.SubElement(element, "details", {"class": "docfx-image-description"})
    etree.SubElement(details, "summary", {"class": "docfx-label"}).text = "Description"
    details.extend(body)


def _figure(element: etree.Element, node: DocfxNode) -> None:
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


def render_markdown_image(render: DocfxRenderTreeprocessor, element: etree.Element,
                          parents: dict[etree.Element, etree.Element]) -> None:
    """An `<img>` from `![alt](target)` (or an inline `:::image`): its file published, or its
    alt text shown (as a figure when it is alone in its paragraph)."""
    origin = render.origin(element.get("src") or "")
    if origin is None:
        return
    conversion = render.conversion
    path = resolve_in_root(origin.target.split("#")[0].split("?")[0], origin.path)
    if path is not None and media_inside(conversion, path, origin.path, origin.line):
        conversion.add_media(path)
        element.set("src", "/" + path)
        return
    conversion.report(origin.path, origin.line, f"image `{origin.target}` not found",
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
