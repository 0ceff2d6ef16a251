"""Employees kept at work on a cuti bersama day (PP 11/2017 Pasal 333(3)).

Cuti bersama never reduces cuti tahunan (Pasal 333(2)). An ASN whose service needs them at work
on such a day gets the day added to that year's cuti tahunan instead; the admin marks them, and
leave_balance counts the marks (cuti_bersama_duty).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

from services import audit, employees
from services.calendar import OfficeCalendar
from services.employees import Employee
from services.errors import DomainError
from services.nip import nip_problem
from services.storage import Database

KIND = "cuti_bersama"
ENTITY = "cuti_bersama_duty"


class DutyRefused(DomainError):
    """The marking cannot be made; the message says why."""


@dataclass(frozen=True)
class DutyDay:
    day: dt.date
    name: str
    employees: tuple[Employee, ...]   # everyone marked on that day
    added: tuple[str, ...] = ()       # NIPs newly marked by this call
    removed: tuple[str, ...] = ()


def _check(calendar: OfficeCalendar, actor: Employee, day: dt.date) -> str:
    if not actor.is_admin:
        raise DutyRefused("Hanya pengelola kepegawaian (admin) yang dapat menandai pegawai yang "
                          "bertugas pada hari cuti bersama.")
    off = calendar.day_off(day)
    if off is None or off.kind != KIND:
        raise DutyRefused(f"Tanggal {day:%d-%m-%Y} bukan hari cuti bersama dalam kalender kantor.")
    return off.name


async def _marked(conn: aiosqlite.Connection, day: dt.date) -> tuple[Employee, ...]:
    async with conn.execute("SELECT nip FROM cuti_bersama_duty WHERE day = ? ORDER BY nip",
                            (day.isoformat(),)) as cursor:
        nips = [r["nip"] for r in await cursor.fetchall()]
    found = [await employees.by_nip(conn, n) for n in nips]
    return tuple(e for e in found if e is not None)


async def mark(db: Database, calendar: OfficeCalendar, actor: Employee, day: dt.date,
               nips: list[str], *, remove: bool = False, at: dt.datetime,
               telegram_user_id: int | None) -> DutyDay:
    """Mark (or with `remove`, unmark) employees as kept at work on cuti bersama `day`."""
    name = _check(calendar, actor, day)
    for nip in nips:
        if problem := nip_problem(nip):
            raise DutyRefused(f"{nip}: {problem}.")
    changed: list[str] = []
    async with db.transaction() as conn:
        for nip in dict.fromkeys(nips):
            person = await employees.by_nip(conn, nip)
            if person is None or not person.active:
                raise DutyRefused(f"Pegawai dengan NIP {nip} tidak terdaftar.")
            if remove:
                cursor = await conn.execute(
                    "DELETE FROM cuti_bersama_duty WHERE nip = ? AND day = ?",
                    (nip, day.isoformat()))
            else:
                cursor = await conn.execute(
                    "INSERT INTO cuti_bersama_duty (nip, day, marked_by, marked_at) "
                    "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (nip, day.isoformat(), actor.nip, at.isoformat()))
            if cursor.rowcount:
                changed.append(nip)
                await audit.record(conn, at=at, actor=audit.Actor(actor.nip, telegram_user_id),
                                   action="cuti_bersama.unmark" if remove
                                   else "cuti_bersama.mark",
                                   entity=ENTITY, entity_id=f"{nip}:{day.isoformat()}")
        marked = await _marked(conn, day)
    return DutyDay(day, name, marked, added=() if remove else tuple(changed),
                   removed=tuple(changed) if remove else ())


async def marked_on(db: Database, calendar: OfficeCalendar, actor: Employee,
                    day: dt.date) -> DutyDay:
    name = _check(calendar, actor, day)
    async with db.read() as conn:
        return DutyDay(day, name, await _marked(conn, day))
