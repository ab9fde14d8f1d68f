"""The search index stage: FaqEntry objects → a Whoosh index that `search` answers from alone.

Every entry is one Whoosh document. `search_analysis` analyses the entries once (the same
analysis the site's search box uses): the `impact` field holds each entry's terms with their
precomputed scores as posting weights, `spelling` the word forms typos are corrected against,
`type_ids` / `facet_ids` / `source_path` the filters, and a STORED `record` everything a search
result shows (with the answer's sentences, for the passage), so answering a query never loads
entries.json or the taxonomy. A small JSON sidecar (`INDEX_META_FILE`) keeps the vocabulary
`search` needs before it queries: deployment types and their wordings as terms (for the boost of
a type the query names) and the indexed sources with the types each covers.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.fields import ID, KEYWORD, STORED, Schema

from .gc_pause import without_gc
from .index_codec import BuildStorage, DirectPostings, DirectPostingsCodec
from .links import source_slug
from .model import FaqEntry, Taxonomy
from .problems import BuildError
from .search_analysis import (
    FIELD_BOOSTS,
    QUESTION_STOP_WORDS,
    ImpactField,
    SearchCorpus,
    analyse,
    answer_sentences,
    make_analyzer,
    make_spelling_analyzer,
)
from .urls import entry_url

__all__ = ["FIELD_BOOSTS", "QUESTION_STOP_WORDS", "make_analyzer", "make_spelling_analyzer"]

INDEX_FORMAT_VERSION = 3
INDEX_META_FILE = "privacy-kb-index.json"
INDEX_FOLDER = ".privacy-kb/index"  # inside the site dir, so one swap replaces both
# Whoosh's writer buffers this many MB of postings before it spills a run to disk.
WRITER_LIMIT_MB = 256
# Postings blocks: larger and uncompressed, because search reads every posting of the query's
# terms (a common term has thousands at 16k entries) and zlib per block dominated the query time.
POSTINGS_BLOCK = 1024
# Indexed, not stored: written straight from memory in term order (index_codec).
DIRECT_FIELDS = ("impact", "spelling", "type_ids", "facet_ids", "source_path", "source_slug")


def index_dir_for(site_dir: Path) -> Path:
    """Where `search` finds the Whoosh index built for a site."""
    return site_dir / INDEX_FOLDER


def make_schema() -> Schema:
    return Schema(
        id=ID(stored=True, unique=True),
        # Each entry's terms, weighted by their precomputed score (search_analysis).
        impact=ImpactField(),
        # Not scored: its lexicon is the vocabulary for typo correction, each word form's weight
        # (Whoosh's `frequency`) the number of entries it is in; all on the first document.
        spelling=ImpactField(),
        # Filters.
        type_ids=KEYWORD(lowercase=False),
        facet_ids=KEYWORD(lowercase=False),
        kind=ID(stored=True),
        source_path=ID,
        source_slug=ID,
        record=STORED,
    )


def entry_record(
    entry: FaqEntry, taxonomy: Taxonomy, sentences: list[str] | None = None
) -> dict[str, Any]:
    """What a search result shows, in the JSON contract's field names (plus display names);
    `sentences` are the answer's (answer_sentences), when already split."""
    source = entry.source
    return {
        "id": entry.id,
        "question": entry.question,
        "answer": entry.answer_text,
        "url": entry_url(entry),
        "deployment_types": list(entry.deployment_types),
        "facets": list(entry.facets),
        "kind": entry.kind,
        "deployment_type_names": [_type_name(taxonomy, t) for t in entry.deployment_types],
        "sentences": answer_sentences(entry.answer_text) if sentences is None else sentences,
        "source": {
            "path": source.path,
            "title": source.title,
            "heading": source.heading,
            "anchor": source.anchor,
            "learn_url": source.learn_url,
            "ms_date": source.ms_date,
        },
    }


@without_gc
def analyse_entries(entries: Iterable[FaqEntry], taxonomy: Taxonomy) -> SearchCorpus:
    """The entries analysed for search (shared by the Whoosh index and the browser index)."""
    return analyse(entries, taxonomy, lambda entry, sentences: entry_record(entry, taxonomy, sentences))


def index_meta(corpus: SearchCorpus, taxonomy: Taxonomy) -> dict[str, Any]:
    """The sidecar `search` reads before querying: vocabulary for validation and the boost."""
    return {
        "format": INDEX_FORMAT_VERSION,
        "entries": len(corpus.entries),
        "deployment_types": [
            {"id": t.id, "name": t.name, "aliases": list(t.aliases)}
            for t in taxonomy.deployment_types
        ],
        "wordings": [{"type": w.type_id, "terms": list(w.terms)} for w in corpus.wordings],
        "facets": [{"id": f.id, "name": f.name} for f in taxonomy.facets],
        "sources": corpus.sources,
        # Per document number: the first document with the same answer (one result per group).
        "groups": corpus.groups,
    }


