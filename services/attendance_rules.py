"""The attendance rules, as pure functions a reader can check against the region's Perkada.

One working day of one employee becomes a DayStatus:

1. A day off in the office calendar (weekend, national holiday, cuti bersama, local holiday)
   is L, whatever was punched.
2. An approved full-day absence (I, S, DL, TB, CT, CB, CS, CM, CAP, CLTN) gives its code; it
   overrides punches and their absence alike.
3. Only scans inside the valid window (default 06:00:00–18:00:00, both ends included) count;
   the in/out state the machine records is ignored.
4. No valid scan: TK (tanpa keterangan).
5. Two or more scans: the first is IN, the last is OUT. A single scan is IN when it comes
   before the middle of the working hours and OUT from the middle on (the other one is missing).
6. IN: the late minutes are the whole minutes after the start — with a 07:30 start, 07:30:59 is
   on time and 07:31:00 is one minute late. Late minutes within the grace are not late; beyond
   it they count from the start. Bands: 1–30 TL1, 31–60 TL2, 61–90 TL3, above 90 TL4
   (configurable). No IN: TAM.
7. OUT: the early minutes are the minutes (started) before the end — with a 16:00 end, 16:00:00
   is on time and 15:59:59 is one minute early; same bands, PSW1–PSW4. No OUT: TAP.
8. An approved part-day permit excuses the lateness (arrive_late) or the early leave
   (leave_early) up to the time it names (expected arrival, departure): coming later than
   that, or leaving earlier, counts from that time. A permit naming no time excuses it all.
   The missing scans (TAM/TAP) stay.
9. A day with none of TL, PSW, TAM, TAP is H. A day can carry two codes (TL1 and PSW2).

While the day is still running (`now` on that day before the end of the scan window), what has
not happened yet is not held against the employee: no TK and no TAP before the window closes,
no PSW before the end of working hours.

The monthly TPP deduction adds the configured percentage of every code of every day, capped;
the PP 94/2021 ladder counts days of not coming to work per calendar year (TK days plus the
late/early minutes converted to days, see ladder_count) and runs of consecutive TK working days.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, repeat

from services.attendance_model import DayStatus
from services.attendance_policy import AttendancePolicy, LadderPolicy, LadderStep, TppPolicy

PRESENT = "H"
DAY_OFF = "L"
NO_RECORD = "TK"
NO_IN = "TAM"
NO_OUT = "TAP"
LATE = "TL"
EARLY = "PSW"
ABSENCE_CODES = ("I", "S", "DL", "TB", "CT", "CB", "CS", "CM", "CAP", "CLTN")
CLTN = "CLTN"

FULL_DAY = "full"
ARRIVE_LATE = "arrive_late"
LEAVE_EARLY = "leave_early"


@dataclass(frozen=True)
class Absence:
    """One approved absence row for a day (absence_days)."""

    code: str
    part: str = FULL_DAY
    note: str = ""
    at: dt.time | None = None    # part-day permits: expected arrival / departure


def _seconds(t: dt.time) -> int:
    return t.hour * 3600 + t.minute * 60 + t.second


def in_window(t: dt.time, policy: AttendancePolicy) -> bool:
    return policy.window_start <= t <= policy.window_end


def late_minutes(first_in: dt.time, start: dt.time) -> int:
    """Whole minutes after the start: 07:30:59 → 0, 07:31:00 → 1, 08:00:59 → 30."""
    return max(0, (_seconds(first_in) - _seconds(start)) // 60)


def early_minutes(last_out: dt.time, end: dt.time) -> int:
    """Minutes (started) before the end: 16:00:00 → 0, 15:59:59 → 1, 15:29:59 → 31."""
    return max(0, -((_seconds(last_out) - _seconds(end)) // 60))


def band(minutes: int, bands: tuple[int, int, int]) -> int:
    """0 when not late/early, else 1–4: (30, 60, 90) → 1–30: 1, 31–60: 2, 61–90: 3, >90: 4."""
    if minutes <= 0:
        return 0
    for number, upper in enumerate(bands, start=1):
        if minutes <= upper:
            return number
    return len(bands) + 1


def day_is_closed(day: dt.date, policy: AttendancePolicy, now: dt.datetime | None) -> bool:
    """Whether nothing can change any more for `day` (the scan window has closed)."""
    if now is None or now.date() > day:
        return True
    return now.date() == day and now.time() > policy.window_end


@dataclass(frozen=True, slots=True)
class DayRule:
    """The hours of one working day in seconds since midnight, with the grace and bands:
    worked out once per day for the whole office (hours_for looks up the Ramadan dates)."""

    day: dt.date
    start: int
    end: int
    middle: int          # a lone scan before it is IN, from it on OUT (midday)
    grace: int
    bands: tuple[int, int, int]
    # band() of every whole minute of a day (0 to 1440), looked up instead of worked out.
    band_of: tuple[int, ...]


def day_rule(day: dt.date, policy: AttendancePolicy) -> DayRule:
    hours = policy.hours_for(day)
    start, end = _seconds(hours.start), _seconds(hours.end)
    return DayRule(day, start, end, (start + end) // 2, policy.grace_minutes, policy.bands,
                   _band_table(policy.bands))


@lru_cache(maxsize=8)
def _band_table(bands: tuple[int, int, int]) -> tuple[int, ...]:
    return tuple(band(minutes, bands) for minutes in range(24 * 60 + 1))


# The few code tuples there are, shared: a month of a province holds about a million days.
_CODES: dict[tuple[str, ...], tuple[str, ...]] = {}
_NO_PERMITS: dict[str, Absence] = {}


def _clock(moment: dt.datetime) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _worked(rule: DayRule, first: dt.datetime, last: dt.datetime, *,
            permits: dict[str, Absence], closed: bool, work_ended: bool,
            note: str) -> DayStatus:
    """A working day with valid scans (first and last, in order) and no full-day absence."""
    first_in: dt.datetime | None = first
    last_out: dt.datetime | None = last
    if first == last:
        # The same moment read from two machines is still one scan.
        if _clock(first) < rule.middle:
            last_out = None
        else:
            first_in = None
    codes: list[str] = []
    late = early = 0
    if first_in is None:
        codes.append(NO_IN)
    else:
        late = max(0, (_clock(first_in) - rule.start) // 60)
        permit = permits.get(ARRIVE_LATE)
        if late <= rule.grace:
            late = 0
        elif permit is not None:
            late = 0 if permit.at is None else late_minutes(first_in.time(), permit.at)
        if late:
            codes.append(f"{LATE}{band(late, rule.bands)}")
    if last_out is None:
        if closed:
            codes.append(NO_OUT)
    elif work_ended:
        early = max(0, -((_clock(last_out) - rule.end) // 60))
        permit = permits.get(LEAVE_EARLY)
        if early and permit is not None:
            early = 0 if permit.at is None else early_minutes(last_out.time(), permit.at)
        if early:
            codes.append(f"{EARLY}{band(early, rule.bands)}")
    found = tuple(codes) or (PRESENT,)
    return DayStatus(rule.day, _CODES.setdefault(found, found), late_minutes=late,
                     early_minutes=early, first_in=first_in, last_out=last_out, note=note)


def _both(late: int, early: int) -> tuple[str, ...]:
    found = tuple(code for code in (f"{LATE}{late}" if late else "",
                                    f"{EARLY}{early}" if early else "") if code) or (PRESENT,)
    return _CODES.setdefault(found, found)


# A day with an IN and an OUT scan: its codes by (late band, early band).
_IN_AND_OUT = tuple(tuple(_both(late, early) for early in range(5)) for late in range(5))


def classify_finished(rule: DayRule, first: dt.datetime, last: dt.datetime) -> DayStatus:
    """classify_day of a finished working day with no approved absence, from its first and
    last valid scan (the same one when there was one): what a month of an office is mostly
    made of, without working out the day's hours again for every employee."""
    if last < first:
        first, last = last, first
    if first == last:
        return _worked(rule, first, last, permits=_NO_PERMITS, closed=True, work_ended=True,
                       note="")
    return classify_in_out(rule, first, last)


