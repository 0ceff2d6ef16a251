"""month_attendance / day_statuses / tk_days against a real SQLite file."""

from __future__ import annotations

import datetime as dt
import random

from services import attendance
from services import attendance_rules as rules
from services.attendance_policy import AttendancePolicy, TppPolicy
from services.calendar import CalendarRules, OfficeCalendar
from services.storage import Database
from tests.conftest import WIB
from tests.support.attendance import add_absence, add_punches
from tests.support.office import KABID, KEPALA, STAFF_A, STAFF_B, STAFF_C

POLICY = AttendancePolicy()
CALENDAR = OfficeCalendar(CalendarRules())


async def test_month_attendance_joins_machines_absences_and_calendar(db: Database,
                                                                     office) -> None:
    # Staff A: two machines (IN on one, OUT on the other), late on Tuesday.
    await add_punches(db, STAFF_A, "2026-10-05 07:20:00", serial="MESIN-A")
    await add_punches(db, STAFF_A, "2026-10-05 16:02:00", serial="MESIN-B")
    await add_punches(db, STAFF_A, "2026-10-06 07:45:00", "2026-10-06 16:01:00")
    await add_absence(db, STAFF_B, "2026-10-05", "S")
    await add_absence(db, STAFF_B, "2026-10-06", "I", part="arrive_late")
    await add_punches(db, STAFF_B, "2026-10-06 09:10:00", "2026-10-06 16:00:00")

    month = await attendance.month_attendance(db, POLICY, CALENDAR, 2026, 10,
                                              today=dt.date(2026, 10, 7))
    assert month.year == 2026 and month.month == 10
    assert len(month.working_days) == 22
    assert month.days_off[dt.date(2026, 10, 3)] == "Akhir pekan"
    people = {e.nip: e for e in month.employees}
    assert set(people) == {p.nip for p in office}

    a = people[STAFF_A.nip]
    by_day = {d.day: d for d in a.days}
    assert by_day[dt.date(2026, 10, 5)].codes == ("H",)
    assert by_day[dt.date(2026, 10, 5)].last_out == dt.datetime(2026, 10, 5, 16, 2, tzinfo=WIB)
    assert by_day[dt.date(2026, 10, 6)].codes == ("TL1",)
    assert by_day[dt.date(2026, 10, 7)].codes == ("TK",)        # today, classified as over
    assert by_day[dt.date(2026, 10, 8)].codes == ()              # after today: no status
    assert by_day[dt.date(2026, 10, 3)].codes == ("L",)
    # 1, 2 and 7 October have no scan; 3 and 4 are the weekend.
    assert a.totals == {"TK": 3, "L": 2, "H": 1, "TL1": 1}
    assert a.late_minutes == 15
    assert a.tpp_deduction_percent == 0.5 + 3 * 3.0

    b = {d.day: d for d in people[STAFF_B.nip].days}
    assert b[dt.date(2026, 10, 5)].codes == ("S",)
    assert b[dt.date(2026, 10, 6)].codes == ("H",)               # late, but with a permit
    assert month.employees[0].jabatan


async def test_month_attendance_today_running_when_now_is_given(db: Database, office) -> None:
    await add_punches(db, STAFF_A, "2026-10-05 07:45:00")
    now = dt.datetime(2026, 10, 5, 10, 0, tzinfo=WIB)
    month = await attendance.month_attendance(db, POLICY, CALENDAR, 2026, 10,
                                              today=now.date(), now=now, nips={STAFF_A.nip})
    assert [e.nip for e in month.employees] == [STAFF_A.nip]
    today = next(d for d in month.employees[0].days if d.day == now.date())
    assert today.codes == ("TL1",)


