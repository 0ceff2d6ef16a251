"""The PP 94/2021 ladder's running count: per employee and calendar year, the TK days and the
unexcused late/early minutes, each finished day added once.

Reclassifying the whole year every working morning costs minutes and gigabytes at province
scale; here each day is counted once (by SQLite, in a few queries by that day's own hours,
equal to services.attendance's from-scratch count of that day: tests/test_ladder_tally.py holds
them equal) and what it added is kept per employee-day in ladder_marks, so a day can be taken
out and counted again. A day is counted again when its inputs change: triggers on absence_days
and punches (migration 0070) mark a counted day dirty (a permit approved after the fact, a late
upload, a punch added for a past day), and so does any punch newer than the last one the count
has seen (ladder_state.punch_id), which still holds when a migration rebuilds the punches table
and its triggers are lost (0080 did); a change of the rules of the day in the
configuration (day off, hours, scan window, grace) shows in its stored rule, and an employee
whose machine id, activity or registration changed is counted again over every counted day.
`rebuild` starts from nothing (the `presensi rebuild-tally` command).

Counting happens in the compute process (Database.compute); each day's result is written in
a few short transactions of its own (MARKS_AT_ONCE employees each), so the chat's writes wait
for a fraction of a day at most, never the year.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from services import attendance
from services import attendance_rules as rules
from services.attendance_policy import AttendancePolicy
from services.calendar import OfficeCalendar
from services.storage import Database, in_thread
from services.storage.collector import full_collections_held

# More employees than this to recount: counting every day again is as cheap and simpler.
NIPS_AT_ONCE = 200
# A day's marks written in one transaction at most: a province's day is about ten thousand,
# and the chat's own writes wait for the write lock while a transaction holds it.
MARKS_AT_ONCE = 500
# Days counted in one snapshot (a month of a province's punches is about a million rows).
CHUNK_DAYS = 16

Mark = tuple[int, int, int]            # TK (0/1), late minutes, early minutes
DayMarks = dict[dt.date, dict[str, Mark]]


@dataclass(frozen=True)
class YearTally:
    tk_days: int
    minutes: rules.LostMinutes


@dataclass(frozen=True)
class Refresh:
    """What bringing the tally up to date did."""

    days: int = 0          # days (re)counted for everyone
    employees: int = 0     # employees recounted over every counted day
    first_day: dt.date | None = None
    last_day: dt.date | None = None


@dataclass(frozen=True)
class _State:
    data_start: dt.date | None
    counted: dict[dt.date, str]
    dirty_days: set[dt.date]
    dirty_seq: int
    dirty_nips: set[str]
    nips_seq: int
    punch_id: int              # the newest punch this count has seen


def day_rule(policy: AttendancePolicy, calendar: OfficeCalendar, day: dt.date) -> str:
    """Everything of the configuration that a day's count depends on."""
    hours = policy.hours_for(day)
    off = "L" if calendar.day_off(day) is not None else "K"
    return (f"{off} {hours.start}-{hours.end} {policy.window_start}-{policy.window_end}"
            f" {policy.grace_minutes}")


def _days(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]


