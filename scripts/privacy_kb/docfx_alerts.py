"""DocFX quote sections: a blockquote split into alerts, videos, `[!div]`s and plain quotes.

DocFX reads a blockquote as a run of sections, each started by a line of its own:
`> [!NOTE]` (or TIP, IMPORTANT, WARNING, CAUTION, any case) starts an alert, `> [!div
class="x" id="y"]` a `<div>`, `> [!VIDEO https://…]` is a video; lines before the first marker
are an ordinary blockquote. So `> [!NOTE]` … `> [!WARNING]` … in one blockquote is two alerts.
Alerts become Material admonitions (`div.admonition.note` with a `p.admonition-title`), as
pymdownx.quotes makes them. A marker with text after it on its line (`> [!NOTE] text`) is not a
marker: the line stays text, with a warning, as in DocFX.

In the source stage, `DivProcessor` ends a paragraph after `> [!div …]` (so that a list can
follow it) and `section_marker_problem` finds the markers that are text.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable

from markdown.blockparser import BlockParser
from markdown.blockprocessors import BlockProcessor

from .docfx_commonmark import QUOTE_PREFIX
from .docfx_conversion import FileState
from .docfx_lines import LineProcessor, Lines
from .docfx_video import video_element

__all__ = [
    "ALERT_TYPES", "DivProcessor", "DocfxQuoteProcessor", "QuoteSection", "is_section_marker",
    "quote_sections", "section_marker_problem",
]

ALERT_TYPES = ("NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION")
_ALERT = re.compile(r"^ {0,3}\[!(?P<type>note|tip|important|warning|caution)\][ \t]*$", re.I)
_DIV = re.compile(r"^ {0,3}\[!div(?:[ \t]+(?P<attrs>[^\]]*))?\][ \t]*$", re.I)
_VIDEO = re.compile(r"^ {0,3}\[!video[ \t]+(?P<url>[^\s\]]+)[ \t]*\][ \t]*$", re.I)
_DIV_ATTRIBUTE = re.compile(r"""(?P<key>[A-Za-z][\w-]*)\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""")
_KEPT_DIV_ATTRIBUTES = re.compile(r"^(?:class|id|data-[\w-]+)$")
_SECTION_MARKER = re.compile(r"^ {0,3}\[!(note|tip|important|warning|caution|div|video)\b", re.I)
MAX_QUOTE_DEPTH = 64  # a backstop: the source stage flattens deeper nesting first


class QuoteSection:
    """One section of a blockquote: `kind` is quote | alert | div | video."""

    def __init__(self, kind: str, value: str = "", attrs: dict[str, str] | None = None) -> None:
        self.kind = kind
        self.value = value  # alert type or video URL
        self.attrs = attrs or {}
        self.lines: list[str] = []


def div_attributes(text: str) -> dict[str, str]:
    """`class="a b" id='x'` -> attributes; DocFX's back-quoted form `` `id="x"` `` too; anything
    else (an unbalanced back quote) gives no attributes."""
    text = (text or "").strip()
    if "`" in text:
        if not (len(text) > 1 and text[0] == text[-1] == "`" and text.count("`") == 2):
            return {}
        text = text[1:-1]
    return {
        match.group("key").lower(): match.group("dq") if match.group("dq") is not None
        else match.group("sq")
        for match in _DIV_ATTRIBUTE.finditer(text)
    }


def is_section_marker(line: str) -> bool:
    """Whether a blockquote line (without its `>`) starts a section."""
    return bool(_ALERT.match(line) or _DIV.match(line) or _VIDEO.match(line))


def section_marker_problem(line: str) -> str:
    """What is wrong with a blockquote line that looks like a section marker but has more on
    its line (`> [!NOTE] text`: DocFX warns too); '' for any other line."""
    quote = QUOTE_PREFIX.match(line).group(0)
    body = line[len(quote) :]
    marker = _SECTION_MARKER.match(body) if ">" in quote else None
    if marker and not is_section_marker(body):
        return f"`[!{marker.group(1)}]` with more on its line is not a quote section"
    return ""


class DivProcessor(LineProcessor):
    """`> [!div class="…"]` on a line of its own: a blank quote line after it, so that a list
    can follow it."""

    RE = re.compile(r"^(?P<prefix>[ \t]*>)[ \t]*\[!div\b[^\]]*\][ \t]*$", re.I)

    def run(self, state: FileState, match: re.Match[str], number: int,
            stack: tuple[str, ...]) -> Lines:
        line = match.group(0)
        return [self.source.inline(state, line, number, stack), match.group("prefix")]


def quote_sections(lines: list[str]) -> list[QuoteSection]:
    """The sections of a blockquote's lines (with `>` already removed)."""
    sections: list[QuoteSection] = []
    current: QuoteSection | None = None
    for line in lines:
        if alert := _ALERT.match(line):
            current = QuoteSection("alert", alert.group("type").lower())
        elif div := _DIV.match(line):
            current = QuoteSection("div", attrs=div_attributes(div.group("attrs") or ""))
        elif video := _VIDEO.match(line):
            sections.append(QuoteSection("video", video.group("url")))
            current = None
            continue
        elif current is None:
            if not line.strip():
                continue
            current = QuoteSection("quote")
        else:
            current.lines.append(line)
            continue
        sections.append(current)
        if current.kind == "quote":
            current.lines.append(line)
    return sections


