"""The office's attendance policy as plain data: hours, scan window, bands, TPP table, alerts.

Parsed from `[attendance]` by bot/config/attendance.py (`settings.attendance`); the defaults are
the common values in /work/shared/domain.md (Perpres 21/2023 hours, Ramadan dates computed for
every year (services.ramadan), Kab. Tulang Bawang-style TPP table capped at 40 % a month (the
disiplin component of TPP), a month on CLTN withholding the whole TPP, the PP 94/2021 ladder
with wording for PNS and for PPPK).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from services.employees import PPPK
from services.ramadan import ramadan_around


@dataclass(frozen=True)
class WorkHours:
    start: dt.time
    end: dt.time


def _hours(start: str, end: str) -> WorkHours:
    return WorkHours(dt.time.fromisoformat(start), dt.time.fromisoformat(end))


# Monday = 0. Saturday/Sunday have no hours unless configured; a working-day override on such a
# day follows the Monday hours (see AttendancePolicy.hours_for).
DEFAULT_HOURS: Mapping[int, WorkHours] = {
    0: _hours("07:30", "16:00"), 1: _hours("07:30", "16:00"), 2: _hours("07:30", "16:00"),
    3: _hours("07:30", "16:00"), 4: _hours("07:30", "16:30"),
}
DEFAULT_RAMADAN_HOURS: Mapping[int, WorkHours] = {
    0: _hours("08:00", "15:00"), 1: _hours("08:00", "15:00"), 2: _hours("08:00", "15:00"),
    3: _hours("08:00", "15:00"), 4: _hours("08:00", "15:30"),
}

# Percent of the monthly TPP deducted per day carrying the code. TL/PSW as in Kab. Tulang
# Bawang; TAM/TAP as "no attendance record"; TK 3% as in most regions.
DEFAULT_TPP_PERCENT: Mapping[str, float] = {
    "TL1": 0.5, "TL2": 1.0, "TL3": 1.25, "TL4": 1.5,
    "PSW1": 0.5, "PSW2": 1.0, "PSW3": 1.25, "PSW4": 1.5,
    "TAM": 1.5, "TAP": 1.5, "TK": 3.0,
}


# Upper bounds (minutes, inclusive) of TL1/PSW1, TL2/PSW2 and TL3/PSW3.
DEFAULT_BANDS: tuple[int, int, int] = (30, 60, 90)


@dataclass(frozen=True)
class RamadanPeriod:
    start: dt.date
    end: dt.date  # inclusive
    hours: Mapping[int, WorkHours] = field(default_factory=lambda: dict(DEFAULT_RAMADAN_HOURS))


@lru_cache(maxsize=64)
def _computed_period(start: dt.date, end: dt.date) -> RamadanPeriod:
    return RamadanPeriod(start, end)


# The disiplin (attendance) component of TPP is commonly 40 % of it: deductions stop there.
DEFAULT_TPP_CAP_PERCENT = 40.0
# CLTN is leave without state pay: a whole month on it withholds the whole TPP, a part of a
# month its share of the month's working days. The cap above does not apply to it.
DEFAULT_CLTN_MONTH_PERCENT = 100.0


@dataclass(frozen=True)
class TppPolicy:
    percent: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_TPP_PERCENT))
    monthly_cap_percent: float = DEFAULT_TPP_CAP_PERCENT
    cltn_month_percent: float = DEFAULT_CLTN_MONTH_PERCENT
    # Some Perkada forfeit the whole month's TPP after this many TK days (0: no such rule).
    tk_days_forfeit_month: int = 0


@dataclass(frozen=True)
class LadderStep:
    days: int          # cumulative TK days in a calendar year that reach this step
    penalty: str       # the penalty PP 94/2021 names for it (shown to the atasan)
    # The wording for a PPPK where the PNS one does not fit (empty: the same). The PPK sets
    # PPPK discipline; penurunan and pembebasan jabatan are PNS measures.
    pppk_penalty: str = ""

    def penalty_for(self, status: str) -> str:
        return (self.pppk_penalty or self.penalty) if status == PPPK else self.penalty


_PPPK_HEAVY = ("hukuman disiplin berat, ditetapkan oleh PPK sesuai perjanjian kerja "
               "(penurunan dan pembebasan jabatan tidak berlaku bagi PPPK)")
DEFAULT_LADDER: tuple[LadderStep, ...] = (
    LadderStep(3, "hukuman disiplin ringan berupa teguran lisan"),
    LadderStep(4, "hukuman disiplin ringan berupa teguran tertulis"),
    LadderStep(7, "hukuman disiplin ringan berupa pernyataan tidak puas secara tertulis"),
    LadderStep(11, "hukuman disiplin sedang berupa pemotongan tunjangan kinerja 25% "
                   "selama 6 bulan"),
    LadderStep(14, "hukuman disiplin sedang berupa pemotongan tunjangan kinerja 25% "
                   "selama 9 bulan"),
    LadderStep(17, "hukuman disiplin sedang berupa pemotongan tunjangan kinerja 25% "
                   "selama 12 bulan"),
    LadderStep(21, "hukuman disiplin berat berupa penurunan jabatan setingkat lebih rendah "
                   "selama 12 bulan",
               _PPPK_HEAVY),
    LadderStep(25, "hukuman disiplin berat berupa pembebasan dari jabatannya menjadi jabatan "
                   "pelaksana selama 12 bulan",
               _PPPK_HEAVY),
    LadderStep(28, "hukuman disiplin berat berupa pemberhentian dengan hormat tidak atas "
                   "permintaan sendiri sebagai PNS",
               "hukuman disiplin berat berupa pemutusan hubungan perjanjian kerja dengan hormat "
               "tidak atas permintaan sendiri sebagai PPPK"),
)
DEFAULT_RUN_PENALTY = ("pemberhentian dengan hormat tidak atas permintaan sendiri; gaji "
                       "dihentikan mulai bulan berikutnya (PP 94/2021 Pasal 15 ayat 2)")
DEFAULT_RUN_PENALTY_PPPK = ("pemutusan hubungan perjanjian kerja dengan hormat tidak atas "
                            "permintaan sendiri; gaji dihentikan mulai bulan berikutnya "
                            "(PP 94/2021 Pasal 15 ayat 2)")


@dataclass(frozen=True)
class LadderPolicy:
    steps: tuple[LadderStep, ...] = DEFAULT_LADDER
    consecutive_days: int = 10
    consecutive_penalty: str = DEFAULT_RUN_PENALTY
    consecutive_penalty_pppk: str = DEFAULT_RUN_PENALTY_PPPK
    notify_kepala: bool = True
    # Peraturan BKN 6/2022: unexcused late arrival and early leave add up, every 7.5 hours
    # (450 minutes) being one day of not coming to work on the ladder.
    count_late_minutes: bool = True
    minutes_per_day: int = 450

    def run_penalty_for(self, status: str) -> str:
        return self.consecutive_penalty_pppk if status == PPPK else self.consecutive_penalty


@dataclass(frozen=True)
class AlertPolicy:
    enabled: bool = True
    morning: dt.time = dt.time(8, 0)
    # Ramadan work starts at 08:00, so its morning notices come later.
    ramadan_morning: dt.time = dt.time(8, 30)
    afternoon: dt.time = dt.time(16, 45)
    sync_before_morning: bool = True
    # The atasan's morning summary lists a subordinate as late from this many minutes.
    summary_late_minutes: int = 1


@dataclass(frozen=True)
class AttendancePolicy:
    hours: Mapping[int, WorkHours] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    ramadan: tuple[RamadanPeriod, ...] = ()   # configured periods: they override the computed
    # Ramadan hours in every year from the computed dates (services.ramadan).
    ramadan_auto: bool = True
    window_start: dt.time = dt.time(6, 0)
    window_end: dt.time = dt.time(18, 0)
    grace_minutes: int = 0
    # Upper bounds (minutes, inclusive) of bands 1, 2 and 3; anything above is band 4.
    bands: tuple[int, int, int] = DEFAULT_BANDS
    tpp: TppPolicy = field(default_factory=TppPolicy)
    ladder: LadderPolicy = field(default_factory=LadderPolicy)
    alerts: AlertPolicy = field(default_factory=AlertPolicy)

    def ramadan_on(self, day: dt.date) -> RamadanPeriod | None:
        """The configured period holding `day`; else the computed Ramadan holding it, unless a
        configured period overlaps that Ramadan (the office set that year's dates itself)."""
        for period in self.ramadan:
            if period.start <= day <= period.end:
                return period
        if not self.ramadan_auto or (span := ramadan_around(day)) is None:
            return None
        start, end = span
        if any(p.start <= end and start <= p.end for p in self.ramadan):
            return None
        return _computed_period(start, end)

    def hours_for(self, day: dt.date) -> WorkHours:
        """The working hours of `day`: the Ramadan table inside a Ramadan period, else weekly.

        A weekday without its own hours (a Saturday declared a working day) follows Monday.
        """
        period = self.ramadan_on(day)
        table = period.hours if period is not None else self.hours
        return table.get(day.weekday()) or table.get(0) or DEFAULT_HOURS[0]

    def morning_alert_at(self, day: dt.date) -> dt.time:
        """When the morning notices of `day` go out."""
        if self.ramadan_on(day) is not None:
            return self.alerts.ramadan_morning
        return self.alerts.morning

    @property
    def earliest_start(self) -> dt.time:
        """The earliest start of work in any schedule (nobody is late before it)."""
        starts = [h.start for h in self.hours.values()]
        if self.ramadan_auto:
            starts.extend(h.start for h in DEFAULT_RAMADAN_HOURS.values())
        for period in self.ramadan:
            starts.extend(h.start for h in period.hours.values())
        return min(starts)

    @property
    def latest_end(self) -> dt.time:
        """The latest end of work in any schedule (the afternoon alert must come after it)."""
        ends = [h.end for h in self.hours.values()]
        if self.ramadan_auto:
            ends.extend(h.end for h in DEFAULT_RAMADAN_HOURS.values())
        for period in self.ramadan:
            ends.extend(h.end for h in period.hours.values())
        return max(ends)
