"""Front matter: the YAML between `---` lines at the top of an article or an include.

Malformed YAML, or YAML that is not a mapping, is ignored with a warning naming its line; the
article's own front matter is kept on the conversion (titles, descriptions, `ms.*` metadata).
"""

from __future__ import annotations

from typing import Any

import yaml

from .docfx_conversion import Report


def split_front_matter(lines: list[str]) -> tuple[int, str | None]:
    """Index of the first body line, and the raw YAML (None when there is no front matter)."""
    if not lines or lines[0].strip() != "---":
        return 0, None
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return index + 1, "\n".join(lines[1:index])
    return 0, None


def parse_front_matter(raw_yaml: str | None, path: str, report: Report) -> dict[str, Any]:
    """The mapping of `raw_yaml` ({} when there is none, or it is malformed: reported)."""
    if raw_yaml is None:
        return {}
    try:
        data = yaml.safe_load(raw_yaml)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or "invalid YAML"
        report(path, line, f"malformed front matter: {problem}", "front matter ignored")
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        report(path, 1, "front matter is not a mapping", "front matter ignored")
        return {}
    return data