class DocfxQuoteProcessor(BlockProcessor):
    """Blockquotes, split into DocFX's sections (see the module docstring)."""

    RE = re.compile(r"(^|\n)[ ]{0,3}>[ ]?(.*)")

    def __init__(self, parser: BlockParser, too_deep: Callable[[str], None]) -> None:
        super().__init__(parser)
        self._too_deep = too_deep
        self._last_section: etree.Element | None = None

    def test(self, parent: etree.Element, block: str) -> bool:
        if not self.RE.search(block):
            return False
        if len(self.parser.state) >= MAX_QUOTE_DEPTH:  # one state per open quote or list
            self._too_deep(block)
            return False
        return True

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        block = blocks.pop(0)
        match = self.RE.search(block)
        if match:
            self.parser.parseBlocks(parent, [block[: match.start()]])
            block = block[match.start() :]
        lines = [self._clean(line) for line in block.split("\n")]
        sections = quote_sections(lines)
        sibling = self.lastChild(parent)
        for index, section in enumerate(sections):
            continues = (
                index == 0 and section.kind == "quote" and sibling is not None
                and (sibling.tag == "blockquote" or sibling is self._last_section)
            )
            element = sibling if continues else self._element(parent, section)
            if element is None:
                continue
            self._last_section = element if section.kind in ("alert", "div") else None
            self.parser.state.set("blockquote")
            self.parser.parseChunk(element, "\n".join(section.lines))
            self.parser.state.reset()

    @staticmethod
    def _element(parent: etree.Element, section: QuoteSection) -> etree.Element | None:
        if section.kind == "alert":
            element = etree.SubElement(parent, "div", {"class": f"admonition {section.value}"})
            title = etree.SubElement(element, "p", {"class": "admonition-title"})
            title.text = section.value.title()
            return element
        if section.kind == "div":
            classes = " ".join(["docfx-div", *section.attrs.get("class", "").split()])
            attrs = {key: value for key, value in section.attrs.items()
                     if _KEPT_DIV_ATTRIBUTES.match(key) and key != "class"}
            return etree.SubElement(parent, "div", {"class": classes, **attrs})
        if section.kind == "video":
            parent.append(video_element(section.value))
            return None
        return etree.SubElement(parent, "blockquote")

    def _clean(self, line: str) -> str:
        match = self.RE.match(line)
        if line.strip() == ">":
            return ""
        return match.group(2) if match else line


def render_div_quote(element: etree.Element) -> None:
    """`> [!div class="nextstepaction"]`: its links look like Learn's buttons."""
    if "nextstepaction" in (element.get("class") or "").split():
        for link in element.iter("a"):
            link.set("class", "md-button md-button--primary")
