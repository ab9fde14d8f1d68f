"""Smoke test of `make bench` at a tiny size: the table's rows and the synthetic corpus.

No timing assertions: timings belong in the bench output, never in tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import CONTENT, CORPUS
from kbtools.bench import (
    ROWS,
    format_table,
    make_synthetic_corpus,
    run_bench,
    unresolved_includes,
)
from privacy_kb.pipeline import collect, taxonomy_file
from privacy_kb.sources import discover_articles
from privacy_kb.taxonomy import load_taxonomy

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="shared/corpus is not beside the repo")


def test_bench_prints_every_row_for_three_articles(tmp_path: Path) -> None:
    result = run_bench(3, tmp_path, process_runs=1)

    table = format_table(result).splitlines()
    labels = [line.split("  ")[0] for line in table[2:]]
    assert labels == list(ROWS)
    assert table[2].split() == ["articles", "3"]
    assert len(result.corpus.articles) == 3
    assert [d.path for d in result.report.collected.documents] == sorted(result.corpus.articles)
    assert result.unresolved == []


def test_synthetic_copies_resolve_their_includes(tmp_path: Path) -> None:
    originals = discover_articles(CORPUS)
    count = len(originals) + 2  # wraps round-robin

    corpus = make_synthetic_corpus(CORPUS, tmp_path, count)

    assert discover_articles(tmp_path) == sorted(corpus.articles)
    assert len(set(corpus.articles)) == count
    assert corpus.originals[: len(originals)] == tuple(originals)
    collected = collect(tmp_path)
    assert len(collected.documents) == count
    # Typed like their originals by the bench's own taxonomy (derived from the bundled one).
    bundled = load_taxonomy(taxonomy_file(CONTENT))
    for copy, original in zip(corpus.articles, corpus.originals, strict=True):
        assert collected.taxonomy.types_of_article(copy) == bundled.types_of_article(original)
    typed_originals = {o for o in originals if bundled.types_of_article(o)}
    assert typed_originals  # the corpus has typed articles: the check above is not vacuous
    named = {t for e in collected.entries for t in e.deployment_types}
    for copy, original in zip(corpus.articles, corpus.originals, strict=True):
        types = {t.id for t in bundled.types_of_article(original)}
        copy_types = {t for e in collected.entries if e.source.path == copy
                      for t in e.deployment_types}
        assert copy_types <= types
        assert bool(copy_types) == bool(types), copy
    assert named == {t.id for o in typed_originals for t in bundled.types_of_article(o)}
    assert unresolved_includes(collected.problems) == []
    missing = [p for p in collected.problems if "included file" in p.what]
    # Only the includes missing upstream too: the old preview banner (in every copy of the
    # bundled article) and the Claude article's version banner (one folder too far up).
    assert {p.what.rsplit("/", 1)[1].split("`")[0] for p in missing} == {
        "feature-preview.md",
        "version-banner.md",
    }
