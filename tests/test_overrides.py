"""Editors fix a matrix cell without code: content/overrides.yml, checked against the source."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CONTENT
from privacy_kb.cli import main
from privacy_kb.collected import Collected
from privacy_kb.pages import SiteContent, SiteOptions, answer_for
from privacy_kb.pipeline import collect
from privacy_kb.problems import BuildError

LOCATION = "All customer data sent to Azure AI Content Safety remains within Azure AI Content Safety"


def _overrides(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "overrides.yml"
    path.write_text(text, encoding="utf-8")
    return path


def _cell(collected: Collected, type_id: str, facet_id: str):
    entry, _ = answer_for(SiteContent(collected, SiteOptions()), type_id, facet_id)
    return entry


def test_a_pinned_sentence_becomes_the_short_answer_and_leads_the_answer(tmp_path: Path) -> None:
    path = _overrides(tmp_path, f"""cells:
  - type: content-safety
    facet: processing-location
    sentence: "{LOCATION}"
    reason: The direct answer to the question heading.
""")
    collected = collect(CONTENT, overrides_path=path)
    entry = _cell(collected, "content-safety", "processing-location")
    assert entry.short_answer.startswith(LOCATION)
    assert entry.answer_text.startswith(LOCATION)
    report = next(c for c in collected.cells if (c.type_id, c.facet_id) == (
        "content-safety", "processing-location"))
    assert (report.override, report.reason, report.unsure) == (
        "pinned", "The direct answer to the question heading.", ())


def test_a_pin_can_state_a_cell_the_extractor_left_empty(tmp_path: Path) -> None:
    assert _cell(collect(CONTENT, overrides_path=tmp_path / "none.yml"), "claude", "training-use") is None
    sentence = "Anthropic acts as the data processor for prompts and outputs"
    path = _overrides(tmp_path, f"""cells:
  - {{type: claude, facet: training-use, sentence: "{sentence}", reason: test}}
""")
    entry = _cell(collect(CONTENT, overrides_path=path), "claude", "training-use")
    assert entry is not None and entry.short_answer.startswith(sentence)
    assert entry.id == "claude-models-data-privacy-claude-training-use"


def test_not_stated_empties_the_cell(tmp_path: Path) -> None:
    path = _overrides(tmp_path, """cells:
  - type: claude
    facet: hosting
    not_stated: true
    reason: test
""")
    collected = collect(CONTENT, overrides_path=path)
    assert _cell(collected, "claude", "hosting") is None
    assert not any(e.id == "claude-models-data-privacy-claude-hosting" for e in collected.entries)


def test_a_pin_no_longer_in_the_source_fails_the_build_naming_the_cell_and_line(
    tmp_path: Path,
) -> None:
    path = _overrides(tmp_path, """# comment
cells:
  - type: claude
    facet: hosting
    sentence: "Microsoft hosts every Claude model in its own datacenters."
    reason: reworded upstream since
""")
    with pytest.raises(BuildError) as raised:
        collect(CONTENT, overrides_path=path)
    message = str(raised.value)
    assert message.startswith(f"{path}:3: pinned sentence of cell claude × hosting is no longer in ")
    assert "claude-models/data-privacy.md" in message and "\n" not in message


@pytest.mark.parametrize(("item", "why"), [
    ("{type: nope, facet: hosting, not_stated: true, reason: r}", "unknown deployment type 'nope'"),
    ("{type: claude, facet: nope, not_stated: true, reason: r}", "unknown facet 'nope'"),
    ("{type: claude, facet: hosting, not_stated: true}", "needs a `reason:`"),
    ("{type: claude, facet: hosting, reason: r}", "needs either `sentence:` or `not_stated: true`"),
    ("{type: claude, facet: hosting, reason: r, not_stated: true, colour: red}", "unknown key 'colour'"),
])
def test_a_bad_override_names_file_and_line(tmp_path: Path, item: str, why: str) -> None:
    path = _overrides(tmp_path, f"cells:\n  - {{type: claude, facet: access, not_stated: true, reason: r}}\n  - {item}\n")
    with pytest.raises(BuildError, match=rf"^{path}:3: .*{why}"):
        collect(CONTENT, overrides_path=path)


def test_the_same_cell_twice_is_an_error(tmp_path: Path) -> None:
    item = "{type: claude, facet: hosting, not_stated: true, reason: r}"
    path = _overrides(tmp_path, f"cells:\n  - {item}\n  - {item}\n")
    with pytest.raises(BuildError, match=rf"^{path}:3: cell claude × hosting already decided at {path}:2"):
        collect(CONTENT, overrides_path=path)


def test_the_build_report_lists_unsure_and_decided_cells(tmp_path: Path) -> None:
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--site-dir", str(site), "--no-registry"])
    assert result.exit_code == 0, result.output
    report = json.loads((site / "api" / "build.json").read_text(encoding="utf-8"))
    unsure = {(c["type"], c["facet"]): c for c in report["unsure"]}
    assert unsure and all(c["why"] for c in unsure.values())
    assert ("fine-tuned-serverless", "hosting") in unsure  # only what it says of serverless API
    decided = {(c["type"], c["facet"]): c for c in report["overrides"]}
    assert decided[("downloaded-model", "data-processed")]["override"] == "not stated"
    assert f"{len(unsure)} unsure" in result.output
    assert "unsure fine-tuned-serverless × hosting: only what the article says" in result.output


def test_an_override_no_article_speaks_of_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.md").write_text("---\ntitle: A\n---\n# A\n\nText.\n", "utf-8")
    path = _overrides(tmp_path, "cells:\n  - {type: claude, facet: hosting, not_stated: true, reason: r}\n")
    with pytest.raises(BuildError, match=rf"^{path}:2: cell claude × hosting: no article of this"):
        collect(tmp_path)


def test_pinned_words_in_several_sentences_must_be_the_whole_sentence(tmp_path: Path) -> None:
    path = _overrides(tmp_path, "cells:\n  - {type: claude, facet: hosting, sentence: Anthropic, reason: r}\n")
    with pytest.raises(BuildError, match=rf"^{path}:2: pinned words of cell claude × hosting are in "):
        collect(CONTENT, overrides_path=path)
