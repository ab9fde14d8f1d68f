"""How the search index is written fast: a Whoosh 2.7 codec (`W3Codec`, the default format) whose
field writer takes the postings of the index-only fields straight from memory, in term order.

Whoosh's writer sends every posting of every document through its posting pool, sorts them all
at commit and then writes them one by one: at 16k entries (about a million postings, nearly all
of them precomputed impacts) that was most of the indexing time. The build already holds every
document in memory, so `DirectPostings` collects each field's postings per term as the documents
are numbered (the field's own `FieldType.index`, so the terms, weights and values are exactly
Whoosh's), and `DirectPostingsCodec`'s field writer writes them at commit, in field and term order
among the pool's other fields: the files are byte for byte what the writer's pool would have made.
Only fields that are indexed and not stored go this way; stored fields still go through
`add_document`.

The segment gets a fixed name instead of Whoosh's random one (an index is always built whole,
into an empty folder), so the same entries give the same file names and bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3Segment
from whoosh.fields import Schema

# The one segment of an index built whole (Whoosh names segments `<indexname>_<segid>.seg`).
SEGMENT_ID = "privacykb0000000"


class DirectPostings:
    """The postings of some fields, gathered in memory: field → term bytes → postings in
    document order, each (document number, weight, value bytes)."""

    def __init__(self, schema: Schema, fieldnames: Iterable[str]) -> None:
        self.fields: dict[str, Any] = {}
        for name in fieldnames:
            field = schema[name]
            if field.stored or field.vector or field.separate_spelling() or field.scorable:
                # Stored values and field lengths are written per document by add_document.
                raise ValueError(f"field {name!r} must be indexed only to be written directly")
            self.fields[name] = field
        self.postings: dict[str, dict[bytes, list[tuple[int, float, bytes]]]] = {
            name: {} for name in self.fields
        }

    def add(self, docnum: int, values: Mapping[str, Any]) -> None:
        """Index one document's values of these fields (documents in increasing order)."""
        for name, value in values.items():
            if value is None:
                continue
            terms = self.postings[name]
            for btext, _freq, weight, vbytes in self.fields[name].index(value):
                posting = (docnum, weight, vbytes)
                postings = terms.get(btext)
                if postings is None:
                    terms[btext] = [posting]
                else:
                    postings.append(posting)


class DirectPostingsCodec(W3Codec):
    """W3Codec whose field writer adds `direct`'s postings to the pool's."""

    def __init__(self, direct: DirectPostings, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._direct = direct
        self._kwargs = kwargs

    def new_segment(self, storage: Any, indexname: str) -> W3Segment:
        # The segment is pickled into the index's table of contents with its codec: a plain
        # W3Codec, so reading the index needs nothing of this module (nor its postings).
        return W3Segment(W3Codec(**self._kwargs), indexname, segid=SEGMENT_ID)

    def field_writer(self, storage: Any, segment: Any) -> W3FieldWriter:
        return _DirectFieldWriter(self, storage, segment, self._direct)


class _DirectFieldWriter(W3FieldWriter):
    def __init__(self, codec: W3Codec, storage: Any, segment: Any, direct: DirectPostings) -> None:
        super().__init__(codec, storage, segment)
        self._direct = direct

    def add_postings(self, schema: Schema, lengths: Any, items: Iterable[tuple]) -> None:
        """The pool's sorted postings, with the direct fields' in their place by field name
        (what `FieldWriter.add_postings` does with the pool's alone)."""
        pending = sorted(self._direct.postings)
        lastfn: str | None = None
        lasttext: bytes | None = None
        scorable = False
        for fieldname, btext, docnum, weight, vbytes in items:
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_term()
                    self.finish_field()
                while pending and pending[0] < fieldname:
                    self._write_direct(schema, pending.pop(0))
                self.start_field(fieldname, schema[fieldname])
                scorable = schema[fieldname].scorable
                lastfn, lasttext = fieldname, None
            if docnum == -1:  # Whoosh's marker for a spelling word, not a posting
                continue
            if btext != lasttext:
                if lasttext is not None:
                    self.finish_term()
                self.start_term(btext)
                lasttext = btext
            length = (lengths.doc_field_length(docnum, fieldname) if lengths and scorable else 0)
            self.add(docnum, weight, b"" if vbytes is None else vbytes, length)
        if lastfn is not None:
            if lasttext is not None:
                self.finish_term()
            self.finish_field()
        for fieldname in pending:
            self._write_direct(schema, fieldname)

    def _write_direct(self, schema: Schema, fieldname: str) -> None:
        terms = self._direct.postings[fieldname]
        if not terms:
            return
        self.start_field(fieldname, schema[fieldname])
        add = self.add
        for btext in sorted(terms):
            self.start_term(btext)
            for docnum, weight, vbytes in terms[btext]:
                add(docnum, weight, vbytes, 0)
            self.finish_term()
        self.finish_field()
