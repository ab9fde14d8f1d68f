"""The parse and extraction of each article, kept between builds: a rebuild after an edit to one
article parses and extracts that article only (pipeline.collect).

One plain JSON file per article, `<cache dir>/articles/<SHA-256 of its path>.json`, two lines:

1. `{"format": CACHE_FORMAT_VERSION, "digest": SHA-256 of line 2}`: a truncated or altered file
   is not trusted;
2. `{"key", "path", "files", "result"}`, where
   - `key` is the SHA-256 of everything every article depends on (`build_key`: this format, the
     package's code, the versions of the libraries that parse, the taxonomy, the overrides, the
     accepted problems, the hosted articles that links resolve to) and of the article's path and
     text;
   - `files` lists every source-root path the article's render looked up (the article itself,
     its includes, code samples, images), each with the SHA-256 of its bytes then ("missing"
     when absent), checked again before the entry is used, through `paths.resolve_inside`: a
     cached article never reads outside the source root either;
   - `result` is the article's SourceDocument, entries, matrix cells, problems and images.

JSON and dataclasses, never pickle: a cache folder must not be able to run code. Anything off
(unreadable, malformed, another format or key, a file changed, a digest that does not match, a
result that does not read back into the same objects) is a miss: the article is parsed again and
its entry rewritten. Entries are written to a temporary file and renamed into place, so a killed
build leaves none half-written; entries of articles no longer in the source are removed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from .extract import CellReport
from .model import FaqEntry, Section, SectionRef, SourceDocument, SourceRef
from .paths import MAX_SOURCE_BYTES, InsideRoot, SourceError
from .problems import Problem

log = logging.getLogger(__name__)

# Bumped whenever the shape of an entry changes; the package's code is part of the key anyway.
CACHE_FORMAT_VERSION = 1
ARTICLES_FOLDER = "articles"
# An entry is a few times its article's size; anything larger is not ours (and not read).
MAX_ENTRY_BYTES = 16 * MAX_SOURCE_BYTES
MISSING = "missing"
# The libraries whose behaviour the parse depends on, besides this package's own code.
_PARSING_LIBRARIES = ("markdown", "pymdown-extensions", "pyyaml")


@dataclass(frozen=True)
class ArticleResult:
    """What parse and extraction make of one article: what the pipeline keeps of it."""

    document: SourceDocument
    entries: tuple[FaqEntry, ...]
    cells: tuple[CellReport, ...]
    problems: tuple[Problem, ...]
    media: tuple[str, ...]  # images it shows that exist inside the source root
    read: tuple[str, ...]  # every source-root path its render looked up, found or not


# --- the key -------------------------------------------------------------------------------


def build_key(*parts: object) -> str:
    """SHA-256 of what every article's result depends on: the cache format, the package's code,
    the parsing libraries' versions and `parts` (their `repr`: plain frozen dataclasses,
    tuples and strings, so the same inputs give the same text)."""
    digest = hashlib.sha256(f"privacy-kb article cache {CACHE_FORMAT_VERSION}\n".encode())
    digest.update(_code_digest().encode())
    for library in _PARSING_LIBRARIES:
        digest.update(f"{library} {_version(library)}\n".encode())
    for part in parts:
        digest.update(repr(part).encode("utf-8", "surrogatepass") + b"\n")
    return digest.hexdigest()


@cache
def _code_digest() -> str:
    """SHA-256 of the package's Python files (an edit to the extractor invalidates the cache,
    also in a checkout whose version number has not changed)."""
    digest = hashlib.sha256()
    for name, data in sorted(_python_files(resources.files(__package__ or "privacy_kb"))):
        digest.update(name.encode() + b"\0" + data + b"\0")
    return digest.hexdigest()


def _python_files(folder: Traversable, prefix: str = "") -> Iterable[tuple[str, bytes]]:
    for item in folder.iterdir():
        if item.is_dir() and item.name != "__pycache__":
            yield from _python_files(item, f"{prefix}{item.name}/")
        elif item.name.endswith(".py"):
            yield f"{prefix}{item.name}", item.read_bytes()


@cache
def _version(library: str) -> str:
    try:
        return metadata.version(library)
    except metadata.PackageNotFoundError:
        return "absent"


def file_fingerprint(source_root: InsideRoot, relative: str) -> str:
    """SHA-256 of a source-root file's bytes ("missing" when absent; its size when larger than
    any source file may be: only an image can be, and only its size matters). SourceError when
    the path leads outside the root."""
    file = source_root.resolve(relative)
    if file is None:
        return MISSING
    size = file.stat().st_size
    if size > MAX_SOURCE_BYTES:
        return f"{size} bytes"
    return hashlib.sha256(file.read_bytes()).hexdigest()


# --- the cache -----------------------------------------------------------------------------


class ArticleCache:
    """The cached results of one source root's articles under `folder`, for one `build_key`."""

    def __init__(self, folder: Path, source_root: Path, key: str) -> None:
        self.folder = Path(folder) / ARTICLES_FOLDER
        self.source_root = InsideRoot(source_root)
        self.key = key
        self.hits = 0
        self.misses = 0

    def article_key(self, path: str, text: str) -> str:
        digest = hashlib.sha256(f"{self.key}\0{path}\0".encode("utf-8", "surrogatepass"))
        digest.update(text.encode("utf-8", "surrogatepass"))
        return digest.hexdigest()

    def entry_file(self, path: str) -> Path:
        name = hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest()
        return self.folder / f"{name}.json"

    def lookup(self, path: str, text: str) -> ArticleResult | None:
        """The cached result of the article at `path` with this `text`, if still valid."""
        result = self._valid(path, text)
        if result is None:
            self.misses += 1
        else:
            self.hits += 1
        return result

    def _valid(self, path: str, text: str) -> ArticleResult | None:
        payload = self._payload(self.entry_file(path))
        if payload is None:
            return None
        try:
            if payload["key"] != self.article_key(path, text) or payload["path"] != path:
                return None
            for relative, fingerprint in payload["files"]:
                if file_fingerprint(self.source_root, str(relative)) != fingerprint:
                    return None
            return result_from_json(payload["result"])
        except (KeyError, TypeError, ValueError, AttributeError, SourceError, OSError):
            return None  # malformed, or a file now unreadable or outside the root: parse again

    def _payload(self, file: Path) -> dict[str, Any] | None:
        try:
            if file.stat().st_size > MAX_ENTRY_BYTES:
                return None
            header, _, body = file.read_bytes().partition(b"\n")
            meta = json.loads(header)
            if meta.get("format") != CACHE_FORMAT_VERSION:
                return None
            if meta.get("digest") != hashlib.sha256(body).hexdigest():
                return None
            payload = json.loads(body)
        except (OSError, ValueError, AttributeError):
            return None
        return payload if isinstance(payload, dict) else None

    def store(self, path: str, text: str, result: ArticleResult) -> None:
        """Keep `result`, unless it would not read back as the same objects; a cache that
        cannot be written is no error (the next build parses again)."""
        data = result_to_json(result)
        try:
            if result_from_json(json.loads(json.dumps(data))) != result:
                log.debug("%s: result does not survive JSON; not cached", path)
                return
            files = [[relative, file_fingerprint(self.source_root, relative)]
                     for relative in result.read]
        except (SourceError, OSError, KeyError, TypeError, ValueError):
            return
        payload = {"key": self.article_key(path, text), "path": path, "files": files,
                   "result": data}
        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
        header = json.dumps({"format": CACHE_FORMAT_VERSION,
                             "digest": hashlib.sha256(body).hexdigest()}).encode()
        try:
            _write_atomically(self.entry_file(path), header + b"\n" + body)
        except OSError as error:
            log.debug("%s: cache not written (%s)", path, error)

    def prune(self, paths: Iterable[str]) -> None:
        """Remove the entries of articles not in `paths` (moved or deleted)."""
        keep = {self.entry_file(path).name for path in paths}
        try:
            stale = [f for f in self.folder.iterdir() if f.suffix == ".json" and f.name not in keep]
            for file in stale:
                file.unlink(missing_ok=True)
        except OSError:
            pass


