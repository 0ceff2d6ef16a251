"""Cuti tahunan balance (PP 11/2017 as amended by PP 17/2020).

Rules, as pure functions:
- 12 working days a year, from the year the employee completes one year of service;
- what is left of a year carries into the next, up to 18 days in total there;
- when no cuti tahunan at all was taken in the two previous years, up to 24 days;
- cuti bersama never reduces it (PP 11/2017 Pasal 333(2)); each cuti bersama day an employee
  was kept at work (marked by the admin) is added to that year's cuti tahunan (Pasal 333(3));
- a year with a cuti besar has no cuti tahunan (the form of PP 11/2017): the balance is 0 and
  nothing of it carries into the next year;
- a PPPK carries unused days over only when the contract runs longer than 2 years (to 18) or 3
  years (to 24); without a recorded contract end there is no carry-over;
- cuti tahunan the pejabat berwenang postponed (ditangguhkan) into a later year is usable the
  next year, up to 24 days there together with the year's 12 and the other carry-over
  (PP 11/2017): the postponed days carry whatever the 18 cap or the PPPK contract say, since
  the employee did not forgo them.

The bot only knows the years since it started keeping records (`tracking_from`). The first
tracked year starts from 12 days, plus what the office's leave card says when the pengelola
kepegawaian imported an opening (`Opening`: days carried in from N-2 and N-1, days already taken
before the bot); every later year follows from the rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import aiosqlite

from services import cuti_answers, employees
from services import leave_rights as rights
from services.calendar import OfficeCalendar
from services.nip import service_start
from services.request_rules import add_months

ANNUAL_DAYS = 12
CAP_AFTER_ONE_YEAR = 18
CAP_AFTER_TWO_YEARS = 24
ANNUAL_TYPE = "cuti_tahunan"
BESAR_TYPE = "cuti_besar"
APPROVED = ("disetujui",)
# Waiting in the chain, returned for a fix, or other dates proposed to the applicant: each
# holds its days.
PENDING = ("menunggu", "dikembalikan", "perubahan")
# What one earlier year may add: 18 − 12 from N-1, and another 24 − 18 from N-2.
CARRY_PER_YEAR = CAP_AFTER_ONE_YEAR - ANNUAL_DAYS


@dataclass(frozen=True)
class LeavePolicy:
    tracking_from: int          # first calendar year the bot's records are complete for


@dataclass(frozen=True)
class BesarTaken:
    """The cuti besar that takes away a year's cuti tahunan."""

    request_id: int
    start: dt.date
    end: dt.date
    approved: bool


@dataclass(frozen=True)
class Opening:
    """An employee's paper-era figures for the first tracked year, as on the leave card."""

    year: int
    carried_n2: int     # days carried in from year N-2 (only after two idle years)
    carried_n1: int     # days carried in from year N-1
    used_before: int    # cuti tahunan taken in `year` before the bot kept records

    @property
    def carried(self) -> int:
        return self.carried_n2 + self.carried_n1

    @property
    def previous_year_idle(self) -> bool:
        """Whether N-1 is known to have had no cuti tahunan. Days from N-2 carry only when
        neither N-2 nor N-1 saw any, so they prove it; otherwise the card does not say, and
        the lower cap is the safe reading for the year after the opening year."""
        return self.carried_n2 > 0


@dataclass(frozen=True)
class LeaveBalance:
    year: int
    eligible_from: dt.date      # one year after the start of service
    available: int              # 12 plus what was carried in, before any use this year
    carried: int
    used: int                   # approved cuti tahunan days in the year
    pending: int                # days in requests still waiting for a decision
    opening: Opening | None = None  # set for the opening year only
    added_bersama: int = 0      # cuti bersama days worked, added to this year's right
    besar: BesarTaken | None = None  # a cuti besar in the year: no cuti tahunan in it
    postponed_in: int = 0       # of `carried`: last year's cuti tahunan postponed into this one

    @property
    def used_before(self) -> int:
        """Days taken on paper before the bot, in the opening year."""
        return self.opening.used_before if self.opening else 0

    @property
    def remaining(self) -> int:
        """What can still be requested: pending requests already reserve their days."""
        if self.besar is not None:
            return 0
        return max(0, self.available - self.used_before - self.used - self.pending)


