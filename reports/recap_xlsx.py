"""The monthly recap as an XLSX workbook for operators who check and edit in a spreadsheet.

Same rows, order and totals as the PDF (reports.recap_table); NIPs are text so Excel keeps
all 18 digits; days off are shaded; the header row is frozen. A second sheet holds the
per-unit summary and the legend of codes; a third lists the presensi lokasi days with their
sites, which the grid tints and notes.

The workbook is streamed (openpyxl write-only): a province's 30,000 rows would otherwise be
held as a million cell objects and then walked again to be saved.
"""

from __future__ import annotations

from copy import copy
from typing import Any

from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.dimensions import ColumnDimension, DimensionHolder

from reports import recap_labels as labels
from reports.recap_table import (
    TOTAL_COLUMNS,
    RecapTable,
    build_table,
    office_summary,
    unit_summaries,
)
from reports.spreadsheet import guarded, streamed_workbook, workbook_bytes
from services.attendance_model import MonthAttendance
from services.indonesian_dates import month_year
from services.office import Office

SHADE = PatternFill("solid", fgColor="D9D9D9")
LOCATED = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
CENTER = Alignment(horizontal="center")
HEADER_ROW = 4
FIRST_DAY = 7  # column G
TEXT = "@"


def _plain(label: str) -> str:
    return label.replace("\n", " ")


def _cell(sheet: WriteOnlyWorksheet, value: str | float, *, font: Font | None = None,
          fill: PatternFill | None = None, alignment: Alignment | None = None,
          number_format: str | None = None) -> Cell:
    cell = WriteOnlyCell(sheet, value)
    if font is not None:
        cell.font = font
    if fill is not None:
        cell.fill = fill
    if alignment is not None:
        cell.alignment = alignment
    if number_format is not None:
        cell.number_format = number_format
    return cell


class _Style:
    """One cell style for many cells: openpyxl looks a style up (hashing it) at every
    assignment, which for 270,000 shaded day cells is seconds; a copy of the resolved style
    indexes is not."""

    def __init__(self, sheet: WriteOnlyWorksheet, **style: Any) -> None:
        self.sheet = sheet
        self.style = _cell(sheet, "", **style)._style  # type: ignore[attr-defined]

    def styled(self, value: str | float) -> Cell:
        cell = WriteOnlyCell(self.sheet, value)
        # How openpyxl itself copies a style between cells (WorksheetCopy).
        cell._style = copy(self.style)  # type: ignore[attr-defined]
        return cell


def _widths(sheet: WriteOnlyWorksheet, widths: dict[int, float], columns: int,
            default: float | None = None) -> None:
    """Column widths: a streamed sheet writes them before its first row."""
    # Worksheet._setup gives a write-only sheet its dimensions; the type stubs omit them.
    dimensions: DimensionHolder[str, ColumnDimension] = (
        sheet.column_dimensions)  # type: ignore[attr-defined]
    for column in range(1, columns + 1):
        width = widths.get(column, default)
        if width is not None:
            dimensions[get_column_letter(column)].width = width


