"""What a write transaction keeps of what it committed (Database.keep / kept): read back until
anything that could change it commits, here or on another connection."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from pathlib import Path

import pytest

from bot.config import Settings
from services import requests as svc
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.storage import Database, open_database
from services.storage.database import in_thread
from tests.support.office import KABID, STAFF_A, stored_employee

NOTE = "INSERT INTO audit_log (at, action, entity, entity_id) VALUES ('t', 'x', 'e', 1)"


async def test_kept_until_a_commit_that_could_change_it(tmp_path: Path) -> None:
    path = tmp_path / "kept.sqlite3"
    db = await open_database(path)
    with pytest.raises(RuntimeError):
        db.keep("k", 1)
    async with db.transaction() as conn:
        await conn.execute(NOTE)
        db.keep("k", "built")
    assert db.kept("k") == "built"
    # The sender's bookkeeping of its own rows changes nothing kept.
    async with db.transaction(wake=False) as conn:
        await conn.execute("SELECT 1")
    assert db.kept("k") == "built"
    # A transaction rolled back keeps nothing and leaves the last one's.
    with pytest.raises(ZeroDivisionError):
        async with db.transaction() as conn:
            db.keep("k", "rolled back")
            raise ZeroDivisionError
    assert db.kept("k") == "built"
    # Any other commit here drops it.
    async with db.transaction() as conn:
        await conn.execute(NOTE)
    assert db.kept("k") is None
    # So does a commit on another connection (another process, another handle).
    async with db.transaction() as conn:
        db.keep("k", "again")
    other = await open_database(path)
    async with other.transaction() as conn:
        await conn.execute(NOTE)
    await other.close()
    assert db.kept("k") is None
    await db.close()


async def test_a_long_write_in_the_writers_thread_does_not_hold_up_a_kept_read(
        tmp_path: Path) -> None:
    db = await open_database(tmp_path / "busy.sqlite3")
    async with db.transaction() as conn:
        db.keep("k", "built")
    inside, release = threading.Event(), threading.Event()

    def long_write(raw: sqlite3.Connection) -> None:
        inside.set()
        release.wait(5)

    async with db.transaction() as conn:
        writing = asyncio.ensure_future(in_thread(conn, long_write))
        await asyncio.to_thread(inside.wait, 5)
        # Not answered from the writer, which is busy: the caller reads a reader instead.
        assert db.kept("k") is None
        release.set()
        await writing
    await db.close()


async def test_a_request_read_after_its_decision_is_the_view_the_decision_built(
        db: Database, office: object, settings: Settings, clock: FixedClock) -> None:
    calendar = OfficeCalendar(settings.calendar)
    draft = svc.Draft("izin", clock.now().date(), clock.now().date(), "keperluan keluarga")
    filed = await svc.submit(db, settings.requests, calendar,
                             await stored_employee(db, STAFF_A.nip),
                             draft, at=clock.now(), telegram_user_id=None)
    assert await svc.get(db, filed.id) is filed
    done = await svc.decide(db, settings.requests, calendar, settings.office,
                            request_id=filed.id, position=0, round_=1, action="setujui",
                            nip=KABID.nip, note=None, at=clock.now(), telegram_user_id=None)
    kept = await svc.get(db, filed.id)
    assert kept is done.request
    # The same as the request read afresh from the file.
    fresh = await open_database(settings.database.path)
    assert await svc.get(fresh, filed.id) == kept
    # A change by another connection is seen at once.
    async with fresh.transaction() as conn:
        await conn.execute("UPDATE employees SET nama = 'Nama Baru' WHERE nip = ?",
                           (STAFF_A.nip,))
    await fresh.close()
    again = await svc.get(db, filed.id)
    assert again is not kept and again.applicant.nama == "Nama Baru"
