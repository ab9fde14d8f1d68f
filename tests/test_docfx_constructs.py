"""One DocFX construct at a time: the small pieces behind `privacy_kb.docfx`."""

from __future__ import annotations

import pytest

from privacy_kb.docfx_alerts import div_attributes, quote_sections
from privacy_kb.docfx_code import (
    CodeRange,
    CodeSnippet,
    line_ranges,
    parse_snippet_line,
    snippet_text,
)
from privacy_kb.docfx_inline import rewrite_inline
from privacy_kb.docfx_limits import MAX_NESTING, flatten, nesting
from privacy_kb.docfx_source import strict_attributes

PROGRAM = "\n".join([
    "namespace N",  # 1
    "{",  # 2
    "    // <snippetmain>",  # 3
    "    class Program",  # 4
    "    {",  # 5
    "        #region Helper",  # 6
    "        void Help() { }",  # 7
    "        #endregion",  # 8
    "    }",  # 9
    "    // </snippetmain>",  # 10
    "}",  # 11
])


def test_snippet_line_parts() -> None:
    snippet = parse_snippet_line('[!code-csharp[Main](Program.cs?range=1-2,10&dedent=0#L3-L5 "T")]')
    assert snippet is not None
    assert (snippet.language, snippet.name, snippet.path, snippet.title) == (
        "csharp", "Main", "Program.cs", "T")
    assert snippet.ranges == [CodeRange(1, 2), CodeRange(10, 10)]
    assert snippet.bookmark == CodeRange(3, 5) and snippet.dedent == 0
    assert parse_snippet_line("text [!code[a](b.cs)]") is None  # only a line of its own
    assert parse_snippet_line("[!code[a](b.cs) ]") is not None
    assert parse_snippet_line("[!code[a](b.cs)] more") is None


@pytest.mark.parametrize(("ask", "expected"), [
    # the `snippet` prefix is optional; another comment family's tags stay (as in DocFX)
    ({"tag": "main"}, "class Program\n{\n    #region Helper\n    void Help() { }\n"
                      "    #endregion\n}\n"),
    ({"tag": "MAIN"}, "class Program\n{\n    #region Helper\n    void Help() { }\n"
                      "    #endregion\n}\n"),
    ({"tag": "helper"}, "void Help() { }\n"),  # #region … #endregion
    ({"ranges": line_ranges("1, 11 -")}, "namespace N\n}\n"),
    ({"bookmark": CodeRange(6, 7), "dedent": 4}, "    #region Helper\n    void Help() { }\n"),
    ({"tag": "missing"}, ""),
])
def test_snippet_text(ask: dict, expected: str) -> None:
    snippet = CodeSnippet("Program.cs", **ask)
    assert snippet_text(PROGRAM, snippet, ".cs") == expected
    assert bool(snippet.problems) == (expected == "")


def test_quote_sections_split_alerts_divs_and_videos() -> None:
    sections = quote_sections([
        "plain", "[!NOTE]", "a", "[!warning]", "b", "[!div class=\"x\" id='y']", "c",
        "[!VIDEO https://example.com/v]", "after", "[!NOTE] text after is not a marker",
    ])
    assert [(s.kind, s.value, s.lines) for s in sections] == [
        ("quote", "", ["plain"]), ("alert", "note", ["a"]), ("alert", "warning", ["b"]),
        ("div", "", ["c"]), ("video", "https://example.com/v", []),
        ("quote", "", ["after", "[!NOTE] text after is not a marker"]),
    ]
    assert sections[3].attrs == {"class": "x", "id": "y"}
    assert div_attributes('`id="right"`') == {"id": "right"}
    assert div_attributes('`id="error"') == {}


@pytest.mark.parametrize(("text", "expected"), [
    ('target="docs" pivot = "a,b"', {"target": "docs", "pivot": "a,b"}),
    ('range="azure-rest-1.0', "attribute `range` has no quoted value"),
    ('target="pdf" target="docs"', "attribute `target` given twice"),
    ('*="pdf"', "invalid attribute name `*`"),
])
def test_strict_attributes(text: str, expected: object) -> None:
    assert strict_attributes(text) == expected


def test_inline_rewrites() -> None:
    rejected: list[str] = []
    text = rewrite_inline(
        'A :::image type="icon" source="i.png"::: and :::no-loc text="*Find* \\"x\\"":::, '
        ':::image source="no-alt.png":::, <xref:System.String> and \\<xref:Kept>.',
        rejected.append,
    )
    assert text == (
        'A ![](i.png) and \\*Find\\* "x", :::image source="no-alt.png":::, '
        "`` System.String `` and \\&lt;xref:Kept&gt;."
    )
    assert rejected == ["no alt-text on a content image"]


def test_nesting_is_flattened_to_the_limit() -> None:
    deep = "    " * 40 + "- item"
    assert nesting(deep, 0, 4) == 40
    flat = flatten(deep, 0, 4)
    assert nesting(flat, 0, 4) == MAX_NESTING and flat.endswith("\\- item")
    quoted = "> " * 30 + "[!NOTE]"
    assert flatten(quoted, 0, 4).count(">") == MAX_NESTING