@without_gc
def write_index(
    entries: Iterable[FaqEntry],
    taxonomy: Taxonomy,
    index_dir: Path,
    corpus: SearchCorpus | None = None,
) -> SearchCorpus:
    """Build the index from scratch in `index_dir`, replacing any index there; returns the
    analysed entries (give `corpus` to reuse an analysis already made).

    Documents are added in entry-id order by one writer with one commit, so the same entries
    give the same documents, document numbers and tie order. The index is built beside
    `index_dir` and swapped in, so a failed build leaves the previous index usable.
    """
    corpus = corpus or analyse_entries(entries, taxonomy)
    index_dir = Path(index_dir)
    if index_dir.exists():
        _check_replaceable(index_dir)
    staging = index_dir.with_name(index_dir.name + ".building")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    write_whoosh(corpus, staging)
    meta = json.dumps(index_meta(corpus, taxonomy), indent=2, ensure_ascii=False)
    (staging / INDEX_META_FILE).write_text(meta + "\n", encoding="utf-8")
    if index_dir.exists():
        shutil.rmtree(index_dir)
    staging.rename(index_dir)
    return corpus


def canonical(value: Any) -> Any:
    """`value` rebuilt with every string interned and no container shared. Whoosh pickles a
    document's stored fields together, and pickle writes an object met twice as a reference:
    without this, the same entries parsed afresh or read from the cache (cache.py), which share
    strings differently, would give different index bytes."""
    if isinstance(value, str):
        return sys.intern(value)
    if isinstance(value, dict):
        return {canonical(key): canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(canonical(item) for item in value)
    return value


def write_whoosh(
    corpus: SearchCorpus, folder: Path, direct_fields: Iterable[str] = DIRECT_FIELDS
) -> None:
    """The Whoosh index of the analysed entries, in the empty `folder`: one document per entry,
    in entry-id order, one writer, one commit.

    The postings of `direct_fields` are written straight from memory in term order
    (index_codec); the other fields go through Whoosh's writer and its posting pool. The files
    are the same either way (a test builds both), only much faster.
    """
    schema = make_schema()
    direct_fields = tuple(direct_fields)
    ix = BuildStorage(str(folder)).create_index(schema)
    direct = DirectPostings(schema, direct_fields)
    codec = DirectPostingsCodec(direct, blocklimit=POSTINGS_BLOCK, compression=0)
    # One compound segment file: searching reads it memory-mapped.
    writer = ix.writer(limitmb=WRITER_LIMIT_MB, procs=1, codec=codec, compound=True)
    if "impact" in direct_fields:
        direct.set_field("impact", ImpactField.term_postings(corpus.postings))
    members: dict[int, list[str]] = {}
    for number, leader in enumerate(corpus.groups):
        members.setdefault(leader, []).append(corpus.entries[number].id)
    try:
        for number, entry in enumerate(corpus.entries):
            record = dict(corpus.records[number])
            record["group_types"] = list(corpus.group_types[number])
            # Each sentence's terms, so choosing the passage analyses nothing at query time.
            record["sentence_terms"] = corpus.sentence_terms[number]
            if record["answer"] == " ".join(record["sentences"]):
                del record["answer"]  # stored once, as its sentences (stored_record)
            if corpus.groups[number] == number and len(members[number]) > 1:
                # The entries with this answer, once, on the first of them (on each of them,
                # a statement in many articles would cost entries × articles).
                record["group"] = members[number]
            indexed = {
                "impact": corpus.impacts[number],
                # The vocabulary once, on the first document, each form weighted by the number
                # of entries it is in (half the postings of indexing it per entry).
                "spelling": corpus.form_df if number == 0 else None,
                "type_ids": " ".join(entry.deployment_types),
                "facet_ids": " ".join(entry.facets),
                "source_path": entry.source.path,
                "source_slug": source_slug(entry.source.path),
            }
            # (The impacts are given whole, already inverted, above.)
            direct.add(number, {n: indexed[n] for n in direct_fields if n != "impact"})
            pooled = {n: value for n, value in indexed.items() if n not in direct_fields}
            stored = canonical({"id": entry.id, "kind": entry.kind, "record": record})
            writer.add_document(**stored, **pooled)
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()


def stored_record(record: dict[str, Any]) -> dict[str, Any]:
    """A record as stored, made whole: an answer that is its sentences joined by a space is
    stored as its sentences only."""
    if "answer" not in record:
        record["answer"] = " ".join(record["sentences"])
    return record


def stored_documents(index_dir: Path) -> list[dict[str, Any]]:
    """Every stored record of the index, by id: what the index answers with (for tests/diffs)."""
    ix = whoosh_index.open_dir(str(index_dir))
    try:
        with ix.searcher() as searcher:
            records = [stored_record(fields["record"]) for fields in searcher.all_stored_fields()]
    finally:
        ix.close()
    return sorted(records, key=lambda record: record["id"])


def _check_replaceable(index_dir: Path) -> None:
    """Only ever delete a directory that holds an index (never, say, a mistyped site dir)."""
    names = [path.name for path in index_dir.iterdir()]
    if names and INDEX_META_FILE not in names and not whoosh_index.exists_in(str(index_dir)):
        raise BuildError(f"{index_dir}: not a search index; refusing to replace it")


def _type_name(taxonomy: Taxonomy, type_id: str) -> str:
    try:
        return taxonomy.deployment_type(type_id).name
    except KeyError:
        return type_id
