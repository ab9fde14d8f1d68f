"""Put a built site in place so that the site path always holds one complete site.

A build writes into a work folder beside the site (`.<site>.building-*`) and then swaps:

- on Linux, one `renameat2(RENAME_EXCHANGE)` exchanges the new folder and the old one in a single
  step, so at every instant the site path is either the old or the new complete site, even if the
  build is killed (`kill -9`) right then; the old site, now in the work folder, is removed after;
- elsewhere (or on a file system without it), two renames: the old site aside, the new one in.
  If the second fails the old one is put back; if the process dies between them, the next
  build finds the old site in the work folder and puts it back before anything else.

`site_lock` makes a second build of the same site fail at once with a clear message instead of
racing the first (an advisory `fcntl.flock` on `.<site>.lock` beside it, released by the kernel
when the process ends, however it ends).
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from .problems import BuildError

WORK_PREFIX = ".{name}.building-"
PREVIOUS = "previous"  # the old site inside a work folder, during the two-rename fallback
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def work_prefix(site_dir: Path) -> str:
    return WORK_PREFIX.format(name=site_dir.name)


@contextlib.contextmanager
def site_lock(site_dir: Path) -> Iterator[None]:
    """Hold the site's build lock; BuildError at once when another build holds it."""
    lock_path = site_dir.parent / f".{site_dir.name}.lock"
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError(
                f"{site_dir}: another build of this site is running ({lock_path.name} is "
                "locked); run again when it has finished"
            ) from None
        yield
    finally:
        os.close(descriptor)  # releases the lock


def recover(site_dir: Path) -> None:
    """Undo what a killed build left beside the site (call with the lock held): a site moved
    aside by an interrupted two-rename swap goes back, work folders are removed."""
    leftovers = sorted(site_dir.parent.glob(work_prefix(site_dir) + "*"))
    if not os.path.lexists(site_dir):
        for work in leftovers:
            previous = work / PREVIOUS
            if previous.is_dir():
                os.rename(previous, site_dir)
                break
    for work in leftovers:
        shutil.rmtree(work, ignore_errors=True)


def swap_in(new_site: Path, site_dir: Path, previous: Path) -> None:
    """Make `new_site` the site at `site_dir`; the old site (if any) ends up inside the work
    folder (`new_site`'s place or `previous`), to be removed with it."""
    if not os.path.lexists(site_dir):
        os.rename(new_site, site_dir)
        return
    if exchange(new_site, site_dir):
        return
    os.rename(site_dir, previous)
    try:
        os.rename(new_site, site_dir)
    except BaseException:
        os.rename(previous, site_dir)  # the old site back: a failed build loses nothing
        raise


def exchange(first: Path, second: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where that is not available."""
    function = _renameat2()
    if function is None:
        return False
    result = function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                      _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False  # kernel or file system without RENAME_EXCHANGE: use the fallback
    raise OSError(code, f"cannot swap in the new site: {os.strerror(code)}", str(second))


def _renameat2():  # pragma: no cover - platform probe
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    function.restype = ctypes.c_int
    return function
