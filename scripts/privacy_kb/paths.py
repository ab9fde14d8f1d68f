"""Source files as untrusted input: real paths inside the source root, bounded, strict UTF-8.

A source root comes from a docs repository that takes pull requests, so every file the build
reads from it (articles, includes, code samples, images) goes through here:

- `resolve_inside` follows symlinks and then checks that the real file is inside the real root
  (a symlinked article or include cannot publish `/etc/passwd`); a symlink loop is an error too;
- `read_source_text` refuses files over `MAX_SOURCE_BYTES`, binary files (a NUL byte) and text
  that is not UTF-8, each with a one-line `file:line: what` message;
- `capped` shortens ids and file names made from source text to a readable prefix plus a hash.

The errors are `BuildError`s whose message is one line of at most `MAX_MESSAGE` characters.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path
from typing import NoReturn

from .problems import BuildError

# The corpus's largest article is 26 KB; a source file 80 times that is not an article.
MAX_SOURCE_BYTES = 2 * 1024 * 1024
# Images are copied into the site; a file this big is a mistake (or an attack on the disk).
MAX_MEDIA_BYTES = 20 * 1024 * 1024
# An id or file name made from source text: at most this long, else cut to a prefix and a hash.
# Ids published before the cap (the registry holds some of up to 163 characters) are kept by the
# registry, which matches each entry to its recorded id: a published URL keeps working.
MAX_ID_LENGTH = 100
KEEP_ID_BYTES = MAX_ID_LENGTH
MAX_MESSAGE = 300  # an error message, whole
_SHOWN = 80  # characters of a path or target quoted in a message


class SourceError(BuildError):
    """A source file that cannot be used: `path:line: what` (line 0: the whole file)."""

    def __init__(self, path: str, line: int, what: str) -> None:
        self.path, self.line, self.what = shorten(path), line, what
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(one_line(f"{where}: {what}"))


def shorten(text: str, limit: int = _SHOWN) -> str:
    """`text` on one line, at most `limit` characters (the middle elided)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    half = (limit - 1) // 2
    return text[:half] + "…" + text[len(text) - (limit - 1 - half):]


def one_line(message: str) -> str:
    """A message as the command line prints it: one line, at most MAX_MESSAGE characters."""
    return shorten(message, MAX_MESSAGE)


def capped(text: str, limit: int = MAX_ID_LENGTH) -> str:
    """`text` when it fits in KEEP_ID_BYTES of UTF-8, else a readable prefix, '-' and 10 hex
    digits of its SHA-256: at most `limit` characters and bytes.

    Deterministic, so a long heading keeps its id from build to build. Longer ids published
    earlier stay: the registry gives each entry its recorded id.
    """
    data = text.encode("utf-8", "surrogatepass")
    if len(data) <= KEEP_ID_BYTES:
        return text
    digest = hashlib.sha256(data).hexdigest()[:10]
    prefix = data[: limit - len(digest) - 1].decode("utf-8", "ignore").rstrip("-")
    return f"{prefix}-{digest}"


def resolve_inside(root: Path, relative: str, where: str = "") -> Path | None:
    """The real path of `relative` (POSIX, relative to `root`) when it is a file inside the real
    root; None when it does not exist. Raises SourceError (naming `where`, a `file:line`, or
    the file itself) when it leads outside the root or is a symlink loop."""
    real_root = Path(os.path.realpath(root))
    place = where or relative
    try:
        real = Path(os.path.realpath(real_root / relative, strict=True))
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise_at(place, f"`{shorten(relative)}` is a symlink loop")
        if error.errno == errno.ENAMETOOLONG:
            raise_at(place, "path too long for the file system")
        raise_at(place, f"`{shorten(relative)}` cannot be read ({error.strerror or error})")
    if real != real_root and not real.is_relative_to(real_root):
        raise_at(place, f"`{shorten(relative)}` leads outside the source root (a symlink); "
                        "not read")
    return real if real.is_file() else None


class InsideRoot:
    """`resolve_inside` for many paths of one root: the root's real path is found once, and a
    path with no symlink, `.` or `..` on the way is checked with one `lstat` per component
    instead of `os.path.realpath`; anything else takes `resolve_inside` itself (same answers,
    same errors). For the cached rebuild, which checks every file each article read. One
    instance serves one build: folders are assumed not to turn into symlinks meanwhile."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.real_root = os.path.realpath(root)
        self._folders: set[str] = set()  # real folders seen on the way, none a symlink

    def resolve(self, relative: str, where: str = "") -> Path | None:
        parts = relative.split("/")
        if any(part in ("", ".", "..") for part in parts):
            return resolve_inside(self.root, relative, where)
        current = self.real_root
        last = len(parts) - 1
        for index, part in enumerate(parts):
            current = f"{current}/{part}"
            if index < last and current in self._folders:
                continue
            try:
                mode = os.lstat(current).st_mode
            except FileNotFoundError:
                return None
            except OSError:  # not a folder on the way, too long…: resolve_inside says what
                return resolve_inside(self.root, relative, where)
            if stat.S_ISLNK(mode):
                return resolve_inside(self.root, relative, where)
            if index < last and stat.S_ISDIR(mode):
                self._folders.add(current)
        return Path(current) if stat.S_ISREG(mode) else None


def _split_where(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    return (path, int(line)) if path and line.isdigit() else (where, 0)


def raise_at(where: str, what: str) -> NoReturn:
    """Raise a SourceError at `where` (`path` or `path:line`)."""
    path, line = _split_where(where)
    raise SourceError(path, line, what) from None


def read_source_text(file: Path, display: str, *, limit: int = MAX_SOURCE_BYTES) -> str:
    """The text of a source file: strict UTF-8 (a BOM is dropped), no NUL bytes, at most
    `limit` bytes; else a SourceError naming `display` and the line of the first bad byte."""
    try:
        size = file.stat().st_size
        if size > limit:
            raise SourceError(display, 0, f"{size:,} bytes, more than the {limit:,} a source "
                                          "file may have; not read")
        raw = file.read_bytes()
    except OSError as error:
        raise SourceError(display, 0, f"cannot be read ({error.strerror or error})") from None
    nul = raw.find(b"\x00")
    if nul >= 0:
        line = raw[:nul].count(b"\n") + 1
        raise SourceError(display, line, "a NUL byte: a binary file, not text; not read")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SourceError(display, line, f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); "
                                         "save the file as UTF-8") from None
