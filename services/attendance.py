"""Attendance figures from the database: punches of every machine joined to employees through
device_user_id, and approved absences, classified by services.attendance_rules.

Each call reads its whole period in a few queries (employees, punches, absences), never one per
employee-day, so a month of a large office costs one scan of the punches_date index.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

import aiosqlite

from services import attendance_rules as rules
from services.attendance_model import DayStatus, EmployeeMonth, MonthAttendance
from services.attendance_policy import AttendancePolicy
from services.calendar import OfficeCalendar, month_days
from services.employees import Employee, active_during, all_active
from services.storage import Database

PunchMap = dict[tuple[str, dt.date], list[dt.datetime]]
AbsenceMap = dict[tuple[str, dt.date], list[rules.Absence]]


@dataclass(frozen=True)
class _Period:
    employees: list[Employee]
    punches: PunchMap
    absences: AbsenceMap


async def _punches(conn: aiosqlite.Connection, start: dt.date, end: dt.date,
                   nips: set[str] | None) -> PunchMap:
    found: PunchMap = defaultdict(list)
    async with conn.execute(
        "SELECT e.nip, p.local_date, p.punched_at FROM punches p "
        "JOIN employees e ON e.device_user_id = p.device_user_id "
        "WHERE p.local_date BETWEEN ? AND ?", (start.isoformat(), end.isoformat()),
    ) as cursor:
        async for nip, local_date, punched_at in cursor:
            if nips is None or nip in nips:
                found[(nip, dt.date.fromisoformat(local_date))].append(
                    dt.datetime.fromisoformat(punched_at))
    return found


async def _absences(conn: aiosqlite.Connection, start: dt.date, end: dt.date,
                    nips: set[str] | None) -> AbsenceMap:
    found: AbsenceMap = defaultdict(list)
    # The approved request's agenda number becomes the day's note (shown in recaps).
    async with conn.execute(
        "SELECT a.nip, a.day, a.part, a.code, r.agenda_number FROM absence_days a "
        "LEFT JOIN requests r ON r.id = a.request_id WHERE a.day BETWEEN ? AND ?",
        (start.isoformat(), end.isoformat()),
    ) as cursor:
        async for nip, day, part, code, agenda in cursor:
            if nips is None or nip in nips:
                found[(nip, dt.date.fromisoformat(day))].append(
                    rules.Absence(code, part, agenda or ""))
    return found


async def _load(db: Database, start: dt.date, end: dt.date,
                nips: set[str] | None = None, *, with_leavers: bool = False) -> _Period:
    async with db.read() as conn:
        # A month's figures include whoever left during it, up to their last active day.
        people = await (active_during(conn, start) if with_leavers else all_active(conn))
        if nips is not None:
            people = [e for e in people if e.nip in nips]
        punches = await _punches(conn, start, end, nips)
        absences = await _absences(conn, start, end, nips)
    return _Period(people, punches, absences)


def _status(period: _Period, policy: AttendancePolicy, nip: str, day: dt.date,
            off: str | None, now: dt.datetime | None) -> DayStatus:
    return rules.classify_day(day, policy, off=off, punches=period.punches.get((nip, day), ()),
                              absences=period.absences.get((nip, day), ()), now=now)


def _employee_month(employee: Employee, days: tuple[DayStatus, ...],
                    policy: AttendancePolicy) -> EmployeeMonth:
    return EmployeeMonth(
        nip=employee.nip, nama=employee.nama, golongan=employee.golongan,
        jabatan=employee.jabatan, unit=employee.unit, days=days,
        totals=rules.code_totals(days),
        late_minutes=sum(d.late_minutes for d in days),
        early_minutes=sum(d.early_minutes for d in days),
        tpp_deduction_percent=rules.tpp_deduction(days, policy.tpp),
    )


async def month_attendance(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                           year: int, month: int, *, today: dt.date,
                           now: dt.datetime | None = None,
                           nips: set[str] | None = None) -> MonthAttendance:
    """Every employee active in the month. Days after `today`, and from the day an employee was
    deactivated, get no status (empty codes); `today`
    itself is classified as still running at `now` when given, else as a finished day.
    `nips` limits the employees (a personal statement)."""
    days = month_days(year, month)
    offs = {day: calendar.day_off(day) for day in days}
    period = await _load(db, days[0], days[-1], nips, with_leavers=True)
    running = now if now is not None and now.date() == today else None
    people = []
    for employee in period.employees:
        statuses = []
        for day in days:
            left = employee.deactivated_on is not None and day >= employee.deactivated_on
            if day > today or left:
                statuses.append(DayStatus(day, ()))
                continue
            off = offs[day]
            statuses.append(_status(period, policy, employee.nip, day,
                                    off.name if off else None,
                                    running if day == today else None))
        people.append(_employee_month(employee, tuple(statuses), policy))
    return MonthAttendance(
        year=year, month=month,
        working_days=tuple(day for day in days if offs[day] is None),
        days_off={day: off.name for day, off in offs.items() if off is not None},
        employees=tuple(people),
    )


async def day_statuses(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                       day: dt.date, now: dt.datetime,
                       nips: set[str] | None = None) -> dict[str, DayStatus]:
    """Every active employee's status on `day` as known at `now` (`nips` limits them)."""
    off = calendar.day_off(day)
    period = await _load(db, day, day, nips)
    return {e.nip: _status(period, policy, e.nip, day, off.name if off else None, now)
            for e in period.employees}


