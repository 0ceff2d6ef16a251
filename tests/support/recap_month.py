"""MonthAttendance values built by hand for the recap renderers, and a PDF cell reader.

The renderers take a MonthAttendance; building one directly lets their tests state exactly
what every cell must show, independent of the attendance rules.
"""

from __future__ import annotations

import bisect
import datetime as dt
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pypdf import PdfReader
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.recap_pdf import FONT, MARGIN
from services.attendance_model import DayStatus, EmployeeMonth, MonthAttendance
from services.calendar import CalendarRules, OfficeCalendar, month_days
from tests.support.office import Person

# The grid starts at the left margin plus the frame's 6 pt padding.
GRID_LEFT = MARGIN + 6
# code for (person index, day) on working days; days off get "L".
Pattern = Callable[[int, dt.date], str]


def make_month(people: Sequence[Person], year: int, month: int, pattern: Pattern, *,
               late_minutes: Callable[[int], int] = lambda i: 0,
               tpp: Callable[[int], float] = lambda i: 0.0) -> MonthAttendance:
    calendar = OfficeCalendar(CalendarRules())
    days = month_days(year, month)
    off = {d: o.name for d in days if (o := calendar.day_off(d)) is not None}
    employees = []
    for index, person in enumerate(people):
        statuses = []
        totals: dict[str, int] = {}
        for day in days:
            label = "L" if day in off else pattern(index, day)
            codes = tuple(label.split("/")) if label else ()
            statuses.append(DayStatus(day, codes))
            for code in codes:
                totals[code] = totals.get(code, 0) + 1
        employees.append(EmployeeMonth(person.nip, person.nama, person.golongan, person.jabatan,
                                       person.unit, tuple(statuses), totals,
                                       late_minutes(index), 0, tpp(index)))
    working = tuple(d for d in days if d not in off)
    return MonthAttendance(year, month, working, off, tuple(employees))


def many_people(count: int, units: Sequence[str] = ("Bidang A", "Bidang B", "Sekretariat")
                ) -> list[Person]:
    golongan = ("IV/b", "III/d", "III/a", "II/c")
    return [Person(f"19900101201503{i:04d}", f"Pegawai Nomor {i:04d}", "Pranata Komputer",
                   golongan[i % len(golongan)], units[i % len(units)], "", f"0812{i:08d}",
                   f"{i:04d}", "pegawai", 900_000 + i) for i in range(count)]


@dataclass(frozen=True)
class Fragment:
    page: int
    x: float
    y: float
    text: str


def fragments(pdf: bytes) -> tuple[list[Fragment], int]:
    """Every text fragment with the centre of its baseline on the page, and the page count."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[Fragment] = []
    for number, page in enumerate(reader.pages, start=1):
        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  number: int = number) -> None:
            for offset, line in enumerate(t for t in text.split("\n") if t.strip()):
                # Centre of the text: a code wider than its cell starts left of the cell.
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                centre = x + stringWidth(line.strip(), FONT, size * tm[0]) / 2
                found.append(Fragment(number, centre, y - offset, line.strip()))
        page.extract_text(visitor_text=visit)
    return found, len(reader.pages)


def row_cells(found: list[Fragment], nip: str, widths: Sequence[float]) -> tuple[int, list[str]]:
    """The page and the text of every column of the table row that holds `nip`.

    Single-line cells are centred on the row's middle, like the NIP; a cell with two codes
    stacks them around it, so everything within half a row of the NIP belongs to the row.
    """
    anchor = next(f for f in found if f.text == nip)
    edges = [GRID_LEFT]
    for width in widths:
        edges.append(edges[-1] + width)
    columns: list[list[Fragment]] = [[] for _ in widths]
    for fragment in found:
        if fragment.page != anchor.page or abs(fragment.y - anchor.y) > 4:
            continue
        column = bisect.bisect_right(edges, fragment.x) - 1
        if 0 <= column < len(widths):
            columns[column].append(fragment)
    return anchor.page, ["/".join(f.text for f in sorted(cell, key=lambda f: -f.y))
                         for cell in columns]
