"""The monthly recap as a grid of values, shared by the PDF and the XLSX.

Pure: no reportlab, no openpyxl. Rows are ordered by unit, then rank (golongan, highest first),
then name; per-code totals are counted from the day cells so the totals always match the grid.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from services.attendance_model import (
    CUTI_CODES,
    EXCUSED_CODES,
    PRESENT_CODES,
    EmployeeMonth,
    MonthAttendance,
)
from services.calendar import month_days

# The total columns: header → the day codes it counts. TL1–TL4 and PSW1–PSW4 are counted as
# families; all kinds of cuti share one column so the table still fits an A4 landscape page.
TOTAL_COLUMNS: tuple[tuple[str, frozenset[str]], ...] = (
    ("H", frozenset({"H"})),
    ("TL", frozenset({"TL", "TL1", "TL2", "TL3", "TL4"})),
    ("PSW", frozenset({"PSW", "PSW1", "PSW2", "PSW3", "PSW4"})),
    ("TAM", frozenset({"TAM"})),
    ("TAP", frozenset({"TAP"})),
    ("TK", frozenset({"TK"})),
    ("I", frozenset({"I"})),
    ("S", frozenset({"S"})),
    ("DL", frozenset({"DL"})),
    ("TB", frozenset({"TB"})),
    ("C", CUTI_CODES),
)
_COLUMN_OF: dict[str, int] = {code: i for i, (_, codes) in enumerate(TOTAL_COLUMNS)
                              for code in codes}

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5}
_GOLONGAN = re.compile(r"^\s*(IV|III|II|I)\s*/\s*([a-eA-E])\s*$")


def rank_key(golongan: str) -> tuple[int, int]:
    """Sort key putting the highest rank first: IV/e before IV/a before III/d; unknown last."""
    match = _GOLONGAN.match(golongan or "")
    if not match:
        return (1, 0)
    return (0, -(_ROMAN[match[1]] * 10 + "abcde".index(match[2].lower())))


def ordered(employees: Iterable[EmployeeMonth]) -> list[EmployeeMonth]:
    return sorted(employees, key=lambda e: (e.unit.casefold(), rank_key(e.golongan),
                                            e.nama.casefold(), e.nip))


def format_percent(value: float) -> str:
    """Indonesian decimal comma, no trailing zeros: 1.5 → "1,5", 2.0 → "2"."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text.replace(".", ",")


@dataclass(frozen=True)
class RecapRow:
    no: int
    nama: str
    nip: str
    golongan: str
    jabatan: str
    unit: str
    cells: tuple[str, ...]        # one label per calendar day of the month
    totals: tuple[int, ...]       # one number per TOTAL_COLUMNS entry
    late_minutes: int
    tpp_percent: float


@dataclass(frozen=True)
class UnitSummary:
    unit: str
    employees: int
    working_days: int
    present: int
    unexcused: int
    excused: int
    recorded: int                 # employee-days with a status (days up to today)

    @property
    def rate(self) -> float:
        return 100.0 * self.present / self.recorded if self.recorded else 0.0


@dataclass(frozen=True)
class RecapTable:
    year: int
    month: int
    days: tuple[dt.date, ...]
    days_off: frozenset[int]      # indexes into `days`
    rows: tuple[RecapRow, ...]

    def units(self) -> list[tuple[str, list[RecapRow]]]:
        """Rows grouped by unit, in table order."""
        groups: list[tuple[str, list[RecapRow]]] = []
        for row in self.rows:
            if not groups or groups[-1][0] != row.unit:
                groups.append((row.unit, []))
            groups[-1][1].append(row)
        return groups


def build_table(month: MonthAttendance) -> RecapTable:
    days = tuple(month_days(month.year, month.month))
    index_of = {day: i for i, day in enumerate(days)}
    rows = []
    for number, employee in enumerate(ordered(month.employees), start=1):
        cells = [""] * len(days)
        totals = [0] * len(TOTAL_COLUMNS)
        for status in employee.days:
            position = index_of.get(status.day)
            if position is None:
                continue
            cells[position] = status.label
            # A day counts once per column even if it carries two codes of the same family.
            for column in {_COLUMN_OF[c] for c in status.codes if c in _COLUMN_OF}:
                totals[column] += 1
        rows.append(RecapRow(number, employee.nama, employee.nip, employee.golongan,
                             employee.jabatan, employee.unit, tuple(cells), tuple(totals),
                             employee.late_minutes, employee.tpp_deduction_percent))
    off = frozenset(index_of[d] for d in month.days_off if d in index_of)
    return RecapTable(month.year, month.month, days, off, tuple(rows))


def unit_summaries(month: MonthAttendance) -> list[UnitSummary]:
    """Attendance per unit over working days that already have a status."""
    working = frozenset(month.working_days)
    by_unit: dict[str, list[EmployeeMonth]] = {}
    for employee in ordered(month.employees):
        by_unit.setdefault(employee.unit, []).append(employee)
    summaries = []
    for unit, members in by_unit.items():
        present = unexcused = excused = recorded = 0
        for employee in members:
            for status in employee.days:
                if status.day not in working or not status.codes:
                    continue
                recorded += 1
                codes = set(status.codes)
                if codes & PRESENT_CODES:
                    present += 1
                elif "TK" in codes:
                    unexcused += 1
                elif codes & EXCUSED_CODES:
                    excused += 1
        summaries.append(UnitSummary(unit, len(members), len(working), present, unexcused,
                                     excused, recorded))
    return summaries


def office_summary(units: list[UnitSummary], label: str) -> UnitSummary:
    return UnitSummary(label, sum(u.employees for u in units),
                       units[0].working_days if units else 0,
                       sum(u.present for u in units), sum(u.unexcused for u in units),
                       sum(u.excused for u in units), sum(u.recorded for u in units))
