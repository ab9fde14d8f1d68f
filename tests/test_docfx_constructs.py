"""One DocFX construct at a time: the small pieces behind `privacy_kb.docfx`."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from privacy_kb.docfx import markdown_extensions
from privacy_kb.docfx_alerts import div_attributes, quote_sections, section_marker_problem
from privacy_kb.docfx_code import (
    CodeRange,
    CodeSnippet,
    line_ranges,
    parse_snippet_line,
    snippet_text,
)
from privacy_kb.docfx_commonmark import list_ends_quote, list_interrupting_paragraph
from privacy_kb.docfx_containers import close_all, strict_attributes
from privacy_kb.docfx_conversion import FileState, LinkOrigin
from privacy_kb.docfx_front_matter import parse_front_matter, split_front_matter
from privacy_kb.docfx_inline import rewrite_inline
from privacy_kb.docfx_limits import MAX_CONTAINERS, MAX_NESTING, flatten, nesting
from privacy_kb.docfx_lines import AS_TEXT
from privacy_kb.docfx_placeholders import NODE_MARKER_RE, link_token, node_attribute, node_marker
from privacy_kb.docfx_render import BODILESS, CONTAINERS
from privacy_kb.docfx_segments import closes_fence, fence_opening, split_segments

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


# -- one construct module at a time: its processors' `test` and `run`, then a rendered article --
#
# `Construct` gives a real source stage (the one `privacy_kb.docfx` registers) over a folder of
# files, with a fresh `Conversion`, so that a processor's `test` and `run` are called as the
# dispatcher calls them; `render` builds the article through the whole extension.

ARTICLE = "articles/a/x.md"


class Construct:
    def __init__(self, root: Path, files: dict[str, str | bytes] | None = None) -> None:
        for name, content in (files or {}).items():
            path = root / "articles" / "a" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        extensions, configs = markdown_extensions(str(root), [ARTICLE])
        self.md = markdown.Markdown(extensions=extensions, extension_configs=configs)
        self.source = self.md.preprocessors["docfx_source"]
        self.source.conversion = self.source._conversion_factory()
        self.conversion = self.source.conversion
        self.state = FileState(ARTICLE)

    def line(self, name: str):
        return self.source.line_processors[name]

    def text(self, name: str):
        return self.source.text_processors[name]

    def test(self, name: str, line: str):
        return self.line(name).test(self.state, line)

    def run(self, name: str, line: str, number: int = 1):
        """What line processor `name` makes of `line` (asserting that its `test` takes it)."""
        match = self.test(name, line)
        assert match is not None, (name, line)
        return self.line(name).run(self.state, match, number, ())

    def rewrite(self, name: str, text: str) -> str:
        processor = self.text(name)
        assert processor.test(text), (name, text)
        return processor.run(self.state, text, 1, ())

    @property
    def problems(self) -> list[str]:
        return [str(problem) for problem in self.md.docfx_problems]

    @property
    def kinds(self) -> list[str]:
        return [node.kind for node in self.conversion.nodes]


def render(root: Path, text: str, files: dict[str, str | bytes] | None = None
           ) -> tuple[str, list[str]]:
    """The HTML of an article `text` (with `files` beside it), and the problems reported."""
    construct = Construct(root, {**(files or {}), "x.md": text})
    construct.md.reset()
    html = construct.md.convert(f"[!INCLUDE [x](~/{ARTICLE})]\n")
    return html, construct.problems


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def test_every_processor_has_test_and_run_and_is_registered(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    lines = [name for name, _ in _by_priority(construct.source.line_processors)]
    assert lines[:3] == ["div", "include", "code_snippet"] and lines[-1] == "unknown"
    texts = [name for name, _ in _by_priority(construct.source.text_processors)]
    assert texts == ["raw_html", "xref", "inline_image", "no_loc", "inline_include", "link",
                     "unknown_bang"]
    for _, processor in [*_by_priority(construct.source.line_processors),
                         *_by_priority(construct.source.text_processors)]:
        assert callable(processor.test) and callable(processor.run)
        assert type(processor).__module__.startswith("privacy_kb.docfx_")
        assert type(processor).__module__ != "privacy_kb.docfx_source"


def test_every_node_kind_has_a_renderer_in_its_construct_module() -> None:
    kinds = {"image", "code", "video", "missing-include", "zone", "moniker", "row", "column",
             "tabs"}  # a "tab" is rendered by its tab set
    assert set(BODILESS) | set(CONTAINERS) == kinds
    for renderer in [*BODILESS.values(), *CONTAINERS.values()]:
        assert renderer.__module__ not in ("privacy_kb.docfx_render", "privacy_kb.docfx_source")


def _by_priority(registry) -> list:
    return [(item.name, registry[item.name]) for item in registry._priority]


def test_a_processor_that_shows_its_line_as_text_stops_the_others(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    line = ':::zone pivot="a b":::'  # invalid: the zone processor takes it, as text
    assert construct.run("zone", line) is AS_TEXT
    assert construct.source._block_construct(construct.state, line, 1, ()) is None
    assert [p for p in construct.problems if "unknown" in p] == []  # `unknown` never tried


# -- includes (docfx_includes) -------------------------------------------------------------------


def test_include_test_takes_only_a_line_of_its_own(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.test("include", "[!INCLUDE [a](b.md)]")
    assert construct.test("include", '> [!include[a](b.md "title")]  ')
    assert construct.test("include", "Text [!INCLUDE [a](b.md)]") is None
    assert construct.test("include", "[!INCLUDE [a](b.md)] more") is None


def test_include_run_expands_with_the_line_s_prefix(tmp_path: Path) -> None:
    construct = Construct(tmp_path, {"part.md": "---\ntitle: t\n---\nOne\n\n:::zone pivot=\"a\"\n"
                                                "z\n:::zone-end\n"})
    lines = construct.run("include", "> [!INCLUDE [p](part.md)]", number=7)
    assert lines[0] == ">" and lines[1] == "> One" and lines[2] == ">"
    # The included lines are read as the file's own (at their own lines), then quoted.
    assert construct.kinds == ["zone"] and construct.conversion.nodes[0].line == 6
    assert construct.problems == []


def test_include_run_when_the_file_is_missing_a_url_or_a_cycle(tmp_path: Path) -> None:
    construct = Construct(tmp_path, {"self.md": "[!INCLUDE [me](self.md)]\n"})
    missing = construct.run("include", "[!INCLUDE [m](missing.md)]", number=3)
    assert NODE_MARKER_RE.match(missing[1]) and construct.kinds == ["missing-include"]
    url = construct.run("include", "[!INCLUDE [u](https://example.com/a.md)]")
    assert url[1] == "\\[\\!include\\[u\\]\\(https://example\\.com/a\\.md\\)\\]"
    construct.run("include", "[!INCLUDE [s](self.md)]")
    assert construct.problems == [
        f"{ARTICLE}:3: included file `articles/a/missing.md` does not exist; shown a note instead",
        f"{ARTICLE}:1: include `https://example.com/a.md` is a URL, not a file; not included; "
        "shown as text",
        "articles/a/self.md:1: include cycle: `articles/a/self.md` includes itself; "
        "not included again; shown as text",
    ]


def test_inline_include_joins_lines_and_keeps_escaped_ones(tmp_path: Path) -> None:
    construct = Construct(tmp_path, {"part.md": "one\ntwo\n"})
    assert construct.text("inline_include").test("no include here") is False
    assert construct.rewrite("inline_include", "A [!INCLUDE [p](part.md)] B") == "A one two B"
    assert construct.rewrite("inline_include", "A \\[!INCLUDE [p](part.md)]") == (
        "A \\[!INCLUDE [p](part.md)]")


def test_included_constructs_render_and_report_at_their_own_line(tmp_path: Path) -> None:
    html, problems = render(tmp_path, "# T\n\n[!INCLUDE [p](part.md)]\n", {
        "part.md": 'Intro\n\n:::moniker range="v1"\nBody\n:::moniker-end\n\n:::bogus:::\n'})
    assert "Applies to: v1" in html and "<p>Body</p>" in html
    assert problems == ["articles/a/part.md:7: unknown DocFX construct `:::bogus`; shown as text"]


# -- images (docfx_images) -----------------------------------------------------------------------


def test_image_run_makes_a_node_and_records_the_media(tmp_path: Path) -> None:
    construct = Construct(tmp_path, {"media/a.png": PNG})
    assert construct.test("image", ':::image source="a.png":::')
    assert construct.test("image", ":::image-end:::") is None  # image_end's
    lines = construct.run("image", '  :::image type="content" source="media/a.png" alt-text="A":::')
    assert lines[0] == "" and lines[1].startswith("  ") and NODE_MARKER_RE.match(lines[1][2:])
    assert construct.kinds == ["image"] and construct.conversion.media == ["articles/a/media/a.png"]
    assert construct.conversion.nodes[0].attrs["present"] == "1"


def test_image_run_shows_invalid_images_and_inline_ones_as_text(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.run("image", ':::image source="a.png":::') is AS_TEXT
    assert construct.run("image", ':::image type="icon" source="a.png"::: and text') is AS_TEXT
    assert construct.kinds == []
    assert construct.problems == [
        f"{ARTICLE}:1: invalid `:::image`: no alt-text on a content image; shown as text"]


def test_complex_image_is_a_container_closed_by_image_end(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    opened = construct.run("image", ':::image type="complex" source="b.png" alt-text="B":::')
    assert any('data-docfx-node="' in line for line in opened)
    assert construct.state.stack[-1][0] == "image"
    assert construct.run("image_end", ":::image-end:::") == ["", "</div>", ""]
    assert construct.run("image_end", ":::image-end:::") is AS_TEXT  # nothing open
    assert construct.run("image_end", "> :::image-end:::") is None  # the unknown one's


def test_inline_image_becomes_a_markdown_image(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.rewrite("inline_image", 'a :::image type="icon" source="i.png"::: b') == (
        "a ![](i.png) b")
    assert construct.rewrite("inline_image", ':::image source="x.png" alt-text="[A]":::') == (
        "![\\[A\\]](x.png)")


def test_images_render_as_figures_inline_and_missing(tmp_path: Path) -> None:
    html, problems = render(tmp_path, (
        ':::image type="content" source="media/a.png" alt-text="Alt A":::\n\n'
        '| x |\n|---|\n| :::image type="icon" source="media/a.png"::: cell |\n\n'
        ':::image type="content" source="gone.png" alt-text="Gone":::\n'
    ), {"media/a.png": PNG})
    assert '<figure class="docfx-image docfx-image--content"><img alt="Alt A" ' \
           'src="/articles/a/media/a.png"' in html
    assert '<td><img alt="" src="/articles/a/media/a.png" /> cell</td>' in html
    assert "<figcaption>Gone</figcaption>" in html
    assert problems == [f"{ARTICLE}:7: image `gone.png` not found; shown its alt text instead"]


# -- code blocks (docfx_code_blocks) -------------------------------------------------------------


CODE = "def a():\n    return 1\n\n\ndef b():\n    return 2\n"


def test_code_run_takes_the_range_of_the_file(tmp_path: Path) -> None:
    construct = Construct(tmp_path, {"c.py": CODE})
    lines = construct.run("code", ':::code language="python" source="c.py" range="5-6":::')
    assert NODE_MARKER_RE.match(lines[1])
    assert construct.conversion.nodes[0].attrs["text"] == "def b():\n    return 2"
    construct.run("code", ':::code source="none.py":::')
    assert "text" not in construct.conversion.nodes[1].attrs
    assert construct.problems == [
        f"{ARTICLE}:1: code sample `none.py` not found; shown a note instead"]


def test_code_snippet_declines_what_is_not_a_snippet(tmp_path: Path) -> None:
    construct = Construct(tmp_path, {"c.py": CODE})
    assert construct.run("code_snippet", "> [!NOTE]") is None  # the next processor's
    lines = construct.run("code_snippet", "> [!code-python[b](c.py?range=5)]")
    assert lines[0] == ">" and lines[1].startswith("> ")
    node = construct.conversion.nodes[0]
    assert (node.kind, node.attrs["language"], node.attrs["text"]) == ("code", "python",
                                                                       "def b():\n")


def test_code_renders_as_pre_code_or_a_note(tmp_path: Path) -> None:
    html, _ = render(tmp_path, '[!code-python[](c.py?range=1-2)]\n\n:::code source="x.cs":::\n',
                     {"c.py": CODE})
    assert '<pre><code class="language-python">def a():\n    return 1\n</code></pre>' in html
    assert "Code sample not available" in html and "<code>x.cs</code>" in html


# -- video (docfx_video) -------------------------------------------------------------------------


def test_video_run_checks_attributes(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.run("video", ':::video source="https://v.example/1" title="T":::')[1]
    assert construct.run("video", ':::video source="https://v.example/1" max-width="x":::') \
        is AS_TEXT
    assert construct.run("video", ':::video src="https://v.example/1":::') is AS_TEXT
    assert construct.kinds == ["video"] and len(construct.problems) == 2


def test_video_renders_as_a_link(tmp_path: Path) -> None:
    html, _ = render(tmp_path, ':::video source="https://v.example/1" title="Intro":::\n')
    assert '<p class="docfx-video"><a href="https://v.example/1">▶ Intro</a></p>' in html


# -- containers: zones, monikers, rows (docfx_containers, docfx_zones, …) ------------------------


@pytest.mark.parametrize(("line", "problem"), [
    (':::zone pivot="a,b":::', ""),
    (':::zone target="docs" pivot="a":::', ""),
    (":::zone:::", "either target or pivot must be given"),
    (':::zone target="web":::', "unexpected target `web`"),
    (':::zone pivot="A B":::', "invalid pivot `A B`"),
    (':::zone target="pdf" pivot="a":::', "no pivot on the pdf target"),
    (':::zone range="a":::', "unexpected attribute `range`"),
])
def test_zone_run_checks_like_docfx(tmp_path: Path, line: str, problem: str) -> None:
    construct = Construct(tmp_path)
    lines = construct.run("zone", line)
    assert (lines is AS_TEXT) == bool(problem)
    assert construct.problems == ([f"{ARTICLE}:1: invalid `:::zone`: {problem}; shown as text"]
                                  if problem else [])


def test_zone_end_closes_and_reports(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.run("zone", "> :::zone pivot=\"a\"") is None  # in a quote: unknown's
    assert construct.run("zone", ":::zone-end:::") is AS_TEXT
    construct.run("zone", ':::zone pivot="a"', number=2)
    construct.run("row", ":::row:::", number=3)
    assert construct.run("zone", ":::zone-end::: text") is AS_TEXT
    assert construct.run("zone", ":::zone-end:::", number=9) == ["", "</div>", ""] * 2
    assert construct.problems == [
        f"{ARTICLE}:1: `:::zone-end` without a matching opening; shown as text",
        f"{ARTICLE}:1: text after `:::zone-end:::`; shown as text",
        f"{ARTICLE}:3: `:::row` is not closed; closed at line 9",
    ]


def test_moniker_needs_a_range(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.run("moniker", ":::moniker:::") is AS_TEXT
    assert construct.run("moniker", ':::moniker range=">= v2":::') != AS_TEXT
    assert construct.problems == [f"{ARTICLE}:1: invalid `:::moniker`: no range; shown as text"]


def test_rows_indent_their_bodies_one_level(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    construct.run("row", ":::row:::")
    construct.run("column", '    :::column span="2":::')
    assert [entry[2] for entry in construct.state.stack] == [4, 12]
    assert construct.run("column", ":::column count=\"1\":::") is AS_TEXT


def test_containers_nested_too_deep_are_text_ends_included(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    for _ in range(MAX_CONTAINERS):
        assert construct.run("moniker", ':::moniker range="a"') is not AS_TEXT
    assert construct.run("zone", ':::zone pivot="a"') is AS_TEXT
    assert construct.run("zone", ":::zone-end") is AS_TEXT  # the refused one's end
    assert construct.run("moniker", ":::moniker-end") == ["", "</div>", ""]
    assert len(construct.problems) == 1 and "nested deeper than 16" in construct.problems[0]


def test_close_all_reports_what_is_open_at_the_end(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    construct.run("moniker", ':::moniker range="a"', number=4)
    out: list[str] = []
    close_all(construct.conversion, construct.state, out)
    assert out == ["", "</div>", ""] and construct.state.stack == []
    assert construct.problems == [
        f"{ARTICLE}:4: `:::moniker` is not closed; closed at the end of the file"]


def test_containers_render_labelled_and_side_by_side(tmp_path: Path) -> None:
    html, problems = render(tmp_path, (
        ':::zone pivot="python,csharp"\n\nZone body\n\n:::zone-end\n\n'
        ":::row:::\n    :::column:::\n        Left\n    :::column-end:::\n"
        "    :::column:::\n        Right\n    :::column-end:::\n:::row-end:::\n"
    ))
    assert problems == []
    assert "Applies to: python, csharp" in html and "<p>Zone body</p>" in html
    assert "<pre>" not in html  # 8-space bodies are not code
    row = html[html.index('class="docfx-row"'):]
    assert row.index("Left") < row.index("Right") and row.count('class="docfx-column"') == 2


def test_a_row_s_body_reads_like_the_same_text_outside_it(tmp_path: Path) -> None:
    """A column's body loses its one level of indent, once: a line handed on again (a list
    after a quote, a list under a paragraph) keeps the rest of its indent."""
    body = ["> quote", "    - indented after a quote", "", "Text", "  - item"]
    outside, _ = render(tmp_path / "outside", "\n".join(body) + "\n")
    inside, _ = render(tmp_path / "inside", ":::row:::\n    :::column:::\n" + "\n".join(
        "        " + line if line else "" for line in body) + "\n    :::column-end:::\n"
        ":::row-end:::\n")
    column = inside[inside.index('min-width:12rem">') + len('min-width:12rem">'):]
    assert column.strip().startswith(outside.strip())


# -- tabs (docfx_tabs) ---------------------------------------------------------------------------


def test_tab_processors(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.test("tab_group_end", "---") is None  # no tab group open
    construct.run("tab", "#### [Python](#tab/python)")
    assert construct.state.tab_level == 4 and construct.kinds == ["tabs", "tab"]
    construct.run("tab", "#### [C#](#tab/csharp)")
    assert construct.kinds == ["tabs", "tab", "tab"]
    assert construct.conversion.nodes[0].children == [1, 2]
    assert construct.test("tab_heading_end", "##### Deeper") is None
    assert construct.test("tab_heading_end", "### Higher")
    assert construct.run("tab_group_end", "- - -") == ["", "</div>", ""] * 2
    assert construct.state.tab_level == 0 and construct.state.stack == []


def test_tabs_render_as_tabbed_sets(tmp_path: Path) -> None:
    html, _ = render(tmp_path, (
        "# [One](#tab/one)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n# [Two](#tab/two)\n\nTwo\n\n"
        "- - -\n\n# [Three](#tab/three)\n\nThree\n\n---\n\nAfter\n"
    ))
    assert html.count('class="tabbed-set tabbed-alternate"') == 2
    assert '<label data-tab-id="one"' in html and "<table>" in html
    assert html.index("After") > html.rindex("tabbed-block")


# -- alerts and divs (docfx_alerts) ----------------------------------------------------------------


def test_div_run_ends_the_paragraph_and_marker_problems(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.run("div", '> [!div class="nextstepaction"]') == [
        '> [!div class="nextstepaction"]', ">"]
    assert section_marker_problem("> [!NOTE] more") == (
        "`[!NOTE]` with more on its line is not a quote section")
    assert section_marker_problem("> [!NOTE]") == section_marker_problem("[!NOTE] x") == ""


def test_alerts_and_divs_render(tmp_path: Path) -> None:
    html, problems = render(tmp_path, (
        '> [!NOTE]\n> Noted.\n> [!WARNING]\n> Careful.\n\n> [!div class="nextstepaction"]\n'
        "> - [Next](next.md)\n\n> [!TIP] inline\n"
    ))
    assert '<div class="admonition note">' in html and '<div class="admonition warning">' in html
    assert '<a class="md-button md-button--primary"' in html
    assert problems == [f"{ARTICLE}:9: `[!TIP]` with more on its line is not a quote section; "
                        "shown as text"]


# -- CommonMark block rules (docfx_commonmark) ---------------------------------------------------


def test_commonmark_rules(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.run("indented_heading", "   ## Heading") == ["## Heading"]
    assert construct.test("indented_heading", "    ## code") is None
    state = FileState(ARTICLE)
    assert list_ends_quote(state, "> quote") is False and list_ends_quote(state, "- item")
    state = FileState(ARTICLE)
    assert list_interrupting_paragraph(state, "> Text") is None
    assert list_interrupting_paragraph(state, "> - item") == ">"
    assert list_interrupting_paragraph(state, "> - more") is None


def test_commonmark_rules_render(tmp_path: Path) -> None:
    html, _ = render(tmp_path, "> Quote\n- item\n\nText\n- a\n- b\n\n   ### Indented\n")
    assert html.count("<ul>") == 2 and "<h3" in html and "Quote\n- item" not in html


# -- links (docfx_links), cross references (docfx_xref), no-loc, raw HTML ------------------------


def test_link_run_records_origins_and_escapes_unclosed(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.text("link").test("no links") is False
    text = construct.rewrite("link", "[a](b.md) [u](https://x.example) [h](#top) [e]() [x](")
    assert text.startswith("[a](" + link_token(0) + ")")
    assert "[u](https://x.example) [h](#top) [e]() [x](" in text
    assert construct.conversion.links == [LinkOrigin("b.md", ARTICLE, 1)]
    assert construct.rewrite("link", "[open](not closed here") == "[open]\\(not closed here"
    assert construct.rewrite("link", "[ref]: ../c.md") == "[ref]: " + link_token(1)
    assert construct.problems == [f"{ARTICLE}:1: empty link target; link shown as text"]


def test_links_render_resolved(tmp_path: Path) -> None:
    html, problems = render(tmp_path, "[Up](../../../outside.md) and [Here](x.md#s)\n")
    assert 'href="x.md#s"' not in html  # resolved to the hosted page
    assert problems == [f"{ARTICLE}:1: link `../../../outside.md` leaves the source root; "
                        "left unchanged"]


def test_xref_noloc_and_raw_html(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.rewrite("xref", 'A <xref:"a b"> \\<xref:k>') == (
        "A `` a b `` \\&lt;xref:k&gt;")
    assert construct.problems == [
        f"{ARTICLE}:1: cross reference `a b` cannot be resolved (no xref map); shown as code"]
    assert construct.rewrite("no_loc", ':::no-loc text="*x* \\"y\\"":::') == '\\*x\\* "y"'
    assert construct.rewrite("raw_html", '<div markdown="1">') == '<div data-markdown="1">'
    html, _ = render(tmp_path, 'Use :::no-loc text="**Kept**"::: and <xref:A.B>.\n')
    assert "**Kept**" in html and "<code>A.B</code>" in html


@pytest.mark.parametrize(("lines", "expected"), [
    (['<div MARKDOWN="1">'], ['<div data-markdown="1">']),
    (["<div markdown>"], ["<div data-markdown>"]),
    (["<div markdown/>"], ["<div data-markdown/>"]),
    (['<div title=">" class=\'<\' markdown="1">'], ['<div title=">" class=\'<\' data-markdown="1">']),
    (['<p>a</p><div id=x markdown = "block">'], ['<p>a</p><div id=x data-markdown = "block">']),
    (["<div", 'markdown="1">', "markdown here"], ["<div", 'data-markdown="1">', "markdown here"]),
    (['<div title="a', 'markdown=1" markdown>'], ['<div title="a', 'markdown=1" data-markdown>']),
    (["a <b and markdown", "markdown text"], ["a <b and markdown", "markdown text"]),  # prose
    (["<span and markdown", "markdown text"], ["<span and markdown", "markdown text"]),  # inline
    (["`<div markdown>` <div data-markdown>"], ["`<div markdown>` <div data-markdown>"]),
])
def test_raw_html_markdown_attribute_is_renamed_as_a_parser_finds_it(
        tmp_path: Path, lines: list[str], expected: list[str]) -> None:
    construct = Construct(tmp_path)
    assert [construct.source.inline(construct.state, line, 1, ()) for line in lines] == expected


@pytest.mark.parametrize("opening", ['<div MARKDOWN="1">', "<div markdown>",
                                     '<div\n  markdown="1">', '<div title=">" markdown="1">'])
def test_markdown_in_article_html_is_never_read_nor_nested(tmp_path: Path, opening: str) -> None:
    html, problems = render(tmp_path, f"{opening}\n\n" * 1_000 + "*x*\n\n" + "</div>\n\n" * 1_000)
    assert "<em>" not in html and problems == []


# -- unknown syntax (docfx_unknown), segments, front matter ----------------------------------------


def test_unknown_constructs_are_reported_as_text(tmp_path: Path) -> None:
    construct = Construct(tmp_path)
    assert construct.run("unknown", ":::bogus attr") is AS_TEXT
    construct.rewrite("unknown_bang", "[!BOGUS] and [!INCLUDE x] and [!NOTE]")
    assert construct.problems == [
        f"{ARTICLE}:1: unknown DocFX construct `:::bogus`; shown as text",
        f"{ARTICLE}:1: unknown DocFX construct `[!BOGUS`; shown as text",
        f"{ARTICLE}:1: malformed `[!INCLUDE` (expected `[!INCLUDE [name](path)]`); shown as text",
    ]
    html, _ = render(tmp_path, ":::bogus:::\n")
    assert ":::bogus:::" in html


def test_segments_keep_code_and_comments() -> None:
    segments, in_comment = split_segments("a `[x](y)` b <!-- c", False)
    assert segments == [(True, "a "), (False, "`[x](y)`"), (True, " b "), (False, "<!-- c")]
    assert in_comment and split_segments("d --> e", True) == ([(False, "d -->"),
                                                                 (True, " e")], False)
    assert fence_opening("> ~~~~ python") == "~~~~" and fence_opening("``` a`b") is None
    assert closes_fence("~~~~", "> ~~~~~") and not closes_fence("~~~~", "~~~")


def test_front_matter(tmp_path: Path) -> None:
    assert split_front_matter(["---", "a: 1", "---", "body"]) == (3, "a: 1")
    assert split_front_matter(["---", "a: 1"]) == (0, None)
    problems: list[tuple] = []
    report = lambda *args, **kw: problems.append(args)  # noqa: E731
    assert parse_front_matter("a: [1", "f.md", report) == {}
    assert parse_front_matter("- a", "f.md", report) == {}
    assert [problem[1:3] for problem in problems][1] == (1, "front matter is not a mapping")


# -- placeholders cannot be forged (docfx_placeholders) ------------------------------------------


def test_placeholder_forms_in_articles_and_includes_are_text(tmp_path: Path) -> None:
    """The real node 0 (an image) and link 0 exist; every form of their placeholders that an
    article or an include can write shows as text and reaches neither."""
    forged = (
        f"{link_token(0)} {node_marker(0)} {node_attribute(0)} docfx-link:0 docfx-node:0 "
        "&#2;docfx-link:0&#3; &#x02;docfx-node:0&#x03; \\x02docfx-node:0\\x03\n\n"
        f"[forged link](docfx-link:0) [forged token]({link_token(0)})\n\n"
        f"{node_marker(0)}\n\ndocfx-node:0\n\n"
        f'<div data-docfx-node="{node_attribute(0)}" markdown="1">\n\nin div\n\n</div>\n\n'
        '<div data-docfx-node="0">raw</div>\n'
    )
    html, _ = render(tmp_path, (
        f'[real](other.md)\n\n:::image type="content" source="a.png" alt-text="Real":::\n\n'
        f"{forged}\n[!INCLUDE [i](inc.md)]\n"
    ), {"a.png": PNG, "inc.md": forged, "other.md": "# Other\n"})
    assert html.count("<figure") == 1 and html.count("Real") == 1  # the image, once
    assert html.count("other") == 2  # the real link's href and data-learn-href, nowhere else
    assert "\x02" not in html and "\x03" not in html and "data-docfx-node" not in html
    words = text_of(html)
    assert words.count("docfx-link:0 docfx-node:0 0 docfx-link:0 docfx-node:0") == 2
    assert html.count("&#2;docfx-link:0&#3; &#x02;docfx-node:0&#x03;") == 2  # left as written
    assert html.count('href="docfx-link:0"') == 4 and words.count("in div") == 2
