"""Placeholders the DocFX source stage leaves for the render stage, unforgeable by article text.

Like Python-Markdown's own (`markdown.util.STX`/`ETX`), each is wrapped in the control
characters STX and ETX, which Python-Markdown's `normalize_whitespace` strips from every source
(and `docfx_source.normalize_source_text` from every include) before the source stage adds
its own: an article that writes `docfx-link:0` or `docfx-node:99` writes text, nothing else.
A placeholder whose number is not one of this conversion's is treated as text too.
"""

from __future__ import annotations

import re

from markdown.util import ETX, STX

LINK_TOKEN_RE = re.compile(f"{STX}docfx-link:(\\d{{1,9}}){ETX}")
NODE_MARKER_RE = re.compile(f"^{STX}docfx-node:(\\d{{1,9}}){ETX}$")
NODE_MARKER_ANYWHERE_RE = re.compile(f"{STX}docfx-node:\\d{{1,9}}{ETX}")
NODE_ATTRIBUTE_RE = re.compile(f"^{STX}(\\d{{1,9}}){ETX}$")


def link_token(index: int) -> str:
    """The link target that stands for `Conversion.links[index]`."""
    return f"{STX}docfx-link:{index}{ETX}"


def node_marker(index: int) -> str:
    """The paragraph text that stands for the bodiless node `Conversion.nodes[index]`."""
    return f"{STX}docfx-node:{index}{ETX}"


def node_attribute(index: int) -> str:
    """The `data-docfx-node` value of the `<div>` that holds the container node `index`."""
    return f"{STX}{index}{ETX}"


def lookup(items: list, match: re.Match[str] | None):
    """`items[n]` for a placeholder match of `n`, or None (no match, or not one of ours)."""
    if match is None:
        return None
    index = int(match.group(1))
    return items[index] if index < len(items) else None
