"""Session fixtures for the site tests: the bundled content built once with MkDocs --strict.

Imported by tests/test_site.py and tests/test_browser.py (conftest.py belongs to the pipeline).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from privacy_kb.build import build
from privacy_kb.changes import History
from privacy_kb.collected import Collected
from privacy_kb.outputs import generated_pages
from privacy_kb.pipeline import Prepared, problem_key
from privacy_kb.registry import Registry, load_registry
from privacy_kb.site import render_site

# The address the shared site is built for (`--site-url`): canonical links and og:url use it.
SITE_URL = "https://privacy.example.org/kb/"


@dataclass(frozen=True)
class BuiltSite:
    collected: Collected
    docs_dir: Path
    site_dir: Path


def accepting_known(collected: Collected) -> Collected:
    """The bundled article's upstream gaps (a missing include, absent media) as accepted."""
    known = tuple(problem_key(p) for p in collected.problems)
    return dataclasses.replace(collected, known_problems=(*collected.known_problems, *known))


def build_into(collected: Collected, folder: Path, site_url: str | None = SITE_URL) -> BuiltSite:
    """The site of `collected` built with MkDocs and the plugin (no registry), its generated
    Markdown kept in `docs/` for the tests that read it."""
    docs = folder / "docs"
    for relative_path, text in generated_pages(Prepared(collected)).items():
        (docs / relative_path).parent.mkdir(parents=True, exist_ok=True)
        (docs / relative_path).write_text(text, encoding="utf-8")
    render_site(Prepared(collected), docs, folder / "site", strict=True, site_url=site_url)
    return BuiltSite(collected, docs, folder / "site")


@pytest.fixture(scope="session")
def built_site(bundled: Collected, tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_into(accepting_known(bundled), tmp_path_factory.mktemp("built"))


@dataclass(frozen=True)
class Rebuilt:
    """The bundled article published from its 2024-12-19 revision, then rebuilt from today's
    content/ into the same site dir with the same registry (and record of published answers)."""

    site: Path
    registry_file: Path
    before: Registry  # as recorded by the build of the old revision
    after: Registry  # after the rebuild from content/
    old: Collected
    new: Collected
    history: History  # what was published, after the rebuild


@pytest.fixture(scope="session")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Rebuilt:
    from conftest import CONTENT, REVISIONS, ROOT

    folder = tmp_path_factory.mktemp("rebuilt")
    site, registry = folder / "site", folder / "published-urls.json"
    old = build(REVISIONS, site, registry_path=registry,
                known_problems_path=ROOT / "tests" / "revisions-known-problems.txt")
    before = load_registry(registry)
    new = build(CONTENT, site, registry_path=registry)
    return Rebuilt(site, registry, before, load_registry(registry), old.collected, new.collected,
                   new.history)
