"""Static JSON for tools: entries.json, one file per entry, validated against the schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from conftest import CONTENT, ROOT
from privacy_kb.build import build

SCHEMA = json.loads((ROOT / "schemas" / "entries.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def api(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("api") / "site"
    build(CONTENT, site, strict=True)
    return site / "api"


def test_entries_json_matches_the_schema(api):
    document = json.loads((api / "entries.json").read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert document["version"] == 1
    assert len(document["entries"]) > 100


def test_every_entry_has_its_own_file_matching_the_schema(api):
    entries = json.loads((api / "entries.json").read_text(encoding="utf-8"))["entries"]
    files = sorted(p.stem for p in (api / "entries").glob("*.json"))
    assert files == sorted(e["id"] for e in entries)
    for entry in entries:
        document = json.loads((api / "entries" / f"{entry['id']}.json").read_text(encoding="utf-8"))
        jsonschema.validate(document, SCHEMA)
        assert document["entry"] == entry


def test_the_schema_rejects_what_it_should(api):
    document = json.loads((api / "entries.json").read_text(encoding="utf-8"))
    broken = json.loads(json.dumps(document))
    del broken["entries"][0]["answer"]["text"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, SCHEMA)
    wrong_version = {**document, "version": 2}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(wrong_version, SCHEMA)


def test_the_schema_is_published_with_the_site(api):
    assert json.loads((api / "entries.schema.json").read_text(encoding="utf-8")) == SCHEMA


def test_build_json_reports_problems_and_coverage(api):
    report = json.loads((api / "build.json").read_text(encoding="utf-8"))
    assert len(report["coverage"]) == 5
    assert all(c["missing"] == [] for c in report["coverage"])
    assert any("feature-preview.md" in p for p in report["problems"])
