"""How the search index is written fast: a Whoosh 2.7 codec (`W3Codec`, the default format) whose
field writer takes the postings of the index-only fields straight from memory, in term order.

Whoosh's writer sends every posting of every document through its posting pool, sorts them all
at commit and then writes them one by one: at 16k entries (about a million postings, nearly all
of them precomputed impacts) that was most of the indexing time. The build already holds every
document in memory: `DirectPostings` takes each field's postings per term, document by document
(through the field's own `FieldType.index`, so terms, weights and values are exactly Whoosh's)
or already inverted (the impacts, which the analysis inverts once for both runtimes), and
`DirectPostingsCodec`'s field writer writes them at commit, among the pool's other fields in
field and term order, a block of postings at a time. The files are byte for byte what Whoosh's
own writer makes (a test builds both). Only fields that are indexed and not stored go this way;
stored fields still go through `add_document`.

This leans on the W3 format's writer classes, the same in whoosh 2.7.4 and whoosh3. The same
entries give the same file names and bytes: the segment gets a fixed name instead of Whoosh's
random one (an index is always built whole, into an empty folder), and `BuildStorage` lists
the segment's files in name order and dates them 0 for the compound file that gathers them
(its directory records both).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PostingsWriter, W3Segment
from whoosh.fields import Schema
from whoosh.filedb.filestore import FileStorage

# The one segment of an index built whole (Whoosh names segments `<indexname>_<segid>.seg`).
SEGMENT_ID = "privacykb0000000"


class BuildStorage(FileStorage):
    """The folder an index is built in: files listed in name order (not the file system's) and
    all modified at time 0, so the compound segment file depends on their contents alone."""

    def list(self) -> list[str]:
        return sorted(super().list())

    def file_modified(self, name: str) -> float:
        return 0.0


# A term's postings in document order, as columns: document numbers, weights, value bytes.
TermPostings = tuple[Sequence[int], Sequence[float], Sequence[bytes]]


class DirectPostings:
    """The postings of some fields, gathered in memory: field → term bytes → its postings in
    document order, as Whoosh's writer would have them (weights and value bytes as the field's
    `index` gives them): document by document (`add`), or a field's whole lists at once
    (`set_field`, for postings already inverted)."""

    def __init__(self, schema: Schema, fieldnames: Iterable[str]) -> None:
        self.fields: dict[str, Any] = {}
        for name in fieldnames:
            field = schema[name]
            if field.stored or field.vector or field.separate_spelling() or field.scorable:
                # Stored values and field lengths are written per document by add_document.
                raise ValueError(f"field {name!r} must be indexed only to be written directly")
            self.fields[name] = field
        self._added: dict[str, dict[bytes, list[tuple[int, float, bytes]]]] = {
            name: {} for name in self.fields
        }
        self._whole: dict[str, dict[bytes, TermPostings]] = {}
        # A field's postings for a value it has indexed before (entries share a type, an article).
        self._indexed: dict[tuple[str, Hashable], list[tuple[bytes, float, bytes]]] = {}

    def add(self, docnum: int, values: Mapping[str, Any]) -> None:
        """Index one document's values of these fields (documents in increasing order)."""
        for name, value in values.items():
            if value is None:
                continue
            if isinstance(value, Hashable):
                key = (name, value)
                items = self._indexed.get(key)
                if items is None:
                    items = self._indexed[key] = self._index(name, value)
            else:
                items = self._index(name, value)
            terms = self._added[name]
            for btext, weight, vbytes in items:
                posting = (docnum, weight, vbytes)
                postings = terms.get(btext)
                if postings is None:
                    terms[btext] = [posting]
                else:
                    postings.append(posting)

    def set_field(self, name: str, terms: Mapping[bytes, TermPostings]) -> None:
        """A field's postings, whole, instead of document by document."""
        if name not in self.fields or self._added[name]:
            raise ValueError(f"field {name!r}: not a direct field, or already has postings")
        self._whole[name] = dict(terms)

    def fieldnames(self) -> list[str]:
        return sorted(self.fields)

    def terms(self, name: str) -> Iterator[tuple[bytes, TermPostings]]:
        """A field's terms in order, each with its postings."""
        if name in self._whole:
            whole = self._whole[name]
            for btext in sorted(whole):
                yield btext, whole[btext]
            return
        added = self._added[name]
        for btext in sorted(added):
            docnums, weights, values = zip(*added[btext], strict=True)
            yield btext, (docnums, weights, values)

    def _index(self, name: str, value: Any) -> list[tuple[bytes, float, bytes]]:
        """What Whoosh's writer adds to its pool for this value (its field boost is 1)."""
        return [(btext, weight * 1.0, vbytes) for btext, _freq, weight, vbytes
                in self.fields[name].index(value)]  # fmt: skip


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

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        return _BulkPostingsWriter(dbfile, blocklimit=self._blocklimit, byteids=byteids,
                                   compression=self._compression, inlinelimit=self._inlinelimit)


class _BulkPostingsWriter(W3PostingsWriter):
    """W3PostingsWriter that also takes a term's postings a block at a time: what add_posting
    does for each posting, with its buffer filled by slices (the same blocks, the same bytes)."""

    def add_postings(self, docnums: Sequence[int], weights: Sequence[float],
                     values: Sequence[bytes]) -> None:
        limit, start, count = self._blocklimit, 0, len(docnums)
        while start < count:
            # add_posting writes a full buffer out before it adds the next posting.
            if len(self._ids) >= limit:
                self._write_block()
            end = min(count, start + limit - len(self._ids))
            block_weights = weights[start:end]
            self._ids.extend(docnums[start:end])
            self._weights.extend(block_weights)
            # The double (not the float32 the block keeps), as add_posting compares it.
            heaviest = max(block_weights)
            if heaviest > self._maxweight:
                self._maxweight = heaviest
            block_values = values[start:end]
            self._values.extend(block_values if all(block_values) else filter(None, block_values))
            start = end


class _DirectFieldWriter(W3FieldWriter):
    def __init__(self, codec: W3Codec, storage: Any, segment: Any, direct: DirectPostings) -> None:
        super().__init__(codec, storage, segment)
        self._direct = direct

    def add_postings(self, schema: Schema, lengths: Any, items: Iterable[tuple]) -> None:
        """The pool's sorted postings, with the direct fields' in their place by field name
        (what `FieldWriter.add_postings` does with the pool's alone)."""
        pending = self._direct.fieldnames()
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
        started = False
        for btext, (docnums, weights, values) in self._direct.terms(fieldname):
            if not docnums:
                continue
            if not started:
                self.start_field(fieldname, schema[fieldname])
                started = True
            self.start_term(btext)
            self._postwriter.add_postings(docnums, weights, values)
            self.finish_term()
        if started:
            self.finish_field()
