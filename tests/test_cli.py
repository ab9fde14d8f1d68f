"""The command line through click's CliRunner: build summary, strictness, search output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import BUNDLED_ARTICLE, CONTENT
from privacy_kb.cli import main

TRAINING_QUESTION = "Does Microsoft use my prompts to train models when I use a serverless API?"


@pytest.fixture(scope="module")
def built_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("cli") / "site"
    result = CliRunner().invoke(main, ["build", "--source", str(CONTENT), "--site-dir", str(site), "--strict", "--no-registry"])
    assert result.exit_code == 0, result.output
    return site


def _search(site: Path, *args: str):
    return CliRunner().invoke(main, ["search", *args, "--site-dir", str(site)])


def test_build_summary_lists_accepted_problems_and_full_coverage(tmp_path):
    site = tmp_path / "site"
    result = CliRunner().invoke(main, ["build", "--source", str(CONTENT), "--site-dir", str(site), "--strict", "--no-registry"])
    assert result.exit_code == 0, result.output
    assert "5 article(s)" in result.output
    assert result.output.count("coverage 100.0%") == 5
    assert f"{BUNDLED_ARTICLE}:20: included file `articles/ai-foundry/includes/feature-preview.md` does not exist" in result.output
    assert result.output.count("[accepted upstream problem]") == 7
    assert (site / "index.html").is_file()
    assert json.loads((site / "api" / "entries.json").read_text())["entries"]


def test_a_new_problem_fails_strict_but_not_a_lenient_build(tmp_path):
    source = tmp_path / "content"
    shutil.copytree(CONTENT, source)
    article = source / BUNDLED_ARTICLE
    lines = article.read_text(encoding="utf-8").splitlines()
    lines.insert(75, ":::sparkle type=\"new\":::")  # a construct nobody knows, line 76
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["build", "--source", str(source), "--site-dir", str(tmp_path / "site")]

    strict = CliRunner().invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1
    assert strict.output.strip().splitlines()[-1].startswith(f"Error: {BUNDLED_ARTICLE}:76:")

    lenient = CliRunner().invoke(main, args)
    assert lenient.exit_code == 0, lenient.output
    assert f"{BUNDLED_ARTICLE}:76:" in lenient.output
    assert ":::sparkle" in (tmp_path / "site" / "sources" / "concept-data-privacy" / "index.html").read_text()


def test_search_answers_the_training_question_first(built_site):
    result = _search(built_site, TRAINING_QUESTION, "--limit", "1")
    assert result.exit_code == 0, result.output
    assert "Is my data used to train models when I use a serverless API deployment?" in result.output
    assert "doesn't use these prompts and outputs to train" in result.output


def test_search_json_follows_the_contract(built_site):
    result = _search(built_site, TRAINING_QUESTION, "--json", "--limit", "3")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["query"] == TRAINING_QUESTION
    assert len(data["results"]) == 3
    first = data["results"][0]
    assert {"id", "question", "answer", "url", "deployment_types", "facets", "score", "source"} <= set(first)
    assert {"path", "heading", "anchor", "learn_url", "ms_date"} <= set(first["source"])
    assert first["url"] == f"deployments/serverless-api/#{first['id']}"
    assert (built_site / "deployments" / "serverless-api" / "index.html").read_text().count(f'id="{first["id"]}"') == 1


def test_search_type_filter_and_limit(built_site):
    result = _search(built_site, "data", "--type", "managed-compute", "--json", "--limit", "2")
    data = json.loads(result.output)
    assert 0 < len(data["results"]) <= 2
    assert all("managed-compute" in r["deployment_types"] for r in data["results"])


@pytest.mark.parametrize("args, code", [
    (["--type", "no-such-type"], 1),
    (["--limit", "0"], 2),
])
def test_search_errors_are_one_line(built_site, args, code):
    result = _search(built_site, "training", *args)
    assert result.exit_code == code
    assert "Traceback" not in result.output


def test_search_before_any_build_says_what_to_do(tmp_path):
    result = _search(tmp_path / "nothing", "training")
    assert result.exit_code == 1
    assert "privacy-kb build" in result.output


def test_the_search_command_imports_no_site_code() -> None:
    """Process start counts for `privacy-kb search`: no MkDocs, Markdown or registry."""
    import subprocess
    import sys

    from privacy_kb import cli, registry

    assert cli.REGISTRY_FILE == registry.REGISTRY_FILE
    code = ("import sys; from privacy_kb.cli import main\n"
            "try: main(['search', 'x', '--site-dir', '/nonexistent'])\n"
            "except SystemExit: pass\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in "
            "('mkdocs', 'markdown', 'jinja2', 'yaml') or m == 'privacy_kb.registry'))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