def _runs(days: Iterable[dt.date], longest: int) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days as (first, last) ranges of at most `longest` days."""
    runs: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if runs and (day - runs[-1][1]).days == 1 and (day - runs[-1][0]).days < longest:
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _state(conn: sqlite3.Connection, since: dt.date, until: dt.date) -> _State:
    # Two subqueries: each is one index lookup, while min() and max() of one SELECT scan the
    # whole table.
    row = conn.execute("SELECT (SELECT min(local_date) FROM punches),"
                       " (SELECT max(id) FROM punches)").fetchone()
    data_start = dt.date.fromisoformat(row[0]) if row and row[0] else None
    newest = int(row[1] or 0) if row else 0
    counted = {dt.date.fromisoformat(day): rule for day, rule in conn.execute(
        "SELECT day, rule FROM ladder_days WHERE day BETWEEN ? AND ?",
        (since.isoformat(), until.isoformat()))}
    dirty = list(conn.execute("SELECT seq, day FROM ladder_dirty"))
    nips = list(conn.execute("SELECT seq, nip FROM ladder_dirty_nips"))
    days = {dt.date.fromisoformat(day) for _, day in dirty}
    seen = conn.execute("SELECT value FROM ladder_state WHERE key = 'punch_id'").fetchone()
    if counted:
        # The rowid range after the last punch seen: the new punches, whatever their day.
        days |= {dt.date.fromisoformat(day) for (day,) in conn.execute(
            "SELECT DISTINCT local_date FROM punches WHERE id > ? AND local_date BETWEEN ? AND ?",
            (int(seen[0]) if seen else 0, since.isoformat(), until.isoformat()))}
    return _State(data_start, counted, days, max((seq for seq, _ in dirty), default=0),
                  {nip for _, nip in nips}, max((seq for seq, _ in nips), default=0), newest)


def _day_marks(conn: sqlite3.Connection, policy: AttendancePolicy, calendar: OfficeCalendar,
               day: dt.date, data_start: dt.date, nips: set[str] | None) -> dict[str, Mark]:
    """What one working day adds, per employee: SQLite finds the TK days (no valid scan, no
    full-day absence, registered by then) and the days that may hold minutes by that day's
    own hours, so only those rows reach Python."""
    marks: dict[str, Mark] = {}
    key = day.isoformat()
    window = (policy.window_start.isoformat(), policy.window_end.isoformat())
    wanted, chosen = ("", []) if nips is None else (
        f" AND e.nip IN ({', '.join('?' * len(nips))})", sorted(nips))
    if day >= data_start:
        for (nip,) in conn.execute(
                "SELECT e.nip FROM employees e WHERE e.active = 1 AND e.device_user_id != ''"
                f" AND substr(e.created_at, 1, 10) <= ?{wanted}"
                " AND NOT EXISTS (SELECT 1 FROM punches p WHERE p.local_date = ?"
                " AND p.device_user_id = e.device_user_id"
                " AND substr(p.punched_at, 12, 8) BETWEEN ? AND ?)"
                " AND NOT EXISTS (SELECT 1 FROM absence_days a WHERE a.nip = e.nip"
                " AND a.day = ? AND a.part = 'full')", (key, *chosen, key, *window, key)):
            marks[nip] = (1, 0, 0)
    hours = policy.hours_for(day)
    rows = conn.execute(
        "SELECT e.nip, min(substr(p.punched_at, 12, 8)), max(substr(p.punched_at, 12, 8))"
        " FROM punches p JOIN employees e ON e.device_user_id = p.device_user_id"
        f" WHERE p.local_date = ? AND substr(p.punched_at, 12, 8) BETWEEN ? AND ?{wanted}"
        " GROUP BY e.nip HAVING min(substr(p.punched_at, 12, 8)) > ?"
        " OR max(substr(p.punched_at, 12, 8)) < ?",
        (key, *window, *chosen, hours.start.isoformat(), hours.end.isoformat())).fetchall()
    if not rows:
        return marks
    rule = rules.day_rule(day, policy)
    absences = attendance.absences_in(conn, day, day, nips)
    for nip, first, last in rows:
        scans = [dt.datetime.combine(day, dt.time.fromisoformat(t)) for t in (first, last)]
        away = absences.get((nip, day))
        status = rules.classify_day(day, policy, off=None, punches=scans, absences=away) \
            if away else rules.classify_finished(rule, scans[0], scans[1])
        if status.late_minutes or status.early_minutes:
            marks[nip] = (0, status.late_minutes, status.early_minutes)
    return marks


def _count(conn: sqlite3.Connection, policy: AttendancePolicy, calendar: OfficeCalendar,
           start: dt.date, end: dt.date, nips: set[str] | None) -> DayMarks:
    """What each day from start to end adds, per employee, counted as the from-scratch
    attendance.tk_days and attendance.lost_minutes count it, one day at a time."""
    marks: DayMarks = {day: {} for day in _days(start, end)}
    row = conn.execute("SELECT min(local_date) FROM punches").fetchone()
    if row is None or row[0] is None:
        return marks
    data_start = dt.date.fromisoformat(row[0])
    for day in calendar.working_days(start, end):
        marks[day] = _day_marks(conn, policy, calendar, day, data_start, nips)
    return marks


@dataclass(frozen=True)
class _Span:
    """The employees one write of a day's marks replaces: those named, or (nips None) every
    NIP from `low` (inclusive) up to `high` (exclusive), either end open when None."""

    nips: set[str] | None = None
    low: str | None = None
    high: str | None = None


def _nip_filter(span: _Span) -> tuple[str, list[str]]:
    if span.nips is not None:
        return f" AND nip IN ({', '.join('?' * len(span.nips))})", sorted(span.nips)
    where, params = "", []
    if span.low is not None:
        where, params = " AND nip >= ?", [span.low]
    if span.high is not None:
        where, params = f"{where} AND nip < ?", [*params, span.high]
    return where, params


def _spans(marks: dict[str, Mark], nips: set[str] | None, at_once: int
           ) -> list[tuple[_Span, dict[str, Mark]]]:
    """A day's marks in pieces of at most `at_once`, each with the span it replaces; the
    spans of a whole day's recount cover every NIP, so a mark of someone who no longer gets one
    is taken out too."""
    if nips is not None:
        return [(_Span(nips=nips), marks)]
    ordered = sorted(marks)
    starts = ordered[at_once::at_once]
    bounds = [None, *starts, None]
    pieces = [ordered[i:i + at_once] for i in range(0, max(len(ordered), 1), at_once)]
    return [(_Span(low=bounds[k], high=bounds[k + 1]), {nip: marks[nip] for nip in piece})
            for k, piece in enumerate(pieces)]


# One write of a day: the employees it replaces and their marks as one JSON array of
# (nip, tk, late, early), which SQLite takes apart (_MARKS).
Piece = tuple[_Span, str]


def _pieces_in(conn: sqlite3.Connection, policy: AttendancePolicy, calendar: OfficeCalendar,
               start: dt.date, end: dt.date, nips: set[str] | None, at_once: int
               ) -> list[tuple[dt.date, list[Piece]]]:
    """_count's days as the writes will apply them. Run by Database.compute: in the compute
    process, classifying a province's day (tens of thousands of rows through Python) does not
    take the GIL from the chat, whose every fetched row gives it up and waits to get it back;
    and only a few strings per day travel back, not the marks' half a million values."""
    with full_collections_held():
        counted = _count(conn, policy, calendar, start, end, nips)
        return [(day, [(span, json.dumps([[nip, *mark] for nip, mark in piece.items()]))
                       for span, piece in _spans(found, nips, at_once)])
                for day, found in counted.items()]


