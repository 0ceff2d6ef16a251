"""Holding off Python's full garbage collections while a computation builds a large result.

A month of a province makes about a million objects that all stay alive: each full collection
on the way walks all of them and the rest of the process again (a sixth of the month's CPU),
finds nothing to free, and holds the GIL throughout, up to a few hundred milliseconds in one
go, which the chat waits for. The young generations are still collected, a few hundred
objects at a time (the result's tuples drop out of the collector's sight there), and
reference counting frees the rest as usual; turning the collector off altogether would leave
all of the result to the first young collection afterwards, one long pause again.
The thresholds are process-wide, so concurrent computations (snapshot threads) share one
hold: the thresholds come back when the last one ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Young collections between full ones while held: more than any computation makes.
_HELD = 1 << 30

_lock = threading.Lock()
_holders = 0
_thresholds = gc.get_threshold()


@contextmanager
def full_collections_held() -> Iterator[None]:
    global _holders, _thresholds
    with _lock:
        if _holders == 0:
            _thresholds = gc.get_threshold()
            gc.set_threshold(_thresholds[0], _thresholds[1], _HELD)
        _holders += 1
    try:
        yield
    finally:
        with _lock:
            _holders -= 1
            if _holders == 0:
                gc.set_threshold(*_thresholds)
