"""The privacy matrix against an answer key written independently of the extractor.

tests/answer-key.yml (160 cells: 10 deployment types × 16 facets) was written by hand from the
five bundled articles without looking at the extractor or the site: each cell is stated or not,
with the sentences that state it, best first. Two figures:

- agreement: cells where the site says stated / not stated as the key does;
- precision: of the cells the key says are stated, those whose short answer (what the matrix
  shows) contains one of the key's sentences for that cell.

Both are measured for the extractor alone (no content/overrides.yml) and for the site as built
(with the editors' overrides). The taxonomy was tuned on this key, so these are development
figures, not a held-out test.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
import yaml

from conftest import CONTENT, ROOT
from privacy_kb.collected import Collected
from privacy_kb.pages import SiteContent, SiteOptions, answer_for
from privacy_kb.pipeline import collect

ANSWER_KEY = ROOT / "tests" / "answer-key.yml"


@dataclass(frozen=True)
class Figures:
    agree: int
    cells: int
    precise: int
    stated: int
    wrong: tuple[str, ...]  # "type × facet: why", for the failure message

    def __str__(self) -> str:
        return (f"agreement {self.agree}/{self.cells}, short-answer precision "
                f"{self.precise}/{self.stated}")


def _normal(text: str) -> str:
    return " ".join(text.split())


def key_cells() -> list[dict]:
    return yaml.safe_load(ANSWER_KEY.read_text(encoding="utf-8"))["cells"]


def figures(collected: Collected) -> Figures:
    site = SiteContent(collected, SiteOptions())
    agree = precise = stated = 0
    wrong = []
    for cell in key_cells():
        entry, _ = answer_for(site, cell["type"], cell["facet"])
        name = f"{cell['type']} × {cell['facet']}"
        if (entry is not None) == cell["stated"]:
            agree += 1
        else:
            wrong.append(f"{name}: site says {'stated' if entry else 'not stated'}")
        if cell["stated"]:
            stated += 1
            shown = _normal(entry.short_answer) if entry else ""
            if entry and any(_normal(s) in shown for s in cell["sentences"]):
                precise += 1
            elif entry:
                wrong.append(f"{name}: short answer {entry.short_answer[:80]!r}")
    return Figures(agree, len(key_cells()), precise, stated, tuple(wrong))


@pytest.fixture(scope="module")
def extractor_alone(tmp_path_factory: pytest.TempPathFactory) -> Collected:
    no_overrides = tmp_path_factory.mktemp("no-overrides") / "overrides.yml"
    return collect(CONTENT, overrides_path=no_overrides)


def test_the_key_covers_every_cell_once(bundled: Collected) -> None:
    cells = {(c["type"], c["facet"]) for c in key_cells()}
    taxonomy = bundled.taxonomy
    assert cells == {(t.id, f.id) for t in taxonomy.deployment_types for f in taxonomy.facets}
    assert len(key_cells()) == 160


def test_the_site_agrees_with_the_key_in_every_cell(bundled: Collected) -> None:
    with_overrides = figures(bundled)
    print(f"\nanswer key, site as built (with content/overrides.yml): {with_overrides}")
    assert with_overrides.wrong == ()
    assert (with_overrides.agree, with_overrides.precise) == (160, with_overrides.stated)


def test_the_extractor_alone_is_nearly_there(extractor_alone: Collected) -> None:
    alone = figures(extractor_alone)
    print(f"\nanswer key, extractor alone (no overrides): {alone}; wrong: {list(alone.wrong)}")
    assert alone.agree >= 159
    assert alone.precise == alone.stated


def test_each_override_fixes_a_cell_the_extractor_got_wrong_or_was_unsure_of(
    bundled: Collected, extractor_alone: Collected
) -> None:
    """An override is worth its keep: without it the cell disagrees with the key, or the build
    report lists it as unsure."""
    decided = {(c.type_id, c.facet_id) for c in bundled.cells if c.override}
    assert decided
    wrong_alone = {tuple(w.split(":")[0].split(" × ")) for w in figures(extractor_alone).wrong}
    unsure_alone = {(c.type_id, c.facet_id) for c in extractor_alone.cells if c.unsure}
    assert decided <= wrong_alone | unsure_alone


def test_the_cells_the_issue_named(bundled: Collected) -> None:
    site = SiteContent(bundled, SiteOptions())

    def shown(type_id: str, facet_id: str) -> str:
        entry, _ = answer_for(site, type_id, facet_id)
        return entry.short_answer if entry else ""

    data_zone = shown("azure-direct-data-zone", "processing-location")
    assert data_zone.startswith("For any deployment type labeled as 'DataZone,'")
    assert "'Global,'" not in answer_for(site, "azure-direct-data-zone", "processing-location")[0].answer_text
    assert "hosts and manages" in shown("serverless-api", "hosting")
    assert "upload" not in shown("fine-tuned-serverless", "storage-retention")
    assert shown("fine-tuned-serverless", "storage-retention").startswith("Models are stateless")
