"""The DocFX extension: golden files over trimmed Learn articles, and the real corpus.

Regenerate the golden files with `PRIVACY_KB_REGEN=1 pytest tests/test_docfx.py` and review the
diff like code.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import markdown
import pytest

from privacy_kb.docfx import markdown_extensions
from privacy_kb.problems import Reporter

GOLDEN = Path(__file__).parent / "golden" / "docfx"
SHARED = Path(__file__).resolve().parents[2] / "shared"
CONTENT = Path(__file__).resolve().parents[1] / "content"
BUNDLED = "articles/ai-foundry/how-to/concept-data-privacy.md"
REGEN = os.environ.get("PRIVACY_KB_REGEN") == "1"


def articles(source_root: Path) -> list[str]:
    """The articles of a source root: every .md under articles/ that is not an include."""
    return sorted(
        path.relative_to(source_root).as_posix()
        for path in (source_root / "articles").rglob("*.md")
        if "includes" not in path.relative_to(source_root).parts
    )


def make_markdown(source_root: Path, hosted: list[str], known: list[str] | None = None):
    extensions, configs = markdown_extensions(str(source_root), hosted, known)
    return markdown.Markdown(extensions=extensions, extension_configs=configs)


def render(md: markdown.Markdown, article: str) -> str:
    md.reset()
    return md.convert(f"[!INCLUDE [{article}](~/{article})]\n")


def golden_cases() -> list[str]:
    return sorted(path.name for path in GOLDEN.iterdir() if (path / "source").is_dir())


@pytest.mark.parametrize("case", golden_cases())
def test_golden(case: str) -> None:
    source_root = GOLDEN / case / "source"
    hosted = articles(source_root)
    md = make_markdown(source_root, hosted)
    html, problems = [], []
    for article in hosted:
        html.append(f"<!-- {article} -->\n{render(md, article)}\n")
        problems += [f"{problem}\n" for problem in md.docfx_problems]
    expected_html = GOLDEN / case / "expected.html"
    expected_problems = GOLDEN / case / "problems.txt"
    if REGEN:
        expected_html.write_text("".join(html), encoding="utf-8")
        expected_problems.write_text("".join(problems), encoding="utf-8")
    assert "".join(html) == expected_html.read_text(encoding="utf-8")
    assert "".join(problems) == expected_problems.read_text(encoding="utf-8")


def test_bundled_article_happy_path(caplog: pytest.LogCaptureFixture) -> None:
    md = make_markdown(CONTENT, [BUNDLED])
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.privacy_kb"):
        html = render(md, BUNDLED)
    assert [str(problem).split(";")[0] for problem in md.docfx_problems] == [
        f"{BUNDLED}:20: included file `articles/ai-foundry/includes/feature-preview.md` "
        "does not exist",
        f"{BUNDLED}:43: image `../media/explore/subscription-service-cycle.png` not found",
        f"{BUNDLED}:57: image `../media/explore/model-publisher-cycle.png` not found",
    ]
    assert [record.levelname for record in caplog.records] == ["WARNING"] * 3
    assert md.docfx_front_matter["ms.date"] == "01/26/2026"
    assert "Included content <code>../includes/feature-preview.md</code> is not available" in html
    assert "docfx-link" not in html and "\x02" not in html


def test_known_problems_are_logged_at_info(caplog: pytest.LogCaptureFixture) -> None:
    known = [
        f"{BUNDLED}:20: included file `articles/ai-foundry/includes/feature-preview.md` "
        "does not exist"
    ]
    md = make_markdown(CONTENT, [BUNDLED], known)
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.privacy_kb"):
        render(md, BUNDLED)
    levels = {record.getMessage().split(";")[0]: record.levelname for record in caplog.records}
    assert levels[known[0]] == "INFO"
    assert len(md.docfx_problems) == 3


def test_caller_reporter_receives_problems(caplog: pytest.LogCaptureFixture) -> None:
    md = make_markdown(CONTENT, [BUNDLED])
    reporter = Reporter()
    md.docfx_reporter = reporter
    render(md, BUNDLED)
    render(md, BUNDLED)  # the reporter survives reset() and dedupes
    assert [problem.line for problem in reporter.sorted()] == [20, 43, 57]


def test_reset_clears_state() -> None:
    md = make_markdown(CONTENT, [BUNDLED])
    render(md, BUNDLED)
    md.reset()
    assert md.docfx_problems == [] and md.docfx_front_matter == {} and md.docfx_media == []


def _corpus_problems(source_root: Path) -> list[str]:
    hosted = articles(source_root)
    md = make_markdown(source_root, hosted)
    found = []
    for article in hosted:
        html = render(md, article)
        assert "docfx-link" not in html and "\x02" not in html, article
        found += [str(problem).split(";")[0] for problem in md.docfx_problems]
    return found


@pytest.mark.skipif(not (SHARED / "corpus").is_dir(), reason="shared corpus not available")
def test_corpus_renders_with_exactly_the_upstream_problems() -> None:
    ai = "articles/ai-foundry/"
    assert _corpus_problems(SHARED / "corpus") == [
        f"{BUNDLED}:20: included file `{ai}includes/feature-preview.md` does not exist",
        f"{BUNDLED}:43: image `../media/explore/subscription-service-cycle.png` not found",
        f"{BUNDLED}:57: image `../media/explore/model-publisher-cycle.png` not found",
        f"{ai}responsible-ai/agents/data-privacy-security.md:56: "
        "image `media/agents-diagram.png` not found",
        f"{ai}responsible-ai/claude-models/data-privacy.md:21: "
        "included file `articles/includes/version-banner.md` does not exist",
        f"{ai}responsible-ai/computer-vision/image-analysis-data-privacy-security.md:54: "
        "image `./media/image-analysis/api-working.png` not found",
        f"{ai}responsible-ai/face/data-privacy-security.md:58: "
        "image `media/face-api-rai-diagram-data-processing.png` not found",
        f"{ai}responsible-ai/openai/data-privacy.md:52: image `media\\flow-3.png` not found",
        f"{ai}responsible-ai/openai/data-privacy.md:135: "
        "image `media\\logging-status-verification.png` not found",
        *(
            f"{ai}responsible-ai/speech-service/text-to-speech/data-privacy-security.md:{line}: "
            f"image `media\\{name}.png` not found"
            for line, name in (
                (60, "prebuilt-voices-data-processing"),
                (66, "data-privacy-image"),
                (72, "text-to-speech-avatar-data-process"),
                (78, "video-translation-data-process"),
            )
        ),
    ]


@pytest.mark.skipif(not (SHARED / "revisions").is_dir(), reason="shared revisions not available")
def test_revision_renders_with_exactly_the_upstream_problems() -> None:
    assert _corpus_problems(SHARED / "revisions") == [
        f"{BUNDLED}:17: included file `articles/ai-foundry/includes/feature-preview.md` "
        "does not exist",
        f"{BUNDLED}:40: image `../media/explore/subscription-service-cycle.png` not found",
        f"{BUNDLED}:54: image `../media/explore/model-publisher-cycle.png` not found",
    ]


def test_markdown_extensions_is_the_one_list() -> None:
    extensions, configs = markdown_extensions("content", [BUNDLED])
    assert extensions == ["toc", "tables", "md_in_html", "pymdownx.superfences", "pymdownx.emoji",
                          "privacy_kb.docfx"]
    assert configs["privacy_kb.docfx"] == {
        "source_root": "content", "hosted": [BUNDLED], "known_problems": []
    }
    assert configs["toc"]["slugify"]("What data is processed?", "-") == "what-data-is-processed"


def test_malformed_input_never_raises(tmp_path: Path) -> None:
    article = tmp_path / "articles" / "x" / "a.md"
    article.parent.mkdir(parents=True)
    article.write_text(
        "---\nbroken: [\n---\n:::row:::\n:::column-end:::\n#### [T](#tab/t)\n> [!NOTE\n"
        "::: zone-end\n[!INCLUDE [](  )]\n[a](<>) ![](b)\n:::image:::\n```\nopen fence\n",
        encoding="utf-8",
    )
    md = make_markdown(tmp_path, ["articles/x/a.md"])
    render(md, "articles/x/a.md")
    assert md.docfx_problems


def test_media_in_use_is_recorded() -> None:
    source_root = GOLDEN / "image-variants" / "source"
    md = make_markdown(source_root, articles(source_root))
    render(md, articles(source_root)[0])
    media = "articles/ai-foundry/responsible-ai/computer-vision/media/present.png"
    assert md.docfx_media == [media]


def test_front_matter_with_comments_and_lists() -> None:
    source_root = GOLDEN / "front-matter-messy" / "source"
    md = make_markdown(source_root, articles(source_root))
    render(md, articles(source_root)[0])
    assert md.docfx_front_matter["ms.custom"] == ["ignite-2024", "build-2025"]
    assert md.docfx_front_matter["monikerRange"] == "foundry-classic || foundry"


def test_shuffled_real_lines_never_raise_or_leak(tmp_path: Path) -> None:
    """Malformed input is never an exception: real lines in random order, some cut short."""
    import random

    cases = Path(__file__).parent / "docfx_cases" / "cases"
    lines = [
        line
        for path in [*sorted(GOLDEN.rglob("*.md")), *sorted(cases.glob("*/input.md"))]
        for line in path.read_text(encoding="utf-8").split("\n")
    ]
    rng = random.Random(7)
    article = tmp_path / "articles" / "a" / "x.md"
    include = tmp_path / "articles" / "a" / "includes" / "i.md"
    include.parent.mkdir(parents=True)
    md = make_markdown(tmp_path, ["articles/a/x.md"])
    for _ in range(60):
        doc = [line[: rng.randint(0, len(line))] if rng.random() < 0.2 else line
               for line in rng.sample(lines, rng.randint(1, 40))]
        article.write_text("\n".join(doc), encoding="utf-8")
        include.write_text("\n".join(rng.sample(lines, 5)) + "\n[!INCLUDE [x](../x.md)]")
        html = render(md, "articles/a/x.md")
        assert "\x02" not in html and "\x03" not in html


# -- placeholders, bounds (issue 10) ------------------------------------------------------------


def _render_text(tmp_path: Path, text: str) -> tuple[str, list[str]]:
    article = tmp_path / "articles" / "x" / "a.md"
    article.parent.mkdir(parents=True, exist_ok=True)
    article.write_text(text, encoding="utf-8")
    md = make_markdown(tmp_path, ["articles/x/a.md"])
    html = render(md, "articles/x/a.md")
    return html, [str(problem) for problem in md.docfx_problems]


def test_placeholders_cannot_be_forged(tmp_path: Path) -> None:
    html, _ = _render_text(tmp_path, (
        "Text docfx-link:99 and docfx-link:0 and \x02docfx-link:0\x03.\n\n"
        "[first](other.md) [second](docfx-link:0) [third](docfx-link:99)\n\n"
        '<div data-docfx-node="0" markdown="1">\n\nbody\n\n</div>\n\n'
        "\x02docfx-node:0\x03\n\n:::image type=\"icon\" source=\"x.png\":::\n"
    ))
    assert "Text docfx-link:99 and docfx-link:0 and docfx-link:0." in html
    assert 'href="docfx-link:0"' in html and 'href="docfx-link:99"' in html
    assert html.count("other") == 2  # href and data-learn-href of the first link only
    assert "data-docfx-node" not in html and "\x02" not in html and "\x03" not in html


@pytest.mark.parametrize("construct", ["list", "ordered", "quote", "alert", "moniker", "zone",
                                       "row"])
def test_nesting_past_the_limit_becomes_text(tmp_path: Path, construct: str) -> None:
    depth = 400
    text = {
        "list": "".join("    " * i + "- item\n" for i in range(depth)),
        "ordered": "".join("    " * i + "1. item\n" for i in range(depth)),
        "quote": "".join(">" * i + " text\n" for i in range(1, depth)),
        "alert": "".join("> " * i + "[!NOTE]\n" + "> " * i + "text\n" for i in range(1, depth)),
        "moniker": '::: moniker range="a"\n' * depth + "x\n" + "::: moniker-end\n" * depth,
        "zone": '::: zone pivot="a"\n' * depth + "x\n" + "::: zone-end\n" * depth,
        "row": ":::row:::\n:::column:::\n" * depth + "x\n" + ":::column-end:::\n:::row-end:::\n"
        * depth,
    }[construct]
    html, problems = _render_text(tmp_path, text)
    deep = [problem for problem in problems if "nested deeper" in problem]
    assert len(deep) == 1 and deep[0].startswith("articles/x/a.md:")
    assert "item" in html or "text" in html or "x" in html


def test_a_megabyte_line_of_brackets_builds(tmp_path: Path) -> None:
    html, problems = _render_text(tmp_path, "[" * 1_000_000 + "\n\n[a](b.md) after\n")
    assert problems[0] == ("articles/x/a.md:1: line longer than 20,000 characters; "
                           "shown as code")
    assert html.count("[") >= 1_000_000 and ">a</a> after" in html


def test_linear_bracket_matching_agrees_with_python_markdown() -> None:
    """The looked-up closing bracket is the one Python-Markdown's own scan finds."""
    import random

    from markdown.inlinepatterns import LINK_RE, LinkInlineProcessor

    from privacy_kb.docfx_linear import BracketIndex, _linear

    md = markdown.Markdown()
    original = LinkInlineProcessor(LINK_RE, md)
    linear = _linear(LinkInlineProcessor)(LINK_RE, md)
    linear.brackets = BracketIndex()
    rng = random.Random(12)
    for _ in range(300):
        text = "".join(rng.choice("[[]]ab") for _ in range(rng.randint(1, 60)))
        text += "x" * rng.choice([0, 2500])  # past the scan limit: the table answers
        for index in (i + 1 for i, char in enumerate(text) if char == "["):
            found, end, handled = original.getText(text, index)
            mine = linear.getText(text, index)
            assert mine[2] == handled
            if handled:
                assert mine == (found, end, handled)


@pytest.mark.parametrize(("line", "count"), [("[a](b.md) *c* `d`\n", 2_000),
                                             ("word " * 1_500 + "\n", 6)])
def test_paragraphs_are_cut_at_the_limit(tmp_path: Path, line: str, count: int) -> None:
    html, problems = _render_text(tmp_path, line * count)
    assert "articles/x/a.md:" in problems[0] and "cut into paragraphs" in problems[0]
    assert html.count("<p>") > 2 and html.count("word") in (0, 1_500 * count)


def test_markdown_inside_article_html_is_not_read(tmp_path: Path) -> None:
    """As in DocFX, `markdown="1"` in an article's HTML does nothing (and cannot nest deep)."""
    html, _ = _render_text(tmp_path, '<div markdown="1">\n\n' * 1_000 + "*x*\n\n"
                           + "</div>\n\n" * 1_000)
    assert "<em>" not in html and 'data-markdown="1"' in html
