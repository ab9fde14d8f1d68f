"""DocFX videos (`> [!VIDEO https://…]`, `:::video source="…" title="…":::`) as a link.

DocFX embeds an `<iframe>`; the site makes no request to another host, so a video is a link to
it instead, in its own block (`p.docfx-video`), titled with the video's `title` when given.
`:::video` accepts DocFX's attributes only and needs a source; a `max-width` is a number.
(`> [!VIDEO …]` is a section of a blockquote: `docfx_alerts`.)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .docfx_conversion import DocfxNode, FileState
from .docfx_lines import AS_TEXT, Lines, TripleColonProcessor, marker_lines, triple_colon_parts
from .docfx_placeholders import node_marker
from .docfx_source_attrs import parse_attributes

if TYPE_CHECKING:
    from .docfx_render import DocfxRenderTreeprocessor

_SAFE_SCHEMES = ("http", "https")
_MEDIA_LINK = re.compile(r"^https?://[^?#]+\.(?:mp4|webm|ogg|ogv|mov)(?:[?#].*)?$", re.I)
_ATTRIBUTES = frozenset({"source", "title", "max-width", "thumbnail", "upload-date"})


def video_element(url: str, title: str = "") -> etree.Element:
    """A paragraph linking to the video at `url` (any scheme but http(s) is shown, not linked)."""
    block = etree.Element("p", {"class": "docfx-video"})
    label = title or "Video"
    if urlsplit(url.strip()).scheme.lower() in _SAFE_SCHEMES:
        link = etree.SubElement(block, "a", {"href": url.strip()})
        link.text = f"▶ {label}"
    else:
        block.text = f"▶ {label}: {url}"
    return block


def video_problem(attrs: dict[str, str]) -> str:
    """Why DocFX rejects a `:::video` ('' when it is valid)."""
    unknown = sorted(set(attrs) - _ATTRIBUTES)
    return (
        f"unexpected attribute `{unknown[0]}`" if unknown
        else "no source" if not attrs.get("source")
        else "max-width is not a number" if not attrs.get("max-width", "1").isdigit()
        else ""
    )


class VideoProcessor(TripleColonProcessor):
    """`:::video source="https://…" title=… max-width=… thumbnail=… upload-date=…:::`."""

    NAMES = ("video",)

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        prefix, _, rest, _ = triple_colon_parts(match)
        attrs = parse_attributes(rest)
        if problem := video_problem(attrs):
            self.conversion.report(state.path, number, f"invalid `:::video`: {problem}",
                                   "shown as text")
            return AS_TEXT
        node = self.conversion.add_node(DocfxNode("video", state.path, number, attrs))
        return marker_lines(prefix, node_marker(node))


def render_video(render: DocfxRenderTreeprocessor, element: etree.Element, node: DocfxNode
                 ) -> None:
    video = video_element(node.attrs["source"], node.attrs.get("title", ""))
    element.attrib.update(video.attrib)
    element.text = video.text
    element.extend(video)


def render_media_link(element: etree.Element) -> bool:
    """`![title](https://…/video.mp4)`, DocFX's media link, as a link to the video; False
    when the `<img>` is not one."""
    src = element.get("src") or ""
    if not _MEDIA_LINK.match(src):
        return False
    tail, alt = element.tail, element.get("alt", "")
    element.clear()
    element.tag, element.tail = "a", tail
    element.attrib.update({"class": "docfx-video", "href": src})
    element.text = f"▶ {alt or 'Video'}"
    return True
