"""The privacy-kb MkDocs plugin: `mkdocs build` in the repository builds the whole site, and
`mkdocs serve` rebuilds it after an edit to an article or the taxonomy (a real server, polled
over HTTP)."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from mkdocs.commands.build import build
from mkdocs.config import load_config

from conftest import CONTENT, ROOT
from privacy_kb.resources import base_config_path, default_taxonomy_path

CLAUDE = "articles/ai-foundry/responsible-ai/claude-models/data-privacy.md"


def _digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_mkdocs_build_in_the_repository_builds_the_whole_site(tmp_path: Path) -> None:
    before = _digest(CONTENT)
    site = tmp_path / "site"
    build(load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=True))
    for page in ("index.html", "questions/index.html", "changes/index.html", "changes/feed.xml",
                 "deployments/serverless-api/index.html", "api/entries.json",
                 "search/meta.json.gz", "assets/privacy-kb-search.js", "sitemap.xml"):
        assert (site / page).is_file(), page
    assert (site / ".privacy-kb" / "index").is_dir()
    assert len(list((site / "sources").iterdir())) == len(list(CONTENT.glob("articles/**/*.md"))) - 2
    # The source articles are read, never published as pages of their own.
    assert not (site / "articles").exists()
    # The registry is read (reworded entries keep their ids and old ids land), never written.
    assert 'class="kb-alias"' in (site / "deployments" / "claude" / "index.html").read_text("utf-8")
    assert _digest(CONTENT) == before


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return ""


def _wait_for(url: str, text: str, seconds: float = 90) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if text in _get(url):
            return True
        time.sleep(0.5)
    return False


@pytest.fixture
def served(tmp_path: Path):
    """`mkdocs serve` of a source root holding one bundled article (small: each rebuild is
    quick) and its own taxonomy.yml, on a free port."""
    source = tmp_path / "source"
    (source / CLAUDE).parent.mkdir(parents=True)
    shutil.copyfile(CONTENT / CLAUDE, source / CLAUDE)
    shutil.copyfile(default_taxonomy_path(), source / "taxonomy.yml")
    (tmp_path / "mkdocs.yml").write_text(
        f"INHERIT: {base_config_path()}\ndocs_dir: source\nsite_dir: site\n"
        "plugins:\n  - privacy-kb:\n      source: source\n", encoding="utf-8")
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}",
         ],  # live reload on: without it MkDocs watches nothing
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, start_new_session=True)
    try:
        yield source, f"http://127.0.0.1:{port}/"
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_mkdocs_serve_rebuilds_after_an_edit_to_an_article_and_the_taxonomy(served) -> None:
    source, base = served
    assert _wait_for(base + "sources/claude-models-data-privacy/", "Claude"), "mkdocs serve never served"
    article = source / CLAUDE
    article.write_text(article.read_text("utf-8").replace(
        "\n## ", "\nA sentence an editor just added, zebra-striped.\n\n## ", 1), "utf-8")
    assert _wait_for(base + "sources/claude-models-data-privacy/", "zebra-striped"), "no rebuild after an article edit"
    taxonomy = source / "taxonomy.yml"
    taxonomy.write_text(taxonomy.read_text("utf-8").replace(
        "name: Anthropic Claude models", "name: Anthropic Claude models (renamed)", 1), "utf-8")
    assert _wait_for(base + "deployments/claude/", "Anthropic Claude models (renamed)"), \
        "no rebuild after a taxonomy edit"