_ADD = ("INSERT INTO ladder_tally (nip, year, tk_days, late_minutes, early_minutes) {rows}"
        " ON CONFLICT (nip, year) DO UPDATE SET tk_days = tk_days + excluded.tk_days,"
        " late_minutes = late_minutes + excluded.late_minutes,"
        " early_minutes = early_minutes + excluded.early_minutes")


# A day's marks as one JSON array (nip, tk, late, early): one statement each for the marks and
# the tally instead of binding ten thousand rows one at a time.
_MARKS = ("SELECT json_extract(value, '$[0]') AS nip, json_extract(value, '$[1]') AS tk,"
          " json_extract(value, '$[2]') AS late, json_extract(value, '$[3]') AS early"
          " FROM json_each(?)")


async def _apply(conn: aiosqlite.Connection, day: dt.date, found: str, span: _Span) -> None:
    """Replace what `day` added for the employees of `span` by the marks `found` (a Piece's
    JSON), in one hop to the connection's thread, so the write lock the chat's own writes wait
    for is held only as long as SQLite needs."""
    where, params = _nip_filter(span)
    key = day.isoformat()

    def apply(raw: sqlite3.Connection) -> None:
        raw.execute(_ADD.format(
            rows="SELECT nip, ?, -tk, -late, -early FROM ladder_marks WHERE day = ?"
                 f"{where}"), (day.year, key, *params))
        raw.execute(f"DELETE FROM ladder_marks WHERE day = ?{where}", (key, *params))
        raw.execute("INSERT INTO ladder_marks (day, nip, tk, late, early)"
                    f" SELECT ?, nip, tk, late, early FROM ({_MARKS})", (key, found))
        # WHERE true: an upsert's SELECT needs one, else ON CONFLICT reads as a join's ON.
        raw.execute(_ADD.format(rows=f"SELECT nip, ?, tk, late, early FROM ({_MARKS})"
                                     " WHERE true"), (day.year, found))

    await in_thread(conn, apply)


