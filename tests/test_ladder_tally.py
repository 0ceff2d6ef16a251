"""The ladder's running tally equals the from-scratch count after every kind of change."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import random
from pathlib import Path

from bot.cli import main as cli_main
from bot.compute_pool import ComputePool
from bot.config import Settings
from services import attendance, ladder_tally
from services.attendance_policy import AttendancePolicy
from services.calendar import CalendarRules, OfficeCalendar
from services.storage import Database
from tests.support.attendance import add_absence, add_punches
from tests.support.office import PEOPLE, STAFF_A, STAFF_B, STAFF_C

SINCE = dt.date(2026, 7, 15)       # the lookback before the counted year, as plan_ladder uses
DATA_FROM = dt.date(2026, 8, 3)
UNTIL = dt.date(2026, 9, 30)


async def _month_of_punches(db: Database, calendar: OfficeCalendar) -> None:
    """Everyone registered on 1 August; from 3 August mostly on time, sometimes late, early,
    with a lone scan or absent (TK), and now and then on an approved absence."""
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET created_at = '2026-08-01T08:00:00+07:00'")
    rng = random.Random(17)
    for day in calendar.working_days(DATA_FROM, UNTIL):
        for person in PEOPLE:
            roll = rng.random()
            if roll < 0.08:
                continue
            if roll < 0.12:
                await add_absence(db, person, day.isoformat(), "S")
                continue
            arrive = f"07:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
            leave = f"{rng.choice((14, 15, 16, 17))}:{rng.randint(0, 59):02d}:00"
            stamps = [f"{day} {arrive}"] + ([] if roll < 0.16 else [f"{day} {leave}"])
            await add_punches(db, person, *stamps)


async def _check(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                 until: dt.date = UNTIL) -> ladder_tally.LadderData:
    await ladder_tally.refresh(db, policy, calendar, SINCE, until)
    data = await ladder_tally.read(db, 2026, SINCE, until)
    tk = await attendance.tk_days(db, policy, calendar, SINCE, until)
    minutes = await attendance.lost_minutes(db, policy, calendar, dt.date(2026, 1, 1), until)
    assert tk, "the office has enrolled employees"
    for nip, days in tk.items():
        tally = data.tally.get(nip, ladder_tally.YearTally(0, attendance.rules.LostMinutes()))
        assert tally.tk_days == len(days), nip
        assert data.tk_dates.get(nip, set()) == days, nip
        assert tally.minutes == minutes.get(nip, attendance.rules.LostMinutes()), nip
    return data


def _tk(data: ladder_tally.LadderData, nip: str) -> int:
    return data.tally[nip].tk_days if nip in data.tally else 0


async def test_the_tally_follows_every_kind_of_change(settings: Settings, db: Database,
                                                      office) -> None:
    policy, calendar = settings.attendance, OfficeCalendar(settings.calendar)
    await _month_of_punches(db, calendar)
    first = await _check(db, policy, calendar)
    assert sum(t.tk_days for t in first.tally.values()) > 0
    assert sum(t.minutes.total for t in first.tally.values()) > 0

    # A day counted as TK gets its sick leave approved afterwards.
    nip, tk_dates = next((n, d) for n, d in first.tk_dates.items() if d)
    person = next(p for p in PEOPLE if p.nip == nip)
    excused = min(tk_dates)
    await add_absence(db, person, excused.isoformat(), "S")
    after_leave = await _check(db, policy, calendar)
    assert _tk(after_leave, nip) == _tk(first, nip) - 1

    # A permit to arrive late approved after the day: its late minutes no longer count.
    late_day = dt.date(2026, 9, 1)
    await add_punches(db, STAFF_A, f"{late_day} 10:00:00")
    before = (await _check(db, policy, calendar)).tally[STAFF_A.nip].minutes
    await add_absence(db, STAFF_A, late_day.isoformat(), "I", part="arrive_late")
    after = (await _check(db, policy, calendar)).tally[STAFF_A.nip].minutes
    assert after.late < before.late

    # A late ADMS upload: scans of a day counted as TK arrive a week later.
    day, who = next((d, p) for p in PEOPLE for d in sorted(first.tk_dates.get(p.nip, ()))
                    if d != excused)
    await add_punches(db, who, f"{day} 07:25:00", f"{day} 15:00:00", serial="ADMS-9",
                      received="2026-10-01T09:00:00+07:00")
    uploaded = await _check(db, policy, calendar)
    assert day not in uploaded.tk_dates.get(who.nip, set())

    # A new punch for a past day moves its last scan: an early leave is no longer early.
    await add_punches(db, STAFF_B, "2026-09-15 07:10:00", "2026-09-15 14:00:00")
    await _check(db, policy, calendar)
    await add_punches(db, STAFF_B, "2026-09-15 16:30:00")
    await _check(db, policy, calendar)

    # Scans older than anything before: the days from then on are counted too.
    await add_punches(db, STAFF_C, "2026-07-28 07:20:00", "2026-07-28 16:05:00")
    older = await _check(db, policy, calendar)
    assert any(dt.date(2026, 7, 28) < d < DATA_FROM for days in older.tk_dates.values()
               for d in days) is False    # nobody was registered before 1 August

    # Next morning: one more day, counted once.
    await add_punches(db, STAFF_C, "2026-10-01 09:00:00")
    await _check(db, policy, calendar, until=dt.date(2026, 10, 1))

    # Machine id taken away and given again, a registration date corrected, a deactivation.
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET device_user_id = NULL WHERE nip = ?",
                           (STAFF_C.nip,))
        await conn.execute("UPDATE employees SET created_at = '2026-09-10T08:00:00+07:00'"
                           " WHERE nip = ?", (STAFF_B.nip,))
    await _check(db, policy, calendar, until=dt.date(2026, 10, 1))
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET device_user_id = ? WHERE nip = ?",
                           (STAFF_C.device_user_id, STAFF_C.nip))
    await _check(db, policy, calendar, until=dt.date(2026, 10, 1))

    # A holiday declared afterwards for a counted day, and a different grace period.
    declared = OfficeCalendar(CalendarRules(local_holidays={dt.date(2026, 9, 2): "Hari Jadi"}))
    await _check(db, policy, declared, until=dt.date(2026, 10, 1))
    lenient = dataclasses.replace(policy, grace_minutes=10)
    await _check(db, lenient, declared, until=dt.date(2026, 10, 1))

    # Rebuilt from nothing, the tally is the same.
    kept = await ladder_tally.read(db, 2026, SINCE, dt.date(2026, 10, 1))
    await ladder_tally.rebuild(db, lenient, declared, SINCE, dt.date(2026, 10, 1))
    assert await ladder_tally.read(db, 2026, SINCE, dt.date(2026, 10, 1)) == kept


async def test_a_day_is_counted_once(settings: Settings, db: Database, office) -> None:
    policy, calendar = settings.attendance, OfficeCalendar(settings.calendar)
    await _month_of_punches(db, calendar)
    first = await ladder_tally.refresh(db, policy, calendar, SINCE, UNTIL)
    assert first.days == (UNTIL - DATA_FROM).days + 1
    again = await ladder_tally.refresh(db, policy, calendar, SINCE, UNTIL)
    assert again.days == 0
    # Today's scans are past the horizon: nothing to count again tomorrow but tomorrow's day.
    await add_punches(db, STAFF_A, "2026-10-01 07:00:00")
    assert (await ladder_tally.refresh(db, policy, calendar, SINCE, UNTIL)).days == 0
    await add_punches(db, STAFF_A, "2026-09-29 07:00:00")
    assert (await ladder_tally.refresh(db, policy, calendar, SINCE, UNTIL)).days == 1


async def test_rebuild_tally_command(settings: Settings, config_path: Path, db: Database,
                                     office, capsys) -> None:
    policy, calendar = settings.attendance, OfficeCalendar(settings.calendar)
    await add_punches(db, STAFF_A, "2026-09-01 09:00:00", "2026-09-01 15:00:00")
    await ladder_tally.refresh(db, policy, calendar, SINCE, UNTIL)
    async with db.transaction() as conn:
        # A tally gone wrong (edited by hand): the command puts it right.
        await conn.execute("UPDATE ladder_tally SET late_minutes = 999")
    assert await asyncio.to_thread(
        cli_main, ["--config", str(config_path), "rebuild-tally", "--tahun", "2026"]) == 0
    assert "Hitungan PP 94/2021 disusun ulang" in capsys.readouterr().out
    data = await ladder_tally.read(db, 2026, SINCE, UNTIL)
    assert data.tally[STAFF_A.nip].minutes.late == 90
    assert data.tally[STAFF_A.nip].minutes.early == 60


async def test_each_day_is_counted_by_its_own_hours_and_permits(settings: Settings,
                                                                 db: Database, office) -> None:
    """Ramadan hours (08:00–15:00 from 19 February 2026), Friday's later end, grace, lone
    scans and part-day permits with and without a time: the day-by-day count equals the
    from-scratch one."""
    policy = dataclasses.replace(settings.attendance, grace_minutes=3)
    calendar = OfficeCalendar(settings.calendar)
    since, until = dt.date(2026, 2, 2), dt.date(2026, 3, 31)
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET created_at = '2026-02-01T08:00:00+07:00'")
    rng = random.Random(94)
    for day in calendar.working_days(since, until):
        for person in PEOPLE:
            roll = rng.random()
            if roll < 0.05:
                continue
            # Around each start and end: on time by one schedule, late or early by another.
            arrive = (dt.datetime(2026, 1, 1, 7, 20) + dt.timedelta(
                seconds=rng.randrange(3600))).strftime("%H:%M:%S")
            leave = (dt.datetime(2026, 1, 1, 14, 50) + dt.timedelta(
                seconds=rng.randrange(2 * 3600))).strftime("%H:%M:%S")
            await add_punches(db, person, *([f"{day} {arrive}"] if roll < 0.1 else
                                            [f"{day} {arrive}", f"{day} {leave}"]))
            if roll > 0.9:
                part = rng.choice(("arrive_late", "leave_early"))
                at = rng.choice((None, "08:15", "15:00"))
                async with db.transaction() as conn:
                    await conn.execute(
                        "INSERT INTO absence_days (nip, day, part, code, part_time)"
                        " VALUES (?, ?, ?, 'I', ?)", (person.nip, day.isoformat(), part, at))
    await ladder_tally.refresh(db, policy, calendar, since, until)
    data = await ladder_tally.read(db, 2026, since, until)
    tk = await attendance.tk_days(db, policy, calendar, since, until)
    minutes = await attendance.lost_minutes(db, policy, calendar, since, until)
    assert sum(m.total for m in minutes.values()) > 0 and any(tk.values())
    for nip, days in tk.items():
        tally = data.tally.get(nip, ladder_tally.YearTally(0, attendance.rules.LostMinutes()))
        assert (tally.tk_days, data.tk_dates.get(nip, set())) == (len(days), days), nip
        assert tally.minutes == minutes.get(nip, attendance.rules.LostMinutes()), nip


async def test_a_day_written_in_pieces_is_right_even_when_cut_short(
        settings: Settings, db: Database, office, monkeypatch) -> None:
    """A day's marks are written a few employees at a time (so the chat's writes never wait
    behind a province's whole day); the tally is right after every piece, and a day whose
    last piece never committed is counted again, whole, by the next run."""
    policy, calendar = settings.attendance, OfficeCalendar(settings.calendar)
    monkeypatch.setattr(ladder_tally, "MARKS_AT_ONCE", 2)
    await _month_of_punches(db, calendar)
    await _check(db, policy, calendar)
    # A late permit changes one past day; its recount is cut short after the first piece.
    await add_absence(db, STAFF_B, "2026-09-01", "S")
    real_apply, calls = ladder_tally._apply, []

    async def failing_apply(conn, day, marks, span):  # type: ignore[no-untyped-def]
        calls.append(day)
        if len(calls) == 2:
            raise OSError("disk gone")
        await real_apply(conn, day, marks, span)

    monkeypatch.setattr(ladder_tally, "_apply", failing_apply)
    try:
        await ladder_tally.refresh(db, policy, calendar, SINCE, UNTIL)
    except OSError:
        pass
    else:
        raise AssertionError("the second piece was written")
    assert calls == [dt.date(2026, 9, 1)] * 2
    monkeypatch.setattr(ladder_tally, "_apply", real_apply)
    await _check(db, policy, calendar)


async def test_days_counted_in_the_compute_process_write_the_same_tally(
        settings: Settings, db: Database, office, monkeypatch) -> None:
    """As the bot runs it: each chunk of days is classified in the compute process, which
    sends back each day's pieces already encoded; the bot process only writes them."""
    policy, calendar = settings.attendance, OfficeCalendar(settings.calendar)
    monkeypatch.setattr(ladder_tally, "MARKS_AT_ONCE", 2)
    await _month_of_punches(db, calendar)
    pool = ComputePool(workers=1)
    db.use_runner(pool)
    try:
        await _check(db, policy, calendar)
        counted = pool.spent.calls
        assert counted >= 1
        # A permit approved after the fact: the day is counted again, in the worker again.
        await add_absence(db, STAFF_B, "2026-09-01", "S")
        await _check(db, policy, calendar)
        assert pool.spent.calls > counted
    finally:
        db.use_runner(None)
        pool.close()
