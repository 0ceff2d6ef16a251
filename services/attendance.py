"""Attendance figures from the database: punches of every machine joined to employees through
device_user_id, and approved absences, classified by services.attendance_rules.

Each call reads its whole period in a few queries, never one per employee-day, and runs as one
Database.snapshot: its queries and its classification happen in a worker thread on a read
connection of their own, so a month of a province never holds the chat. SQLite hands back one
row per employee-day (the first and last valid scan and how many there were, which is all
classify_day looks at) a day at a time off one index, and each is classified as it comes in:
the punches of the whole office are never held at once, and a finished working day's hours
are worked out once for everyone (rules.classify_finished). Everyone's month starts as one
shared template of the days nobody's scans change (days off, days to come, TK), and only
the days someone's scans, absences or the running day touch are worked out for them.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterator
from operator import attrgetter
from typing import cast

from services import attendance_rules as rules
from services import location
from services.attendance_model import DayStatus, EmployeeMonth, MonthAttendance
from services.attendance_policy import AttendancePolicy
from services.calendar import OfficeCalendar, month_days
from services.employees import Employee, active_in
from services.storage import Database
from services.storage.collector import full_collections_held

AbsenceMap = dict[tuple[str, dt.date], list[rules.Absence]]
# The valid scans of one employee-day: the first and last punched_at, and how many.
Scans = tuple[str, str, int]


def _in_list(values: set[str]) -> str:
    return ", ".join("?" * len(values))


def _scans(conn: sqlite3.Connection, policy: AttendancePolicy, day: dt.date,
           users: set[str] | None) -> Iterator[tuple[str, str, str, int, int]]:
    """(machine id, first, last, count, ordered) of every machine id with a valid scan on
    `day`, straight off the punches_day_user index (migration 0130). The wall-clock time is
    characters 12–19 of punched_at ("2026-10-05T07:31:00+07:00"), compared as text against
    the window classify_day uses. `ordered` is 1 when first and last are two moments in the
    order the text says (written alike, with the same offset), which spares comparing them
    as datetimes."""
    wanted = f" AND device_user_id IN ({_in_list(users)})" if users is not None else ""
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(
        "SELECT device_user_id, min(punched_at), max(punched_at), count(*),"
        " min(punched_at) < max(punched_at)"
        " AND substr(min(punched_at), 11, 1) = substr(max(punched_at), 11, 1)"
        " AND substr(min(punched_at), 20) = substr(max(punched_at), 20)"
        f" FROM punches WHERE local_date = ? AND substr(punched_at, 12, 8) BETWEEN ? AND ?{wanted}"
        " GROUP BY device_user_id",
        (day.isoformat(), policy.window_start.isoformat(), policy.window_end.isoformat(),
         *sorted(users or ())))
    return iter(cursor)


def _punches(scans: Scans | None) -> list[dt.datetime]:
    if scans is None:
        return []
    first, last, count = scans
    if count == 1:
        return [dt.datetime.fromisoformat(first)]
    return [dt.datetime.fromisoformat(first), dt.datetime.fromisoformat(last)]


def absences_in(conn: sqlite3.Connection, start: dt.date, end: dt.date,
                nips: set[str] | None) -> AbsenceMap:
    """The approved absences of the period per (NIP, day), inside a snapshot."""
    found: AbsenceMap = defaultdict(list)
    wanted = f" AND a.nip IN ({_in_list(nips)})" if nips is not None else ""
    # The approved request's agenda number becomes the day's note (shown in recaps).
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(
        "SELECT a.nip, a.day, a.part, a.code, r.agenda_number, a.part_time FROM absence_days a "
        f"LEFT JOIN requests r ON r.id = a.request_id WHERE a.day BETWEEN ? AND ?{wanted}",
        (start.isoformat(), end.isoformat(), *sorted(nips or ())))
    for nip, day, part, code, agenda, part_time in cursor:
        found[(nip, dt.date.fromisoformat(day))].append(rules.Absence(
            code, part, agenda or "", dt.time.fromisoformat(part_time) if part_time else None))
    return found


def _people(conn: sqlite3.Connection, nips: set[str] | None,
            leavers_since: dt.date | None = None) -> list[Employee]:
    """The active employees (`nips` limits them); with `leavers_since`, also those who left
    after that day (a month's figures include them up to their last active day)."""
    return active_in(conn, nips, leavers_since)


def _by_user(people: list[Employee]) -> dict[str, list[Employee]]:
    found: dict[str, list[Employee]] = defaultdict(list)
    for employee in people:
        if employee.device_user_id:
            found[employee.device_user_id].append(employee)
    return found


def _users(people: list[Employee], nips: set[str] | None) -> set[str] | None:
    """The machine ids to read: all of them for the whole office (one scan of the date index),
    only the employees' own for a personal view (the machine-id index)."""
    if nips is None:
        return None
    return {e.device_user_id for e in people if e.device_user_id}


def _employee_month(employee: Employee, days: tuple[DayStatus, ...],
                    policy: AttendancePolicy) -> EmployeeMonth:
    # Most days share a handful of code tuples: each is counted once, in the order of the
    # days, so the totals keep the order of first appearance.
    codes = list(map(_CODES_OF, days))
    counted = Counter(codes)
    totals: dict[str, int] = {}
    for found, times in counted.items():
        for code in found:
            totals[code] = totals.get(code, 0) + times
    return EmployeeMonth(
        nip=employee.nip, nama=employee.nama, golongan=employee.golongan,
        jabatan=employee.jabatan, unit=employee.unit, days=days, totals=totals,
        late_minutes=sum(map(_LATE_OF, days)), early_minutes=sum(map(_EARLY_OF, days)),
        tpp_deduction_percent=rules.tpp_deduction_of(codes, counted, policy.tpp),
    )


_CODES_OF = attrgetter("codes")
_LATE_OF = attrgetter("late_minutes")
_EARLY_OF = attrgetter("early_minutes")
# How a day of the month is worked out for everyone (_Plan.kinds).
_FIXED, _FINISHED, _RUNNING = 0, 1, 2


class _Plan:
    """What the month's days hold before anyone's scans: `template` has each day's status
    shared by everyone (a day off, a day to come, a finished working day without a scan is
    TK) and None for the running day; `rules` the hours of the finished working days."""

    def __init__(self, days: list[dt.date], policy: AttendancePolicy,
                 calendar: OfficeCalendar, today: dt.date, running: dt.datetime | None) -> None:
        self.offs = {day: calendar.day_off(day) for day in days}
        self.gone = [DayStatus(day, ()) for day in days]
        self.template: list[DayStatus | None] = []
        self.kinds: list[int] = []
        self.rules: list[rules.DayRule | None] = []
        for i, day in enumerate(days):
            off = self.offs[day]
            rule = None
            if day > today:
                kind, status = _FIXED, self.gone[i]
            elif off is not None:
                kind, status = _FIXED, rules.classify_day(day, policy, off=off.name, punches=())
            elif day < today or running is None:
                rule = rules.day_rule(day, policy)
                kind, status = _FINISHED, rules.classify_day(day, policy, off=None, punches=())
            else:
                kind, status = _RUNNING, None
            self.kinds.append(kind)
            self.template.append(status)
            self.rules.append(rule)


def _month(conn: sqlite3.Connection, policy: AttendancePolicy, calendar: OfficeCalendar,
           year: int, month: int, today: dt.date, running: dt.datetime | None,
           nips: set[str] | None) -> MonthAttendance:
    with full_collections_held():
        return _month_of(conn, policy, calendar, year, month, today, running, nips)


def _month_of(conn: sqlite3.Connection, policy: AttendancePolicy, calendar: OfficeCalendar,
              year: int, month: int, today: dt.date, running: dt.datetime | None,
              nips: set[str] | None) -> MonthAttendance:
    days = month_days(year, month)
    plan = _Plan(days, policy, calendar, today, running)
    people = _people(conn, nips, leavers_since=days[0])
    absences = absences_in(conn, days[0], days[-1], nips)
    index = {day: i for i, day in enumerate(days)}
    by_user = _by_user(people)
    by_nip = {e.nip: e for e in people}
    # The days each employee's approved absences touch, and per day the machine ids whose
    # scans that day are kept for classify_day with the absence.
    away_days: dict[str, list[int]] = defaultdict(list)
    excused: list[set[str]] = [set() for _ in days]
    excused_days: dict[str, list[int]] = defaultdict(list)
    for nip, day in absences:
        i = index[day]
        if plan.kinds[i] == _FIXED:
            continue
        away_days[nip].append(i)
        employee = by_nip.get(nip)
        if employee is not None and employee.device_user_id:
            excused[i].add(employee.device_user_id)
            excused_days[employee.device_user_id].append(i)
    running_days = [i for i, kind in enumerate(plan.kinds) if kind == _RUNNING]
    # The same scan (a second of a day) comes up for many employees: parsed once, one value.
    moments: dict[str, dt.datetime] = {}

    def moment(text: str) -> dt.datetime:
        found = moments.get(text)
        if found is None:
            found = moments[text] = dt.datetime.fromisoformat(text)
        return found

    # Each machine id's month starts as the template and its finished days are classified as
    # their rows come in (a day at a time, straight off an index), so the punches of the
    # whole office are never held at once. Scans a day's absence or the running day needs are
    # kept for classify_day.
    rows: dict[str, list[DayStatus | None]] = {}
    kept: dict[tuple[str, int], Scans] = {}
    users = _users(people, nips)
    for i, day in enumerate(days):
        rule, keep = plan.rules[i], excused[i]
        if plan.kinds[i] == _FIXED:
            continue
        for user, first, last, count, ordered in _scans(conn, policy, day, users):
            row = rows.get(user)
            if row is None:
                if user not in by_user:
                    continue
                row = rows[user] = plan.template.copy()
            if rule is None or user in keep:
                kept[(user, i)] = (first, last, count)
            else:
                row[i] = (rules.classify_in_out if ordered else rules.classify_finished)(
                    rule, moments.get(first) or moment(first), moments.get(last) or moment(last))

    def status(employee: Employee, user: str, i: int) -> DayStatus:
        day = days[i]
        got = kept.get((user, i))
        away = absences.get((employee.nip, day))
        rule = plan.rules[i]
        if rule is not None and not away:
            if got is None:
                template = plan.template[i]
                assert template is not None
                return template
            return rules.classify_finished(rule, moment(got[0]), moment(got[1]))
        return rules.classify_day(
            day, policy, off=None, punches=_punches(got), absences=away or (),
            now=running if day == today else None)

    def one(employee: Employee) -> EmployeeMonth:
        user = employee.device_user_id or ""
        row = rows.get(user, plan.template)
        open_days = {*running_days, *away_days.get(employee.nip, ()),
                     *excused_days.get(user, ())}
        left = employee.deactivated_on
        if open_days or (left is not None and left <= days[-1]):
            row = row.copy()
            for i in open_days:
                row[i] = status(employee, user, i)
            for i, day in enumerate(days):
                if left is not None and day >= left:
                    row[i] = plan.gone[i]
        return _employee_month(employee, cast(tuple[DayStatus, ...], tuple(row)), policy)

    return MonthAttendance(
        year=year, month=month,
        working_days=tuple(day for day in days if plan.offs[day] is None),
        days_off={day: off.name for day, off in plan.offs.items() if off is not None},
        employees=tuple(one(e) for e in people),
        located=location.month_sites_in(conn, days[0], min(days[-1], today), nips),
        bands=policy.bands,
    )


async def month_attendance(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                           year: int, month: int, *, today: dt.date,
                           now: dt.datetime | None = None,
                           nips: set[str] | None = None) -> MonthAttendance:
    """Every employee active in the month. Days after `today`, and from the day an employee was
    deactivated, get no status (empty codes); `today` itself is classified as still running at
    `now` when given, else as a finished day.
    `nips` limits the employees (a personal statement)."""
    return await db.snapshot(month_in, policy, calendar, year, month, today=today, now=now,
                             nips=nips)


def month_in(conn: sqlite3.Connection, policy: AttendancePolicy, calendar: OfficeCalendar,
             year: int, month: int, *, today: dt.date, now: dt.datetime | None = None,
             nips: set[str] | None = None) -> MonthAttendance:
    """month_attendance inside a snapshot (or a compute process's read)."""
    running = now if now is not None and now.date() == today else None
    return _month(conn, policy, calendar, year, month, today, running, nips)


def day_statuses_in(conn: sqlite3.Connection, policy: AttendancePolicy,
                    calendar: OfficeCalendar, day: dt.date, now: dt.datetime,
                    nips: set[str] | None = None, *,
                    everyone: list[Employee] | None = None) -> dict[str, DayStatus]:
    """day_statuses inside a snapshot (or a compute process's read); `everyone`: the active
    employees as the caller read them in the same snapshot (not read again)."""
    off = calendar.day_off(day)
    people = everyone if everyone is not None else _people(conn, nips)
    absences = absences_in(conn, day, day, nips)
    scans: dict[str, Scans] = {user: (first, last, count) for user, first, last, count, _
                               in _scans(conn, policy, day, _users(people, nips))}
    return {e.nip: rules.classify_day(
        day, policy, off=off.name if off else None,
        punches=_punches(scans.get(e.device_user_id or "")),
        absences=absences.get((e.nip, day), ()), now=now) for e in people}


async def day_statuses(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                       day: dt.date, now: dt.datetime,
                       nips: set[str] | None = None) -> dict[str, DayStatus]:
    """Every active employee's status on `day` as known at `now` (`nips` limits them)."""
    return await db.snapshot(day_statuses_in, policy, calendar, day, now, nips)


def tk_days_in(conn: sqlite3.Connection, policy: AttendancePolicy, calendar: OfficeCalendar,
               start: dt.date, end: dt.date,
               nips: set[str] | None = None) -> dict[str, set[dt.date]]:
    """tk_days inside a snapshot; `nips` limits the employees."""
    people = [e for e in _people(conn, nips) if e.device_user_id]
    row = conn.execute("SELECT min(local_date) FROM punches").fetchone()
    if row is None or row[0] is None:
        return {e.nip: set() for e in people}
    data_start = dt.date.fromisoformat(row[0])
    registered = {nip: dt.date.fromisoformat(day) for nip, day in conn.execute(
        "SELECT nip, substr(created_at, 1, 10) FROM employees")}
    scanned = {(nip, local_date) for nip, local_date in conn.execute(
        "SELECT DISTINCT e.nip, p.local_date FROM punches p "
        "JOIN employees e ON e.device_user_id = p.device_user_id "
        "WHERE p.local_date BETWEEN ? AND ? AND substr(p.punched_at, 12, 8) BETWEEN ? AND ?",
        (start.isoformat(), end.isoformat(), policy.window_start.isoformat(),
         policy.window_end.isoformat()))}
    away = {(nip, day) for nip, day in conn.execute(
        "SELECT nip, day FROM absence_days WHERE part = 'full' AND day BETWEEN ? AND ?",
        (start.isoformat(), end.isoformat()))}
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


async def tk_days(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                  start: dt.date, end: dt.date) -> dict[str, set[dt.date]]:
    """TK working days from start to end (finished days) of employees with a machine id,
    counted from scratch (services.ladder_tally keeps the running count the ladder reads).

    Days before the office's first recorded scan, and before the employee was registered, are
    not counted: there is no data to judge them by (a bot installed in October must not count
    January to September as absence).
    """
    return await db.snapshot(tk_days_in, policy, calendar, start, end)


def minute_days_in(conn: sqlite3.Connection, policy: AttendancePolicy,
                   calendar: OfficeCalendar, start: dt.date, end: dt.date,
                   nips: set[str] | None = None) -> dict[str, list[DayStatus]]:
    """The classified working days that may hold late or early minutes, per employee, inside
    a snapshot (see lost_minutes)."""
    window = (policy.window_start.isoformat(), policy.window_end.isoformat())
    wanted = ""
    params: list[str] = [start.isoformat(), end.isoformat(), *window]
    if nips is not None:
        wanted = f" AND e.nip IN ({_in_list(nips)})"
        params += sorted(nips)
    params += [policy.earliest_start.isoformat(), policy.latest_end.isoformat()]
    found: dict[str, list[tuple[dt.date, str, str]]] = defaultdict(list)
    for nip, local_date, first, last in conn.execute(
            "SELECT e.nip, p.local_date, min(substr(p.punched_at, 12, 8)),"
            " max(substr(p.punched_at, 12, 8)) FROM punches p "
            "JOIN employees e ON e.device_user_id = p.device_user_id "
            "WHERE p.local_date BETWEEN ? AND ? AND substr(p.punched_at, 12, 8) BETWEEN ? AND ?"
            f"{wanted} GROUP BY e.nip, p.local_date "
            "HAVING min(substr(p.punched_at, 12, 8)) > ? OR max(substr(p.punched_at, 12, 8)) < ?",
            params):
        found[nip].append((dt.date.fromisoformat(local_date), first, last))
    absences = absences_in(conn, start, end, nips)
    offs: dict[dt.date, bool] = {}
    result: dict[str, list[DayStatus]] = {}
    for nip, days in found.items():
        statuses: list[DayStatus] = []
        result[nip] = statuses
        for day, first, last in days:
            if day not in offs:
                offs[day] = calendar.day_off(day) is not None
            if offs[day]:
                continue
            scans = [dt.datetime.combine(day, dt.time.fromisoformat(t)) for t in (first, last)]
            statuses.append(rules.classify_day(day, policy, off=None, punches=scans,
                                               absences=absences.get((nip, day), ())))
    return result


def _lost_minutes(conn: sqlite3.Connection, policy: AttendancePolicy, calendar: OfficeCalendar,
                  start: dt.date, end: dt.date,
                  nips: set[str] | None) -> dict[str, rules.LostMinutes]:
    return {nip: rules.lost_minutes(days) for nip, days
            in minute_days_in(conn, policy, calendar, start, end, nips).items()}


async def lost_minutes(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                       start: dt.date, end: dt.date, *,
                       nips: set[str] | None = None) -> dict[str, rules.LostMinutes]:
    """Unexcused late and early minutes from start to end (finished days) per employee with a
    scan in that period (`nips` limits them), as classify_day counts them, from scratch.

    classify_day needs only the first and the last valid scan of a day, so SQLite returns those
    per (employee, day), and only for days that may hold minutes: a first scan from the
    earliest start of work on, or a last scan before the latest end. The punctual majority
    never reaches Python.
    """
    return await db.snapshot(_lost_minutes, policy, calendar, start, end, nips)
