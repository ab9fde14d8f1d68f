"""Editors' decisions on matrix cells (content/overrides.yml): content, not code.

Each item names one deployment type × facet cell and either pins the sentence that states it
(`sentence:`, verbatim from the article) or marks it not stated (`not_stated: true`), always
with a `reason:`. The extractor applies them (extract.py) and fails the build, naming the cell
and the line of this file, when a pinned sentence is no longer in the source.

    cells:
      - type: azure-direct-data-zone
        facet: processing-location
        sentence: "For any deployment type labeled as 'DataZone,' prompts and responses …"
        reason: The Global sentence comes first in the section but is about Global only.
      - type: downloaded-model
        facet: data-processed
        not_stated: true
        reason: The article does not say what data a downloaded model processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .model import Taxonomy
from .problems import BuildError

OVERRIDES_FILE = "overrides.yml"


@dataclass(frozen=True)
class CellOverride:
    """One editor's decision on a cell; `where` is `file:line` of its item, for messages."""

    type_id: str
    facet_id: str
    sentence: str  # "" when the cell is marked not stated
    reason: str
    where: str

    @property
    def not_stated(self) -> bool:
        return not self.sentence

    @property
    def cell(self) -> str:
        return f"{self.type_id} × {self.facet_id}"


def load_overrides(path: Path | None, taxonomy: Taxonomy) -> tuple[CellOverride, ...]:
    """The overrides at `path` (none when there is no file); a mistake is a BuildError naming
    the file and line."""
    if path is None or not path.is_file():
        return ()
    try:
        text = path.read_text(encoding="utf-8")
        node = yaml.compose(text)
    except UnicodeDecodeError as error:
        raise BuildError(f"{path}: not UTF-8 ({error.reason} at byte {error.start})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise BuildError(f"{path}{line}: invalid YAML: {getattr(error, 'problem', error)}") from None
    if node is None:
        return ()
    data = yaml.safe_load(text)
    if not isinstance(data, dict) or not isinstance(data.get("cells", []), list):
        raise BuildError(f"{path}:1: expected a mapping with a list `cells:`")
    items = _item_nodes(node)
    overrides = []
    seen: dict[tuple[str, str], str] = {}
    for item, item_node in zip(data.get("cells") or [], items, strict=True):
        where = f"{path}:{item_node.start_mark.line + 1}"
        override = _override(item, where, taxonomy)
        key = (override.type_id, override.facet_id)
        if key in seen:
            raise BuildError(f"{where}: cell {override.cell} already decided at {seen[key]}")
        seen[key] = where
        overrides.append(override)
    return tuple(overrides)


def _item_nodes(node: yaml.Node) -> list[yaml.Node]:
    for key, value in node.value if isinstance(node, yaml.MappingNode) else ():
        if key.value == "cells" and isinstance(value, yaml.SequenceNode):
            return list(value.value)
    return []


def _override(item: Any, where: str, taxonomy: Taxonomy) -> CellOverride:
    if not isinstance(item, dict):
        raise BuildError(f"{where}: each cell is a mapping with type, facet, reason and "
                         "sentence or not_stated")
    type_id, facet_id = str(item.get("type", "")), str(item.get("facet", ""))
    if type_id not in {t.id for t in taxonomy.deployment_types}:
        raise BuildError(f"{where}: unknown deployment type {type_id!r} (see taxonomy.yml)")
    if facet_id not in {f.id for f in taxonomy.facets}:
        raise BuildError(f"{where}: unknown facet {facet_id!r} (see taxonomy.yml)")
    reason = str(item.get("reason") or "").strip()
    if not reason:
        raise BuildError(f"{where}: cell {type_id} × {facet_id} needs a `reason:`")
    sentence = " ".join(str(item.get("sentence") or "").split())
    not_stated = item.get("not_stated") is True
    if bool(sentence) == not_stated:
        raise BuildError(f"{where}: cell {type_id} × {facet_id} needs either `sentence:` "
                         "or `not_stated: true`")
    unknown = sorted(set(item) - {"type", "facet", "sentence", "not_stated", "reason"})
    if unknown:
        raise BuildError(f"{where}: unknown key {unknown[0]!r}")
    return CellOverride(type_id, facet_id, sentence, reason, where)