async def test_day_statuses_for_everyone_in_one_call(db: Database, office) -> None:
    await add_punches(db, STAFF_A, "2026-10-05 07:25:00")
    await add_punches(db, KABID, "2026-10-05 07:52:00")
    await add_absence(db, STAFF_C, "2026-10-05", "DL")
    now = dt.datetime(2026, 10, 5, 8, 0, tzinfo=WIB)
    statuses = await attendance.day_statuses(db, POLICY, CALENDAR, now.date(), now)
    assert statuses[STAFF_A.nip].codes == ("H",)
    assert statuses[KABID.nip].codes == ("TL1",)
    assert statuses[STAFF_C.nip].codes == ("DL",)
    assert statuses[KEPALA.nip].codes == ()
    assert statuses[STAFF_B.nip].first_in is None


async def test_tk_days_counts_only_working_days_without_valid_scan_or_absence(
        db: Database, office) -> None:
    await add_punches(db, STAFF_A, "2026-10-05 07:25:00")
    await add_punches(db, STAFF_A, "2026-10-06 05:30:00")      # outside the window
    await add_absence(db, STAFF_A, "2026-10-07", "S")
    await add_absence(db, STAFF_A, "2026-10-08", "I", part="leave_early")
    found = await attendance.tk_days(db, POLICY, CALENDAR, dt.date(2026, 10, 3),
                                     dt.date(2026, 10, 9))
    assert found[STAFF_A.nip] == {dt.date(2026, 10, 6), dt.date(2026, 10, 8),
                                  dt.date(2026, 10, 9)}
    assert len(found[STAFF_B.nip]) == 5


async def test_tk_days_ignore_days_before_any_data_and_before_registration(
        db: Database, office) -> None:
    # The office was registered on 5 October (the clock of the office fixture).
    nothing = await attendance.tk_days(db, POLICY, CALENDAR, dt.date(2026, 1, 1),
                                       dt.date(2026, 10, 9))
    assert nothing[STAFF_B.nip] == set()                        # no scan in the database yet
    await add_punches(db, STAFF_A, "2026-09-28 07:25:00")
    found = await attendance.tk_days(db, POLICY, CALENDAR, dt.date(2026, 1, 1),
                                     dt.date(2026, 10, 9))
    assert min(found[STAFF_B.nip]) == dt.date(2026, 10, 5)
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET created_at = '2026-01-01T00:00:00+07:00'")
    found = await attendance.tk_days(db, POLICY, CALENDAR, dt.date(2026, 1, 1),
                                     dt.date(2026, 10, 9))
    assert min(found[STAFF_B.nip]) == dt.date(2026, 9, 28)      # the first day with data
    assert dt.date(2026, 9, 28) not in found[STAFF_A.nip]


async def test_lost_minutes_match_classify_day_over_a_period(db: Database, office) -> None:
    # Staff A: late 60 (two machines, the earlier scan counts), early 30, and a late day under a
    # permit. Staff B: punctual, and on a Saturday off 120 "late" that is no working day.
    await add_punches(db, STAFF_A, "2026-10-05 08:30:00", "2026-10-05 16:05:00")
    await add_punches(db, STAFF_A, "2026-10-05 08:45:00", serial="MESIN-2")
    await add_punches(db, STAFF_A, "2026-10-06 07:20:00", "2026-10-06 15:30:00")
    await add_punches(db, STAFF_A, "2026-10-07 10:00:00", "2026-10-07 16:00:00")
    await add_absence(db, STAFF_A, "2026-10-07", "I", part="arrive_late")
    await add_punches(db, STAFF_B, "2026-10-05 07:25:00", "2026-10-05 16:00:00",
                      "2026-10-10 09:30:00", "2026-10-10 12:00:00")
    found = await attendance.lost_minutes(db, POLICY, CALENDAR, dt.date(2026, 10, 1),
                                          dt.date(2026, 10, 10))
    assert found[STAFF_A.nip] == rules.LostMinutes(late=60, early=30)
    assert found.get(STAFF_B.nip, rules.LostMinutes()).total == 0
    only_b = await attendance.lost_minutes(db, POLICY, CALENDAR, dt.date(2026, 10, 1),
                                           dt.date(2026, 10, 10), nips={STAFF_B.nip})
    assert STAFF_A.nip not in only_b


