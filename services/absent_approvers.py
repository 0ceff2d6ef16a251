"""An approver on approved cuti with no Plh: once a step has waited for them a configured
number of working days, it goes to their own atasan and the applicant is told.

The wait counts from when the step reached them or their cuti began, whichever is later, so a
step that arrives on the first day of a two-week cuti moves the next working day.
"""

from __future__ import annotations

import datetime as dt

import aiosqlite

from services import acting, employees, move_notices, step_moves
from services.absence_policy import AbsencePolicy
from services.attendance_model import CUTI_CODES
from services.calendar import OfficeCalendar
from services.request_types import request_type
from services.storage import Database


async def on_cuti(conn: aiosqlite.Connection, day: dt.date) -> dict[str, dt.date]:
    """Who is on approved cuti on `day`, with the first day of that cuti."""
    found: dict[str, dt.date] = {}
    async with conn.execute(
        "SELECT nip, type, start_date FROM requests WHERE status = 'disetujui' "
        "AND start_date <= ? AND end_date >= ?", (day.isoformat(), day.isoformat())
    ) as cursor:
        for r in await cursor.fetchall():
            kind = request_type(r["type"])
            if kind is not None and kind.is_cuti:
                start = dt.date.fromisoformat(r["start_date"])
                found[r["nip"]] = min(start, found.get(r["nip"], start))
    marks = ", ".join("?" * len(CUTI_CODES))
    async with conn.execute(
        f"SELECT nip FROM absence_days WHERE day = ? AND part = 'full' AND code IN ({marks})",
        (day.isoformat(), *sorted(CUTI_CODES))
    ) as cursor:
        for r in await cursor.fetchall():
            found.setdefault(r["nip"], day)
    return found


def waited_enough(arrived: dt.datetime, cuti_start: dt.date, today: dt.date,
                  calendar: OfficeCalendar, working_days: int) -> bool:
    """Whether the working days fully passed since the later of arrival and the cuti's first
    day reach `working_days` (today itself does not count: it has not passed)."""
    since = max(arrived.date(), cuti_start)
    yesterday = today - dt.timedelta(days=1)
    return since <= yesterday and calendar.count_working_days(since, yesterday) >= working_days


async def apply(db: Database, calendar: OfficeCalendar, policy: AbsencePolicy,
                now: dt.datetime) -> list[step_moves.Move]:
    today = now.date()
    moves: list[step_moves.Move] = []
    async with db.transaction() as conn:
        absent = await on_cuti(conn, today)
        substitutes = await acting.load(conn)
        for nip, cuti_start in sorted(absent.items()):
            if nip in substitutes.by_official:
                continue  # a Plh holds their steps
            person = await employees.by_nip(conn, nip)
            if person is None or not person.atasan_nip:
                continue
            atasan = await employees.by_nip(conn, person.atasan_nip)
            if atasan is None or not atasan.active:
                continue
            target = substitutes.actor(atasan.nip)

            def due(arrived: dt.datetime, start: dt.date = cuti_start) -> bool:
                return waited_enough(arrived, start, today, calendar, policy.after_working_days)

            moves += await step_moves.to_atasan_of_absent(conn, person, target, now, due)
        await move_notices.enqueue(conn, moves, now=now)
    return moves
