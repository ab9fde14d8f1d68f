"""Same words, same structure: how a page of ours is judged against the HTML DocFX expects.

DocFX's HTML is its own theme's, so markup is not compared. Both sides are reduced to
- `words`: the visible text in order, split into words (punctuation and whitespace dropped),
  plus the alt text of images (DocFX keeps it in `alt`; we show it as a caption when the image
  file is absent); not the titles of alerts (DocFX prints localised tokens, we print Material's
  titles) nor our labels of zones, monikers and image descriptions;
- `structure`: the structural elements, nested, in order: headings (`h1`…`h6`), lists and their
  items, tables, rows and cells, code blocks, images, block quotes, alerts, tabs, videos, rows and
  columns, zones and monikers. Equivalents count as one: an alert is DocFX's `div.NOTE` or a
  Material admonition; tabs are DocFX's `div.tabGroup` or pymdownx.tabbed's `div.tabbed-set`;
  a video is an `<iframe>` or our link to it; a zone is DocFX's `div.zone` or our labelled
  admonition;
  Our link to a video has no words either (DocFX's `<iframe>` has none);
- `syntax`: DocFX syntax left in the text (`[!`, `:::`): ours may not show more of it than
  DocFX does.

Notes that stand in for missing content (DocFX's localised "sample not found" warning, our
`docfx-missing-*` notes) are alerts without words on both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_WORD = re.compile(r"\w+")
_SYNTAX = re.compile(r"\[!|:::")
_ALERT_CLASSES = {"NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION"}
_VOID = {"img", "br", "hr", "input", "meta", "link", "source", "wbr", "col", "area"}
_INVISIBLE = {"script", "style", "template"}


@dataclass
class Reduced:
    """A page reduced to what is compared."""

    words: list[str] = field(default_factory=list)
    structure: list[str] = field(default_factory=list)  # "tag(" / ")" tokens, nested
    syntax: int = 0

    def signature(self) -> str:
        return " ".join(self.structure).replace("( )", "()")


def _structural(tag: str, attrs: dict[str, str], ours: bool) -> str | None:
    """The structural name of an element, or None when it is transparent."""
    classes = set((attrs.get("class") or "").split())
    if not ours and tag in ("ul", "li") and attrs.get("role") in ("tablist", "presentation"):
        # DocFX's list of tab titles: our tab labels
        return None
    if re.fullmatch(r"h[1-6]", tag):
        return tag
    if tag in ("ul", "ol", "li", "table", "tr", "blockquote"):
        return {"blockquote": "quote"}.get(tag, tag)
    if tag in ("td", "th"):
        return "cell"
    if tag == "pre":
        return "code"
    if tag == "img":
        return "image"
    if tag in ("iframe", "video"):
        return "video"
    if ours:
        if classes & {"docfx-zone", "docfx-moniker"}:
            return "zone"
        if "admonition" in classes:
            return "alert"
        if "docfx-video" in classes:
            return "video"
        if "tabbed-set" in classes:
            return "tabs"
        if "tabbed-block" in classes:
            return "tab"
        if "docfx-row" in classes:
            return "row"
        if "docfx-column" in classes:
            return "column"
        if "docfx-image--missing" in classes:  # the figure or span showing an absent image's alt
            return "image"
        return None
    if classes & _ALERT_CLASSES and tag == "div":
        return "alert"
    if "tabGroup" in classes:
        return "tabs"
    if tag == "section" and attrs.get("role") == "tabpanel":
        return "tab"
    if tag == "section" and "row" in classes:
        return "row"
    if tag == "div" and "column" in classes:
        return "column"
    if tag == "div" and (classes & {"zone", "moniker"} or "range" in attrs):
        return "zone"
    if tag == "xref" and attrs.get("data-raw-source") is not None:
        return None
    return None


class _Reducer(HTMLParser):
    def __init__(self, ours: bool, ignore_words: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.ours = ours
        self.ignore_words = ignore_words
        self.result = Reduced()
        self.stack: list[tuple[str, str | None, bool]] = []  # (tag, structural, hides text)
        self.hidden = 0

    def _text(self, text: str) -> None:
        if self.hidden:
            return
        self.result.syntax += len(_SYNTAX.findall(text))
        self.result.words += [w for w in _WORD.findall(text) if w not in self.ignore_words]

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {key: value or "" for key, value in attrs_list}
        classes = set(attrs.get("class", "").split())
        structural = _structural(tag, attrs, self.ours)
        alert_title = not self.ours and tag == "h5" and self._just_opened_alert()
        if alert_title:
            structural = None
        hides = (
            tag in _INVISIBLE
            or (self.ours and classes & {"admonition-title", "docfx-label"})
            or alert_title
            or (self.ours and bool({c for c in classes if c.startswith("docfx-missing")}))
            or (self.ours and "docfx-video" in classes)  # DocFX's iframe has no words
        )
        if structural:
            self.result.structure.append(structural + "(")
        if tag == "img" and not self.hidden:
            self._text(attrs.get("alt", ""))
        if tag == "xref" and not self.hidden:  # DocFX fills an xref's text in a later step
            self._text(attrs.get("href", ""))
        if tag in _VOID:
            if structural:
                self.result.structure.append(")")
            return
        self.stack.append((tag, structural, hides))
        if hides:
            self.hidden += 1

    def _just_opened_alert(self) -> bool:
        return bool(self.stack) and self.stack[-1][1] == "alert"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        if not any(open_tag == tag for open_tag, _, _ in self.stack):
            return  # a stray end tag (DocFX's `<p><div>…</div></p>`)
        while self.stack:
            open_tag, structural, hides = self.stack.pop()
            if structural:
                self.result.structure.append(")")
            if hides:
                self.hidden -= 1
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        self._text(data)

    def close(self) -> None:
        super().close()
        while self.stack:
            self.handle_endtag(self.stack[-1][0])


def reduce_html(html: str, *, ours: bool, ignore_words: set[str] | frozenset[str] = frozenset()
                ) -> Reduced:
    """`html` reduced to its words, structure and leftover DocFX syntax."""
    reducer = _Reducer(ours, set(ignore_words))
    reducer.feed(html)
    reducer.close()
    return reducer.result


def differences(ours: str, expected: str, ignore_words: set[str] | frozenset[str] = frozenset()
                ) -> list[str]:
    """What differs between our page and DocFX's expected HTML (empty when they match)."""
    mine = reduce_html(ours, ours=True)
    theirs = reduce_html(expected, ours=False, ignore_words=ignore_words)
    found = []
    if mine.words != theirs.words:
        found.append(f"words: ours {_diff(mine.words, theirs.words)}")
    if mine.signature() != theirs.signature():
        found.append(f"structure: ours {mine.signature()!r} != DocFX {theirs.signature()!r}")
    if mine.syntax > theirs.syntax:
        found.append(f"DocFX syntax shown as text: {mine.syntax} against DocFX's {theirs.syntax}")
    return found


def _diff(mine: list[str], theirs: list[str]) -> str:
    index = next((i for i, (a, b) in enumerate(zip(mine, theirs, strict=False)) if a != b),
                 min(len(mine), len(theirs)))
    return (f"{' '.join(mine[max(0, index - 3): index + 6])!r} != DocFX "
            f"{' '.join(theirs[max(0, index - 3): index + 6])!r} (word {index}; "
            f"{len(mine)} against {len(theirs)} words)")
