"""Time standards (SOP "Waktu") measured in working time: pure rules, no I/O.

A step's clock runs only during office hours on working days, so a file that arrives at
15:55 with a 10-minute standard is late at 07:35 the next working day, not at 16:05 that
evening. Past the standard the actor is reminded; past twice the standard their own atasan
is told.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from services.workflows.model import TimeStandard

ON_TIME = "tepat"
LATE = "terlambat"        # beyond 1× the standard: remind the actor
ESCALATED = "eskalasi"    # beyond 2× the standard: tell the actor's atasan


@dataclass(frozen=True)
class WorkingHours:
    start: dt.time
    end: dt.time

    @property
    def workday_minutes(self) -> int:
        span = (dt.datetime.combine(dt.date.min, self.end)
                - dt.datetime.combine(dt.date.min, self.start))
        return int(span.total_seconds() // 60)


def working_minutes(start: dt.datetime, end: dt.datetime, hours: WorkingHours,
                    is_working_day: Callable[[dt.date], bool]) -> float:
    """Minutes of office time between two aware datetimes (0 if end <= start).

    Both are read in `start`'s zone, which is the office zone for everything we store.
    """
    if end <= start:
        return 0.0
    zone = start.tzinfo
    end = end.astimezone(zone)
    total = 0.0
    day = start.date()
    while day <= end.date():
        if is_working_day(day):
            open_at = dt.datetime.combine(day, hours.start, tzinfo=zone)
            close_at = dt.datetime.combine(day, hours.end, tzinfo=zone)
            lo, hi = max(open_at, start), min(close_at, end)
            if hi > lo:
                total += (hi - lo).total_seconds() / 60
        day += dt.timedelta(days=1)
    return total


def sla_level(elapsed_minutes: float, standard_minutes: int) -> str:
    if elapsed_minutes > 2 * standard_minutes:
        return ESCALATED
    if elapsed_minutes > standard_minutes:
        return LATE
    return ON_TIME


@dataclass(frozen=True)
class Compliance:
    steps: int
    within: int
    average_ratio: float  # mean of elapsed / standard

    @property
    def percent(self) -> float:
        return 100.0 * self.within / self.steps if self.steps else 100.0


def compliance(samples: list[tuple[float, int]]) -> Compliance:
    """(elapsed minutes, standard minutes) of finished steps → share within standard."""
    if not samples:
        return Compliance(0, 0, 0.0)
    within = sum(1 for elapsed, standard in samples if elapsed <= standard)
    ratio = sum(elapsed / standard for elapsed, standard in samples) / len(samples)
    return Compliance(len(samples), within, ratio)


@dataclass(frozen=True)
class OfficeTime:
    """Office hours and the calendar together: everything needed to time a step."""

    hours: WorkingHours
    is_working_day: Callable[[dt.date], bool]

    def elapsed(self, start: dt.datetime, end: dt.datetime) -> float:
        return working_minutes(start, end, self.hours, self.is_working_day)

    def standard(self, time_standard: TimeStandard) -> int:
        return time_standard.working_minutes(self.hours.workday_minutes)