async def test_an_absence_carries_the_agenda_number_of_its_request(db: Database, office) -> None:
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "INSERT INTO requests (nip, type, start_date, end_date, working_days, reason, status,"
            " agenda_number, created_at, updated_at) VALUES (?, 'sakit', '2026-10-05',"
            " '2026-10-05', 1, 'Demam', 'disetujui', '800/017/DISKOMINFO/2026',"
            " '2026-10-05T07:00:00+07:00', '2026-10-05T07:30:00+07:00')", (STAFF_A.nip,))
        request_id = cursor.lastrowid
        await conn.execute("INSERT INTO absence_days (nip, day, part, code, request_id)"
                           " VALUES (?, '2026-10-05', 'full', 'S', ?)", (STAFF_A.nip, request_id))
    now = dt.datetime(2026, 10, 5, 9, 0, tzinfo=WIB)
    statuses = await attendance.day_statuses(db, POLICY, CALENDAR, now.date(), now)
    assert statuses[STAFF_A.nip].codes == ("S",)
    assert statuses[STAFF_A.nip].note == "800/017/DISKOMINFO/2026"


async def test_a_part_day_permit_excuses_only_up_to_its_time(db: Database, office) -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO absence_days (nip, day, part, code, part_time) "
                           "VALUES (?, '2026-10-06', 'arrive_late', 'I', '09:00')",
                           (STAFF_C.nip,))
    await add_punches(db, STAFF_C, "2026-10-06 09:20:00", "2026-10-06 16:00:00")
    month = await attendance.month_attendance(db, POLICY, CALENDAR, 2026, 10,
                                              today=dt.date(2026, 10, 7))
    [c] = [e for e in month.employees if e.nip == STAFF_C.nip]
    day = next(d for d in c.days if d.day == dt.date(2026, 10, 6))
    assert day.codes == ("TL1",) and day.late_minutes == 20


async def test_month_attendance_matches_classify_day_for_every_employee_day(
        db: Database, office) -> None:
    """Random scans, full and part-day absences, two machines and the running day:
    every day of the month is what classify_day makes of that day's own rows."""
    rng = random.Random(5)
    people = (STAFF_A, STAFF_B, STAFF_C, KABID, KEPALA)
    days = [dt.date(2026, 10, d) for d in range(1, 15)]
    stamps: dict[tuple[str, dt.date], list[dt.datetime]] = {}
    for person in people:
        for day in days:
            moments = [dt.datetime.combine(day, dt.time(5, 30)) + dt.timedelta(
                seconds=rng.randrange(13 * 3600)) for _ in range(rng.choice((0, 1, 2, 3)))]
            stamps[(person.nip, day)] = moments
            await add_punches(db, person, *(m.isoformat(sep=" ") for m in moments),
                              serial=f"MESIN-{rng.randrange(2)}")
    absences: dict[tuple[str, dt.date], list[rules.Absence]] = {}
    for person in people:
        for day in rng.sample(days, 4):
            code, part = rng.choice((("S", "full"), ("I", "arrive_late"),
                                     ("I", "leave_early"), ("DL", "full")))
            await add_absence(db, person, day.isoformat(), code, part=part)
            absences.setdefault((person.nip, day), []).append(rules.Absence(code, part))
    now = dt.datetime(2026, 10, 13, 11, 0, tzinfo=WIB)
    month = await attendance.month_attendance(db, POLICY, CALENDAR, 2026, 10,
                                              today=now.date(), now=now)
    by_nip = {e.nip: e for e in month.employees}
    for person in people:
        for status in by_nip[person.nip].days:
            day = status.day
            if day > now.date():
                assert status.codes == ()
                continue
            off = CALENDAR.day_off(day)
            valid = [m.replace(tzinfo=WIB) for m in stamps.get((person.nip, day), ())
                     if rules.in_window(m.time(), POLICY)]
            scans = sorted(valid)[:1] + sorted(valid)[-1:] if len(valid) > 1 else valid
            expected = rules.classify_day(
                day, POLICY, off=off.name if off else None, punches=scans,
                absences=absences.get((person.nip, day), ()),
                now=now if day == now.date() else None)
            assert status == expected, (person.nip, day)


