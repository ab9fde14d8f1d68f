"""Where a link lands, read from the built HTML without a browser.

The same facts the browser test reads with `document.getElementById` (the element a fragment
names; for an alias anchor, the element right after it; its text; the page's canonical link and
h1), from Python's own HTML parser, so every recorded URL can be checked in milliseconds and
Chromium is kept for a sample that also checks what is in view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"])


@dataclass(eq=False)
class Node:
    tag: str
    attrs: dict[str, str]
    parent: Node | None = None
    children: list[Node | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts: list[str] = []
        stack: list[Node | str] = [self]
        while stack:
            item = stack.pop()
            if isinstance(item, str):
                parts.append(item)
            else:
                stack.extend(reversed(item.children))
        return re.sub(r"\s+", " ", "".join(parts)).strip()

    def next_element(self) -> Node | None:
        siblings = [c for c in self.parent.children if isinstance(c, Node)] if self.parent else []
        index = siblings.index(self)
        return siblings[index + 1] if index + 1 < len(siblings) else None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.current = self.root
        self.by_id: dict[str, Node] = {}
        self.first: dict[str, Node] = {}  # the first element of each tag name

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if "id" in node.attrs:
            self.by_id.setdefault(node.attrs["id"], node)
        self.first.setdefault(tag, node)
        if tag not in _VOID:
            self.current = node

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.current = self.current.parent or self.root

    def handle_endtag(self, tag: str) -> None:
        node: Node | None = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data: str) -> None:
        self.current.children.append(data)


@lru_cache(maxsize=512)
def _parse(path: Path) -> _TreeBuilder:
    builder = _TreeBuilder()
    builder.feed(path.read_text(encoding="utf-8"))
    builder.close()
    return builder


def landing(site_dir: Path, url: str) -> dict[str, Any] | None:
    """What a reader following site-relative `url` lands on, as the browser test reports it;
    None when no page is at that path."""
    page, _, fragment = url.partition("#")
    path = site_dir / page / "index.html" if page == "" or page.endswith("/") else site_dir / page
    if not path.is_file():
        return None
    tree = _parse(path)
    canonical = next((n for n in _links(tree.root) if n.attrs.get("rel") == "canonical"), None)
    h1 = next((n for n in _walk(tree.root) if n.tag == "h1"), None)
    result: dict[str, Any] = {"path": "/" + page, "canonical": canonical.attrs.get("href") if canonical else None,
                              "h1": h1.text if h1 else None}
    if not fragment:
        return result
    element = tree.by_id.get(fragment)
    if element is None:
        return {**result, "present": False}
    alias = "kb-alias" in element.attrs.get("class", "").split()
    target = element.next_element() if alias else element
    statement = target.parent if target else None
    links = [n.attrs["href"] for n in _walk(statement) if n.tag == "a" and "href" in n.attrs] if statement else []
    return {**result, "present": True, "alias": alias, "inView": True,
            "targetId": target.attrs.get("id") if target else None,
            "targetText": target.text if target else "", "statementLinks": links}


def _walk(node: Node):
    stack: list[Node] = [node]
    while stack:
        item = stack.pop()
        yield item
        stack.extend(reversed([c for c in item.children if isinstance(c, Node)]))


def _links(node: Node):
    return (n for n in _walk(node) if n.tag == "link")