_new_tuple = tuple.__new__


def classify_in_out(rule: DayRule, first: dt.datetime, last: dt.datetime) -> DayStatus:
    """classify_finished when `first` is known to come before `last`: _worked with an IN and
    an OUT and no permit, spelled out, since this runs a million times."""
    late = (first.hour * 3600 + first.minute * 60 + first.second - rule.start) // 60
    if late <= rule.grace:
        late = 0
    early = -((last.hour * 3600 + last.minute * 60 + last.second - rule.end) // 60)
    if early < 0:
        early = 0
    band_of = rule.band_of
    # The tuple made directly: DayStatus's own constructor costs three times as much.
    return _new_tuple(DayStatus, (
        rule.day, _IN_AND_OUT[band_of[late]][band_of[early]], late, early, first, last, ""))


def classify_day(day: dt.date, policy: AttendancePolicy, *, off: str | None,
                 punches: Iterable[dt.datetime], absences: Sequence[Absence] = (),
                 now: dt.datetime | None = None) -> DayStatus:
    """The status of one employee on one day. `punches` are local wall-clock datetimes of any
    machine, in any order; `off` is why the day is not a working day (None: it is one);
    `now` (same wall clock) marks a day still running, None means the day is over."""
    if off is not None:
        return DayStatus(day, (DAY_OFF,), note=off)
    valid = sorted(p for p in punches if in_window(p.time(), policy))
    full = next((a for a in absences if a.part == FULL_DAY), None)
    if full is not None:
        return DayStatus(day, (full.code,), first_in=valid[0] if valid else None,
                         last_out=valid[-1] if len(valid) > 1 else None, note=full.note)
    closed = day_is_closed(day, policy, now)
    if not valid:
        return DayStatus(day, (NO_RECORD,) if closed else ())
    rule = day_rule(day, policy)
    work_ended = closed or (now is not None and _clock(now) >= rule.end)
    return _worked(rule, valid[0], valid[-1], permits={a.part: a for a in absences},
                   closed=closed, work_ended=work_ended,
                   note=next((a.note for a in absences if a.note), ""))


def is_on_absence(status: DayStatus) -> bool:
    return bool(status.codes) and status.codes[0] in ABSENCE_CODES


def is_late(status: DayStatus) -> bool:
    return any(code.startswith(LATE) for code in status.codes)


def code_totals(days: Iterable[DayStatus]) -> dict[str, int]:
    """Days per code (a day with TL1 and PSW2 counts once under each)."""
    counter: Counter[str] = Counter(code for day in days for code in day.codes)
    return dict(counter)


def tpp_deduction(days: Sequence[DayStatus], tpp: TppPolicy) -> float:
    """Percent of the month's TPP deducted: the sum of each code's rate, at most the cap; the
    whole month when the Perkada forfeits it after a number of TK days. Days on CLTN (leave
    without state pay) withhold their share of the month's working days of
    `cltn_month_percent`, outside the cap: a whole month on CLTN withholds the whole TPP."""
    codes = [day.codes for day in days]
    return tpp_deduction_of(codes, Counter(codes), tpp)


def tpp_deduction_of(codes: Sequence[tuple[str, ...]], counted: Mapping[tuple[str, ...], int],
                     tpp: TppPolicy) -> float:
    """tpp_deduction from the days' codes, in order, and how many days carry each tuple of
    them (a month holds a handful of distinct tuples)."""
    tk_days = sum(times for found, times in counted.items() if NO_RECORD in found)
    if tpp.tk_days_forfeit_month and tk_days >= tpp.tk_days_forfeit_month:
        return 100.0
    # Added day by day, code by code: the same float whatever groups the days.
    total = sum(map(tpp.percent.get, chain.from_iterable(codes), repeat(0.0)))
    working = sum(times for found, times in counted.items() if DAY_OFF not in found)
    cltn = sum(times for found, times in counted.items()
               if DAY_OFF not in found and CLTN in found)
    share = tpp.cltn_month_percent * cltn / working if working else 0.0
    return round(min(100.0, min(total, tpp.monthly_cap_percent) + share), 2)


def band_ranges(bands: tuple[int, int, int]) -> tuple[tuple[int, int | None], ...]:
    """(first minute, last minute or None for "more than") of bands 1–4:
    (30, 60, 90) → (1, 30), (31, 60), (61, 90), (91, None). Labels are made from these, so
    they follow the configured bands."""
    lows = (1, bands[0] + 1, bands[1] + 1, bands[2] + 1)
    highs: tuple[int | None, ...] = (*bands, None)
    return tuple(zip(lows, highs, strict=True))


def is_tk_day(*, working: bool, has_valid_scan: bool, full_absence: bool) -> bool:
    """TK as in classify_day for a finished day: a working day with no valid scan and no
    approved full-day absence."""
    return working and not has_valid_scan and not full_absence


@dataclass(frozen=True)
class LostMinutes:
    """Unexcused minutes of a period: arriving late (TL) and leaving early (PSW)."""

    late: int = 0
    early: int = 0

    @property
    def total(self) -> int:
        return self.late + self.early


def lost_minutes(days: Iterable[DayStatus]) -> LostMinutes:
    """The late and early minutes of classified days. classify_day already leaves out what is
    excused: minutes within the grace, lateness under an approved permit to arrive late, early
    leave under a permit to leave early, and every day of an approved full-day absence."""
    late = early = 0
    for day in days:
        late += day.late_minutes
        early += day.early_minutes
    return LostMinutes(late, early)


@dataclass(frozen=True)
class LadderCount:
    """How the ladder's days of a calendar year are made up."""

    tk_days: int
    minutes: LostMinutes
    minute_days: int      # whole days the minutes amount to (0 when not counted)
    minutes_per_day: int  # the conversion used

    @property
    def days(self) -> int:
        return self.tk_days + self.minute_days


def ladder_count(tk_days: int, minutes: LostMinutes, ladder: LadderPolicy) -> LadderCount:
    """The days of not coming to work that the PP 94/2021 ladder counts for one year.

    Peraturan BKN 6/2022 (implementing PP 94/2021) counts late arrival and early leave without
    a valid reason cumulatively: every 7.5 hours (`minutes_per_day`, default 450 minutes) is one
    day of not coming to work, added to the TK days. Only whole days count — 449 minutes are
    none, 450 are one, 899 still one. The rule of consecutive working days (long_runs) stays on
    TK days alone: minutes are not a day of absence in a row. With `count_late_minutes` off the
    ladder counts TK days only.
    """
    minute_days = minutes.total // ladder.minutes_per_day if ladder.count_late_minutes else 0
    return LadderCount(tk_days, minutes, minute_days, ladder.minutes_per_day)


def ladder_reached(days: int, ladder: LadderPolicy) -> list[LadderStep]:
    """Every PP 94/2021 step reached by `days` days (LadderCount.days) in a calendar year,
    lowest first."""
    return [step for step in sorted(ladder.steps, key=lambda s: s.days) if days >= step.days]


def tk_runs(working_days: Sequence[dt.date], tk_days: set[dt.date]) -> list[tuple[dt.date, int]]:
    """Runs of consecutive TK working days as (first day, length); days off do not break a run
    (they are not working days), any working day that is not TK does."""
    runs: list[tuple[dt.date, int]] = []
    start: dt.date | None = None
    length = 0
    for day in sorted(working_days):
        if day in tk_days:
            if start is None:
                start, length = day, 0
            length += 1
        elif start is not None:
            runs.append((start, length))
            start = None
    if start is not None:
        runs.append((start, length))
    return runs


def long_runs(working_days: Sequence[dt.date], tk_days: set[dt.date],
              ladder: LadderPolicy) -> list[tuple[dt.date, int]]:
    """The runs that reach the consecutive-days rule (default 10 working days)."""
    return [run for run in tk_runs(working_days, tk_days) if run[1] >= ladder.consecutive_days]
