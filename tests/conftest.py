"""Shared fixtures: the bundled content, collected once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacy_kb.collected import Collected
from privacy_kb.pipeline import collect

pytest_plugins = ["site_fixtures"]  # the built-site fixtures shared by the site tests

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ROOT / "content"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
REVISIONS = SHARED / "revisions"
BUNDLED_ARTICLE = "articles/ai-foundry/how-to/concept-data-privacy.md"


@pytest.fixture(scope="session")
def bundled() -> Collected:
    return collect(CONTENT)