async def _recount(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                   days: Iterable[dt.date], nips: set[str] | None, dirty_seq: int) -> None:
    for first, last in _runs(days, CHUNK_DAYS):
        counted = await db.compute(_pieces_in, policy, calendar, first, last, nips,
                                   MARKS_AT_ONCE)
        for day, pieces in counted:
            *first_pieces, (last_span, last_found) = pieces
            # A piece's marks and the tally move together, so the tally is right after every
            # piece; the day is recorded as counted (and no longer dirty) only with its last,
            # so a day cut short by a crash is counted again, whole, next time.
            for span, found in first_pieces:
                async with db.transaction() as conn:
                    await _apply(conn, day, found, span)
            async with db.transaction() as conn:
                await _apply(conn, day, last_found, last_span)
                if nips is None:
                    await conn.execute("INSERT OR REPLACE INTO ladder_days (day, rule)"
                                       " VALUES (?, ?)",
                                       (day.isoformat(), day_rule(policy, calendar, day)))
                    # A change made after the snapshot has a later seq and stays dirty.
                    await conn.execute("DELETE FROM ladder_dirty WHERE day = ? AND seq <= ?",
                                       (day.isoformat(), dirty_seq))


async def refresh(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                  since: dt.date, until: dt.date) -> Refresh:
    """Count every finished day from `since` to `until` not counted yet, and count again what
    changed since it was counted."""
    async with db.transaction() as conn:
        # From now on the triggers record changes to any day this run may count.
        await conn.execute("INSERT INTO ladder_state (key, value) VALUES ('horizon', ?)"
                           " ON CONFLICT (key) DO UPDATE SET value = max(value, excluded.value)",
                           (until.isoformat(),))
    state = await db.snapshot(_state, since, until)
    if state.data_start is None:
        return Refresh()
    wanted = _days(max(since, state.data_start), until)
    todo = [day for day in wanted if day in state.dirty_days
            or state.counted.get(day) != day_rule(policy, calendar, day)]
    nips = state.dirty_nips
    if len(nips) > NIPS_AT_ONCE:
        todo, nips = wanted, set()
    if nips:
        stay = set(state.counted) - set(todo)
        await _recount(db, policy, calendar, stay, nips, state.dirty_seq)
    await _recount(db, policy, calendar, todo, None, state.dirty_seq)
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM ladder_dirty_nips WHERE seq <= ?", (state.nips_seq,))
        await conn.execute("INSERT INTO ladder_state (key, value) VALUES ('punch_id', ?)"
                           " ON CONFLICT (key) DO UPDATE SET value = max(CAST(value AS INTEGER),"
                           " CAST(excluded.value AS INTEGER))", (state.punch_id,))
        # Changes to days before the counted period cannot matter to it any more.
        await conn.execute("DELETE FROM ladder_dirty WHERE day < ? AND seq <= ?",
                           (since.isoformat(), state.dirty_seq))
    return Refresh(days=len(todo), employees=len(state.dirty_nips),
                   first_day=todo[0] if todo else None, last_day=todo[-1] if todo else None)


async def rebuild(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                  since: dt.date, until: dt.date) -> Refresh:
    """Forget the tally and count every day from `since` to `until` from scratch."""
    async with db.transaction() as conn:
        for table in ("ladder_tally", "ladder_marks", "ladder_days", "ladder_dirty",
                      "ladder_dirty_nips", "ladder_state"):
            await conn.execute(f"DELETE FROM {table}")
    return await refresh(db, policy, calendar, since, until)


@dataclass(frozen=True)
class LadderData:
    """What the morning's ladder reads: the year's tally and the TK days runs are made of."""

    tally: dict[str, YearTally]
    tk_dates: dict[str, set[dt.date]]


def read_in(conn: sqlite3.Connection, year: int, since: dt.date, until: dt.date
            ) -> LadderData:
    """read, inside a snapshot."""
    tally = {nip: YearTally(tk, rules.LostMinutes(late, early))
             for nip, tk, late, early in conn.execute(
                 "SELECT nip, tk_days, late_minutes, early_minutes FROM ladder_tally"
                 " WHERE year = ?", (year,))}
    tk_dates: dict[str, set[dt.date]] = {}
    for nip, day in conn.execute(
            "SELECT nip, day FROM ladder_marks WHERE tk = 1 AND day BETWEEN ? AND ?",
            (since.isoformat(), until.isoformat())):
        tk_dates.setdefault(nip, set()).add(dt.date.fromisoformat(day))
    return LadderData(tally, tk_dates)


async def read(db: Database, year: int, since: dt.date, until: dt.date) -> LadderData:
    return await db.snapshot(read_in, year, since, until)
