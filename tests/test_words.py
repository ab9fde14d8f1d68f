"""Words for readers: Learn dates as words, and section questions worded by the taxonomy."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacy_kb.dates import readable_date
from privacy_kb.model import DeploymentType, Taxonomy
from privacy_kb.problems import BuildError
from privacy_kb.resources import default_taxonomy_path
from privacy_kb.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]


def test_learn_dates_read_as_words() -> None:
    assert readable_date("01/26/2026") == "26 January 2026"
    assert readable_date("10/01/2025") == "1 October 2025"
    assert readable_date(" 5/15/2023 ") == "15 May 2023"
    assert readable_date("2026-01-26") == "26 January 2026"  # a build's date (ISO)
    assert readable_date("26.01.2026") == "26.01.2026"  # not a date we know: as written
    assert readable_date("") == ""


def test_section_questions_follow_the_taxonomys_patterns() -> None:
    taxonomy = Taxonomy(
        deployment_types=(DeploymentType(id="claude", name="Anthropic Claude models", aliases=("Claude",)),),
        facets=(),
        section_question="What should I know about “{heading}”?",
        section_questions=(
            (r"Data storage(?P<rest>.*)", "How is my data stored{rest}?"),
            (r"Data, privacy, and security for (?P<subject>.+)", "What happens to my data with {subject}?"),
            (r"(?P<doing>[A-Z][a-z-]+ing .+)", "What happens to my data when {doing}?"),
        ),
    )
    ask = taxonomy.question_for_section
    assert ask("Data storage for Agent features") == "How is my data stored for Agent features?"
    assert ask("Data storage") == "How is my data stored?"
    assert ask("Fine-tuning a  model") == "What happens to my data when fine-tuning a model?"
    # A name keeps its capital: the taxonomy's own, or a heading in title case.
    assert ask("Data, privacy, and security for Claude models") == "What happens to my data with Claude models?"
    assert ask("Data, privacy, and security for Content Understanding") == (
        "What happens to my data with Content Understanding?")
    assert ask("Feedback and Reporting") == "What should I know about “Feedback and Reporting”?"


def test_the_bundled_sections_are_asked_as_questions(bundled) -> None:
    """No bundled section falls back to the general wording: each says what it answers."""
    taxonomy = bundled.taxonomy
    sections = [e for e in bundled.entries if e.kind == "section"]
    assert sections
    for entry in sections:
        assert entry.question.endswith("?") and entry.question == taxonomy.question_for_section(entry.source.heading)
        assert entry.question != taxonomy.section_question.format(heading=entry.source.heading), entry.question
        assert "article say" not in entry.question


def test_a_section_question_naming_an_uncaptured_group_is_refused(tmp_path: Path) -> None:
    text = default_taxonomy_path().read_text(encoding="utf-8")
    text = text.replace("section_questions:\n", "section_questions:\n  - match: 'Data (?P<what>.+)'\n"
                        "    question: 'How is {who} kept?'\n", 1)
    path = tmp_path / "taxonomy.yml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BuildError, match=r"taxonomy.yml:\d+: .*'who'"):
        load_taxonomy(path)



def test_navigation_sections_stay_on_the_source_page(bundled) -> None:
    """Sections that only point or prepare are rendered on the source page but asked as no
    question (issue 9: the bundled Azure Direct article's "Prerequisites" was one)."""
    preparing = {"prerequisites", "next steps", "related content", "see also"}
    headings = {s.heading.casefold() for d in bundled.documents for s in d.sections}
    assert {"prerequisites", "related content"} <= headings
    asked = {e.source.heading.casefold() for e in bundled.entries}
    assert not preparing & asked
