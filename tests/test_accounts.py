"""Unbinding, deactivating and reactivating employees: the console commands, their audit rows,
the notice to the person through the outbox and the running bot, and what an inactive employee
can do."""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import load_settings
from services import accounts, alerts, attendance, audit, employees
from services.attendance_policy import AttendancePolicy
from services.calendar import CalendarRules, OfficeCalendar
from services.clock import SystemClock
from services.storage import Database, open_database
from tests.conftest import BASE_CONFIG, tg
from tests.support.attendance import add_punches
from tests.support.harness import Harness
from tests.support.office import KABID, PEOPLE, STAFF_A, STAFF_B, seed_office, write_csv


def _config(tmp_path: Path) -> Path:
    path = tmp_path / "presensi.toml"
    path.write_text(BASE_CONFIG)
    return path


async def _entries(path: Path, nip: str) -> list[str]:
    db = await open_database(path)
    try:
        async with db.read() as conn:
            return [e.action for e in await audit.entries_for(conn, "employee", nip)]
    finally:
        await db.close()


async def _employee(path: Path, nip: str) -> employees.Employee:
    db = await open_database(path)
    try:
        async with db.read() as conn:
            found = await employees.by_nip(conn, nip)
    finally:
        await db.close()
    assert found is not None
    return found


async def test_unlink_deactivate_activate_are_audited_and_tell_the_person(
        tmp_path: Path, clock, capsys: pytest.CaptureFixture[str]) -> None:
    """The console writes each notice to the outbox with the change; the running bot (another
    process) delivers them, in order, to the chat the person was bound to."""
    config = _config(tmp_path)
    database = tmp_path / "presensi.sqlite3"
    db = await open_database(database)
    await seed_office(db, tmp_path, clock.now())
    await db.close()

    def cli(*args: str) -> int:
        return main(["--config", str(config), *args])

    assert await asyncio.to_thread(cli, "deactivate", STAFF_A.nip) == 0
    assert "Dewi Lestari, S.Kom. masuk antrean" in capsys.readouterr().out
    gone = await _employee(database, STAFF_A.nip)
    assert not gone.active and gone.deactivated_on == dt.datetime.now(
        clock.now().tzinfo).date()
    # A second time is one clear refusal, and nobody is told twice.
    assert await asyncio.to_thread(cli, "deactivate", STAFF_A.nip) == 1

    assert await asyncio.to_thread(cli, "activate", STAFF_A.nip) == 0
    back = await _employee(database, STAFF_A.nip)
    assert back.active and back.deactivated_on is None

    assert await asyncio.to_thread(cli, "unlink", STAFF_A.nip) == 0
    unbound = await _employee(database, STAFF_A.nip)
    assert unbound.telegram_user_id is None and unbound.telegram_chat_id is None
    assert await asyncio.to_thread(cli, "unlink", STAFF_A.nip) == 1

    assert await _entries(database, STAFF_A.nip) == [
        "employee.import", "employee.deactivate", "employee.activate", "telegram.unlink"]

    # The rows carry the console's (real) time, so the bot runs on the real clock.
    bot = await Harness.start(load_settings(str(config)), SystemClock(clock.now().tzinfo))
    try:
        await bot.deliver()
        told = [c.text for c in bot.api.sent("sendMessage", STAFF_A.telegram_id)]
        assert len(told) == 3
        assert "dinonaktifkan" in told[0] and "Dewi Lestari" in told[0]
        assert "diaktifkan kembali" in told[1]
        assert "tidak lagi terhubung" in told[2]
    finally:
        await bot.stop()


