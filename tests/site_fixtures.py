"""Session fixtures for the site tests: the bundled content built once with MkDocs --strict.

Imported by tests/test_site.py and tests/test_browser.py (conftest.py belongs to the pipeline).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import pytest

from privacy_kb.collected import Collected
from privacy_kb.pages import write_pages
from privacy_kb.pipeline import problem_key
from privacy_kb.site import render_site


@dataclass(frozen=True)
class BuiltSite:
    collected: Collected
    docs_dir: Path
    site_dir: Path


def accepting_known(collected: Collected) -> Collected:
    """The bundled article's upstream gaps (a missing include, absent media) as accepted."""
    known = tuple(problem_key(p) for p in collected.problems)
    return dataclasses.replace(collected, known_problems=(*collected.known_problems, *known))


def build_into(collected: Collected, folder: Path) -> BuiltSite:
    write_pages(collected, folder / "docs")
    render_site(collected, folder / "docs", folder / "site", strict=True)
    return BuiltSite(collected, folder / "docs", folder / "site")


@pytest.fixture(scope="session")
def built_site(bundled: Collected, tmp_path_factory: pytest.TempPathFactory) -> BuiltSite:
    return build_into(accepting_known(bundled), tmp_path_factory.mktemp("built"))