async def test_month_figures_are_those_of_its_days(db: Database, office) -> None:
    """Totals, minutes and TPP of every employee follow from the days month_attendance
    classified, in the order of the days (rates that are not binary fractions add up
    differently in another order), for a leaver, an employee without a machine id and scans
    two machines took in the same second."""
    policy = AttendancePolicy(tpp=TppPolicy(percent={
        "TL1": 0.1, "TL2": 0.7, "TL3": 1.3, "TL4": 1.9, "PSW1": 0.3, "PSW2": 0.9,
        "PSW3": 1.1, "PSW4": 1.7, "TAM": 1.3, "TAP": 0.7, "TK": 2.9, "S": 0.1},
        monthly_cap_percent=100.0))
    rng = random.Random(23)
    people = (STAFF_A, STAFF_B, STAFF_C, KABID)
    for person in people:
        for day in range(1, 21):
            moments = [dt.datetime(2026, 10, day, 6, 30) + dt.timedelta(
                seconds=rng.randrange(11 * 3600)) for _ in range(rng.choice((0, 1, 2, 2, 3)))]
            await add_punches(db, person, *(m.isoformat(sep=" ") for m in moments),
                              serial=f"MESIN-{rng.randrange(2)}")
        for day in rng.sample(range(1, 21), 3):
            await add_absence(db, person, f"2026-10-{day:02d}", "S")
    for serial in ("MESIN-0", "MESIN-1"):
        await add_punches(db, STAFF_A, "2026-10-21 07:40:00", "2026-10-22 07:41:00",
                          serial=serial)
    await add_absence(db, STAFF_A, "2026-10-22", "S")
    await add_absence(db, KEPALA, "2026-10-21", "S")
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET active = 0, deactivated_on = '2026-10-15'"
                           " WHERE nip = ?", (STAFF_C.nip,))
        await conn.execute("UPDATE employees SET device_user_id = NULL WHERE nip = ?",
                           (KEPALA.nip,))

    month = await attendance.month_attendance(db, policy, CALENDAR, 2026, 10,
                                              today=dt.date(2026, 10, 23))
    by_nip = {e.nip: e for e in month.employees}
    for employee in month.employees:
        codes = [code for day in employee.days for code in day.codes]
        assert list(employee.totals) == list(dict.fromkeys(codes))
        assert employee.totals == rules.code_totals(employee.days)
        assert employee.late_minutes == sum(day.late_minutes for day in employee.days)
        assert employee.early_minutes == sum(day.early_minutes for day in employee.days)
        total = 0.0
        for code in codes:
            total += policy.tpp.percent.get(code, 0.0)
        assert employee.tpp_deduction_percent == round(min(total, 100.0), 2)
    assert all(day.codes == () for day in by_nip[STAFF_C.nip].days
               if day.day >= dt.date(2026, 10, 15))
    assert any(day.codes for day in by_nip[STAFF_C.nip].days)
    kepala = {day.day: day for day in by_nip[KEPALA.nip].days}
    assert kepala[dt.date(2026, 10, 21)].codes == ("S",)
    assert kepala[dt.date(2026, 10, 20)].codes == ("TK",)
    a = {day.day: day for day in by_nip[STAFF_A.nip].days}
    once = dt.datetime(2026, 10, 21, 7, 40, tzinfo=WIB)
    assert a[dt.date(2026, 10, 21)] == rules.classify_day(
        dt.date(2026, 10, 21), policy, off=None, punches=[once, once])
    assert a[dt.date(2026, 10, 21)].codes == ("TL1", "TAP")
    twice = dt.datetime(2026, 10, 22, 7, 41, tzinfo=WIB)
    assert a[dt.date(2026, 10, 22)] == rules.classify_day(
        dt.date(2026, 10, 22), policy, off=None, punches=[twice, twice],
        absences=[rules.Absence("S")])
    assert a[dt.date(2026, 10, 22)].last_out == twice