def eligible_from(start_of_service: dt.date) -> dt.date:
    return add_months(start_of_service, 12)


def first_entitled_year(start_of_service: dt.date, tracking_from: int) -> int:
    return max(tracking_from, eligible_from(start_of_service).year)


def opening_problem(opening: Opening, eligible: dt.date) -> str | None:
    """Why the opening figures cannot be true under the rules (Indonesian), or None.
    `eligible` is the date the employee completes one year of service."""
    for label, value in (("sisa_n2", opening.carried_n2), ("sisa_n1", opening.carried_n1)):
        if value > CARRY_PER_YEAR:
            return (f"{label} {value} melebihi batas: dari satu tahun paling banyak "
                    f"{CARRY_PER_YEAR} hari kerja dapat dibawa (hak paling banyak "
                    f"{CAP_AFTER_ONE_YEAR}, atau {CAP_AFTER_TWO_YEARS} bila dua tahun berturut-"
                    "turut tidak mengambil cuti)")
    if opening.carried_n2 and opening.carried_n1 != CARRY_PER_YEAR:
        return ("sisa_n2 hanya dapat dibawa bila cuti tahunan tidak diambil dua tahun "
                f"berturut-turut, sehingga sisa_n1 mestinya {CARRY_PER_YEAR}")
    since = eligible.strftime("%d-%m-%Y")
    if eligible.year > opening.year:
        return (f"pegawai belum berhak cuti tahunan pada tahun {opening.year} (masa kerja 1 "
                f"tahun tercapai {since})")
    for label, value, year in (("sisa_n1", opening.carried_n1, opening.year - 1),
                               ("sisa_n2", opening.carried_n2, opening.year - 2)):
        if value and eligible.year > year:
            return (f"{label} harus 0: pada tahun {year} pegawai belum berhak cuti tahunan "
                    f"(masa kerja 1 tahun tercapai {since})")
    entitled = ANNUAL_DAYS + opening.carried
    if opening.used_before > entitled:
        return (f"terpakai {opening.used_before} melebihi hak tahun {opening.year} "
                f"({entitled} hari kerja)")
    return None


@dataclass(frozen=True)
class CarryRules:
    """What one employee's unused days may carry into: to 18 (one year), to 24 (two idle
    years). Always both for PNS and CPNS; for PPPK by the contract's length."""

    to_18: bool = True
    to_24: bool = True


def available_days(year: int, used: Mapping[int, int], first_year: int,
                   opening: Opening | None = None, *,
                   added: Mapping[int, int] | None = None,
                   besar_years: frozenset[int] = frozenset(),
                   carry: CarryRules = CarryRules(),
                   postponed: Mapping[int, int] | None = None) -> int:
    """Days available in `year` before any use in it. `used` maps year → approved cuti tahunan
    days the bot recorded; an `opening` for `first_year` adds its carried days to that year and
    its paper-era use to what it consumed. `added` maps year → cuti bersama days worked (added
    to that year's right); in `besar_years` a cuti besar took the year's right away, so nothing
    of it carries on and the year is not idle. `postponed` maps year → that year's cuti
    tahunan days the pejabat berwenang postponed into a later year."""
    return _availability(year, used, first_year, opening, added=added,
                         besar_years=besar_years, carry=carry, postponed=postponed)[0]


def postponed_carried(year: int, used: Mapping[int, int], first_year: int,
                      opening: Opening | None = None, *,
                      added: Mapping[int, int] | None = None,
                      besar_years: frozenset[int] = frozenset(),
                      carry: CarryRules = CarryRules(),
                      postponed: Mapping[int, int] | None = None) -> int:
    """Of what `year` carried in, the days postponed from the year before."""
    return _availability(year, used, first_year, opening, added=added,
                         besar_years=besar_years, carry=carry, postponed=postponed)[1]


