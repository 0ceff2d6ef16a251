"""What /hadir and /kalender show: one employee's day and month, their team, a calendar month."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services import attendance, employees
from services import attendance_rules as rules
from services.alerts import TeamEntry
from services.attendance_model import DayStatus, EmployeeMonth
from services.attendance_policy import AttendancePolicy, RamadanPeriod, WorkHours
from services.calendar import DayOff, OfficeCalendar, month_days
from services.employees import Employee
from services.errors import DomainError, NotFound
from services.storage import Database

FIRST_YEAR = 2000
LAST_YEAR = 2099


class MonthNotAvailable(DomainError):
    pass


@dataclass(frozen=True)
class TodayView:
    day: dt.date
    day_off: DayOff | None
    hours: WorkHours
    status: DayStatus
    month: EmployeeMonth            # this month up to today, today as still running
    team: tuple[TeamEntry, ...]     # the subordinates today; empty for non-supervisors
    # This year's unexcused late/early minutes up to yesterday and the PP 94/2021 days they
    # count for; None when the ladder does not count minutes or no day of the year has ended.
    year_minutes: rules.LadderCount | None = None


@dataclass(frozen=True)
class CalendarMonth:
    year: int
    month: int
    days: tuple[dt.date, ...]
    days_off: dict[dt.date, DayOff]
    overrides: dict[dt.date, str]           # declared working days in this month
    ramadan: tuple[RamadanPeriod, ...]      # periods overlapping this month

    @property
    def working_days(self) -> int:
        return len(self.days) - len(self.days_off)


async def today_view(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                     employee: Employee, now: dt.datetime) -> TodayView:
    today = now.date()
    month = await attendance.month_attendance(db, policy, calendar, today.year, today.month,
                                              today=today, now=now, nips={employee.nip})
    if not month.employees:
        raise NotFound("Data kepegawaian Anda tidak aktif. Hubungi pengelola kepegawaian.")
    mine = month.employees[0]
    async with db.read() as conn:
        team = await employees.subordinates(conn, employee.nip)
    entries: tuple[TeamEntry, ...] = ()
    if team:
        statuses = await attendance.day_statuses(db, policy, calendar, today, now,
                                                 nips={e.nip for e in team})
        entries = tuple(TeamEntry(e, statuses[e.nip]) for e in team if e.nip in statuses)
    return TodayView(day=today, day_off=calendar.day_off(today), hours=policy.hours_for(today),
                     status=next(d for d in mine.days if d.day == today), month=mine,
                     team=entries,
                     year_minutes=await _year_minutes(db, policy, calendar, employee, today))


async def _year_minutes(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                        employee: Employee, today: dt.date) -> rules.LadderCount | None:
    """The minutes part of the ladder's count, over the finished days of this year (the days
    the PP 94/2021 notices judge)."""
    year_start, yesterday = dt.date(today.year, 1, 1), today - dt.timedelta(days=1)
    if not policy.ladder.count_late_minutes or yesterday < year_start:
        return None
    found = await attendance.lost_minutes(db, policy, calendar, year_start, yesterday,
                                          nips={employee.nip})
    # TK days are left at 0: this line of /hadir is about the minutes only.
    return rules.ladder_count(0, found.get(employee.nip, rules.LostMinutes()), policy.ladder)


def _check_month(year: int, month: int) -> None:
    if not 1 <= month <= 12:
        raise MonthNotAvailable(f"Bulan {month} tidak dikenal; gunakan 1–12.")
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise MonthNotAvailable(f"Data hanya tersedia untuk tahun {FIRST_YEAR}–{LAST_YEAR}.")


async def month_statement(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                          employee: Employee, year: int, month: int,
                          now: dt.datetime) -> EmployeeMonth:
    """One employee's month day by day; the current month up to now."""
    _check_month(year, month)
    if (year, month) > (now.year, now.month):
        raise MonthNotAvailable(f"Bulan {month:02d}-{year} belum berjalan.")
    result = await attendance.month_attendance(db, policy, calendar, year, month,
                                               today=now.date(), now=now, nips={employee.nip})
    if not result.employees:
        raise NotFound("Data kepegawaian Anda tidak aktif. Hubungi pengelola kepegawaian.")
    return result.employees[0]


def calendar_month(calendar: OfficeCalendar, policy: AttendancePolicy, year: int,
                   month: int) -> CalendarMonth:
    _check_month(year, month)
    days = tuple(month_days(year, month))
    offs = {day: off for day in days if (off := calendar.day_off(day)) is not None}
    overrides = {day: name for day, name in calendar.rules.working_overrides.items()
                 if day.year == year and day.month == month}
    ramadan = tuple(p for p in policy.ramadan if p.start <= days[-1] and p.end >= days[0])
    return CalendarMonth(year, month, days, offs, overrides, ramadan)
