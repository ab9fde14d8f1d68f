"""Rows and columns: `:::row:::` `:::column span="2":::` … `:::column-end:::` `:::row-end:::`.

A row's columns sit side by side (a wrapping flex row, `docfx_render`). As in DocFX, the bodies
are indented one level deeper than their markers (else an 8-space body would be a code block);
a row accepts only `count`, a column only `span`.
"""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from .docfx_containers import ContainerProcessor
from .docfx_conversion import DocfxNode

if TYPE_CHECKING:
    from .docfx_render import DocfxRenderTreeprocessor

_FLEX_ROW = "display:flex;flex-wrap:wrap;gap:1rem"
_FLEX_COLUMN = "flex:1 1 0;min-width:12rem"


class RowProcessor(ContainerProcessor):
    NAME = "row"
    ALLOWED = frozenset({"count"})
    BODY_INDENT = True


class ColumnProcessor(ContainerProcessor):
    NAME = "column"
    ALLOWED = frozenset({"span"})
    BODY_INDENT = True


def render_row(render: DocfxRenderTreeprocessor, element: etree.Element, node: DocfxNode
               ) -> None:
    element.set("class", "docfx-row")
    element.set("style", _FLEX_ROW)


def render_column(render: DocfxRenderTreeprocessor, element: etree.Element, node: DocfxNode
                  ) -> None:
    element.set("class", "docfx-column")
    element.set("style", _FLEX_COLUMN)
