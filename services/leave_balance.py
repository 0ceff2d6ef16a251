"""Cuti tahunan balance (PP 11/2017 as amended by PP 17/2020).

Rules, as pure functions:
- 12 working days a year, from the year the employee completes one year of service;
- what is left of a year carries into the next, up to 18 days in total there;
- when no cuti tahunan at all was taken in the two previous years, up to 24 days;
- cuti bersama reduces the balance only where the office says so (a setting).

The bot only knows the years since it started keeping records (`tracking_from`): the first
tracked year starts from 12 days, whatever happened on paper before.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import aiosqlite

from services.calendar import OfficeCalendar
from services.nip import service_start
from services.request_rules import add_months

ANNUAL_DAYS = 12
CAP_AFTER_ONE_YEAR = 18
CAP_AFTER_TWO_YEARS = 24
ANNUAL_TYPE = "cuti_tahunan"


@dataclass(frozen=True)
class LeavePolicy:
    tracking_from: int          # first calendar year the bot's records are complete for
    deduct_cuti_bersama: bool


@dataclass(frozen=True)
class LeaveBalance:
    year: int
    eligible_from: dt.date      # one year after the start of service
    available: int              # 12 plus what was carried in, before any use this year
    carried: int
    used: int                   # approved cuti tahunan days in the year
    cuti_bersama: int           # cuti bersama days deducted (0 unless the office deducts)
    pending: int                # days in requests still waiting for a decision

    @property
    def remaining(self) -> int:
        """What can still be requested: pending requests already reserve their days."""
        return max(0, self.available - self.used - self.cuti_bersama - self.pending)


def eligible_from(start_of_service: dt.date) -> dt.date:
    return add_months(start_of_service, 12)


def first_entitled_year(start_of_service: dt.date, tracking_from: int) -> int:
    return max(tracking_from, eligible_from(start_of_service).year)


def available_days(year: int, used: Mapping[int, int], first_year: int) -> int:
    """Days available in `year` before any use in it. `used` maps year → days consumed
    (approved cuti tahunan plus deducted cuti bersama)."""
    if year < first_year:
        return 0
    available = ANNUAL_DAYS
    for current in range(first_year + 1, year + 1):
        previous = current - 1
        left = max(0, available - used.get(previous, 0))
        idle_two_years = (previous - 1 >= first_year and used.get(previous, 0) == 0
                          and used.get(previous - 1, 0) == 0)
        cap = CAP_AFTER_TWO_YEARS if idle_two_years else CAP_AFTER_ONE_YEAR
        available = ANNUAL_DAYS + min(cap - ANNUAL_DAYS, left)
    return available


def days_by_year(days: list[dt.date]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for day in days:
        counts[day.year] = counts.get(day.year, 0) + 1
    return counts


def cuti_bersama_days(calendar: OfficeCalendar, year: int) -> int:
    return sum(1 for off in calendar.days_off(dt.date(year, 1, 1), dt.date(year, 12, 31))
               if off.kind == "cuti_bersama")


async def _annual_days(conn: aiosqlite.Connection, nip: str, statuses: tuple[str, ...],
                       calendar: OfficeCalendar, first: dt.date, last: dt.date,
                       exclude_id: int | None) -> dict[int, int]:
    marks = ",".join("?" for _ in statuses)
    async with conn.execute(
        f"SELECT id, start_date, end_date FROM requests WHERE nip = ? AND type = ? "
        f"AND status IN ({marks}) AND end_date >= ? AND start_date <= ?",
        (nip, ANNUAL_TYPE, *statuses, first.isoformat(), last.isoformat()),
    ) as cursor:
        rows = await cursor.fetchall()
    counts: dict[int, int] = {}
    for row in rows:
        if row["id"] == exclude_id:
            continue
        start = max(dt.date.fromisoformat(row["start_date"]), first)
        end = min(dt.date.fromisoformat(row["end_date"]), last)
        for year, n in days_by_year(calendar.working_days(start, end)).items():
            counts[year] = counts.get(year, 0) + n
    return counts


async def balance(conn: aiosqlite.Connection, nip: str, year: int, *, calendar: OfficeCalendar,
                  policy: LeavePolicy, exclude_id: int | None = None) -> LeaveBalance:
    """The employee's cuti tahunan balance for `year`. `exclude_id` leaves one request out
    (the one being resubmitted, so it does not reserve its own days)."""
    start_of_service = service_start(nip)
    first_year = first_entitled_year(start_of_service, policy.tracking_from)
    window_start = dt.date(min(first_year, year), 1, 1)
    window_end = dt.date(year, 12, 31)
    used = await _annual_days(conn, nip, ("disetujui",), calendar, window_start, window_end,
                              exclude_id)
    pending = await _annual_days(conn, nip, ("menunggu", "dikembalikan"), calendar,
                                 dt.date(year, 1, 1), window_end, exclude_id)
    bersama: dict[int, int] = {}
    if policy.deduct_cuti_bersama:
        for y in range(first_year, year + 1):
            bersama[y] = cuti_bersama_days(calendar, y)
    consumed = {y: used.get(y, 0) + bersama.get(y, 0) for y in range(first_year, year + 1)}
    available = available_days(year, consumed, first_year)
    return LeaveBalance(
        year=year, eligible_from=eligible_from(start_of_service), available=available,
        carried=max(0, available - ANNUAL_DAYS) if year >= first_year else 0,
        used=used.get(year, 0), cuti_bersama=bersama.get(year, 0), pending=pending.get(year, 0))
