"""The office calendar: which days are working days, and why a day is not.

National holidays and cuti bersama come from the `holidays` package (the government category
is needed for cuti bersama); the office adds local holidays and can declare a day a working day
(for example when a joint-leave decree is revised mid-year).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property

WEEKDAY_NAMES = ("senin", "selasa", "rabu", "kamis", "jumat", "sabtu", "minggu")
CUTI_BERSAMA_PREFIX = "Cuti Bersama"


@dataclass(frozen=True)
class DayOff:
    day: dt.date
    name: str
    kind: str  # "weekend", "national", "cuti_bersama", "local"


@dataclass(frozen=True)
class CalendarRules:
    workdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})  # Monday = 0
    national_holidays: bool = True
    cuti_bersama_is_day_off: bool = True
    local_holidays: Mapping[dt.date, str] = field(default_factory=dict)
    working_overrides: Mapping[dt.date, str] = field(default_factory=dict)


class OfficeCalendar:
    def __init__(self, rules: CalendarRules) -> None:
        self.rules = rules
        self._years: dict[int, dict[dt.date, str]] = {}

    def _national(self, year: int) -> dict[dt.date, str]:
        if year not in self._years:
            if self.rules.national_holidays:
                # Imported when a calendar is first consulted, not by every command.
                import holidays as holiday_data

                data = holiday_data.country_holidays(
                    "ID", years=year, categories=("public", "government"), language="id")
                self._years[year] = dict(data.items())
            else:
                self._years[year] = {}
        return self._years[year]

    def day_off(self, day: dt.date) -> DayOff | None:
        """Why `day` is not a working day, or None when it is one."""
        if day in self.rules.working_overrides:
            return None
        if day in self.rules.local_holidays:
            return DayOff(day, self.rules.local_holidays[day], "local")
        name = self._national(day.year).get(day)
        if name is not None:
            # Several holidays on one day come back joined with "; ".
            is_joint = all(part.startswith(CUTI_BERSAMA_PREFIX) for part in name.split("; "))
            if not is_joint:
                return DayOff(day, name, "national")
            if self.rules.cuti_bersama_is_day_off:
                return DayOff(day, name, "cuti_bersama")
        if day.weekday() not in self.rules.workdays:
            return DayOff(day, "Akhir pekan", "weekend")
        return None

    def is_working_day(self, day: dt.date) -> bool:
        return self.day_off(day) is None

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        """Working days from start to end inclusive (empty if end < start)."""
        return [d for d in _days(start, end) if self.is_working_day(d)]

    def count_working_days(self, start: dt.date, end: dt.date) -> int:
        return len(self.working_days(start, end))

    def days_off(self, start: dt.date, end: dt.date) -> list[DayOff]:
        return [off for d in _days(start, end) if (off := self.day_off(d)) is not None]

    def next_working_day(self, after: dt.date) -> dt.date:
        day = after + dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def first_working_day(self, year: int, month: int) -> dt.date:
        day = dt.date(year, month, 1)
        return day if self.is_working_day(day) else self.next_working_day(day)

    @cached_property
    def workday_names(self) -> list[str]:
        return [WEEKDAY_NAMES[i] for i in sorted(self.rules.workdays)]


def _days(start: dt.date, end: dt.date) -> Iterator[dt.date]:
    day = start
    while day <= end:
        yield day
        day += dt.timedelta(days=1)


def month_days(year: int, month: int) -> list[dt.date]:
    first = dt.date(year, month, 1)
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1))
    return list(_days(first, last))
