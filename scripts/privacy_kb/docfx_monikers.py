"""Monikers: `:::moniker range="foundry-classic || foundry"` … `:::moniker-end:::`.

Learn shows a moniker's body only for the product versions in its range; the site shows every
moniker, labelled with its range (`docfx_render`). DocFX accepts only `range`, and needs it.
"""

from __future__ import annotations

from .docfx_containers import ContainerProcessor


class MonikerProcessor(ContainerProcessor):
    NAME = "moniker"
    ALLOWED = frozenset({"range"})

    def problem(self, attrs: dict[str, str]) -> str:
        return "" if attrs.get("range") else "no range"