def _grid(sheet: WriteOnlyWorksheet, office: Office, table: RecapTable,
          attendance: MonthAttendance, period: str) -> None:
    header = [labels.COL_NO, labels.COL_NAMA, labels.COL_NIP, labels.COL_GOLONGAN,
              labels.COL_JABATAN, labels.XLSX_UNIT, *(str(d.day) for d in table.days),
              *(name for name, _ in TOTAL_COLUMNS), _plain(labels.COL_LATE_MINUTES),
              _plain(labels.COL_TPP)]
    _widths(sheet, {1: 5, 2: 32, 3: 21, 4: 7, 5: 28, 6: 24}, len(header), default=6)
    sheet.freeze_panes = f"{get_column_letter(FIRST_DAY)}{HEADER_ROW + 1}"
    sheet.append([_cell(sheet, labels.TITLE, font=Font(bold=True, size=13))])
    sheet.append(guarded(sheet, [office.name]))
    sheet.append([labels.PERIOD.format(month=period)])
    off = {FIRST_DAY - 1 + index for index in table.days_off}     # 0-based columns
    sheet.append([_cell(sheet, value, font=BOLD, alignment=CENTER,
                        fill=SHADE if column in off else None)
                  for column, value in enumerate(header)])
    located = attendance.located
    shade, text = _Style(sheet, fill=SHADE), _Style(sheet, number_format=TEXT)
    for row in table.rows:
        days: list[object] = []
        for index, (day, label) in enumerate(zip(table.days, row.cells, strict=True)):
            sites = located.get((row.nip, day)) if located else None
            if sites:
                cell = _cell(sheet, label, fill=LOCATED)
                cell.comment = Comment(labels.XLSX_LOCATED_NOTE.format(sites=", ".join(sites)),
                                       labels.TITLE)
                days.append(cell)
            elif FIRST_DAY - 1 + index in off:
                days.append(shade.styled(label))
            else:
                days.append(label)
        sheet.append(guarded(sheet, [
            row.no, row.nama, text.styled(row.nip), row.golongan,
            row.jabatan, row.unit, *days, *row.totals, row.late_minutes, row.tpp_percent]))


def _summary(sheet: WriteOnlyWorksheet, attendance: MonthAttendance, period: str) -> None:
    _widths(sheet, {1: 36, **{column: 16 for column in range(2, 8)}}, 7)
    sheet.append([_cell(sheet, labels.SUMMARY_TITLE, font=Font(bold=True, size=12))])
    sheet.append([labels.PERIOD.format(month=period)])
    sheet.append([_cell(sheet, value, font=BOLD) for value in labels.SUMMARY_HEADER])
    units = unit_summaries(attendance)
    for unit in [*units, office_summary(units, labels.SUMMARY_TOTAL)]:
        sheet.append(guarded(sheet, [unit.unit, unit.employees, unit.working_days,
                                     unit.present, unit.unexcused, unit.excused,
                                     round(unit.rate, 1)]))
    sheet.append([])
    sheet.append([labels.LEGEND_TITLE])
    for code, meaning in labels.legend(attendance.bands):
        sheet.append([code, meaning])


def _located(sheet: WriteOnlyWorksheet, table: RecapTable, attendance: MonthAttendance,
             period: str) -> None:
    """Every employee-day with a presensi lokasi punch and its sites, in table order."""
    _widths(sheet, dict(enumerate((21, 32, 24, 12, 8, 36), start=1)), 6)
    sheet.append([_cell(sheet, labels.XLSX_LOCATED_TITLE.format(month=period),
                        font=Font(bold=True, size=12))])
    sheet.append([_cell(sheet, value, font=BOLD) for value in labels.XLSX_LOCATED_HEADER])
    found = 0
    if attendance.located:
        for row in table.rows:
            for index, day in enumerate(table.days):
                sites = attendance.located.get((row.nip, day))
                if sites:
                    sheet.append(guarded(sheet, [
                        _cell(sheet, row.nip, number_format=TEXT), row.nama, row.unit,
                        day.strftime("%d-%m-%Y"), row.cells[index], ", ".join(sites)]))
                    found += 1
    if not found:
        sheet.append([labels.XLSX_LOCATED_NONE])


def render_xlsx(office: Office, attendance: MonthAttendance) -> bytes:
    """The workbook as bytes. Blocking: call through asyncio.to_thread."""
    table = build_table(attendance)
    period = month_year(attendance.year, attendance.month)
    book = streamed_workbook()
    _grid(book.create_sheet(labels.XLSX_SHEET.format(month=period)[:31]), office, table,
          attendance, period)
    _summary(book.create_sheet(labels.XLSX_SUMMARY_SHEET), attendance, period)
    _located(book.create_sheet(labels.XLSX_LOCATED_SHEET), table, attendance, period)
    return workbook_bytes(book)
