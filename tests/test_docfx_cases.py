"""DocFX's own test cases (tests/docfx_cases, MIT, dotnet/docfx) as golden tests.

Each case's markdown is built as an article through the extension the site uses (a real
`Markdown` with `privacy_kb.docfx.markdown_extensions()`), and its page is compared with the HTML
DocFX's test expects on the same words and structure (tests/docfx_compare.py), not on markup.

Which cases apply: the 210 that `cases.json` does not skip. Skipped are the features Learn
articles do not use or that are not syntax (PlantUML, mathematics, chromeless forms, interactive
code, custom block aggregators, non-default pipeline options, DocFX-internal front matter
rendering, tests without expected HTML, and tests DocFX itself skips).

Pass rate per construct (DocFX test file): tests/docfx_cases/README.md. In short, 206 of 210
(98.1%): every CodeSnippet, Code, QuoteSectionNote, Video, Rows, zone, moniker, tab, no-loc and
triple-colon case; the four others are `KNOWN_FAILURES` below, each with its reason.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import markdown
import pytest

from docfx_compare import differences
from privacy_kb.docfx import markdown_extensions

CASES_DIR = Path(__file__).parent / "docfx_cases"
INDEX = json.loads((CASES_DIR / "cases.json").read_text(encoding="utf-8"))
APPLICABLE = [case for case in INDEX["cases"] if not case["skipped"]]

# Cases we do not pass, with the reason (strict: a case that starts passing must leave the list).
KNOWN_FAILURES: dict[str, str] = {
    "GeneralTest-34": "a setext heading in a list item indented two spaces (CommonMark's content "
    "indent of `- `); Python-Markdown continues list items at four spaces, so `---` is a rule",
    "ImageTest-02": "DocFX keeps the long description of a complex image as raw text "
    "(`[link](https://microsoft.com)` unparsed); we render it as markdown, so the URL is a link "
    "target, not words (more forgiving)",
    "PipeTableTest-01": "Markdig keeps body cells beyond the header's count; GitHub-flavoured "
    "tables (and Python-Markdown's) drop them",
    "InclusionTest-07": "DocFX joins the lines of an inline include with no space "
    "(`tokenblock`); we join them with one, so the words stay apart (more forgiving)",
}


# Inputs DocFX treats as invalid (its test expects an error or a warning), and what we do.
WARN = "like DocFX: a warning naming file:line, the text shown, the build goes on (--strict fails)"
INVALID_INPUTS: dict[str, str] = {
    "CodeSnippetTest-01": WARN + "; a note stands in for the missing file, as DocFX's does",
    "CodeSnippetTest-04": WARN + "; an empty code block, as DocFX",
    "CodeSnippetTest-05": WARN + "; an empty code block, as DocFX",
    "ImageTest-04": WARN, "ImageTest-05": WARN,
    "MonikerRangeTest-02": WARN,
    "MonikerRangeTest-04": WARN + " (the moniker is closed at the end of the file, as DocFX)",
    "QuoteSectionNoteTest-01": WARN, "QuoteSectionNoteTest-20": WARN,
    "RenderZoneTest-02": WARN,
    "RenderZoneTest-04": WARN + " (the zone is closed at the end of the file, as DocFX)",
    **{f"RenderZoneTest-{n:02}": WARN for n in (7, 8, 9, 11, 12, 13, 14)},
    **{f"VideoTest-{n:02}": WARN for n in (7, 8, 10, 11)},
    "VideoTest-09": "more forgiving: DocFX warns about a host it does not know and embeds the "
    "video anyway; we link to it without a warning",
    "VideoTest-12": "more forgiving: DocFX warns about a Channel 9 URL that is not a player and "
    "embeds it anyway; we link to it without a warning",
    "GeneralTest-33": "more forgiving: DocFX warns that the second tab group's condition names a "
    "tab of another group; we render both groups without a warning",
}


def build_case(case: dict, root: Path) -> tuple[str, list]:
    """Our page for a case, built from a copy of its docset; and the problems reported."""
    shutil.copytree(CASES_DIR / "cases" / case["id"], root, dirs_exist_ok=True)
    article = root / case["source_path"]
    article.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(root / "input.md", article)
    (root / "expected.html").unlink()
    extensions, configs = markdown_extensions(str(root), [case["source_path"]])
    md = markdown.Markdown(extensions=extensions, extension_configs=configs)
    html = md.convert(f"[!INCLUDE [case](~/{case['source_path']})]\n")
    return html, list(md.docfx_problems)


def expected_html(case: dict) -> str:
    return (CASES_DIR / "cases" / case["id"] / "expected.html").read_text(encoding="utf-8")


def _params() -> list:
    params = []
    for case in APPLICABLE:
        marks = []
        if case["id"] in KNOWN_FAILURES:
            marks.append(pytest.mark.xfail(reason=KNOWN_FAILURES[case["id"]], strict=True))
        params.append(pytest.param(case, id=case["id"], marks=marks))
    return params


@pytest.mark.parametrize("case", _params())
def test_docfx_case(case: dict, tmp_path: Path) -> None:
    html, _ = build_case(case, tmp_path / "docset")
    assert differences(html, expected_html(case), set(case["ignore_words"])) == []


def test_invalid_inputs_are_warned_about_unless_we_are_more_forgiving(tmp_path: Path) -> None:
    invalid = {case["id"]: case for case in APPLICABLE if case["expected_errors"]}
    assert set(invalid) == set(INVALID_INPUTS)
    for case_id, what in INVALID_INPUTS.items():
        _, problems = build_case(invalid[case_id], tmp_path / case_id)
        assert bool(problems) == what.startswith(WARN), (case_id, problems)


def test_the_applicable_cases_are_the_issue_s_210() -> None:
    assert len(APPLICABLE) == 210
    assert len(KNOWN_FAILURES) <= len(APPLICABLE) * 5 // 100