def _availability(year: int, used: Mapping[int, int], first_year: int,
                  opening: Opening | None, *, added: Mapping[int, int] | None,
                  besar_years: frozenset[int], carry: CarryRules,
                  postponed: Mapping[int, int] | None) -> tuple[int, int]:
    if opening is not None and opening.year != first_year:
        raise ValueError(f"opening for {opening.year} given for first year {first_year}")
    if year < first_year:
        return 0, 0
    extra = added or {}
    held_back = postponed or {}

    def spent(y: int) -> int:
        before = opening.used_before if opening is not None and y == opening.year else 0
        return used.get(y, 0) + before

    def idle(y: int) -> bool:
        return spent(y) == 0 and y not in besar_years

    available = ANNUAL_DAYS + extra.get(first_year, 0) + (opening.carried if opening else 0)
    held = 0
    for current in range(first_year + 1, year + 1):
        previous = current - 1
        left = 0 if previous in besar_years else max(0, available - spent(previous))
        # Postponed days come first: they were the employer's choice, not the employee's.
        held = min(held_back.get(previous, 0), left, CAP_AFTER_TWO_YEARS - ANNUAL_DAYS)
        earlier_idle = (idle(previous - 1) if previous > first_year
                        else opening is not None and opening.previous_year_idle)
        idle_two_years = idle(previous) and earlier_idle
        if idle_two_years and carry.to_24:
            cap = CAP_AFTER_TWO_YEARS
        elif carry.to_18:
            cap = CAP_AFTER_ONE_YEAR
        else:
            cap = ANNUAL_DAYS
        ordinary = min(cap - ANNUAL_DAYS, left - held, CAP_AFTER_TWO_YEARS - ANNUAL_DAYS - held)
        available = ANNUAL_DAYS + extra.get(current, 0) + held + ordinary
    return available, held


