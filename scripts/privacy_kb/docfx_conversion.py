"""What every DocFX construct shares: the data one conversion collects, and the scan of a file.

The source stage (`docfx_source`) makes a `Conversion` per `convert()` and a `FileState` per
file (the article, then each include); the construct modules (`docfx_includes`, `docfx_images`,
`docfx_zones`, …) read and write them, and the render stage (`docfx_render`) turns the nodes
and link origins into elements. Plain data only: no construct logic lives here.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .paths import resolve_inside

PAGE = "(page)"  # the path reported for lines of the page itself, which is not a source file

Report = Callable[..., None]  # (path, line, what, action, fatal=False)


@dataclass
class DocfxNode:
    """A DocFX construct found at `path:line`, rendered later by `docfx_render`."""

    kind: str  # image | code | video | missing-include | zone | moniker | row | column | tabs | tab
    path: str
    line: int
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[int] = field(default_factory=list)  # tab nodes of a tab set


@dataclass(frozen=True)
class LinkOrigin:
    """A link or image target exactly as written, and where."""

    target: str
    path: str
    line: int


@dataclass
class Conversion:
    """What the source stage learns during one `convert()`; lives on the Markdown instance."""

    source_root: Path
    report: Report
    nodes: list[DocfxNode] = field(default_factory=list)
    links: list[LinkOrigin] = field(default_factory=list)
    media: list[str] = field(default_factory=list)
    front_matter: dict[str, Any] | None = None
    # Every source-root path looked up (includes, code, images), whether found or not: what the
    # page depends on besides the taxonomy (the per-article cache checks them, cache.py).
    read: list[str] = field(default_factory=list)

    def resolve(self, relative: str, where: str) -> Path | None:
        """`paths.resolve_inside` of the source root, remembering the path in `read`."""
        if relative not in self.read:
            self.read.append(relative)
        return resolve_inside(self.source_root, relative, where)

    def add_node(self, node: DocfxNode) -> int:
        self.nodes.append(node)
        return len(self.nodes) - 1

    def add_media(self, path: str) -> None:
        if path not in self.media:
            self.media.append(path)


@dataclass
class FileState:
    """Per-file scanning state."""

    path: str
    fence: str | None = None
    in_comment: bool = False
    stack: list[tuple[str, int, int]] = field(default_factory=list)  # (kind, node, dedent)
    tab_level: int = 0
    after_quote: bool = False  # the previous line was part of a blockquote
    # What the previous line's text was ("paragraph", "list" or None after a blank line), to
    # let a bullet list interrupt a paragraph as it does on Learn (CommonMark).
    text_kind: str | None = None
    # Inside an HTML start tag at the end of the last line: '' between attributes, a quote
    # character inside a quoted value, None outside (see `docfx_raw_html`).
    html_tag: str | None = None
    block_chars: int = 0  # characters since the last blank line (see `docfx_limits`)
    refused: dict[str, int] = field(default_factory=dict)  # containers nested too deep, by kind
    reported: set[str] = field(default_factory=set)  # limits already reported for this file


def normalize_source_text(text: str, tab_length: int) -> list[str]:
    """The same normalisation Python-Markdown applies to the page (`NormalizeWhitespace`)."""
    text = text.replace("\x02", "").replace("\x03", "").replace("\r\n", "\n").replace("\r", "\n")
    return [line.expandtabs(tab_length) if line.strip() else "" for line in text.split("\n")]


def resolve_in_root(target: str, from_path: str) -> str | None:
    """`target` as written in `from_path`, relative to the source root; None when outside it."""
    target = target.replace("\\", "/")
    if target.startswith("~/"):
        joined = target[2:]
    elif target.startswith("/"):
        return None
    else:
        base = "" if from_path == PAGE else posixpath.dirname(from_path)
        joined = posixpath.join(base, target)
    path = posixpath.normpath(joined)
    if path == ".." or path.startswith("../") or path.startswith("/"):
        return None
    return path


_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()>#+\-.!|])")


def escape_markdown(text: str) -> str:
    """`text` as markdown that shows exactly `text`."""
    return _MARKDOWN_SPECIALS.sub(r"\\\1", text).replace("<", "&lt;")


def unescape(text: str) -> str:
    """`text` without its backslash escapes (`\\(` is `(`)."""
    return re.sub(r"\\(.)", r"\1", text)