def test_without_a_chat_the_operator_is_told_to_tell_in_person(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRESENSI_BOT_TOKEN", raising=False)
    config = _config(tmp_path)
    assert main(["--config", str(config), "import-employees",
                 str(write_csv(tmp_path / "pegawai.csv"))]) == 0
    capsys.readouterr()
    assert main(["--config", str(config), "deactivate", STAFF_B.nip]) == 0
    out = capsys.readouterr().out
    assert "dinonaktifkan" in out and "sampaikan secara langsung" in out


@pytest.mark.parametrize("bad", ["-1001234567890", "0", "123456789012345678901", "-5"])
def test_link_refuses_groups_zero_and_ids_outside_telegrams_range(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], bad: str) -> None:
    config = _config(tmp_path)
    assert main(["--config", str(config), "import-employees",
                 str(write_csv(tmp_path / "pegawai.csv"))]) == 0
    capsys.readouterr()
    assert main(["--config", str(config), "link", STAFF_A.nip, bad]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "bukan id akun Telegram" in err


def test_reimport_with_deactivate_missing_lists_and_deactivates(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path)
    assert main(["--config", str(config), "import-employees",
                 str(write_csv(tmp_path / "pegawai.csv"))]) == 0
    remaining = tuple(p for p in PEOPLE if p not in (STAFF_A, STAFF_B))
    smaller = write_csv(tmp_path / "pegawai-baru.csv", remaining)
    capsys.readouterr()
    assert main(["--config", str(config), "import-employees", str(smaller)]) == 0
    assert "Dinonaktifkan" not in capsys.readouterr().out     # only when asked for
    assert main(["--config", str(config), "import-employees", str(smaller),
                 "--deactivate-missing"]) == 0
    out = capsys.readouterr().out
    assert "Dinonaktifkan karena tidak ada dalam berkas: 2" in out
    assert STAFF_A.nip in out and STAFF_B.nip in out
    database = tmp_path / "presensi.sqlite3"
    for person in PEOPLE:
        found = asyncio.run(_employee(database, person.nip))
        assert found.active == (person in remaining)


async def test_an_inactive_employee_can_do_nothing(harness: Harness, db: Database, office,
                                                   clock) -> None:
    await accounts.deactivate(db, nip=STAFF_A.nip, at=clock.now(), actor=audit.Actor.system())
    await harness.send(tg(STAFF_A), "/riwayat")
    assert "belum terdaftar" in harness.api.last_to(STAFF_A.telegram_id).text
    await harness.share_contact(tg(STAFF_A), "62" + STAFF_A.telepon[1:])
    assert "belum terdaftar" in harness.api.last_to(STAFF_A.telegram_id).text
    async with db.read() as conn:
        assert STAFF_A.nip not in {e.nip for e in await employees.subordinates(conn, KABID.nip)}


async def test_the_months_recap_stops_at_the_last_active_day(db: Database, office,
                                                              clock) -> None:
    await add_punches(db, STAFF_A, "2026-10-05 07:20:00", "2026-10-05 16:02:00")
    left = clock.now().replace(day=7)
    await accounts.deactivate(db, nip=STAFF_A.nip, at=left, actor=audit.Actor.system())
    # Left before the month began: not in it at all.
    await accounts.deactivate(db, nip=STAFF_B.nip, at=clock.now().replace(month=9, day=1),
                              actor=audit.Actor.system())
    month = await attendance.month_attendance(db, AttendancePolicy(),
                                              OfficeCalendar(CalendarRules()), 2026, 10,
                                              today=dt.date(2026, 10, 9))
    people = {e.nip: e for e in month.employees}
    assert STAFF_B.nip not in people
    days = {d.day: d.codes for d in people[STAFF_A.nip].days}
    assert days[dt.date(2026, 10, 5)] == ("H",)
    assert days[dt.date(2026, 10, 6)] == ("TK",)
    assert days[dt.date(2026, 10, 7)] == () and days[dt.date(2026, 10, 8)] == ()
    assert people[STAFF_A.nip].totals["TK"] == 3     # 1, 2 and 6 October: not after the 7th


async def test_check_bindings_lists_what_would_not_bind_today(
        tmp_path: Path, clock, capsys: pytest.CaptureFixture[str]) -> None:
    config = _config(tmp_path)
    database = tmp_path / "presensi.sqlite3"
    db = await open_database(database)
    await seed_office(db, tmp_path, clock.now(), bind=False)
    # Bound by contact before the number was kept (e.g. a Hong Kong account), and by operator.
    await employees.bind_telegram(db, nip=STAFF_A.nip, telegram_user_id=77001, chat_id=77001,
                                  at=clock.now(), actor=audit.Actor.system(), via="contact")
    await employees.link_by_operator(db, nip=STAFF_B.nip, telegram_user_id=77002,
                                     at=clock.now())
    await employees.register_by_contact(db, sender_id=77003, chat_id=77003,
                                        contact_user_id=77003,
                                        phone_number="62" + KABID.telepon[1:], at=clock.now())
    await db.close()
    code = await asyncio.to_thread(main, ["--config", str(config), "check-bindings"])
    out = capsys.readouterr().out
    assert code == 1
    assert STAFF_A.nip in out and "tidak tercatat" in out
    assert STAFF_B.nip not in out and KABID.nip not in out


async def test_an_inactive_employee_gets_no_alerts(harness: Harness, db: Database, office,
                                                   clock) -> None:
    """Staff A and Staff B have no scan on Monday morning; only Staff B is still active."""
    await accounts.deactivate(db, nip=STAFF_A.nip, at=clock.now(), actor=audit.Actor.system())
    services = harness.application.bot_data["services"]
    notices = await alerts.plan_morning(db, services.settings.attendance, services.calendar,
                                        clock.now())
    about = {n.recipient.nip for n in notices} | {n.about_nip for n in notices}
    assert STAFF_B.nip in about and STAFF_A.nip not in about
    assert all(STAFF_A.nama not in n.detail for n in notices)
