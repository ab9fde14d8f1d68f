"""Monikers: `:::moniker range="foundry-classic || foundry"` … `:::moniker-end:::`.

Learn shows a moniker's body only for the product versions in its range; the site shows every
moniker, labelled with its range (`docfx_render`). DocFX accepts only `range`, and needs it.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from .docfx_containers import ContainerProcessor, render_labelled
from .docfx_conversion import DocfxNode

if TYPE_CHECKING:
    from .docfx_render import DocfxRenderTreeprocessor


class MonikerProcessor(ContainerProcessor):
    NAME = "moniker"
    ALLOWED = frozenset({"range"})

    def problem(self, attrs: dict[str, str]) -> str:
        return "" if attrs.get("range") else "no range"


def render_moniker(render: DocfxRenderTreeprocessor, element: etree.Element, node: DocfxNode
                   ) -> None:
    render_labelled(element, node, f"Applies to: {node.attrs.get('range', '')}")
