"""Attributes of DocFX `:::` constructs: `type="content" source=x border`."""

from __future__ import annotations

import re

_ATTRIBUTE = re.compile(r"""(?P<key>[\w-]+)(?:\s*=\s*(?P<value>"[^"]*"|'[^']*'|[^\s"']+))?""")


def parse_attributes(text: str) -> dict[str, str]:
    """`type="content" source=x border` -> {'type': 'content', 'source': 'x', 'border': ''}."""
    attrs = {}
    for match in _ATTRIBUTE.finditer(text):
        value = match.group("value") or ""
        if value[:1] in "\"'" and len(value) >= 2:
            value = value[1:-1]
        attrs[match.group("key").lower()] = value
    return attrs
