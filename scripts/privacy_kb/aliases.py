"""Old ids kept working: alias anchors written into the generated pages before they are rendered.

The registry (registry.py `plan_aliases`) says which ids a page once had and which element of
today's page each stands for. An alias is an empty `<a id="old" class="kb-alias">` placed right
before that element, so a link to `page/#old` lands where `page/#new` does.

- In the Markdown we generate, the target's id is in the text (`{ #id }` on a heading, `id="…"`
  in our raw HTML): `with_aliases` writes the anchors there.
- Headings get their ids when rendered (`toc`, or the DocFX extension rendering an article on a
  source page): the page's front matter carries `kb_aliases` (old id → the ids it may stand
  for), and the `privacy_kb.aliases` Markdown extension below places them once the ids are
  assigned. The plugin hands each page's map to the extension (MkDocs makes one Markdown
  instance per page).
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as etree
from collections import defaultdict
from collections.abc import Iterable, Mapping
from html import escape
from typing import Any

from markdown import Extension, Markdown
from markdown.treeprocessors import Treeprocessor

from .registry import PAGE_TITLE, Alias

FRONT_MATTER_KEY = "kb_aliases"
ALIAS_CLASS = "kb-alias"


def alias_anchor(old_id: str) -> str:
    # Attributes in the order the sanitiser writes them, so every alias reads the same.
    return f'<a aria-hidden="true" class="{ALIAS_CLASS}" id="{escape(old_id)}"></a>'


def by_page(aliases: Iterable[Alias]) -> dict[str, list[Alias]]:
    pages: dict[str, list[Alias]] = defaultdict(list)
    for alias in aliases:
        pages[alias.page].append(alias)
    return pages


def with_aliases(markdown: str, aliases: Iterable[Alias]) -> str:
    """`markdown` with its aliases: an anchor right before each target that is a tag of our raw
    HTML (which Python-Markdown passes through untouched), the others in the front matter for
    `AliasTreeprocessor`, which sees the ids headings get when rendered."""
    inline: dict[str, set[str]] = defaultdict(set)
    later: dict[str, list[str]] = {}
    for alias in aliases:
        candidates = [t for t in (alias.target, alias.fallback) if t]
        tagged = next((t for t in candidates if _tag_start(markdown, t) is not None), "")
        if f'id="{alias.old_id}"' in markdown:
            continue  # the page has that id itself
        if tagged:
            inline[tagged].add(alias.old_id)
        else:
            later[alias.old_id] = candidates
    # From the end of the text, so earlier offsets stay right.
    for offset, target in sorted(((_tag_start(markdown, t), t) for t in inline), reverse=True):
        assert offset is not None
        anchors = "".join(alias_anchor(old_id) for old_id in sorted(inline[target]))
        markdown = markdown[:offset] + anchors + markdown[offset:]
    return with_front_matter_aliases(markdown, later)


def _tag_start(markdown: str, target: str) -> int | None:
    """Where the raw HTML tag with id `target` starts in `markdown`, if it has one."""
    tag = re.search(rf'<[a-z][a-z0-9]*\b[^<>]*\sid="{re.escape(target)}"', markdown)
    return tag.start() if tag else None


def with_front_matter_aliases(markdown: str, aliases: Mapping[str, list[str]]) -> str:
    """`markdown` (which starts with a front matter block) with `kb_aliases` (old id → the ids
    it may stand for, best first) in it."""
    if not aliases or not markdown.startswith("---\n"):
        return markdown
    end = markdown.index("\n---\n", 3)
    line = f"{FRONT_MATTER_KEY}: {json.dumps(dict(aliases), ensure_ascii=False, sort_keys=True)}"
    return markdown[:end] + "\n" + line + markdown[end:]


class AliasTreeprocessor(Treeprocessor):
    """Places alias anchors before the elements they stand for, once `toc` has given headings
    their ids. `aliases`: old id → candidate ids, best first
    (`PAGE_TITLE`: the page's first <h1>)."""

    def __init__(self, md: Markdown, aliases: Mapping[str, list[str]]) -> None:
        super().__init__(md)
        self.aliases = aliases

    def run(self, root: etree.Element) -> None:
        if not self.aliases:
            return
        parent_of = {child: parent for parent in root.iter() for child in parent}
        by_id = {element.get("id"): element for element in root.iter() if element.get("id")}
        title = next(root.iter("h1"), None)
        before: dict[etree.Element, list[str]] = defaultdict(list)
        for old_id, candidates in sorted(self.aliases.items()):
            if old_id in by_id:
                continue  # the page has that id itself
            found = (title if c == PAGE_TITLE else by_id.get(c) for c in candidates)
            target = next((element for element in found if element is not None), None)
            if target is not None and target in parent_of:
                before[target].append(old_id)
        for target, old_ids in before.items():
            parent = parent_of[target]
            index = list(parent).index(target)
            for old_id in reversed(old_ids):
                parent.insert(index, etree.Element("a", {"id": old_id, "class": ALIAS_CLASS,
                                                         "aria-hidden": "true"}))


class AliasExtension(Extension):
    def __init__(self, **kwargs: Any) -> None:
        self.config = {"aliases": [{}, "old id → the ids it may stand for, best first"]}
        super().__init__(**kwargs)

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's name)
        # After toc (5), which gives headings their ids, and after MkDocs' link rewriting (0),
        # which expects every <a> to have an href.
        md.treeprocessors.register(AliasTreeprocessor(md, self.getConfig("aliases")), "kb_aliases", -1)


def makeExtension(**kwargs: Any) -> AliasExtension:  # noqa: N802 (Python-Markdown's name)
    return AliasExtension(**kwargs)