def _write_atomically(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


# --- plain JSON ----------------------------------------------------------------------------
# Each dataclass as the list of its field values in declaration order (no keys: a tenth of the
# size and of the reading time of `to_dict`), read back by a reader made from its fields' types,
# so a field added to the model is carried without a change here.

_CACHED_CLASSES = {cls.__name__: cls for cls in (
    Section, SourceDocument, SectionRef, SourceRef, FaqEntry, CellReport, Problem)}
_TUPLE_OF = re.compile(r"tuple\[(\w+), \.\.\.\]")


def _row(value: Any) -> Any:
    """A dataclass as the list of its field values (nested ones likewise); tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [_row(getattr(value, f.name)) for f in dataclasses.fields(value)]
    if isinstance(value, tuple | list):
        return [_row(item) for item in value]
    return value


@cache
def _reader(cls: type) -> Callable[[list[Any]], Any]:
    """Reads back what `_row` wrote of a `cls`; ValueError or TypeError when it does not fit."""
    converters: list[Callable[[Any], Any] | None] = []
    for field in dataclasses.fields(cls):
        kind = str(field.type).replace("typing.", "")
        inner = _TUPLE_OF.fullmatch(kind)
        if inner and inner.group(1) in _CACHED_CLASSES:
            item = _reader(_CACHED_CLASSES[inner.group(1)])
            converters.append(lambda rows, item=item: tuple(item(row) for row in rows))
        elif kind.startswith("tuple"):
            converters.append(tuple)
        elif kind in _CACHED_CLASSES:
            converters.append(_reader(_CACHED_CLASSES[kind]))
        else:
            converters.append(None)
    size = len(converters)

    def read(row: list[Any]) -> Any:
        if not isinstance(row, list) or len(row) != size:
            raise ValueError(f"not a {cls.__name__}")
        return cls(*[value if convert is None else convert(value)
                     for convert, value in zip(converters, row, strict=True)])

    return read


def result_to_json(result: ArticleResult) -> list[Any]:
    return _row(result)


def result_from_json(data: list[Any]) -> ArticleResult:
    """The result `result_to_json` wrote; ValueError or TypeError when malformed."""
    return _reader(ArticleResult)(data)
