"""The attendance figures one month produces, shared by alerts, /hadir and the monthly recap.

Codes: H, TL1–TL4, PSW1–PSW4, TAM, TAP, TK, absence codes from approved requests (I, S, DL, TB,
CT, CB, CS, CM, CAP, CLTN) and L for a day off. A working day can carry two codes (late and
left early: ("TL1", "PSW2")); `codes[0]` is the one a single-cell view shows first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

# Code groups the recap and the demo count by. Every kind of cuti, plus the bare "C", is one group.
CUTI_CODES = frozenset({"CT", "CB", "CS", "CM", "CAP", "CLTN", "C"})
# Days on which the employee was at work (or working elsewhere on duty).
PRESENT_CODES = frozenset({"H", "TL", "TL1", "TL2", "TL3", "TL4", "PSW", "PSW1", "PSW2", "PSW3",
                           "PSW4", "TAM", "TAP", "DL"})
EXCUSED_CODES = frozenset({"I", "S", "TB"}) | CUTI_CODES


# A tuple: a month of a province is about a million of these, and a tuple is made (and
# pickled to and from a compute process) several times faster than a frozen dataclass.
class DayStatus(NamedTuple):
    day: dt.date
    codes: tuple[str, ...]
    late_minutes: int = 0
    early_minutes: int = 0
    first_in: dt.datetime | None = None
    last_out: dt.datetime | None = None
    note: str = ""  # e.g. the holiday's name, or the approved request's agenda number

    @property
    def label(self) -> str:
        """What one recap cell shows: codes joined by '/'."""
        return "/".join(self.codes)


@dataclass(frozen=True)
class EmployeeMonth:
    nip: str
    nama: str
    golongan: str
    jabatan: str
    unit: str
    days: tuple[DayStatus, ...]
    totals: dict[str, int] = field(default_factory=dict)  # code → number of days
    late_minutes: int = 0
    early_minutes: int = 0
    tpp_deduction_percent: float = 0.0


@dataclass(frozen=True)
class MonthAttendance:
    year: int
    month: int
    working_days: tuple[dt.date, ...]
    days_off: dict[dt.date, str]  # date → reason (weekend, holiday name)
    employees: tuple[EmployeeMonth, ...]
    # (NIP, day) → sites of that day's presensi lokasi punches, which the XLSX marks.
    located: dict[tuple[str, dt.date], tuple[str, ...]] = field(default_factory=dict)
    # The TL/PSW bands the codes were classified with, for the legend's minute ranges.
    bands: tuple[int, int, int] = (30, 60, 90)
