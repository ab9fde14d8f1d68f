"""Split rendered blocks into sentences, each as plain text and as Markdown.

Works on the element tree of a block: sentence boundaries are only looked for in plain text,
never inside a link, code span or emphasis, so every sentence's Markdown is well formed.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass

from .sanitize import safe_url

# A boundary: sentence punctuation (with closing quotes/brackets, which stay with the sentence)
# and then whitespace, or CJK/fullwidth sentence punctuation on its own.
_BOUNDARY = re.compile(r"(?<=[.!?])(?P<close>[\"'”’)\]]*)\s+|(?<=[。！？])\s*")
# Abbreviations that end in a period without ending the sentence.
_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|Inc|Ltd|Corp|approx|U\.S)\.|\b[A-Z]\.)$")
# "No." abbreviates "number" only before one ("No. 5"); "No." answering a question is a sentence.
_NUMBER_SIGN = re.compile(r"\bNo\.$")
# The longest text either pattern matches ("approx."), and the character before it.
_ABBREVIATION_TAIL = len("approx.") + 1
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]])")
_SPACE = re.compile(r"\s+")
_LINK_UNSAFE = re.compile(r"[\s()<>]")  # would end or break a Markdown link target


def _percent(match: re.Match[str]) -> str:
    return "".join(f"%{byte:02X}" for byte in match.group(0).encode("utf-8"))


@dataclass(frozen=True)
class Sentence:
    text: str
    markdown: str


@dataclass
class _Builder:
    text: str = ""
    markdown: str = ""

    def add(self, text: str, markdown: str) -> None:
        self.text += text
        self.markdown += markdown


def split_sentences(
    block: etree.Element, skip: frozenset[str] = frozenset(), *, markdown: bool = True
) -> list[Sentence]:
    """The sentences of a block element's inline content; children tagged in `skip` are left out
    (e.g. nested lists, which are blocks of their own). Without `markdown`, only their text."""
    sentences: list[Sentence] = []
    current = _Builder()

    def flush() -> None:
        text = _SPACE.sub(" ", current.text).strip()
        if any(ch.isalnum() for ch in text):
            marked = _SPACE.sub(" ", current.markdown).strip() if markdown else ""
            sentences.append(Sentence(text, marked))
        current.text = current.markdown = ""

    def add_plain(text: str) -> None:
        position = 0
        for match in _BOUNDARY.finditer(text):
            # Only the end can match (both patterns end in `$`); one more character keeps `\b`.
            before = (current.text + text[position : match.start()])[-_ABBREVIATION_TAIL:]
            if _ABBREVIATIONS.search(before) or (
                _NUMBER_SIGN.search(before) and text[match.end() : match.end() + 1].isdigit()
            ):
                continue
            piece = text[position : match.start() + len(match.group("close") or "")]
            current.add(piece, _escape(piece) if markdown else "")
            flush()
            position = match.end()
        rest = text[position:]
        current.add(rest, _escape(rest) if markdown else "")

    if block.text:
        add_plain(block.text)
    for child in block:
        if child.tag in skip:
            pass
        elif child.tag == "br":
            current.add(" ", "  \n")
        else:
            text = inline_text(child)
            current.add(text, inline_markdown(child, text))
        if child.tail:
            add_plain(child.tail)
    flush()
    return sentences


def inline_text(element: etree.Element) -> str:
    return "".join(element.itertext())


def inline_markdown(element: etree.Element, text: str) -> str:
    """Markdown for one inline element; links keep their Learn URL so answers work anywhere."""
    inner = "".join(_inner_markdown(element))
    if element.tag == "a":
        href = element.get("data-learn-href") or element.get("href") or ""
        # An answer's Markdown is published as is (JSON API): a `javascript:` link is text.
        return f"[{inner}]({_LINK_UNSAFE.sub(_percent, href)})" if href and safe_url(href) else inner
    if element.tag in ("strong", "b"):
        return f"**{inner}**"
    if element.tag in ("em", "i"):
        return f"*{inner}*"
    if element.tag == "code":
        # A fence longer than any run of backticks inside, so the span cannot close early.
        fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
        padding = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{fence}{padding}{text}{padding}{fence}"
    return inner


def _inner_markdown(element: etree.Element) -> list[str]:
    parts = [_escape(element.text or "")]
    for child in element:
        parts.append(inline_markdown(child, inline_text(child)))
        parts.append(_escape(child.tail or ""))
    return parts


def _escape(text: str) -> str:
    # `<` as an entity: Python-Markdown has no `\<` escape, so `\<script>` would be raw HTML.
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text).replace("<", "&lt;")


def split_text(text: str) -> list[str]:
    """Sentences of plain text, by the same rules as `split_sentences`."""
    block = etree.Element("p")
    block.text = text
    return [sentence.text for sentence in split_sentences(block, markdown=False)]
