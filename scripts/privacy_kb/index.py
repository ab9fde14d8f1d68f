"""The search index stage: FaqEntry objects → a Whoosh index that `search` answers from alone.

Every entry is one Whoosh document. The text fields carry the words a reader might use (the
question, the verbatim answer, the section heading, the deployment types with their taxonomy
aliases, the facets with their names and trigger words); a STORED `record` carries everything a
search result shows, so answering a query never loads entries.json or the taxonomy.
A small JSON sidecar (`INDEX_META_FILE`) keeps the vocabulary `search` needs before it queries:
valid deployment type ids, their aliases (for query expansion) and the indexed sources with the
deployment types each covers (for boosting the article a query names).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh.analysis import STOP_WORDS, Analyzer, StandardAnalyzer, StemmingAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from .links import source_slug
from .model import FaqEntry, Taxonomy
from .problems import BuildError

INDEX_FORMAT_VERSION = 1
INDEX_META_FILE = "privacy-kb-index.json"

# Whoosh's English stop list is made for documents. Plain-language questions add words that are
# in nearly every question and never tell one answer from another ("what does my ... do").
# "who", "where" and "not" are deliberately absent: they pick the facet ("who hosts", "where is
# my data processed") or are meaningful in privacy statements.
QUESTION_STOP_WORDS = frozenset(
    (STOP_WORDS - {"not"})
    | {
        "am", "about", "any", "been", "being", "could", "did", "do", "does", "doing", "done",
        "get", "gets", "got", "has", "had", "how", "i", "i'm", "im", "into", "is", "its",
        "me", "my", "mine", "our", "ours", "should", "so", "some", "than", "them", "then",
        "there", "these", "they", "those", "was", "were", "what", "which", "would", "yes",
        "ok", "please", "tell", "know", "want", "hi", "hello",
    }
)  # fmt: skip


def make_analyzer() -> Analyzer:
    """Lowercase, drop stop words (kept out of positions too), Porter-stem: 'training' ~ 'trained'."""
    return StemmingAnalyzer(stoplist=QUESTION_STOP_WORDS, minsize=2)


def make_spelling_analyzer() -> Analyzer:
    """The same words unstemmed: the vocabulary typos are corrected against ('traning' is one
    edit from 'training', but its stem 'trane' is two from 'train')."""
    return StandardAnalyzer(stoplist=QUESTION_STOP_WORDS, minsize=2)


# Fields searched by default and their weights. The question is worded by the taxonomy and is the
# best single signal; the answer is the source's own sentences; the rest is context that helps
# a query land on the right deployment type and facet without drowning the answer text.
FIELD_BOOSTS: dict[str, float] = {
    "question": 2.5,
    "aliases": 2.0,
    "answer": 1.0,
    "heading": 0.8,
    "facet": 1.0,
    "deployment": 0.6,
    "title": 0.2,
}


def make_schema() -> Schema:
    analyzer = make_analyzer()
    return Schema(
        id=ID(stored=True, unique=True),
        question=TEXT(analyzer=analyzer),
        aliases=TEXT(analyzer=analyzer),
        answer=TEXT(analyzer=analyzer),
        heading=TEXT(analyzer=analyzer),
        facet=TEXT(analyzer=analyzer),
        deployment=TEXT(analyzer=analyzer),
        title=TEXT(analyzer=analyzer),
        # Not searched: its lexicon is the vocabulary for typo correction.
        spelling=TEXT(analyzer=make_spelling_analyzer(), phrase=False),
        # Filters: never in the default search fields (a KEYWORD field there breaks phrases).
        type_ids=KEYWORD(lowercase=False),
        facet_ids=KEYWORD(lowercase=False),
        kind=ID(stored=True),
        source_path=ID,
        source_slug=ID,
        record=STORED,
    )


def entry_url(entry: FaqEntry) -> str:
    """The site-relative permanent link of an entry: its first deployment type's page anchored
    at the entry id, else the entry's own page (a long all-questions page would not scale)."""
    if entry.deployment_types:
        return f"deployments/{entry.deployment_types[0]}/#{entry.id}"
    return f"questions/{entry.id}/"


def entry_record(entry: FaqEntry, taxonomy: Taxonomy) -> dict[str, Any]:
    """What a search result shows, in the JSON contract's field names (plus display names)."""
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
        "source": {
            "path": source.path,
            "title": source.title,
            "heading": source.heading,
            "anchor": source.anchor,
            "learn_url": source.learn_url,
            "ms_date": source.ms_date,
        },
    }


