"""The monthly recap as an XLSX workbook for operators who check and edit in a spreadsheet.

Same rows, order and totals as the PDF (reports.recap_table); NIPs are text so Excel keeps
all 18 digits; days off are shaded; the header row is frozen. A second sheet holds the
per-unit summary and the legend of codes; a third lists the presensi lokasi days with their
sites, which the grid tints and notes.
"""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports import recap_labels as labels
from reports.recap_table import (
    TOTAL_COLUMNS,
    RecapTable,
    build_table,
    office_summary,
    unit_summaries,
)
from reports.spreadsheet import workbook_bytes
from services.attendance_model import MonthAttendance
from services.indonesian_dates import month_year
from services.office import Office

SHADE = PatternFill("solid", fgColor="D9D9D9")
LOCATED = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)
HEADER_ROW = 4


def _plain(label: str) -> str:
    return label.replace("\n", " ")


def _mark_located(sheet: Worksheet, table: RecapTable, attendance: MonthAttendance,
                  first_day: int) -> None:
    """Day cells backed by a presensi lokasi punch: a tint and a note naming the site."""
    if not attendance.located:
        return
    for offset, row in enumerate(table.rows, start=HEADER_ROW + 1):
        for index, day in enumerate(table.days):
            sites = attendance.located.get((row.nip, day))
            if sites:
                cell = sheet.cell(offset, first_day + index)
                cell.fill = LOCATED
                cell.comment = Comment(labels.XLSX_LOCATED_NOTE.format(sites=", ".join(sites)),
                                       labels.TITLE)


def _located_sheet(book: Workbook, table: RecapTable, attendance: MonthAttendance,
                   period: str) -> None:
    """Every employee-day with a presensi lokasi punch and its sites, in table order."""
    sheet = book.create_sheet(labels.XLSX_LOCATED_SHEET)
    sheet.append([labels.XLSX_LOCATED_TITLE.format(month=period)])
    sheet["A1"].font = Font(bold=True, size=12)
    sheet.append(list(labels.XLSX_LOCATED_HEADER))
    for cell in sheet[2]:
        cell.font = BOLD
    found = 0
    for row in table.rows:
        for index, day in enumerate(table.days):
            sites = attendance.located.get((row.nip, day))
            if sites:
                sheet.append([row.nip, row.nama, row.unit, day.strftime("%d-%m-%Y"),
                              row.cells[index], ", ".join(sites)])
                sheet.cell(sheet.max_row, 1).number_format = "@"
                found += 1
    if not found:
        sheet.append([labels.XLSX_LOCATED_NONE])
    for column, width in zip("ABCDEF", (21, 32, 24, 12, 8, 36), strict=True):
        sheet.column_dimensions[column].width = width


def render_xlsx(office: Office, attendance: MonthAttendance) -> bytes:
    """The workbook as bytes. Blocking: call through asyncio.to_thread."""
    table = build_table(attendance)
    period = month_year(attendance.year, attendance.month)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = labels.XLSX_SHEET.format(month=period)[:31]
    sheet["A1"] = labels.TITLE
    sheet["A1"].font = Font(bold=True, size=13)
    sheet["A2"] = office.name
    sheet["A3"] = labels.PERIOD.format(month=period)
    header = [labels.COL_NO, labels.COL_NAMA, labels.COL_NIP, labels.COL_GOLONGAN,
              labels.COL_JABATAN, labels.XLSX_UNIT, *(str(d.day) for d in table.days),
              *(name for name, _ in TOTAL_COLUMNS), _plain(labels.COL_LATE_MINUTES),
              _plain(labels.COL_TPP)]
    sheet.append(header)
    first_day = 7  # column G
    for column in range(1, len(header) + 1):
        cell = sheet.cell(HEADER_ROW, column)
        cell.font = BOLD
        cell.alignment = Alignment(horizontal="center")
    for row in table.rows:
        sheet.append([row.no, row.nama, row.nip, row.golongan, row.jabatan, row.unit, *row.cells,
                      *row.totals, row.late_minutes, row.tpp_percent])
    last_row = HEADER_ROW + len(table.rows)
    for index in table.days_off:
        for cells in sheet.iter_rows(min_row=HEADER_ROW, max_row=last_row,
                                     min_col=first_day + index, max_col=first_day + index):
            for cell in cells:
                cell.fill = SHADE
    _mark_located(sheet, table, attendance, first_day)
    for cells in sheet.iter_rows(min_row=HEADER_ROW + 1, max_row=last_row, min_col=3,
                                 max_col=3):
        for text_cell in cells:
            text_cell.number_format = "@"
    widths = {1: 5, 2: 32, 3: 21, 4: 7, 5: 28, 6: 24}
    for column in range(1, len(header) + 1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(column, 6)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, first_day).coordinate

    summary = book.create_sheet(labels.XLSX_SUMMARY_SHEET)
    summary.append([labels.SUMMARY_TITLE])
    summary["A1"].font = Font(bold=True, size=12)
    summary.append([labels.PERIOD.format(month=period)])
    summary.append(list(labels.SUMMARY_HEADER))
    for cell in summary[3]:
        cell.font = BOLD
    units = unit_summaries(attendance)
    for unit in [*units, office_summary(units, labels.SUMMARY_TOTAL)]:
        summary.append([unit.unit, unit.employees, unit.working_days, unit.present,
                        unit.unexcused, unit.excused, round(unit.rate, 1)])
    summary.append([])
    summary.append([labels.LEGEND_TITLE])
    for code, meaning in labels.legend(attendance.bands):
        summary.append([code, meaning])
    summary.column_dimensions["A"].width = 36
    for letter in "BCDEFG":
        summary.column_dimensions[letter].width = 16
    _located_sheet(book, table, attendance, period)
    return workbook_bytes(book)
