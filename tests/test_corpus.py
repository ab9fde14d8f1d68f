"""Any folder of real Learn articles builds: the eleven of shared/corpus and the old revision."""

from __future__ import annotations

import re
import shutil

import pytest
from click.testing import CliRunner

from conftest import CORPUS, REVISIONS, ROOT
from privacy_kb.build import build
from privacy_kb.cli import main
from privacy_kb.pipeline import collect, problem_key, read_known_problems

CORPUS_PROBLEMS = ROOT / "tests" / "corpus-known-problems.txt"
REVISION_PROBLEMS = ROOT / "tests" / "revisions-known-problems.txt"
UPSTREAM_GAP = re.compile(
    r"^articles/\S+\.md:\d+: (included file `\S+\.md` does not exist|image `\S+\.png` not found)$"
)

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus is not beside the repo")


@pytest.fixture(scope="module")
def corpus():
    return collect(CORPUS)


def test_the_corpus_problems_are_exactly_the_upstream_gaps(corpus):
    found = [problem_key(p) for p in corpus.problems]
    assert found == list(read_known_problems(CORPUS_PROBLEMS))
    assert all(UPSTREAM_GAP.match(problem) for problem in found)
    assert sum("does not exist" in p for p in found) == 2  # feature-preview.md, version-banner.md
    assert sum("not found" in p for p in found) == 11


def test_all_eleven_articles_are_quoted_in_full(corpus):
    from privacy_kb.coverage import coverage_of

    coverage = coverage_of(corpus)
    assert len(coverage) == 11
    assert [c.path for c in coverage if c.missing] == []


def test_the_corpus_builds_strictly_with_its_accepted_problems(tmp_path):
    report = build(CORPUS, tmp_path / "site", strict=True, known_problems_path=CORPUS_PROBLEMS)
    assert report.unexpected == []
    assert len(list((tmp_path / "site" / "sources").glob("*/index.html"))) == 11


def test_the_old_revision_builds_strictly_with_its_accepted_problems(tmp_path):
    report = build(REVISIONS, tmp_path / "site", strict=True, known_problems_path=REVISION_PROBLEMS)
    assert [d.ms_date for d in report.collected.documents] == ["12/19/2024"]
    assert report.unexpected == []


def test_anything_beyond_the_accepted_problems_fails_strict(tmp_path):
    source = tmp_path / "corpus"
    shutil.copytree(CORPUS, source)
    article = source / "articles/ai-foundry/responsible-ai/claude-models/data-privacy.md"
    lines = article.read_text(encoding="utf-8").splitlines()
    lines.insert(30, "> [!SPARKLE]")
    lines.insert(31, "> Something upstream invents next year.")
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    args = ["build", "--source", str(source), "--site-dir", str(tmp_path / "site"),
            "--known-problems", str(CORPUS_PROBLEMS)]

    strict = CliRunner().invoke(main, [*args, "--strict"])
    assert strict.exit_code == 1, strict.output
    last = strict.output.strip().splitlines()[-1]
    assert last.startswith("Error: articles/ai-foundry/responsible-ai/claude-models/data-privacy.md:31:")

    lenient = CliRunner().invoke(main, args)
    assert lenient.exit_code == 0, lenient.output
    page = (tmp_path / "site" / "sources" / "claude-models-data-privacy" / "index.html").read_text()
    assert "[!SPARKLE]" in page  # shown as text, never dropped


def test_statements_of_unscoped_articles_fill_no_deployment_type(corpus):
    from privacy_kb.pages import SiteContent, SiteOptions

    site = SiteContent(corpus, SiteOptions())
    scoped = {scope.path for scope in corpus.taxonomy.articles}
    for deployment_type in site.types:
        for entry in site.general_for(deployment_type.id):
            assert entry.source.path in scoped, (deployment_type.id, entry.id)
    face = [e for e in corpus.entries if "/face/" in e.source.path]
    assert face and not any(site.applies_to(e, "serverless-api") for e in face)
