"""The whole build: collect → stable ids → pages → MkDocs → entries JSON → Whoosh index and
the search box's index → redirects and aliases, then one swap.

Everything is written into a temporary folder beside the site; the previous site and its
index are replaced only once the new ones are complete, in one atomic exchange (publish.py), so
a failed or killed build loses nothing; a second build of the same site fails while one runs. The
registry of published URLs (registry.py) is likewise staged beside its file and replaced last.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .browser_index import write_browser_index
from .changes import (
    History,
    history_path,
    load_history,
    next_history,
    stage_history,
    with_last_changed,
)
from .changes_pages import FeedOptions, write_change_pages, write_feed
from .collected import Collected
from .coverage import ArticleCoverage, coverage_of
from .extract import CellReport
from .index import INDEX_FOLDER as INDEX_FOLDER  # re-exported: where the index lives
from .index import entry_url, index_dir_for, write_index
from .model import ENTRIES_FORMAT_VERSION, FaqEntry
from .pages import write_pages
from .pipeline import collect, problem_key, unexpected_problems
from .problems import BuildError, Problem
from .publish import PREVIOUS, recover, site_lock, swap_in, work_prefix
from .redirects import read_redirect_map, upstream_redirects, write_redirects
from .registry import (
    Registry,
    commit_registry,
    keep_links,
    load_registry,
    stable_ids,
    stage_registry,
    with_ids,
)
from .site import configured_site_url, render_site

ENTRIES_SCHEMA = Path(__file__).resolve().parents[2] / "schemas" / "entries.schema.json"


@dataclass
class BuildReport:
    """What a build did, for the command line's summary."""

    collected: Collected
    coverage: list[ArticleCoverage]
    unexpected: list[Problem]
    seconds: dict[str, float] = field(default_factory=dict)
    # The registry of published URLs after this build (None when built without one).
    registry: Registry | None = None
    kept_ids: dict[str, str] = field(default_factory=dict)  # natural id → recorded id
    redirects: dict[str, str] = field(default_factory=dict)  # old page URL → target
    # What was published, with this build's changes (empty when built without a registry).
    history: History = field(default_factory=History)


def build(
    source_root: Path,
    site_dir: Path,
    *,
    strict: bool = False,
    known_problems_path: Path | None = None,
    registry_path: Path | None = None,
    redirect_maps: Iterable[Path] = (),
    site_url: str | None = None,
) -> BuildReport:
    """Build the site of `source_root` into `site_dir`.

    `registry_path`: the registry of published URLs to keep working and to add this build's URLs
    to (created when missing); None builds without one. Beside it, the answers last published
    (changes.history_path) are compared with this build's for /changes/ and updated likewise.
    `redirect_maps`: Microsoft `.openpublishing.redirection.json` files whose old article URLs
    get redirect pages. `site_url`: the published address (canonical links, link previews, the
    feed), else mkdocs.yml's.
    """
    seconds: dict[str, float] = {}
    with _timed(seconds, "collect"):
        collected = collect(source_root, known_problems_path=known_problems_path)
        redirections = [r for path in redirect_maps for r in read_redirect_map(Path(path))]
        registry = load_registry(registry_path) if registry_path is not None else None
        renames = stable_ids(collected, registry) if registry is not None else {}
        collected = with_ids(collected, renames)
        history_file = history_path(registry_path) if registry_path is not None else None
        history = next_history(load_history(history_file), collected) if history_file else History()
        collected = with_last_changed(collected, history)
    unexpected = unexpected_problems(collected)
    if strict and unexpected:
        raise BuildError(
            f"{unexpected[0]} (--strict: {len(unexpected)} problem(s) not in the accepted list)"
        )
    coverage = coverage_of(collected)
    site_dir = Path(os.path.abspath(site_dir))  # the path itself, not where a symlink points
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with site_lock(site_dir):
        recover(site_dir)
        updated, redirects = _write_and_swap(
            collected, coverage, site_dir, strict, seconds, registry, registry_path, renames,
            redirections, history, site_url,
        )
    return BuildReport(collected, coverage, unexpected, seconds, updated, renames, redirects,
                       history)


