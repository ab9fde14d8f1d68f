"""`privacy-kb build`: collect → stable ids → MkDocs with the privacy-kb plugin (pages, then the
feed, API, Whoosh index, search box index, redirects and aliases) → one swap.

Everything is written into a temporary folder beside the site; the previous site and its
index are replaced only once the new ones are complete, in one atomic exchange (publish.py), so
a failed or killed build loses nothing; a second build of the same site fails while one runs. The
registry of published URLs (registry.py) is likewise staged beside its file and replaced last.
`mkdocs build` runs the same stages (plugin.py) without the registry's writing and the swap.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .changes import History, history_path, stage_history
from .collected import Collected
from .coverage import ArticleCoverage
from .index import INDEX_FOLDER as INDEX_FOLDER  # re-exported: where the index lives
from .index import index_dir_for as index_dir_for  # re-exported
from .outputs import Outputs
from .pipeline import Prepared, prepare, unexpected_problems
from .problems import BuildError, Problem
from .publish import PREVIOUS, recover, site_lock, swap_in, work_prefix
from .registry import Registry, commit_registry, stage_registry
from .site import render_site


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
    config_file: Path | None = None,
    cache_dir: Path | None = None,
) -> BuildReport:
    """Build the site of `source_root` into `site_dir`.

    `registry_path`: the registry of published URLs to keep working and to add this build's URLs
    to (created when missing); None builds without one. Beside it, the answers last published
    (changes.history_path) are compared with this build's for /changes/ and updated likewise.
    `redirect_maps`: Microsoft `.openpublishing.redirection.json` files whose old article URLs
    get redirect pages. `site_url`: the published address (canonical links, link previews, the
    feed), else the config's. `config_file`: the MkDocs configuration (site.default_config_file).
    `cache_dir`: where each article's parse and extraction is kept for the next build (cache.py);
    None parses every article.
    """
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    prepared = prepare(source_root, known_problems_path=known_problems_path,
                       registry_path=registry_path, redirect_maps=redirect_maps,
                       cache_dir=cache_dir)
    seconds["collect"] = time.perf_counter() - start
    unexpected = unexpected_problems(prepared.collected)
    if strict and unexpected:
        raise BuildError(
            f"{unexpected[0]} (--strict: {len(unexpected)} problem(s) not in the accepted list)"
        )
    site_dir = Path(os.path.abspath(site_dir))  # the path itself, not where a symlink points
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    with site_lock(site_dir):
        recover(site_dir)
        outputs = _render_and_swap(prepared, site_dir, strict, seconds, site_url, config_file)
    return BuildReport(prepared.collected, outputs.coverage, unexpected, seconds, outputs.registry,
                       prepared.renames, outputs.redirects, prepared.history)


def _render_and_swap(
    prepared: Prepared,
    site_dir: Path,
    strict: bool,
    seconds: dict[str, float],
    site_url: str | None,
    config_file: Path | None,
) -> Outputs:
    """The site into a work folder beside the site, then one swap (publish.py); the registry
    and the record of published answers beside it are replaced only after the site is."""
    registry_path = prepared.registry_path
    history_file = history_path(registry_path) if registry_path is not None else None
    staged: Path | None = None
    staged_history: Path | None = None
    work = Path(tempfile.mkdtemp(prefix=work_prefix(site_dir), dir=site_dir.parent))
    try:
        new_site = work / "site"
        docs = work / "docs"  # empty: every page is generated
        docs.mkdir()
        start = time.perf_counter()
        outputs, stages = render_site(prepared, docs, new_site, strict=strict, site_url=site_url,
                                      config_file=config_file)
        rendering = time.perf_counter() - start
        seconds.update(stages)
        seconds.update(outputs.seconds)
        seconds["mkdocs"] = rendering - sum(stages.values()) - sum(outputs.seconds.values())
        if outputs.registry is not None and registry_path is not None:
            staged = stage_registry(outputs.registry, registry_path)
            if history_file is not None:
                staged_history = stage_history(prepared.history, history_file)
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
    return outputs
