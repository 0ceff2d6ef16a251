"""A database left by the release before the approval engine (schema up to 0008), with work in
flight, is migrated and every flow continues where it stood: nothing waiting is lost."""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from bot.config import Settings
from reports.recap_pdf import render_pdf
from reports.recap_xlsx import render_xlsx
from services import employees, recap, recap_snapshot
from services import requests as svc
from services.attendance import month_attendance
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.storage import Database, open_database
from services.workflows import files as wf
from services.workflows.files import WorkflowEnv
from services.workflows.sla import OfficeTime
from tests.support.office import (
    ADMIN,
    KABID,
    KASUBBAG,
    KEPALA,
    SEKRETARIS,
    STAFF_A,
    STAFF_B,
    seed_old_schema,
    stored_employee,
)

OLD_SCHEMA = 8


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
    await seed_old_schema(old, clock.now())
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
                                   await stored_employee(db, STAFF_B.nip), 2,
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


async def _old_file(db: Database, at: dt.datetime) -> None:
    """A surat masuk the Kepala has disposed of, now with the Pengadministrasi Umum (step 2),
    already reminded; and a returned file waiting for its applicant to fix it."""
    started = (at - dt.timedelta(minutes=30)).isoformat()
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO workflow_files (id, workflow_key, workflow_name, applicant_nip, status, "
            "step_index, step_started_at, reminded_at, version, created_at, submitted_at, "
            "return_reason) "
            "VALUES (1, 'surat_masuk', 'Surat Masuk dan Disposisi', ?, 'berjalan', 1, ?, ?, 5, "
            "?, ?, NULL), (2, 'surat_masuk', 'Surat Masuk dan Disposisi', ?, 'dikembalikan', 0, "
            "?, NULL, 3, ?, ?, 'Pindaian buram')",
            (STAFF_A.nip, started, at.isoformat(), started, started, STAFF_B.nip, started,
             started, started))
        await conn.executemany(
            "INSERT INTO workflow_documents (file_id, doc_key, telegram_file_id, kind, "
            "file_name, size, uploaded_at) VALUES (?, 'surat', 'FILE-1', 'document', "
            "'surat.pdf', 4, ?)", [(1, started), (2, started)])
        await conn.execute(
            "INSERT INTO workflow_steps (file_id, workflow_key, step_index, step_key, actor_nip, "
            "action, note, output, standard_minutes, elapsed_minutes, started_at, acted_at) "
            "VALUES (1, 'surat_masuk', 0, 'disposisi', ?, 'teruskan', 'Segera', 'Disposisi', "
            "10, 4.0, ?, ?), (2, 'surat_masuk', 0, 'disposisi', ?, 'kembalikan', "
            "'Pindaian buram', NULL, 10, 3.0, ?, ?)",
            (KEPALA.nip, started, started, KEPALA.nip, started, started))


async def test_files_in_flight_continue_after_the_migration(
        settings: Settings, clock: FixedClock, tmp_path: Path) -> None:
    path = settings.database.path
    old = await open_database(path, up_to=OLD_SCHEMA)
    await seed_old_schema(old, clock.now())
    await _old_file(old, clock.now())
    await old.close()

    db = await open_database(path)
    try:
        catalogue = settings.workflows.catalogue
        assert await wf.adopt_migrated(db, catalogue) == 2
        assert await wf.adopt_migrated(db, catalogue) == 0
        env = WorkflowEnv(catalogue, OfficeTime(settings.workflows.hours,
                                                OfficeCalendar(settings.calendar).is_working_day),
                          settings.office.unit_code)
        file = await wf.get_file(db, env, 1)
        assert file.status == wf.RUNNING and file.step is not None
        assert (file.step.key, file.step_index, file.version) == ("distribusi", 1, 5)
        assert [a.nip for a in file.actors] == [ADMIN.nip] and file.reminded
        assert [(h.step_key, h.action, h.note) for h in file.history] == \
            [("disposisi", "teruskan", "Segera")]
        admin = await stored_employee(db, ADMIN.nip)
        assert [f.id for f in await wf.tasks_of(db, env, admin)] == [1]
        outcome = await wf.act(db, env, 1, 5, admin, "teruskan", clock.now())
        assert outcome.file.status == wf.DONE
        assert outcome.file.agenda_number == "005/1/DISKOMINFO/2026"

        returned = await wf.get_file(db, env, 2)
        assert (returned.status, returned.return_reason) == (wf.RETURNED, "Pindaian buram")
        applicant = await stored_employee(db, STAFF_B.nip)
        again = await wf.submit(db, env, 2, returned.version, applicant, clock.now())
        assert again.file.step is not None and again.file.step.key == "disposisi"
        assert [n.to.nip for n in again.notices if n.kind == "tugas"] == [KEPALA.nip]
    finally:
        await db.close()


