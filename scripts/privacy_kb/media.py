"""Images that exist in the source root are published with the site, at their source path.

The DocFX extension points an image that exists at `/<path in the source root>`, and MkDocs
(`validation.links.absolute_links: relative_to_docs`) checks such a link against the site's files
and makes it relative: the plugin adds each image as a File at that path, so the link works and
`--strict` passes. A
missing image stays a figure with its alt text (docfx_render).

Only image files are copied (never a page, HTML or script that an `image` source names), and an
SVG only when it has no script in it: opened on its own, an SVG runs script on our origin.
"""

from __future__ import annotations

import re
from pathlib import Path

from .collected import Collected
from .paths import resolve_inside

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".ico", ".avif"})
_SVG_SCRIPT = re.compile(rb"<script|<foreignobject|\bon[a-z]+\s*=|javascript:|<iframe|<embed",
                         re.IGNORECASE)


def publishable(file: Path) -> bool:
    """An image file that cannot run script on the site."""
    suffix = file.suffix.lower()
    if suffix == ".svg":
        return not _SVG_SCRIPT.search(file.read_bytes())
    return suffix in IMAGE_SUFFIXES


def publishable_media(collected: Collected) -> dict[str, Path]:
    """Every image of `collected.media` that may be published, by its path in the site (= its
    path in the source root) → the real file (checked again to be inside the source root)."""
    files = {}
    for relative in collected.media:
        source = resolve_inside(Path(collected.source_root), relative)
        if source is not None and publishable(source):
            files[relative] = source
    return files
