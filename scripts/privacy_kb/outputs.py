"""What a build writes around MkDocs' own work, from a `Prepared` (pipeline.py):

- before rendering, the generated Markdown pages (`generated_pages`, handed to MkDocs as Files
  by the plugin) and the images they show (`media_files`);
- after rendering, into the built site (`write_outputs`): the Atom feed, the JSON API, the Whoosh
  index and the search box's index, the redirect pages, and the registry's check that every
  published URL still resolves (the updated registry is returned, written by `privacy-kb build`).

The MkDocs plugin and `privacy-kb build` both call these, so the two builds are one pipeline.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .aliases import with_aliases
from .browser_index import write_browser_index
from .changes_pages import FeedOptions, change_pages, write_feed
from .collected import Collected
from .coverage import ArticleCoverage, coverage_of
from .extract import CellReport
from .index import index_dir_for, write_index
from .media import publishable_media
from .model import ENTRIES_FORMAT_VERSION, FaqEntry
from .pages import site_pages
from .pipeline import Prepared, problem_key
from .redirects import upstream_redirects, write_redirects
from .registry import Registry, keep_links
from .resources import schema_path
from .urls import entry_url, page_url

ENTRIES_SCHEMA_NAME = "entries.schema.json"


@dataclass
class Outputs:
    """What writing the outputs decided, for the build's report and the registry's commit."""

    coverage: list[ArticleCoverage]
    redirects: dict[str, str] = field(default_factory=dict)  # old page URL → target
    registry: Registry | None = None  # with this build's URLs; None when built without one
    seconds: dict[str, float] = field(default_factory=dict)


def generated_pages(prepared: Prepared) -> dict[str, str]:
    """Every Markdown page of the site, by path inside docs (deterministic: same input, same
    text): the content pages, /changes/, and the "withdrawn" page of every recorded answer gone,
    with the ids the registry recorded on each kept as aliases (aliases.py)."""
    pages = site_pages(prepared.collected)
    pages.update(change_pages(prepared.history, prepared.collected, prepared.withdrawn_ids))
    if prepared.registry is None:
        return pages
    return {path: with_aliases(text, prepared.aliases.get(page_url(path), ()))
            for path, text in pages.items()}


def media_files(collected: Collected) -> dict[str, Path]:
    """The images the articles show, by their path in the site (= their path in the source)."""
    return publishable_media(collected)


def write_outputs(prepared: Prepared, site_dir: Path, site_url: str = "") -> Outputs:
    """Everything beside MkDocs' pages, into the built `site_dir`. Raises BuildError when a URL
    the registry recorded would stop resolving."""
    collected = prepared.collected
    outputs = Outputs(coverage_of(collected))
    with _timed(outputs.seconds, "entries"):
        write_feed(prepared.history, collected, site_dir, FeedOptions(site_url=site_url))
        write_api(collected, outputs.coverage, site_dir / "api")
    with _timed(outputs.seconds, "index"):
        corpus = write_index(collected.entries, collected.taxonomy, index_dir_for(site_dir))
        write_browser_index(corpus, collected.taxonomy, site_dir)
    with _timed(outputs.seconds, "links"):
        outputs.redirects = upstream_redirects(prepared.redirections, collected)
        write_redirects(site_dir, outputs.redirects)
        if prepared.registry is not None:
            outputs.registry = keep_links(collected, prepared.registry, prepared.renames,
                                          site_dir, outputs.redirects)
    return outputs


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
    """Static JSON for tools (schema: entries.schema.json, also published here). The answers
    are written compact (entries.json one entry a line): at 16k entries, indenting them took a
    tenth of the API's 120 MB."""
    entries_file = api_dir / "entries.json"
    entries_file.parent.mkdir(parents=True, exist_ok=True)
    entries_file.write_text(_compact_records(entries_document(collected), "entries"),
                            encoding="utf-8")
    for entry in collected.entries:
        document = {"version": ENTRIES_FORMAT_VERSION,
                    "entry": entry_document(entry, collected.last_changed.get(entry.id))}
        _write_json(api_dir / "entries" / f"{entry.id}.json", document, compact=True)
    shutil.copyfile(schema_path(ENTRIES_SCHEMA_NAME), api_dir / ENTRIES_SCHEMA_NAME)
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


def _write_json(path: Path, data: Any, *, compact: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if compact:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    else:
        text = json.dumps(data, ensure_ascii=False, indent=2)
    path.write_text(text + "\n", encoding="utf-8")


def _compact_records(data: dict[str, Any], key: str) -> str:
    """`data` as compact JSON with each record of `data[key]` on its own line (diffable)."""
    head = {k: v for k, v in data.items() if k != key}
    lines = [json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in data[key]]
    opening = json.dumps(head, ensure_ascii=False, separators=(",", ":"))[:-1]
    return f'{opening},"{key}":[\n' + ",\n".join(lines) + "\n]}\n"


@contextmanager
def _timed(seconds: dict[str, float], stage: str) -> Iterator[None]:
    start = time.perf_counter()
    yield
    seconds[stage] = time.perf_counter() - start
