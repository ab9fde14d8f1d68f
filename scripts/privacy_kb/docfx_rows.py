"""Rows and columns: `:::row:::` `:::column span="2":::` … `:::column-end:::` `:::row-end:::`.

A row's columns sit side by side (a wrapping flex row, `docfx_render`). As in DocFX, the bodies
are indented one level deeper than their markers (else an 8-space body would be a code block);
a row accepts only `count`, a column only `span`.
"""

from __future__ import annotations

from .docfx_containers import ContainerProcessor


class RowProcessor(ContainerProcessor):
    NAME = "row"
    ALLOWED = frozenset({"count"})
    BODY_INDENT = True


class ColumnProcessor(ContainerProcessor):
    NAME = "column"
    ALLOWED = frozenset({"span"})
    BODY_INDENT = True