async def tk_days(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                  start: dt.date, end: dt.date) -> dict[str, set[dt.date]]:
    """TK working days from start to end (finished days) of employees with a machine id.

    Days before the office's first recorded scan, and before the employee was registered, are
    not counted: there is no data to judge them by (a bot installed in October must not count
    January to September as absence).

    A year of punches is too much to classify scan by scan every morning, so this asks SQLite
    only which (employee, day) pairs have a scan inside the window: the wall-clock time is
    characters 12–19 of punched_at ("2026-10-05T07:31:00+07:00"), compared as text against the
    same window classify_day uses.
    """
    async with db.read() as conn:
        people = [e for e in await all_active(conn) if e.device_user_id]
        async with conn.execute("SELECT min(local_date) FROM punches") as cursor:
            row = await cursor.fetchone()
        if row is None or row[0] is None:
            return {e.nip: set() for e in people}
        data_start = dt.date.fromisoformat(row[0])
        async with conn.execute("SELECT nip, substr(created_at, 1, 10) FROM employees") as cursor:
            registered = {nip: dt.date.fromisoformat(day) async for nip, day in cursor}
        scanned: set[tuple[str, str]] = set()
        async with conn.execute(
            "SELECT DISTINCT e.nip, p.local_date FROM punches p "
            "JOIN employees e ON e.device_user_id = p.device_user_id "
            "WHERE p.local_date BETWEEN ? AND ? AND substr(p.punched_at, 12, 8) BETWEEN ? AND ?",
            (start.isoformat(), end.isoformat(), policy.window_start.isoformat(),
             policy.window_end.isoformat()),
        ) as cursor:
            async for nip, local_date in cursor:
                scanned.add((nip, local_date))
        away: set[tuple[str, str]] = set()
        async with conn.execute(
            "SELECT nip, day FROM absence_days WHERE part = 'full' AND day BETWEEN ? AND ?",
            (start.isoformat(), end.isoformat()),
        ) as cursor:
            async for nip, day in cursor:
                away.add((nip, day))
    working = calendar.working_days(max(start, data_start), end)
    result: dict[str, set[dt.date]] = {}
    for employee in people:
        since = registered.get(employee.nip, data_start)
        result[employee.nip] = {
            day for day in working
            if day >= since and rules.is_tk_day(
                working=True, has_valid_scan=(employee.nip, day.isoformat()) in scanned,
                full_absence=(employee.nip, day.isoformat()) in away)}
    return result


async def lost_minutes(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                       start: dt.date, end: dt.date, *,
                       nips: set[str] | None = None) -> dict[str, rules.LostMinutes]:
    """Unexcused late and early minutes from start to end (finished days) per employee with a
    scan in that period (`nips` limits them), as classify_day counts them.

    classify_day needs only the first and the last valid scan of a day, so SQLite returns those
    per (employee, day), and only for days that may hold minutes: a first scan from the
    earliest start of work on, or a last scan before the latest end. The punctual majority
    never reaches Python.
    """
    window = (policy.window_start.isoformat(), policy.window_end.isoformat())
    wanted = ""
    params: list[str] = [start.isoformat(), end.isoformat(), *window]
    if nips is not None:
        wanted = f" AND e.nip IN ({', '.join('?' * len(nips))})"
        params += sorted(nips)
    params += [policy.earliest_start.isoformat(), policy.latest_end.isoformat()]
    found: dict[str, list[tuple[dt.date, str, str]]] = defaultdict(list)
    async with db.read() as conn:
        async with conn.execute(
            "SELECT e.nip, p.local_date, min(substr(p.punched_at, 12, 8)),"
            " max(substr(p.punched_at, 12, 8)) FROM punches p "
            "JOIN employees e ON e.device_user_id = p.device_user_id "
            "WHERE p.local_date BETWEEN ? AND ? AND substr(p.punched_at, 12, 8) BETWEEN ? AND ?"
            f"{wanted} GROUP BY e.nip, p.local_date "
            "HAVING min(substr(p.punched_at, 12, 8)) > ? OR max(substr(p.punched_at, 12, 8)) < ?",
            params,
        ) as cursor:
            async for nip, local_date, first, last in cursor:
                found[nip].append((dt.date.fromisoformat(local_date), first, last))
        absences = await _absences(conn, start, end, nips)
    offs: dict[dt.date, bool] = {}
    result: dict[str, rules.LostMinutes] = {}
    for nip, days in found.items():
        statuses = []
        for day, first, last in days:
            if day not in offs:
                offs[day] = calendar.day_off(day) is not None
            if offs[day]:
                continue
            scans = [dt.datetime.combine(day, dt.time.fromisoformat(t)) for t in (first, last)]
            statuses.append(rules.classify_day(day, policy, off=None, punches=scans,
                                               absences=absences.get((nip, day), ())))
        result[nip] = rules.lost_minutes(statuses)
    return result
