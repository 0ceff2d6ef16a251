"""A database left by the release before the approval engine (schema up to 0008), with work in
flight, is migrated and every flow continues where it stood: nothing waiting is lost."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from bot.config import Settings
from services import employees
from services import requests as svc
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.storage import Database, open_database
from tests.support.office import KABID, KEPALA, STAFF_A, STAFF_B, seed_office

OLD_SCHEMA = 8


async def _employee(db: Database, nip: str) -> employees.Employee:
    async with db.read() as conn:
        found = await employees.by_nip(conn, nip)
    assert found is not None
    return found


async def _old_requests(db: Database, at: dt.datetime) -> None:
    """As the old code stored them: a cuti waiting for the Kepala after the atasan approved
    (with the Kepala's card), and an izin returned to its applicant."""
    stamp = at.isoformat()
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO requests (id, nip, type, start_date, end_date, working_days, reason, "
            "status, current_step, round, created_at, updated_at) VALUES "
            "(1, ?, 'cuti_tahunan', '2026-10-12', '2026-10-13', 2, 'urusan keluarga', "
            "'menunggu', 1, 1, ?, ?), "
            "(2, ?, 'izin', '2026-10-07', '2026-10-07', 1, 'mengurus KTP', "
            "'dikembalikan', 0, 2, ?, ?)",
            (STAFF_A.nip, stamp, stamp, STAFF_B.nip, stamp, stamp))
        await conn.execute(
            "INSERT INTO request_steps (request_id, position, step_key, title, actions, outcome, "
            "decided_by, decided_at, note) VALUES "
            "(1, 0, 'atasan', 'Atasan Langsung', 'setujui,tolak,kembalikan', 'setujui', ?, ?, "
            "NULL), "
            "(1, 1, 'pejabat', 'Pejabat yang Berwenang Memberikan Cuti', "
            "'setujui,tolak,kembalikan', NULL, NULL, NULL, NULL), "
            "(2, 0, 'atasan', 'Atasan Langsung', 'setujui,tolak,kembalikan', 'kembalikan', ?, "
            "?, 'tanggal salah')", (KABID.nip, stamp, KABID.nip, stamp))
        await conn.executemany(
            "INSERT INTO request_step_actors (request_id, position, nip) VALUES (?, ?, ?)",
            [(1, 0, KABID.nip), (1, 1, KEPALA.nip), (2, 0, KABID.nip)])
        await conn.execute(
            "INSERT INTO request_cards (request_id, position, round, nip, chat_id, message_id) "
            "VALUES (1, 1, 1, ?, ?, 77)", (KEPALA.nip, KEPALA.telegram_id))


async def test_requests_in_flight_continue_after_the_migration(
        settings: Settings, clock: FixedClock, tmp_path: Path) -> None:
    path = settings.database.path
    old = await open_database(path, up_to=OLD_SCHEMA)
    await seed_office(old, tmp_path, clock.now())
    await _old_requests(old, clock.now())
    await old.close()

    db = await open_database(path)
    try:
        calendar = OfficeCalendar(settings.calendar)
        cuti = await svc.get(db, 1)
        assert (cuti.status, cuti.current_step, cuti.round) == (svc.MENUNGGU, 1, 1)
        assert cuti.steps[0].outcome == "setujui" and cuti.steps[0].decided_by is not None
        assert cuti.steps[0].decided_by.nip == KABID.nip
        assert [a.nip for a in cuti.steps[1].actors] == [KEPALA.nip]
        assert [c.message_id for c in await svc.cards(db, 1, 1, 1)] == [77]
        assert [v.id for v in await svc.waiting_for(db, KEPALA.nip)] == [1]

        decision = await svc.decide(db, settings.requests, calendar, settings.office,
                                    request_id=1, position=1, round_=1, action="setujui",
                                    nip=KEPALA.nip, note=None, at=clock.now(),
                                    telegram_user_id=None)
        assert decision.request.status == svc.DISETUJUI
        assert decision.request.agenda_number == "851/1/DISKOMINFO/2026"

        izin = await svc.get(db, 2)
        assert (izin.status, izin.round) == (svc.DIKEMBALIKAN, 2)
        assert izin.steps[0].outcome == "kembalikan" and izin.steps[0].note == "tanggal salah"
        fixed = await svc.resubmit(db, settings.requests, calendar,
                                   await _employee(db, STAFF_B.nip), 2,
                                   svc.Draft("izin", dt.date(2026, 10, 8), dt.date(2026, 10, 8),
                                             "mengurus KTP"),
                                   at=clock.now(), telegram_user_id=None)
        assert (fixed.status, fixed.current_step, fixed.round) == (svc.MENUNGGU, 0, 3)
        assert fixed.steps[0].outcome is None
        done = await svc.decide(db, settings.requests, calendar, settings.office,
                                request_id=2, position=0, round_=3, action="setujui",
                                nip=KABID.nip, note=None, at=clock.now(), telegram_user_id=None)
        assert done.request.status == svc.DISETUJUI
        async with db.read() as conn, conn.execute(
                "SELECT count(*) FROM sqlite_master WHERE name LIKE 'request_step%' "
                "OR name = 'request_cards'") as cursor:
            row = await cursor.fetchone()
        assert row is not None and row[0] == 0
    finally:
        await db.close()
