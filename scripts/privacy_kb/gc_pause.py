"""Python's cyclic garbage collector paused while a search stage builds millions of small objects.

The collector runs after every few hundred allocations and, now and then, walks every object
alive: with a million postings in memory, those walks cost about as much as the indexing itself.
The search stages build plain data (dicts, lists, tuples of numbers and strings) that forms no
reference cycles, so nothing waits for the collector; reference counting still frees everything.
"""

from __future__ import annotations

import functools
import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic collection inside (restored as it was after, even on an error)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def without_gc(function: Callable[P, R]) -> Callable[P, R]:
    """`function` runs with the cyclic collector paused (gc_paused)."""

    @functools.wraps(function)
    def paused(*args: P.args, **kwargs: P.kwargs) -> R:
        with gc_paused():
            return function(*args, **kwargs)

    return paused
