"""Link and image targets: recorded where they were written, replaced by placeholders.

A target that needs resolving (relative, `/azure/…`, `~/…`; not a URL or an anchor) becomes a
link placeholder (`docfx_placeholders`) standing for its `LinkOrigin`, so that the render stage
resolves it against the file it was written in (an include's links are relative to the
include) and reports problems at its file:line. An empty target is reported. A `](` whose `)`
is not on its line is not a link (CommonMark): it is escaped, so that Python-Markdown does not
run the link and its title into the next lines.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from .docfx_conversion import FileState, LinkOrigin, resolve_in_root
from .docfx_lines import TextProcessor
from .docfx_placeholders import link_token

if TYPE_CHECKING:
    from .docfx_render import DocfxRenderTreeprocessor

_LINK_TARGET = re.compile(
    r"(?P<open>\]\([ \t]*)(?P<target><[^>\n]*>|(?:[^\s()<>]|\([^\s()]*\))*)"
    r"""(?=(?:[ \t]+(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'))?[ \t]*\))"""
)
_LINK_OPENING = re.compile(r"\]\(")
_REFERENCE_DEFINITION = re.compile(r"^(?P<open>[ \t]{0,3}\[[^\]]+\]:[ \t]*)(?P<target><[^>]*>|\S+)")


def needs_resolving(target: str) -> bool:
    """Relative, root (`/azure/...`) and docset-root (`~/...`) targets; not URLs or anchors."""
    return not (target.startswith(("#", "//")) or re.match(r"^[A-Za-z][\w+.-]*:", target))


class LinkProcessor(TextProcessor):
    """`[text](target "title")`, `![alt](target)` and `[ref]: target` inside a line."""

    def test(self, text: str) -> bool:
        return "]" in text

    def run(self, state: FileState, text: str, number: int, stack: tuple[str, ...]) -> str:
        links = self.conversion.links

        def token(match: re.Match[str]) -> str:
            target = match.group("target")
            bare = target[1:-1] if target.startswith("<") else target
            if not bare.strip():
                self.conversion.report(state.path, number, "empty link target",
                                       "link shown as text")
                return match.group(0)
            if not needs_resolving(bare):
                return match.group(0)
            links.append(LinkOrigin(bare, state.path, number))
            return match.group("open") + link_token(len(links) - 1)

        pieces, position = [], 0
        for opening in _LINK_OPENING.finditer(text):
            if opening.start() < position:
                continue
            link = _LINK_TARGET.match(text, opening.start())
            if link:
                pieces += [text[position : opening.start()], token(link)]
                position = link.end()
            elif "[" in text[: opening.start()] and text[opening.end() :].strip():
                # (At the end of a line, the destination may be on the next one.)
                pieces += [text[position : opening.start()], "]\\("]
                position = opening.end()
        text = "".join(pieces) + text[position:]
        return _REFERENCE_DEFINITION.sub(token, text)


def render_link(render: DocfxRenderTreeprocessor, element: etree.Element) -> None:
    """An `<a>`: its target resolved against the file it was written in (a hosted page, else
    Learn); a target out of the source root is left as written, with a warning."""
    if element.get("href") == "":  # `[text]()`: reported by the source stage
        element.tag = "span"
        element.attrib.clear()
        return
    origin = render.origin(element.get("href"))
    if origin is None:
        return
    target = origin.target.replace("\\", "/")
    if target.startswith("~/"):
        resolved = render.resolver.resolve(target[2:], "")
    else:
        resolved = render.resolver.resolve(target, origin.path)
    if resolved is None:
        element.set("href", origin.target)
        if resolve_in_root(target, origin.path) is None and not target.startswith("/"):
            render.conversion.report(origin.path, origin.line,
                                     f"link `{origin.target}` leaves the source root",
                                     "left unchanged")
        return
    element.set("href", resolved.href)
    element.set("data-learn-href", resolved.learn_href)