def _write_and_swap(
    collected: Collected,
    coverage: list[ArticleCoverage],
    site_dir: Path,
    strict: bool,
    seconds: dict[str, float],
    registry: Registry | None,
    registry_path: Path | None,
    renames: dict[str, str],
    redirections: list,
    history: History,
    site_url: str | None = None,
) -> tuple[Registry | None, dict[str, str]]:
    """Every output into a work folder beside the site, then one swap (publish.py); the registry
    and the record of published answers beside it are replaced only after the site is."""
    history_file = history_path(registry_path) if registry_path is not None else None
    staged: Path | None = None
    staged_history: Path | None = None
    updated: Registry | None = None
    work = Path(tempfile.mkdtemp(prefix=work_prefix(site_dir), dir=site_dir.parent))
    try:
        new_site = work / "site"
        with _timed(seconds, "pages"):
            write_pages(collected, work / "docs")
            withdrawn = {e.id for e in registry.entries} if registry is not None else set()
            withdrawn -= {e.id for e in collected.entries}
            write_change_pages(history, collected, work / "docs", withdrawn)
        with _timed(seconds, "mkdocs"):
            render_site(collected, work / "docs", new_site, strict=strict, site_url=site_url)
            feed = FeedOptions(site_url=configured_site_url(site_url))
            write_feed(history, collected, new_site, feed)
        with _timed(seconds, "entries"):
            write_api(collected, coverage, new_site / "api")
        with _timed(seconds, "index"):
            corpus = write_index(collected.entries, collected.taxonomy, index_dir_for(new_site))
            write_browser_index(corpus, collected.taxonomy, new_site)
        with _timed(seconds, "links"):
            redirects = upstream_redirects(redirections, collected)
            write_redirects(new_site, redirects)
            if registry is not None and registry_path is not None:
                updated = keep_links(collected, registry, renames, new_site, redirects)
                staged = stage_registry(updated, registry_path)
                if history_file is not None:
                    staged_history = stage_history(history, history_file)
        swap_in(new_site, site_dir, work / PREVIOUS)
        if staged_history is not None and history_file is not None:
            commit_registry(staged_history, history_file)
            staged_history = None
        if staged is not None and registry_path is not None:
            commit_registry(staged, registry_path)
            staged = None
    finally:
        shutil.rmtree(work, ignore_errors=True)
        for leftover in (staged, staged_history):
            if leftover is not None:
                leftover.unlink(missing_ok=True)
    return updated, redirects


def entry_document(entry: FaqEntry, last_changed: tuple[str, int] | None = None) -> dict[str, Any]:
    """An entry as published in JSON: the content model plus its permanent link, and when its
    text last changed (with a record of what was published; see /changes/)."""
    document = {**entry.to_dict(), "url": entry_url(entry)}
    if last_changed is not None:
        document["last_changed"] = {"date": last_changed[0], "build": last_changed[1]}
    return document


def entries_document(collected: Collected) -> dict[str, Any]:
    return {
        "version": ENTRIES_FORMAT_VERSION,
        "entries": [entry_document(entry, collected.last_changed.get(entry.id))
                    for entry in collected.entries],
    }


def write_api(collected: Collected, coverage: list[ArticleCoverage], api_dir: Path) -> None:
    """Static JSON for tools (schema: schemas/entries.schema.json, also published here)."""
    _write_json(api_dir / "entries.json", entries_document(collected))
    for entry in collected.entries:
        document = {"version": ENTRIES_FORMAT_VERSION,
                    "entry": entry_document(entry, collected.last_changed.get(entry.id))}
        _write_json(api_dir / "entries" / f"{entry.id}.json", document)
    shutil.copyfile(ENTRIES_SCHEMA, api_dir / ENTRIES_SCHEMA.name)
    _write_json(api_dir / "build.json", {
        "version": ENTRIES_FORMAT_VERSION,
        "problems": [problem_key(p) for p in collected.problems],
        "coverage": [
            {"path": c.path, "sentences": c.sentences, "missing": list(c.missing)} for c in coverage
        ],
        # Cells a person should look at (content/overrides.yml decides them), and those decided.
        "unsure": [_cell_record(c) for c in collected.cells if c.unsure],
        "overrides": [_cell_record(c) for c in collected.cells if c.override],
    })


def _cell_record(cell: CellReport) -> dict[str, Any]:
    record: dict[str, Any] = {"type": cell.type_id, "facet": cell.facet_id,
                              "entry": cell.entry_id, "short_answer": cell.short_answer}
    if cell.unsure:
        record["why"] = list(cell.unsure)
    if cell.override:
        record["override"] = cell.override
        record["reason"] = cell.reason
    return record


def _write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[stage] = time.perf_counter() - start
