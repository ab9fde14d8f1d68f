"""The registry of published URLs without a browser: stable ids, redirect maps, failing builds."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BUNDLED_ARTICLE, CONTENT, REVISIONS, ROOT
from privacy_kb.build import build
from privacy_kb.changes import history_path
from privacy_kb.check import check_site
from privacy_kb.cli import main
from privacy_kb.collected import Collected
from privacy_kb.paths import capped
from privacy_kb.pipeline import collect
from privacy_kb.problems import BuildError
from privacy_kb.redirects import moved_pages, read_redirect_map, redirect_html, upstream_redirects
from privacy_kb.registry import (
    SIMILARITY_THRESHOLD,
    PublishedUrl,
    Registry,
    fingerprint,
    load_registry,
    recorded_entry,
    registry_text,
    similarity,
    stable_ids,
)

REDIRECT_MAP = ROOT / "tests" / "fixtures" / "openpublishing.redirection.json"
REVISIONS_KNOWN = ROOT / "tests" / "revisions-known-problems.txt"


@pytest.fixture(scope="module")
def old_revision() -> Collected:
    return collect(REVISIONS, known_problems_path=REVISIONS_KNOWN)


def registry_of(collected: Collected) -> Registry:
    return Registry(entries=tuple(recorded_entry(e, None, None) for e in collected.entries))


def test_reworded_sections_keep_their_recorded_ids(old_revision: Collected, bundled: Collected) -> None:
    renames = stable_ids(bundled, registry_of(old_revision))
    # The oracle: both revisions have the same sections in the same order, some headings reworded.
    old_sections = old_revision.documents[0].sections
    new_sections = next(d for d in bundled.documents if d.path == BUNDLED_ARTICLE).sections
    assert len(old_sections) == len(new_sections)
    reworded = {
        capped(f"concept-data-privacy-{new.anchor}"): capped(f"concept-data-privacy-{old.anchor}")
        for old, new in zip(old_sections, new_sections, strict=True)
        if old.anchor != new.anchor
    }
    assert renames == reworded and len(renames) == 4
    for natural, recorded in renames.items():  # the same section: its words, not its name
        old = next(e for e in old_revision.entries if e.id == recorded)
        new = next(e for e in bundled.entries if e.id == natural)
        assert (old.kind, old.source.path, old.deployment_types) == (
            new.kind, new.source.path, new.deployment_types)
        assert similarity(fingerprint(old.answer_text), fingerprint(new.answer_text)) >= 0.6


def test_an_id_once_kept_stays_kept_and_unrelated_text_is_never_matched(
    old_revision: Collected, bundled: Collected
) -> None:
    registry = registry_of(old_revision)
    renames = stable_ids(bundled, registry)
    again = registry.with_entries(dataclasses.replace(bundled, entries=tuple(
        dataclasses.replace(e, id=renames.get(e.id, e.id)) for e in bundled.entries)), renames)
    assert stable_ids(bundled, again) == renames
    # The same headings over other words: nothing is "the same entry".
    unrelated = dataclasses.replace(bundled, entries=tuple(
        dataclasses.replace(e, answer_text=f"Entirely different words number {n} about nothing.")
        for n, e in enumerate(bundled.entries)))
    assert stable_ids(unrelated, registry) == {}


def test_fingerprints_estimate_word_bigram_similarity() -> None:
    text = "Microsoft doesn't use your prompts and completions to train models. " * 3
    assert similarity(fingerprint(text), fingerprint(text)) == 1.0
    reworded = text.replace("Microsoft", "Microsoft Foundry")
    assert similarity(fingerprint(text), fingerprint(reworded)) >= SIMILARITY_THRESHOLD
    other = "Data is stored in the geography of the resource and encrypted at rest."
    assert similarity(fingerprint(text), fingerprint(other)) < SIMILARITY_THRESHOLD
    assert len(fingerprint(text)) == 128


def test_registry_text_is_sorted_one_record_a_line_and_round_trips(bundled: Collected) -> None:
    registry = registry_of(bundled).with_urls(
        [PublishedUrl("questions/", "page", "questions"), PublishedUrl("", "page", "")])
    text = registry_text(registry)
    assert text == registry_text(Registry.from_dict(json.loads(text)))
    lines = text.splitlines()
    assert lines[3].startswith('    {"url": "", ') and lines[4].startswith('    {"url": "questions/"')
    assert len(lines) == 7 + 2 + len(bundled.entries)  # braces, version, brackets, records


def test_upstream_redirects_go_to_our_page_or_to_learn(bundled: Collected) -> None:
    redirects = upstream_redirects(read_redirect_map(REDIRECT_MAP), bundled)
    assert redirects == {
        "sources/model-catalog-data-privacy/": "sources/concept-data-privacy/",
        "sources/openai-data-privacy-legacy/": "sources/openai-data-privacy/#preventing-abuse",
        "sources/openai-abuse-monitoring-old/":
            "https://learn.microsoft.com/azure/ai-foundry/openai/concepts/abuse-monitoring",
    }  # ai-studio's concept-data-privacy is our own page; images are not pages


def test_a_redirect_page_keeps_the_fragment_and_names_its_canonical_target() -> None:
    html = redirect_html("sources/model-catalog-data-privacy/", "sources/concept-data-privacy/")
    assert '<meta http-equiv="refresh" content="0; url=../concept-data-privacy/">' in html
    assert '<link rel="canonical" href="../concept-data-privacy/">' in html
    assert "location.hash" in html and "location.replace" in html


def test_a_moved_page_redirects_to_where_its_anchors_are() -> None:
    ids = {"deployments/serverless-api/": {"a", "b", "c"}, "questions/": {"c"}, "": set()}
    anchors = {"deployments/maas/": ["a", "b", "c"], "deployments/gone/": ["zzz"]}
    assert moved_pages(["deployments/maas/", "deployments/gone/"], anchors, ids) == {
        "deployments/maas/": "deployments/serverless-api/"}


def test_redirect_map_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "redirects.json"
    bad.write_text('{"redirections": [{"redirect_url": "/azure/x"}]}', encoding="utf-8")
    with pytest.raises(BuildError, match=r"redirects\.json: not a redirect map"):
        read_redirect_map(bad)


@pytest.fixture(scope="module")
def content_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("registry")
    registry = folder / "published-urls.json"
    build(CONTENT, folder / "site", registry_path=registry, redirect_maps=[REDIRECT_MAP])
    return folder / "site", registry


def test_a_build_records_pages_entries_headings_and_redirects(content_site) -> None:
    site, registry_path = content_site
    registry = load_registry(registry_path)
    kinds = {record.kind for record in registry.urls}
    assert {"page", "entry", "heading", "redirect"} <= kinds
    urls = {record.url for record in registry.urls}
    assert {"", "questions/", "deployments/serverless-api/", "sources/concept-data-privacy/",
            "sources/model-catalog-data-privacy/"} <= urls
    assert "404.html" not in urls and not any(url.startswith(".") for url in urls)
    assert check_site(site) == []  # redirect pages: their refresh and canonical targets resolve


def test_a_url_that_would_stop_resolving_fails_the_build_and_keeps_the_site(content_site) -> None:
    site, registry_path = content_site
    registry = load_registry(registry_path)
    gone = PublishedUrl("deployments/serverless-api/#no-longer-here", "entry", "no-longer-here")
    registry_path.write_text(registry_text(registry.with_urls([gone])), encoding="utf-8")
    before_registry = registry_path.read_bytes()
    before_entries = history_path(registry_path).read_bytes()
    before_site = {p: p.read_bytes() for p in site.rglob("*.html")}
    with pytest.raises(BuildError) as failure:
        build(CONTENT, site, registry_path=registry_path, redirect_maps=[REDIRECT_MAP])
    message = str(failure.value)
    assert "deployments/serverless-api/#no-longer-here" in message and "\n" not in message
    assert registry_path.read_bytes() == before_registry
    assert history_path(registry_path).read_bytes() == before_entries
    assert {p: p.read_bytes() for p in site.rglob("*.html")} == before_site
    left = sorted(p.name for p in registry_path.parent.iterdir() if p.name != ".site.lock")
    # the build lock stays (publish.py); no staged file is left behind
    assert left == ["published-entries.json", "published-urls.json", "site"]
    registry_path.write_text(registry_text(registry), encoding="utf-8")  # leave it as it was


def test_dropping_a_recorded_redirect_map_fails_the_build(content_site, tmp_path: Path) -> None:
    _, registry_path = content_site
    with pytest.raises(BuildError, match=r"sources/\S+/ \(redirect "):
        build(CONTENT, tmp_path / "site", registry_path=registry_path)


def test_cli_builds_a_source_without_registry_and_never_writes_into_it(tmp_path: Path) -> None:
    site = tmp_path / "site"
    common = ["build", "--source", str(REVISIONS), "--site-dir", str(site),
              "--known-problems", str(REVISIONS_KNOWN), "--strict"]
    result = CliRunner().invoke(main, common)
    assert result.exit_code == 0, result.output
    assert not (REVISIONS / "published-urls.json").exists()
    assert "Registry" not in result.output
    registry = tmp_path / "urls.json"
    result = CliRunner().invoke(main, [*common, "--registry", str(registry),
                                       "--redirects", str(REDIRECT_MAP)])
    assert result.exit_code == 0, result.output
    assert registry.is_file() and f"Registry {registry}:" in result.output
    assert "Redirect pages: 3" in result.output
    both = CliRunner().invoke(main, [*common, "--registry", str(registry), "--no-registry"])
    assert both.exit_code == 2
