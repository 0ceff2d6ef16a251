"""full_collections_held: full collections wait while any holder runs, then come back."""

from __future__ import annotations

import gc
import threading

from services.storage.collector import full_collections_held


def test_full_collections_come_back_after_the_last_of_overlapping_holders() -> None:
    before = gc.get_threshold()
    inside = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with full_collections_held():
            inside.set()
            release.wait(5)

    other = threading.Thread(target=hold)
    other.start()
    inside.wait(5)
    with full_collections_held():
        held = gc.get_threshold()
    after_mine = gc.get_threshold()
    release.set()
    other.join(5)
    assert held[:2] == before[:2] and held[2] > 1_000_000
    assert after_mine == held            # the other holder still runs
    assert gc.get_threshold() == before
    assert gc.isenabled()
