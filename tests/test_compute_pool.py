"""The compute pool: long reads and renders in another process, beside the real Application."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import os
import signal
import sqlite3
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest

from bot.compute_pool import ComputePool, _name
from bot.context import SERVICES_KEY
from services import attendance, employees, recap, recap_snapshot
from services.recap import RecapEnv
from services.storage import reading
from tests.support.attendance import add_absence, add_punches
from tests.support.harness import Harness
from tests.support.office import ADMIN, STAFF_A, STAFF_B


def resident_bytes() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


# What a worker's caches keep of a call (parsed paragraphs, font subsets, interned strings):
# little, but spread over the call's memory, so CPython can give back almost none of it.
_kept_by_the_worker: list[object] = []


def grow_and_keep(megabytes: int) -> tuple[int, int]:
    """A province-sized call: many small objects, of which the worker keeps one in 64; returns
    the pid and the resident size afterwards."""
    rows = [[day for day in range(31)] for _ in range(megabytes * 2**20 // 400)]
    _kept_by_the_worker.extend(rows[::64])
    del rows
    return os.getpid(), resident_bytes()


def reader_pid(conn: sqlite3.Connection) -> tuple[int, int]:
    """Where a Database.compute read ran, and what it saw."""
    return os.getpid(), conn.execute("SELECT count(*) FROM employees").fetchone()[0]


async def test_a_worker_that_dies_fails_only_its_own_call() -> None:
    pool = ComputePool(workers=1)
    try:
        first = await pool(os.getpid)
        assert first != os.getpid()
        with pytest.raises(BrokenProcessPool):
            await pool(os._exit, 3)
        second = await pool(os.getpid)
        assert second not in (first, os.getpid())
        # Killed while idle: the next call gets a fresh worker and loses nothing.
        os.kill(second, signal.SIGKILL)
        await asyncio.sleep(0.5)
        third = await pool(os.getpid)
        assert third not in (first, second, os.getpid())
    finally:
        await asyncio.to_thread(pool.close)


async def test_a_call_that_leaves_its_worker_large_retires_it() -> None:
    pool = ComputePool(workers=1, recycle_above_bytes=240 * 2**20)
    try:
        pid, at_start = await pool(grow_and_keep, 0)
        assert at_start < 200 * 2**20
        # Small calls share the worker, warm.
        assert (await pool(grow_and_keep, 0))[0] == pid
        same, kept = await pool(grow_and_keep, 300)
        # The worker itself still held much of what the call grew it by...
        assert same == pid and kept > 240 * 2**20
        assert pool.spent.calls == 3 and pool.spent.peak_bytes >= kept
        assert pool.spent.cpu_seconds > 0
        # ...so the next call runs in a fresh worker, which holds none of it.
        after, fresh = await pool(grow_and_keep, 0)
        assert after != pid and fresh < at_start + 32 * 2**20
        assert pool.spent.calls == 4
    finally:
        await asyncio.to_thread(pool.close)


async def test_the_bot_drafts_the_recap_in_its_compute_process(harness: Harness, office,
                                                               clock) -> None:
    services = harness.application.bot_data[SERVICES_KEY]
    db = services.db
    await add_punches(db, STAFF_A, "2026-10-05 07:20:00", "2026-10-05 16:02:00")
    await add_punches(db, STAFF_B, "2026-10-05 07:45:00")
    await add_absence(db, STAFF_B, "2026-10-06", "S")
    pid, seen = await db.compute(reader_pid)
    assert pid != os.getpid() and seen == len(office)

    env = services.env(RecapEnv)
    async with db.read() as conn:
        admin = await employees.by_nip(conn, ADMIN.nip)
    built = await recap.build_draft(db, env, clock, 2026, 10, actor=admin)
    assert built.pdf.startswith(b"%PDF") and built.employees == len(office)
    now = clock.now()
    here = await attendance.month_attendance(db, env.policy, env.calendar, 2026, 10,
                                             today=now.date(), now=now)
    async with db.read() as conn, conn.execute(
            "SELECT snapshot FROM recaps WHERE id = ?", (built.recap.id,)) as cursor:
        row = await cursor.fetchone()
    assert row is not None and row[0] == recap_snapshot.encode(here)
    assert recap_snapshot.decode(row[0]).employees[0].days[0].day == dt.date(2026, 10, 1)


def test_a_long_call_is_logged_by_what_it_ran() -> None:
    assert _name(functools.partial(reading.read, "presensi.sqlite3", reader_pid, 3)) \
        == "read(reader_pid)"
    assert _name(os.getpid) == "getpid"
