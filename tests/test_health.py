"""/kesehatan, `presensi health`, and error reports to the admin chat."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from telegram import Update
from telegram.ext import CommandHandler

from bot.cli import main
from bot.config import Settings
from bot.context import BotContext
from services import outbox
from services.clock import FixedClock
from services.health import health_report
from services.storage import Database
from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import ADMIN, KASUBBAG, STAFF_A, Person

ADMIN_CHAT = -100500


async def _punch(db: Database, serial: str, user: str, at: str, received: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date, source,"
            " received_at) VALUES (?, ?, ?, ?, 'pull', ?)", (serial, user, at, at[:10], received))


async def test_report_reads_machines_storage_and_schema(db: Database, office: tuple[Person, ...],
                                                        clock: FixedClock) -> None:
    await _punch(db, "SN-A", "0006", "2026-10-05T07:20:00+07:00", "2026-10-05T07:25:00+07:00")
    await _punch(db, "SN-A", "0007", "2026-10-05T07:40:00+07:00", "2026-10-05T07:45:00+07:00")
    await _punch(db, "SN-B", "0006", "2026-10-02T16:10:00+07:00", "2026-10-02T16:15:00+07:00")
    report = await health_report(db, clock.now())
    assert [m.serial for m in report.machines] == ["SN-A", "SN-B"]
    assert report.machines[0].punches == 2
    assert report.machines[0].last_received == dt.datetime.fromisoformat(
        "2026-10-05T07:45:00+07:00")
    assert report.employees_active == 8 and report.employees_linked == 8
    assert report.database_bytes > 0 and report.schema_version >= 1
    assert "0001_foundation.sql" in report.migrations


async def test_admin_sees_health_and_staff_is_refused(harness: Harness, db: Database,
                                                      office: tuple[Person, ...]) -> None:
    await _punch(db, "SN-A", "0006", "2026-10-05T07:20:00+07:00", "2026-10-05T07:25:00+07:00")
    for person in (ADMIN, KASUBBAG):
        await harness.send(tg(person), "/kesehatan")
        text = harness.api.last_to(person.telegram_id).text
        assert "Kondisi sistem" in text and "SN-A" in text and "05-10-2026 07:25" in text
        assert "Skema basis data" in text
    await harness.send(tg(STAFF_A), "/kesehatan")
    text = harness.api.last_to(STAFF_A.telegram_id).text
    assert "hanya dapat dilihat" in text and "SN-A" not in text


async def test_help_lists_kesehatan_for_admins_only(harness: Harness,
                                                    office: tuple[Person, ...]) -> None:
    await harness.send(tg(ADMIN), "/help")
    assert "/kesehatan" in harness.api.last_to(ADMIN.telegram_id).text
    await harness.send(tg(STAFF_A), "/help")
    assert "/kesehatan" not in harness.api.last_to(STAFF_A.telegram_id).text


async def test_health_command(db: Database, settings: Settings, office: tuple[Person, ...],
                              capsys: pytest.CaptureFixture[str]) -> None:
    code = await asyncio.to_thread(main, ["--config", str(settings.source), "health"])
    out = capsys.readouterr().out
    assert code == 0
    assert "Pegawai aktif: 8" in out and "belum ada mesin yang tercatat" in out


async def _boom(update: Update, context: BotContext) -> None:
    raise RuntimeError("layanan cadangan tidak menjawab")


async def test_unhandled_errors_reach_admin_chat_rate_limited(
        harness: Harness, office: tuple[Person, ...], clock: FixedClock) -> None:
    # A feature handler that fails; first in its group, ahead of the catch-all for leftovers.
    harness.application.handlers[0].insert(0, CommandHandler("rusak", _boom))
    user = tg(STAFF_A)
    await harness.send(user, "/rusak")
    assert "terjadi gangguan" in harness.api.last_to(STAFF_A.telegram_id).text
    reports = harness.api.sent_to(ADMIN_CHAT)
    assert len(reports) == 1
    assert "layanan cadangan tidak menjawab" in reports[0].text
    assert "test_health.py" in reports[0].text and "_boom" in reports[0].text

    # Two more within the interval: the user is still answered, the admin chat is not flooded.
    clock.advance(minutes=1)
    await harness.send(user, "/rusak")
    await harness.send(user, "/rusak")
    assert len(harness.api.sent_to(ADMIN_CHAT)) == 1
    assert len(harness.api.sent_to(STAFF_A.telegram_id)) == 3

    clock.advance(minutes=5)
    await harness.send(user, "/rusak")
    reports = harness.api.sent_to(ADMIN_CHAT)
    assert len(reports) == 2 and "2 galat lain" in reports[1].text


async def test_report_counts_unsent_alerts_and_last_job_runs(db: Database,
                                                             office: tuple[Person, ...],
                                                             clock: FixedClock) -> None:
    async with db.transaction() as conn:
        await outbox.enqueue(conn, [
            outbox.Notice("attendance.morning_absent", STAFF_A.nip, None, {}, "a1"),
            outbox.Notice("attendance.morning_absent", ADMIN.nip, None, {}, "a2"),
            outbox.Notice("request.card", ADMIN.nip, None, {}, "r1")], now=clock.now())
        await conn.execute("UPDATE outbox SET status = 'sent' WHERE dedupe_key = 'a2'")
        await conn.executemany(
            "INSERT INTO job_runs (job, day, finished_at) VALUES (?, ?, ?)",
            [("attendance.morning", "2026-10-02", "2026-10-02T08:01:00+07:00"),
             ("attendance.morning", "2026-10-05", "2026-10-05T08:02:00+07:00")])
    report = await health_report(db, clock.now())
    assert report.pending_alerts == 1
    assert [(j.job, j.day) for j in report.jobs] == [("attendance.morning", dt.date(2026, 10, 5))]


async def test_machines_from_the_device_tables(harness: Harness, db: Database,
                                               office: tuple[Person, ...]) -> None:
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO device_machines (name, source, serial, first_seen_at, last_seen_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [("Lobi", "pull", "SN-PULL", "2026-10-01T07:00:00+07:00",
              "2026-10-05T07:30:00+07:00"),
             ("Aula", "adms", "SN-ADMS", "2026-10-01T07:00:00+07:00",
              "2026-10-05T07:58:00+07:00")])
        await conn.execute(
            "INSERT INTO device_sync_state (name, last_attempt_at, last_success_at, last_error,"
            " consecutive_failures, clock_drift_seconds) VALUES ('Lobi', ?, ?, 'timeout', 3,"
            " 185.0)", ("2026-10-05T07:45:00+07:00", "2026-10-05T07:15:00+07:00"))
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO device_problems (machine, kind, detail, opened_at) VALUES"
            " ('Lobi', 'failure', 'timeout', '2026-10-05T07:30:00+07:00')")
    await _punch(db, "SN-PULL", "0006", "2026-10-05T07:10:00+07:00", "2026-10-05T07:15:00+07:00")
    await _punch(db, "SN-ADMS", "0007", "2026-10-05T07:57:00+07:00", "2026-10-05T07:58:00+07:00")
    await _punch(db, "SN-LAIN", "0008", "2026-10-05T07:20:00+07:00", "2026-10-05T07:21:00+07:00")
    report = await health_report(db, harness.clock.now())
    assert not report.healthy and [p.kind for p in report.problems] == ["failure"]
    by_name = {m.name: m for m in report.machines}
    assert list(by_name) == ["Aula", "Lobi", "SN-LAIN"]
    # A pushing machine's last upload counts as its last success.
    assert by_name["Aula"].last_success == dt.datetime.fromisoformat("2026-10-05T07:58:00+07:00")
    assert by_name["Lobi"].last_error == "timeout" and by_name["Lobi"].consecutive_failures == 3
    assert by_name["SN-LAIN"].source == "" and by_name["SN-LAIN"].punches == 1

    await harness.send(tg(ADMIN), "/kesehatan")
    text = harness.api.last_to(ADMIN.telegram_id).text
    assert "Lobi (tarik, SN SN-PULL): sinkron berhasil terakhir 05-10-2026 07:15" in text
    assert "timeout (3 kali berturut-turut)" in text and "185 detik" in text
    assert "Aula (ADMS, SN SN-ADMS)" in text and "mesin tidak terdaftar" in text
    assert "Masalah terbuka pada Lobi: gagal disinkronkan (timeout), sejak 05-10-2026 07:30" in text
    # For monitoring: the console report exits 1 while a machine has a problem.
    assert await asyncio.to_thread(main, ["--config", str(harness.settings.source), "health"]) == 1
