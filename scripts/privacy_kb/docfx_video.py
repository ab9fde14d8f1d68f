"""DocFX videos (`> [!VIDEO https://…]`, `:::video source="…" title="…":::`) as a link.

DocFX embeds an `<iframe>`; the site makes no request to another host, so a video is a link to
it instead, in its own block (`p.docfx-video`), titled with the video's `title` when given.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from urllib.parse import urlsplit

_SAFE_SCHEMES = ("http", "https")


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