async def _old_recaps(db: Database, at: dt.datetime) -> bytes:
    """September with the Sekretaris after the Kasubbag's paraf, July returned by the Kasubbag
    to the operator, and August signed and archived."""
    stamp = at.isoformat()
    signed_pdf = b"%PDF-signed-august"
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO recaps (id, year, month, state, rev, version, operator_nip, built_at, "
            "snapshot, pdf, kasubbag_nip, kasubbag_at, updated_at) VALUES "
            "(1, 2026, 9, 'sekretaris', 3, 2, ?, ?, x'00', x'00', ?, ?, ?)",
            (ADMIN.nip, stamp, KASUBBAG.nip, stamp, stamp))
        await conn.execute(
            "INSERT INTO recaps (id, year, month, state, rev, version, operator_nip, built_at, "
            "snapshot, pdf, returned_reason, returned_by, returned_at, updated_at) VALUES "
            "(2, 2026, 7, 'draft', 3, 2, ?, ?, x'00', x'00', 'Data cuti Juli belum masuk', ?, "
            "?, ?)", (ADMIN.nip, stamp, KASUBBAG.nip, stamp, stamp))
        await conn.execute(
            "INSERT INTO recaps (id, year, month, state, rev, version, operator_nip, built_at, "
            "snapshot, pdf, kasubbag_nip, kasubbag_at, sekretaris_nip, sekretaris_at, "
            "kepala_nip, signed_at, agenda_number, sha256, updated_at) VALUES "
            "(3, 2026, 8, 'signed', 5, 2, ?, ?, x'00', ?, ?, ?, ?, ?, ?, ?, "
            "'000.8.3.3/001/DISKOMINFO/09/2026', ?, ?)",
            (ADMIN.nip, stamp, signed_pdf, KASUBBAG.nip, stamp, SEKRETARIS.nip, stamp,
             KEPALA.nip, stamp, hashlib.sha256(signed_pdf).hexdigest(), stamp))
    return signed_pdf


async def _person(db: Database, nip: str) -> employees.Employee:
    return await stored_employee(db, nip)


async def test_recaps_in_flight_continue_after_the_migration(
        settings: Settings, clock: FixedClock, tmp_path: Path) -> None:
    path = settings.database.path
    old = await open_database(path, up_to=OLD_SCHEMA)
    await seed_old_schema(old, clock.now())
    signed_pdf = await _old_recaps(old, clock.now())
    await old.close()

    db = await open_database(path)
    try:
        calendar = OfficeCalendar(settings.calendar)
        env = recap.RecapEnv(settings.office, settings.attendance, calendar, settings.recap,
                             render_pdf, render_xlsx)
        # The snapshots stood in for real ones; give the open months their data.
        for recap_id, month in ((1, 9), (2, 7)):
            data = await month_attendance(db, settings.attendance, calendar, 2026, month,
                                          today=clock.now().date(), now=clock.now())
            async with db.transaction() as conn:
                await conn.execute("UPDATE recaps SET snapshot = ? WHERE id = ?",
                                   (recap_snapshot.encode(data), recap_id))

        september = await recap.get(db, 1)
        assert (september.state, september.kasubbag_nip) == ("sekretaris", KASUBBAG.nip)
        assert september.sekretaris_nip is None
        moved = await recap.approve(db, env, clock, 1, september.rev,
                                    actor=await _person(db, SEKRETARIS.nip))
        assert moved.recap.state == "kepala" and moved.recap.sekretaris_nip == SEKRETARIS.nip
        assert moved.recap.kasubbag_nip == KASUBBAG.nip
        signed = await recap.approve(db, env, clock, 1, moved.recap.rev,
                                     actor=await _person(db, KEPALA.nip))
        assert signed.recap.state == "signed" and signed.recap.kepala_nip == KEPALA.nip
        assert signed.recap.agenda_number == "000.8.3.3/001/DISKOMINFO/10/2026"

        july = await recap.get(db, 2)
        assert (july.state, july.returned_by) == ("draft", KASUBBAG.nip)
        assert july.returned_reason == "Data cuti Juli belum masuk"
        sent = await recap.submit(db, env, clock, 2, july.rev,
                                  actor=await _person(db, ADMIN.nip))
        assert sent.recap.state == "kasubbag" and sent.recap.returned_reason is None
        assert [p.nip for p in sent.notify] == [KASUBBAG.nip]

        august, pdf = await recap.archived_copy(db, 3, actor=await _person(db, KEPALA.nip))
        assert pdf == signed_pdf and august.kepala_nip == KEPALA.nip
        assert (august.kasubbag_nip, august.sekretaris_nip) == (KASUBBAG.nip, SEKRETARIS.nip)
        with pytest.raises(Exception, match="archived"):
            async with db.transaction() as conn:
                await conn.execute("UPDATE recaps SET pdf = x'00' WHERE id = 3")
    finally:
        await db.close()
