"""Sentence splitting of plain text (answers' sentences, the passage a search result shows):
the abbreviation rules hold wherever the abbreviation is, and the text of a sentence is the same
with or without its Markdown."""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree

from hypothesis import given, settings
from hypothesis import strategies as st

from privacy_kb.sentences import split_sentences, split_text

# Pieces that meet the rules: abbreviations (at the start, after a word character, after a
# space), "No." before a number or not, initials, CJK punctuation, closing quotes.
PIECES = ["e.g.", "i.e.", "U.S.", "approx.", "Corp.", "No.", "5", "A.", "xe.g.", "word.",
          "word", "Done!", "Why?", "”", ")", "。", "データ", " ", "  ", "\n", "_"]  # fmt: skip

# The rule as first written: the abbreviation patterns searched over all the text before.
_BOUNDARY = re.compile(r"(?<=[.!?])(?P<close>[\"'”’)\]]*)\s+|(?<=[。！？])\s*")
_ABBREVIATIONS = re.compile(r"(?:\b(?:e\.g|i\.e|etc|vs|Inc|Ltd|Corp|approx|U\.S)\.|\b[A-Z]\.)$")
_NUMBER_SIGN = re.compile(r"\bNo\.$")


def _reference(text: str) -> list[str]:
    sentences, current, position = [], "", 0
    for match in _BOUNDARY.finditer(text):
        before = current + text[position : match.start()]
        if _ABBREVIATIONS.search(before) or (
            _NUMBER_SIGN.search(before) and text[match.end() : match.end() + 1].isdigit()
        ):
            continue
        current += text[position : match.start() + len(match.group("close") or "")]
        sentences.append(current)
        current, position = "", match.end()
    sentences.append(current + text[position:])
    cleaned = (" ".join(s.split()) for s in sentences)
    return [s for s in cleaned if any(ch.isalnum() for ch in s)]


def test_abbreviations_do_not_end_a_sentence():
    text = "Data stays in the U.S. and is kept approx. 30 days. See No. 5 for more. No. It isn't."
    assert split_text(text) == [
        "Data stays in the U.S. and is kept approx. 30 days.",
        "See No. 5 for more.",
        "No.",
        "It isn't.",
    ]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40))
def test_sentences_follow_the_rules_wherever_an_abbreviation_is(pieces):
    text = "".join(pieces)
    assert split_text(text) == _reference(text)
    block = etree.Element("p")
    block.text = text
    assert [s.text for s in split_sentences(block)] == split_text(text)
