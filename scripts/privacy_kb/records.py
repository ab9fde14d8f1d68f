"""The JSON record files kept in the repository (the URL registry, the published answers):
read with their format version checked, written one record a line so builds diff as lines."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from .problems import BuildError

T = TypeVar("T")


def load_records(path: Path | None, version: int, name: str, what: str,
                 parse: Callable[[dict[str, Any]], T]) -> T | None:
    """The file parsed; None when there is no file. A wrong `version` or shape is a one-line
    BuildError: "`path`: `name` version …" or "`path`: not `what` (…)"."""
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != version:
            raise BuildError(f"{path}: {name} version {data.get('version')!r}, expected {version}")
        return parse(data)
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise BuildError(f"{path}: not {what} ({error})") from None


def records_text(data: dict[str, Any], keys: tuple[str, ...]) -> str:
    """Deterministic JSON: the version, then each list under `keys` with one record a line."""
    lines = ["{", f'  "version": {data["version"]},']
    for key in keys:
        records = [json.dumps(r, ensure_ascii=False, separators=(", ", ": ")) for r in data[key]]
        body = ",\n".join(f"    {r}" for r in records)
        lines.append(f'  "{key}": [\n{body}\n  ]' if records else f'  "{key}": []')
        lines[-1] += "" if key == keys[-1] else ","
    return "\n".join([*lines, "}"]) + "\n"