def entry_document(entry: FaqEntry, taxonomy: Taxonomy) -> dict[str, Any]:
    """The Whoosh document of one entry."""
    types = [t for t in taxonomy.deployment_types if t.id in entry.deployment_types]
    facets = [f for f in taxonomy.facets if f.id in entry.facets]
    facet_text = "\n".join(
        [f.name for f in facets] + [t.rstrip("*") for f in facets for t in f.triggers]
    )
    deployment_text = "\n".join(term for t in types for term in (t.name, *t.aliases))
    return {
        "id": entry.id,
        "question": entry.question,
        "aliases": _new_words(entry.aliases, entry.question),
        "answer": entry.answer_text,
        "heading": entry.source.heading,
        "facet": facet_text,
        "deployment": deployment_text,
        "title": entry.source.title,
        "spelling": "\n".join(
            (
                entry.question,
                *entry.aliases,
                entry.answer_text,
                entry.source.heading,
                facet_text,
                deployment_text,
            )
        ),
        "type_ids": " ".join(entry.deployment_types),
        "facet_ids": " ".join(entry.facets),
        "kind": entry.kind,
        "source_path": entry.source.path,
        "source_slug": source_slug(entry.source.path),
        "record": entry_record(entry, taxonomy),
    }


def index_meta(entries: Sequence[FaqEntry], taxonomy: Taxonomy) -> dict[str, Any]:
    """The sidecar `search` reads before querying: vocabulary for validation and expansion."""
    sources: dict[str, dict[str, str]] = {}
    for entry in entries:
        sources.setdefault(
            entry.source.path,
            {"path": entry.source.path, "slug": source_slug(entry.source.path),
             "title": entry.source.title,
             "types": [t.id for t in taxonomy.types_of_article(entry.source.path)]},
        )  # fmt: skip
    return {
        "format": INDEX_FORMAT_VERSION,
        "entries": len(entries),
        "deployment_types": [
            {"id": t.id, "name": t.name, "aliases": list(t.aliases)}
            for t in taxonomy.deployment_types
        ],
        "facets": [{"id": f.id, "name": f.name} for f in taxonomy.facets],
        "sources": [sources[path] for path in sorted(sources)],
    }


def write_index(entries: Iterable[FaqEntry], taxonomy: Taxonomy, index_dir: Path) -> None:
    """Build the index from scratch in `index_dir`, replacing any index there.

    Documents are added in entry-id order, so the same entries give the same documents (and the
    same tie order between equal scores). The index is built beside `index_dir` and swapped in,
    so a failed build leaves the previous index usable.
    """
    ordered = sorted(entries, key=lambda entry: entry.id)
    index_dir = Path(index_dir)
    if index_dir.exists():
        _check_replaceable(index_dir)
    staging = index_dir.with_name(index_dir.name + ".building")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    ix = whoosh_index.create_in(str(staging), make_schema())
    writer = ix.writer()
    try:
        for entry in ordered:
            writer.add_document(**entry_document(entry, taxonomy))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()
    ix.close()
    meta = json.dumps(index_meta(ordered, taxonomy), indent=2, ensure_ascii=False)
    (staging / INDEX_META_FILE).write_text(meta + "\n", encoding="utf-8")
    if index_dir.exists():
        shutil.rmtree(index_dir)
    staging.rename(index_dir)


def stored_documents(index_dir: Path) -> list[dict[str, Any]]:
    """Every stored record of the index, by id: what the index answers with (for tests/diffs)."""
    ix = whoosh_index.open_dir(str(index_dir))
    try:
        with ix.searcher() as searcher:
            records = [fields["record"] for fields in searcher.all_stored_fields()]
    finally:
        ix.close()
    return sorted(records, key=lambda record: record["id"])


def _new_words(aliases: Sequence[str], question: str) -> str:
    """The words the aliases add to the question, once each, in first-seen order.

    Aliases are other wordings of the same question ("... when I use MaaS?"); indexed whole,
    their repeated question words would outweigh the question itself and favour entries that
    happen to have many aliases.
    """
    stemmer, words_of = make_analyzer(), make_spelling_analyzer()
    seen = {token.text for token in stemmer(question)}
    words: list[str] = []
    for alias in aliases:
        for word in [token.text for token in words_of(alias)]:
            stems = [token.text for token in stemmer(word)]
            if stems and stems[0] not in seen:
                seen.add(stems[0])
                words.append(word)
    return " ".join(words)


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
