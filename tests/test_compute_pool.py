"""The compute pool: long reads and renders in another process, beside the real Application."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import sqlite3
from concurrent.futures.process import BrokenProcessPool

import pytest

from bot.compute_pool import ComputePool
from bot.context import SERVICES_KEY
from services import attendance, employees, recap, recap_snapshot
from services.recap import RecapEnv
from tests.support.attendance import add_absence, add_punches
from tests.support.harness import Harness
from tests.support.office import ADMIN, STAFF_A, STAFF_B


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
