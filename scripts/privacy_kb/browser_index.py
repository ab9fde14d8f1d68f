"""The site's search box index: the analysed entries (`search_analysis.SearchCorpus`) as static,
gzipped JSON files under `<site>/search/`, read by `site_overrides/assets/privacy-kb-search.js`.

| file | what | loaded |
|---|---|---|
| `meta.json.gz` | constants, deployment types and their wordings as terms, articles, per entry its article, types and same-answer group, every word form with its term and entry count | first search |
| `terms-<n>.json.gz` | postings: term → [doc count, entry, impact, entry gap, impact, …] | per query term's shard |
| `docs-<n>.json.gz` | what a result shows: id, question, answer sentences, deployment types | per shown result's shard |

Terms are spread over shards by a 32-bit FNV-1a hash of the term (the JavaScript computes the
same); entries by their number. Files are gzipped by us (mtime 0, deterministic), so any static
host serves them small; the browser unpacks them with DecompressionStream (and reads them as they
come if the host already decoded them).
"""

from __future__ import annotations

import gzip
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from .gc_pause import without_gc
from .model import Taxonomy
from .search_analysis import (
    FUZZY_MIN_LENGTH,
    FUZZY_PREFIX,
    FUZZY_TWO_EDITS_LENGTH,
    IMPACT_SCALE,
    MAX_QUERY_CHARS,
    MIN_WORD_LENGTH,
    NAMED_ARTICLE_FACTOR,
    NAMED_TYPE_FACTOR,
    QUESTION_STOP_WORDS,
    SearchCorpus,
)
from .urls import answer_page

BROWSER_INDEX_FOLDER = "search"
BROWSER_INDEX_FORMAT = 1
# Postings per term shard: a query loads only its terms' shards, so the first search of a large
# site fetches a few of them (about 100-200 KB gzipped each at this size), never all.
POSTINGS_PER_SHARD = 40_000
DOCS_PER_SHARD = 32


def term_shard(term: str, shards: int) -> int:
    """FNV-1a (32 bit) over the term's code points, modulo the number of shards."""
    value = 0x811C9DC5
    for char in term:
        value = ((value ^ ord(char)) * 0x01000193) & 0xFFFFFFFF
    return value % shards


def readable_date(ms_date: str) -> str:
    """Learn's ms.date (MM/DD/YYYY) as a reader writes it: 26 January 2026."""
    try:
        date = datetime.strptime(ms_date, "%m/%d/%Y")
    except ValueError:
        return ms_date
    return f"{date.day} {date.strftime('%B')} {date.year}"


def browser_index(corpus: SearchCorpus, taxonomy: Taxonomy) -> dict[str, Any]:
    """Every file of the browser index, by name, as data."""
    count = len(corpus.entries)
    type_ids = [t.id for t in taxonomy.deployment_types]
    source_number = {source["path"]: n for n, source in enumerate(corpus.sources)}
    postings = corpus.postings
    total = sum(len(docnums) for docnums, _ in postings.values())
    term_shards = max(1, -(-total // POSTINGS_PER_SHARD))
    doc_shards = max(1, -(-count // DOCS_PER_SHARD))
    files: dict[str, Any] = {
        "meta.json.gz": {
            "format": BROWSER_INDEX_FORMAT,
            "entries": count,
            "term_shards": term_shards,
            "doc_shards": doc_shards,
            "docs_per_shard": DOCS_PER_SHARD,
            "constants": {
                "impact_scale": IMPACT_SCALE,
                "named_type_factor": NAMED_TYPE_FACTOR,
                "named_article_factor": NAMED_ARTICLE_FACTOR,
                "fuzzy_min_length": FUZZY_MIN_LENGTH,
                "fuzzy_two_edits_length": FUZZY_TWO_EDITS_LENGTH,
                "fuzzy_prefix": FUZZY_PREFIX,
                "max_query_chars": MAX_QUERY_CHARS,
                "min_word_length": MIN_WORD_LENGTH,
            },
            "stop_words": sorted(QUESTION_STOP_WORDS),
            "types": [{"id": t.id, "name": t.name} for t in taxonomy.deployment_types],
            "wordings": [{"type": w.type_id, "terms": list(w.terms)} for w in corpus.wordings],
            "sources": [
                {"slug": s["slug"], "path": s["path"], "title": s["title"],
                 "date": readable_date(s["ms_date"]), "ms_date": s["ms_date"],
                 "types": [type_ids.index(t) for t in s["types"] if t in type_ids]}
                for s in corpus.sources
            ],  # fmt: skip
            # Per entry: [article, [type numbers], first entry with the same answer].
            "docs": [
                [source_number[entry.source.path],
                 [type_ids.index(t) for t in entry.deployment_types if t in type_ids],
                 corpus.groups[n]]
                for n, entry in enumerate(corpus.entries)
            ],  # fmt: skip
            # Word form → [entries containing it, its term when it differs from the form].
            "forms": {
                form: [corpus.form_df[form]] if stem == form else [corpus.form_df[form], stem]
                for form, stem in corpus.forms.items()
            },
        }
    }
    shards: list[dict[str, list[int]]] = [{} for _ in range(term_shards)]
    for term, (docnums, impacts) in postings.items():  # in term order
        encoded: list[int] = [len(docnums)] * (1 + 2 * len(docnums))
        gaps = zip(docnums, [0, *docnums[:-1]], strict=True)
        encoded[1::2] = [docnum - previous for docnum, previous in gaps]
        encoded[2::2] = impacts
        shards[term_shard(term, term_shards)][term] = encoded
    for number, shard in enumerate(shards):
        files[f"terms-{number}.json.gz"] = shard
    for number in range(doc_shards):
        chunk = range(number * DOCS_PER_SHARD, min(count, (number + 1) * DOCS_PER_SHARD))
        files[f"docs-{number}.json.gz"] = [
            {"id": corpus.entries[n].id, "question": corpus.entries[n].question,
             "url": answer_page(corpus.entries[n].id),
             "sentences": corpus.records[n]["sentences"]}
            for n in chunk
        ]  # fmt: skip
    return files


@without_gc
def write_browser_index(corpus: SearchCorpus, taxonomy: Taxonomy, site_dir: Path) -> Path:
    """Write the browser index into `<site_dir>/search/` (replacing what was there)."""
    folder = Path(site_dir) / BROWSER_INDEX_FOLDER
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, data in browser_index(corpus, taxonomy).items():
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=False)
        (folder / name).write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    return folder


def read_browser_file(path: Path) -> Any:
    """One file of the browser index, as data (for tests and tools)."""
    return json.loads(gzip.decompress(Path(path).read_bytes()).decode("utf-8"))