async def opening_for(conn: aiosqlite.Connection, nip: str, year: int) -> Opening | None:
    async with conn.execute(
        "SELECT year, carried_n2, carried_n1, used_before FROM leave_openings "
        "WHERE nip = ? AND year = ?", (nip, year),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    return Opening(row["year"], row["carried_n2"], row["carried_n1"], row["used_before"])


def days_by_year(days: list[dt.date]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for day in days:
        counts[day.year] = counts.get(day.year, 0) + 1
    return counts


async def duty_days(conn: aiosqlite.Connection, nip: str, first: dt.date,
                    last: dt.date) -> dict[int, int]:
    """Cuti bersama days the employee was kept at work, per year (see cuti_bersama_duty)."""
    async with conn.execute(
        "SELECT day FROM cuti_bersama_duty WHERE nip = ? AND day BETWEEN ? AND ?",
        (nip, first.isoformat(), last.isoformat()),
    ) as cursor:
        rows = await cursor.fetchall()
    return days_by_year([dt.date.fromisoformat(r["day"]) for r in rows])


async def besar_spans(conn: aiosqlite.Connection, nip: str, statuses: tuple[str, ...],
                      first: dt.date, last: dt.date,
                      exclude_id: int | None = None) -> list[BesarTaken]:
    """Cuti besar requests in the given statuses overlapping first..last."""
    marks = ",".join("?" for _ in statuses)
    async with conn.execute(
        f"SELECT id, start_date, end_date, status FROM requests WHERE nip = ? AND type = ? "
        f"AND status IN ({marks}) AND end_date >= ? AND start_date <= ? ORDER BY start_date",
        (nip, BESAR_TYPE, *statuses, first.isoformat(), last.isoformat()),
    ) as cursor:
        rows = await cursor.fetchall()
    return [BesarTaken(r["id"], dt.date.fromisoformat(r["start_date"]),
                       dt.date.fromisoformat(r["end_date"]), r["status"] == "disetujui")
            for r in rows if r["id"] != exclude_id]


def _years_of(span: BesarTaken) -> range:
    return range(span.start.year, span.end.year + 1)


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


async def approved_days(conn: aiosqlite.Connection, nip: str, year: int,
                        calendar: OfficeCalendar) -> int:
    """Working days of approved cuti tahunan the bot recorded in `year`."""
    counts = await _annual_days(conn, nip, APPROVED, calendar, dt.date(year, 1, 1),
                                dt.date(year, 12, 31), None)
    return counts.get(year, 0)


async def taken_days(conn: aiosqlite.Connection, nip: str, year: int, calendar: OfficeCalendar,
                     *, exclude_id: int | None = None) -> int:
    """Working days of cuti tahunan approved or waiting in `year` (what a cuti besar in the
    same year is set off against)."""
    counts = await _annual_days(conn, nip, APPROVED + PENDING, calendar, dt.date(year, 1, 1),
                                dt.date(year, 12, 31), exclude_id)
    return counts.get(year, 0)


def carry_rules(employee: employees.Employee | None) -> CarryRules:
    if employee is None:
        return CarryRules()
    start = service_start(employee.nip)
    return CarryRules(
        to_18=rights.pppk_carry_over(employee.status, start, employee.akhir_kontrak, years=1),
        to_24=rights.pppk_carry_over(employee.status, start, employee.akhir_kontrak, years=2))


async def balance(conn: aiosqlite.Connection, nip: str, year: int, *, calendar: OfficeCalendar,
                  policy: LeavePolicy, exclude_id: int | None = None) -> LeaveBalance:
    """The employee's cuti tahunan balance for `year`. `exclude_id` leaves one request out
    (the one being resubmitted, so it does not reserve its own days)."""
    start_of_service = service_start(nip)
    first_year = first_entitled_year(start_of_service, policy.tracking_from)
    window_start = dt.date(min(first_year, year), 1, 1)
    window_end = dt.date(year, 12, 31)
    used = await _annual_days(conn, nip, APPROVED, calendar, window_start, window_end,
                              exclude_id)
    pending = await _annual_days(conn, nip, PENDING, calendar, dt.date(year, 1, 1), window_end,
                                 exclude_id)
    added = await duty_days(conn, nip, window_start, window_end)
    # Only an approved cuti besar of an earlier year changed what carries on; one that is
    # still waiting already holds this year's right back.
    besar_years = frozenset(y for span in await besar_spans(conn, nip, APPROVED, window_start,
                                                            window_end)
                            for y in _years_of(span) if y < year)
    this_year = await besar_spans(conn, nip, APPROVED + PENDING, dt.date(year, 1, 1),
                                  window_end, exclude_id)
    # An opening for another year (the tracking year was moved after the import) no longer
    # describes the first tracked year, so it is left out.
    opening = await opening_for(conn, nip, first_year)
    employee = await employees.by_nip(conn, nip)
    postponed = await postponed_days(conn, nip, calendar, window_start, window_end)
    available, postponed_in = _availability(
        year, used, first_year, opening, added=added, besar_years=besar_years,
        carry=carry_rules(employee), postponed=postponed)
    return LeaveBalance(
        year=year, eligible_from=eligible_from(start_of_service), available=available,
        carried=max(0, available - ANNUAL_DAYS - added.get(year, 0)) if year >= first_year
        else 0,
        used=used.get(year, 0), pending=pending.get(year, 0),
        opening=opening if opening is not None and opening.year == year else None,
        added_bersama=added.get(year, 0) if year >= first_year else 0,
        besar=this_year[0] if this_year else None, postponed_in=postponed_in)


async def postponed_days(conn: aiosqlite.Connection, nip: str, calendar: OfficeCalendar,
                         first: dt.date, last: dt.date) -> dict[int, int]:
    """Year → working days of that year's cuti tahunan postponed into a later year. A
    postponement to a later day of the same year carries nothing: the days are still that
    year's to take."""
    counts: dict[int, int] = {}
    for start, end, until in await cuti_answers.postponed_into(conn, nip, first, last):
        for day in calendar.working_days(max(start, first), min(end, last)):
            if until.year > day.year:
                counts[day.year] = counts.get(day.year, 0) + 1
    return counts
