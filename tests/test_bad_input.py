"""Bad input: one-line error naming the file (and line), exit code 1, previous site intact."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import CONTENT
from privacy_kb.cli import main
from privacy_kb.resources import default_taxonomy_path

ARTICLE = "articles/ai-foundry/how-to/concept-data-privacy.md"


@pytest.fixture()
def source(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    return root


@pytest.fixture()
def previous_site(tmp_path: Path) -> Path:
    """A stand-in for the last good build: its files must survive a failed build."""
    site = tmp_path / "site"
    (site / ".privacy-kb" / "index").mkdir(parents=True)
    (site / "index.html").write_text("previous build", encoding="utf-8")
    (site / ".privacy-kb" / "index" / "MAIN.toc").write_text("previous index", encoding="utf-8")
    return site


def _build(source: Path, site: Path, *options: str):
    return CliRunner().invoke(
        main, ["build", "--source", str(source), "--site-dir", str(site), *options]
    )


def _assert_failed_cleanly(result, site: Path, *expected: str) -> None:
    assert result.exit_code == 1, result.output
    message = result.output.strip().splitlines()[-1]
    assert message.startswith("Error: ")
    for text in expected:
        assert text in message
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert (site / "index.html").read_text(encoding="utf-8") == "previous build"
    assert (site / ".privacy-kb" / "index" / "MAIN.toc").read_text() == "previous index"
    # Nothing of the failed build is left beside the site but the lock and the article cache
    # (parses of sound articles, which the next build may reuse; privacy_kb/cache.py).
    leftovers = [p.name for p in site.parent.iterdir()
                 if p.name.startswith(".site.") and p.name not in (".site.lock", ".site.cache")]
    assert leftovers == []


def test_missing_source_folder(tmp_path, previous_site):
    missing = tmp_path / "nowhere"
    result = _build(missing, previous_site)
    _assert_failed_cleanly(result, previous_site, str(missing), "source folder not found")


def test_malformed_front_matter(source, previous_site):
    path = source / ARTICLE
    text = path.read_text(encoding="utf-8").replace("ms.date: 01/26/2026", "ms.date: [01/26/2026")
    path.write_text(text, encoding="utf-8")
    result = _build(source, previous_site)
    _assert_failed_cleanly(result, previous_site, f"{ARTICLE}:", "front matter")


def test_non_utf8_file(source, previous_site):
    path = source / ARTICLE
    data = path.read_bytes().replace(b"Microsoft Foundry portal?", b"Foundry \xe9t\xe9?")
    path.write_bytes(data)
    result = _build(source, previous_site)
    _assert_failed_cleanly(result, previous_site, f"{ARTICLE}:27:", "UTF-8")


def test_include_escaping_the_source_root(source, previous_site):
    (source.parent / "secret.md").write_text("outside the root\n", encoding="utf-8")
    path = source / ARTICLE
    text = path.read_text(encoding="utf-8").replace(
        "../includes/classic-banner.md", "../../../../secret.md"
    )
    path.write_text(text, encoding="utf-8")
    result = _build(source, previous_site)
    _assert_failed_cleanly(result, previous_site, f"{ARTICLE}:18:", "outside")


def test_include_cycle_warns_and_strict_fails(source, previous_site):
    """Like DocFX, a cycle is a warning (the include is shown as text, the build goes on), so
    only `--strict` stops the build on it."""
    banner = source / "articles/ai-foundry/includes/classic-banner.md"
    banner.write_text(
        banner.read_text(encoding="utf-8") + "\n[!INCLUDE [again](./classic-banner.md)]\n",
        encoding="utf-8",
    )
    result = _build(source, previous_site, "--strict")
    _assert_failed_cleanly(result, previous_site, "articles/ai-foundry/includes/classic-banner.md:", "cycle")


def test_malformed_taxonomy(source, previous_site):
    path = source / "taxonomy.yml"  # a source root's own taxonomy wins over the package's
    path.write_text(default_taxonomy_path().read_text(encoding="utf-8").replace("  - id: encryption", "  - id: Encryption!"), encoding="utf-8")
    result = _build(source, previous_site)
    _assert_failed_cleanly(result, previous_site, "taxonomy.yml:", "Encryption!")


def test_a_taxonomy_term_list_given_as_a_string(source, previous_site):
    path = source / "taxonomy.yml"
    path.write_text(default_taxonomy_path().read_text(encoding="utf-8").replace("    scope: [Global]", "    scope: Global"),
                    encoding="utf-8")
    result = _build(source, previous_site)
    _assert_failed_cleanly(result, previous_site, "taxonomy.yml:", "scope of 'azure-direct-global' must be a list")


def test_a_pinned_sentence_gone_from_the_source(source, previous_site):
    (source / "overrides.yml").write_text(
        "cells:\n  - type: claude\n    facet: hosting\n    sentence: Anthropic hosts it on the Moon.\n"
        "    reason: test\n", encoding="utf-8")
    result = _build(source, previous_site)
    _assert_failed_cleanly(result, previous_site, "overrides.yml:2:", "cell claude × hosting")
