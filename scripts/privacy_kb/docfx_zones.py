"""Zones: `:::zone pivot="a,b"` / `:::zone target="docs"` … `:::zone-end:::`.

A zone's body is shown on Learn only for the pivot (or target) it names; the site shows every
zone, labelled with what it applies to (`docfx_render`). DocFX's rules: `target` or `pivot`
(or both) and nothing else; the target is docs, chromeless or pdf; pivots are lower-case names
separated by commas; the pdf target has no pivot.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from .docfx_containers import ContainerProcessor, render_labelled
from .docfx_conversion import DocfxNode

if TYPE_CHECKING:
    from .docfx_render import DocfxRenderTreeprocessor

_PIVOTS = re.compile(r"^\s*[a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*\s*$")


class ZoneProcessor(ContainerProcessor):
    NAME = "zone"
    ALLOWED = frozenset({"target", "pivot"})

    def problem(self, attrs: dict[str, str]) -> str:
        target, pivot = attrs.get("target"), attrs.get("pivot")
        if target is None and pivot is None:
            return "either target or pivot must be given"
        if target is not None and target not in ("docs", "chromeless", "pdf"):
            return f"unexpected target `{target}`"
        if pivot is not None and not _PIVOTS.match(pivot):
            return f"invalid pivot `{pivot}`"
        if target == "pdf" and pivot is not None:
            return "no pivot on the pdf target"
        return ""


def render_zone(render: DocfxRenderTreeprocessor, element: etree.Element, node: DocfxNode
                ) -> None:
    pivot = node.attrs.get("pivot") or node.attrs.get("target", "")
    render_labelled(element, node, f"Applies to: {pivot.replace(',', ', ')}")
