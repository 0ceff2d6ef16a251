"""The monthly recap as an A4 landscape PDF (reportlab platypus).

Page 1 opens with the kop; the attendance table repeats its two header rows on every page and
splits between rows; then the legend, the summary (attendance rate per unit, a table that splits
between rows and a bar chart in parts of CHART_UNITS units) and the paraf boxes and signature
block. Every page carries "Halaman i dari n", which needs the page count, so the canvas holds
finished pages back and stamps the footers when the document closes.

Speed matters (30,000 employees × 31 days in a province): cells are plain strings (no Paragraph
per cell), row heights are computed here instead of measured by reportlab, and the grid is
paginated and painted by reports.recap_grid rather than by a Table per page.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.graphics.charts.barcharts import HorizontalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from reports import fonts
from reports import recap_labels as labels
from reports.letterhead import letterhead
from reports.recap_grid import CENTER, LEFT, RIGHT, GridLook, PagedGrid
from reports.recap_table import (
    TOTAL_COLUMNS,
    RecapTable,
    UnitSummary,
    build_table,
    format_percent,
    office_summary,
    unit_summaries,
)
from services.indonesian_dates import long_date, month_year
from services.recap_document import RecapDocument

PAGE = landscape(A4)
MARGIN = 24.0
FONT = fonts.REGULAR
BOLD = fonts.BOLD
CELL_FONT_SIZE = 5.0
CODE_FONT_SIZE = 4.6  # day cells: "PSW4" must fit a 1/31 share of the width
LEADING = 5.8
PADDING = 0.8
GRID_RULE = 0.25
SHADE = colors.HexColor("#D9D9D9")
HEADER_BG = colors.HexColor("#EDEDED")
UNIT_BG = colors.HexColor("#F6F2E4")

# Column widths in points; the identity columns wrap, day and total columns never do. An
# 18-digit NIP in DejaVu Sans at 5 pt is 57.3 pt wide: its column holds it with its padding.
NO_W, NAMA_W, NIP_W, GOL_W, JABATAN_W = 14.0, 72.0, 59.5, 17.0, 55.5
TOTAL_W, MINUTES_W, TPP_W = 11.2, 16.0, 17.0
IDENTITY_COLUMNS = 5
# The frame pads 6 pt on each side; the grid must fit inside it.
FRAME_WIDTH = PAGE[0] - 2 * MARGIN - 12


def clock_time(at: dt.datetime, zone: ZoneInfo) -> str:
    """"2 November 2026 pukul 10.30 WIB": stored times carry only an offset, so the office's
    zone gives them back their name (WIB, WITA, WIT)."""
    local = at.astimezone(zone)
    return f"{long_date(local.date())} pukul {local:%H.%M} {local.tzname() or ''}".rstrip()


def _styles() -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("recap-title", fontName=BOLD, fontSize=12, leading=15,
                                alignment=TA_CENTER),
        "period": ParagraphStyle("recap-period", fontName=BOLD, fontSize=10, leading=13,
                                 alignment=TA_CENTER),
        "note": ParagraphStyle("recap-note", fontName=FONT, fontSize=8, leading=10,
                               alignment=TA_CENTER),
        "body": ParagraphStyle("recap-body", fontName=FONT, fontSize=8, leading=10),
        "small": ParagraphStyle("recap-small", fontName=FONT, fontSize=6.5, leading=8),
        "sign": ParagraphStyle("recap-sign", fontName=FONT, fontSize=9, leading=12,
                               alignment=TA_CENTER),
    }


# A name or jabatan longer than this many lines is cut with "…": one employee's row must never
# outgrow a page (the grid would then not be built for anyone).
MAX_CELL_LINES = 6
ELLIPSIS = "…"


def _wrap(text: str, width: float) -> list[str]:
    room = width - 2 * PADDING
    lines: list[str] = []
    for line in simpleSplit(text, FONT, CELL_FONT_SIZE, room) or [""]:
        # simpleSplit breaks at spaces only; a long unbroken word is broken by characters.
        while stringWidth(line, FONT, CELL_FONT_SIZE) > room and len(line) > 1:
            cut = len(line) - 1
            while cut > 1 and stringWidth(line[:cut], FONT, CELL_FONT_SIZE) > room:
                cut = max(1, cut * 3 // 4) if cut > 40 else cut - 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
        if len(lines) > MAX_CELL_LINES:
            break
    if len(lines) > MAX_CELL_LINES:
        last = lines[MAX_CELL_LINES - 1]
        while last and stringWidth(last + ELLIPSIS, FONT, CELL_FONT_SIZE) > room:
            last = last[:-1]
        lines = [*lines[:MAX_CELL_LINES - 1], last + ELLIPSIS]
    return lines


def column_widths(day_count: int, frame_width: float) -> list[float]:
    fixed = NO_W + NAMA_W + NIP_W + GOL_W + JABATAN_W
    totals = TOTAL_W * len(TOTAL_COLUMNS) + MINUTES_W + TPP_W
    day_w = min(14.0, (frame_width - fixed - totals) / day_count)
    return ([NO_W, NAMA_W, NIP_W, GOL_W, JABATAN_W] + [day_w] * day_count
            + [TOTAL_W] * len(TOTAL_COLUMNS) + [MINUTES_W, TPP_W])


def attendance_table(table: RecapTable, frame_width: float) -> PagedGrid:
    """The big grid: two header rows, a title row per unit, one row per employee."""
    day_count = len(table.days)
    widths = column_widths(day_count, frame_width)
    first_day = IDENTITY_COLUMNS
    first_total = first_day + day_count
    last = first_total + len(TOTAL_COLUMNS) + 1
    blank_totals = [""] * (len(TOTAL_COLUMNS) - 1)
    top = ([labels.COL_NO, labels.COL_NAMA, labels.COL_NIP, labels.COL_GOLONGAN,
            labels.COL_JABATAN, labels.DAYS_HEADER] + [""] * (day_count - 1)
           + [labels.TOTALS_HEADER] + blank_totals + [labels.COL_LATE_MINUTES, labels.COL_TPP])
    second = ([""] * IDENTITY_COLUMNS + [str(d.day) for d in table.days]
              + [name for name, _ in TOTAL_COLUMNS] + ["", ""])
    data: list[list[str]] = []
    heights: list[float] = []
    unit_rows: set[int] = set()
    for unit, rows in table.units():
        unit_rows.add(len(data))
        data.append([labels.UNIT_ROW.format(unit=unit or "-")] + [""] * last)
        heights.append(LEADING + 2 * PADDING)
        for row in rows:
            nama = _wrap(row.nama, NAMA_W)
            jabatan = _wrap(row.jabatan, JABATAN_W)
            lines = max(len(nama), len(jabatan))
            cells = []
            for label in row.cells:
                if "/" in label:
                    # Two codes on one day (late and left early) stack in the cell.
                    cells.append(label.replace("/", "\n"))
                    lines = max(lines, label.count("/") + 1)
                else:
                    cells.append(label)
            data.append([str(row.no), "\n".join(nama), row.nip, row.golongan,
                         "\n".join(jabatan), *cells, *(str(n) for n in row.totals),
                         str(row.late_minutes), format_percent(row.tpp_percent)])
            heights.append(lines * LEADING + 2 * PADDING)
    columns = last + 1
    look = GridLook(
        widths=tuple(widths), header=(tuple(top), tuple(second)),
        header_heights=(2 * LEADING + 2 * PADDING, LEADING + 2 * PADDING),
        header_spans=((first_day, first_total),
                      (first_total, first_total + len(TOTAL_COLUMNS))),
        tall_columns=frozenset([*range(IDENTITY_COLUMNS), last - 1, last]),
        align=tuple(RIGHT if c == 0 else LEFT if c < first_day else CENTER
                    for c in range(columns)),
        sizes=tuple(CODE_FONT_SIZE if first_day <= c < first_total else CELL_FONT_SIZE
                    for c in range(columns)),
        shaded=frozenset(first_day + index for index in table.days_off),
        font=FONT, bold=BOLD, size=CELL_FONT_SIZE, leading=LEADING, padding=PADDING,
        rule=GRID_RULE, header_bg=HEADER_BG, unit_bg=UNIT_BG, shade=SHADE)
    return PagedGrid(look, data, heights, frozenset(unit_rows))


def _legend(styles: dict[str, ParagraphStyle], bands: tuple[int, int, int]) -> Flowable:
    entries = [f"<b>{escape(code)}</b> {escape(text)}"
               for code, text in labels.legend(bands)]
    half = (len(entries) + 1) // 2
    rows = [[Paragraph(entries[i], styles["small"]),
             Paragraph(entries[i + half], styles["small"]) if i + half < len(entries) else ""]
            for i in range(half)]
    grid = Table(rows, colWidths=[340, 340], hAlign="LEFT",
                 style=TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                                   ("TOPPADDING", (0, 0), (-1, -1), 0.5),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 0.5)]))
    return KeepTogether([Spacer(1, 6), Paragraph(f"<b>{labels.LEGEND_TITLE}</b>", styles["body"]),
                         grid, Paragraph(labels.SHADED_NOTE, styles["small"])])


def _summary_table(units: list[UnitSummary]) -> Table:
    total = office_summary(units, labels.SUMMARY_TOTAL)
    rows: list[list[str]] = [list(labels.SUMMARY_HEADER)]
    for unit in [*units, total]:
        rows.append([unit.unit or "-", str(unit.employees), str(unit.working_days),
                     str(unit.present), str(unit.unexcused), str(unit.excused),
                     f"{format_percent(round(unit.rate, 1))}%"])
    return Table(rows, colWidths=[230, 70, 60, 55, 80, 75, 80], hAlign="LEFT", repeatRows=1,
                 style=TableStyle([
                     ("FONT", (0, 0), (-1, -1), FONT, 8),
                     ("FONT", (0, 0), (-1, 0), BOLD, 8),
                     ("FONT", (0, -1), (-1, -1), BOLD, 8),
                     ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                     ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
                     ("ALIGN", (1, 0), (-1, -1), "CENTER"),
                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                 ]))


# Bars per chart: a chart grows 14 pt a unit and must fit the 535 pt frame of a page, so an
# office with more units (a Dinas Kesehatan and its Puskesmas) gets its chart in parts.
CHART_UNITS = 32


def _charts(units: list[UnitSummary], width: float) -> list[Flowable]:
    parts = [units[i:i + CHART_UNITS] for i in range(0, len(units), CHART_UNITS)] or [[]]
    if len(parts) == 1:
        return [_chart(parts[0], width, labels.CHART_TITLE)]
    return [_chart(part, width, labels.CHART_PART.format(title=labels.CHART_TITLE,
                                                         part=number, parts=len(parts)))
            for number, part in enumerate(parts, start=1)]


def _chart(units: list[UnitSummary], width: float, title: str) -> Drawing:
    bar_height = 14
    height = 40 + bar_height * max(1, len(units))
    drawing = Drawing(width, height, initialFontName=FONT)
    chart = HorizontalBarChart()
    chart.x, chart.y = 190, 15
    chart.width, chart.height = width - 230, height - 35
    # The category axis draws from the bottom up; reverse so the chart reads like the table.
    chart.data = [[round(u.rate, 1) for u in reversed(units)] or [0]]
    chart.categoryAxis.categoryNames = [(u.unit or "-")[:45] for u in reversed(units)] or ["-"]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.bars[0].fillColor = colors.HexColor("#4F81BD")
    chart.barLabelFormat = lambda value: f"{format_percent(value)}%"
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    drawing.add(chart)
    drawing.add(String(190, height - 10, title, fontName=BOLD, fontSize=8))
    return drawing


def _sign_title(document: RecapDocument) -> str:
    title = labels.SIGN_TITLE.format(office=document.office.name)
    acting = document.kepala.acting if document.kepala else None
    return f"{acting} {title}" if acting else title


def _signature_block(document: RecapDocument, styles: dict[str, ParagraphStyle]) -> Flowable:
    paraf_rows: list[list[Any]] = [[labels.PARAF_TITLE, labels.COL_NAMA, labels.PARAF_WHEN]]
    zone = document.office.timezone
    for mark in document.parafs:
        when = (labels.PARAF_DONE.format(at=clock_time(mark.at, zone)) if mark.at
                else labels.PARAF_PENDING)
        paraf_rows.append([Paragraph(escape(mark.role_title), styles["small"]),
                           Paragraph(escape(mark.nama), styles["small"]),
                           Paragraph(escape(when), styles["small"])])
    parafs = Table(paraf_rows, colWidths=[95, 95, 100], hAlign="LEFT",
                   style=TableStyle([("FONT", (0, 0), (-1, 0), BOLD, 7),
                                     ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                                     ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
                                     ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                     ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white])]))
    office = document.office
    kepala = document.kepala
    lines = [Paragraph(escape(labels.SIGN_PLACE_DATE.format(
                 city=office.city or "", date=long_date(document.place_date))).lstrip(", "),
                 styles["sign"]),
             Paragraph(escape(_sign_title(document)), styles["sign"])]
    if kepala is not None and kepala.signed_at is not None:
        signed = escape(labels.SIGNED_MARK.format(at=clock_time(kepala.signed_at, zone)))
        lines.append(Paragraph(f"<i>{signed.replace(chr(10), '<br/>')}</i>", styles["sign"]))
        lines.append(Spacer(1, 6))
    else:
        lines.append(Spacer(1, 40))
    if kepala is None:
        lines.append(Paragraph(escape(labels.SIGN_UNKNOWN), styles["sign"]))
    else:
        lines.append(Paragraph(f"<u><b>{escape(kepala.nama)}</b></u>", styles["sign"]))
        lines.append(Paragraph(escape(labels.SIGN_NIP.format(nip=kepala.nip)), styles["sign"]))
    block = Table([[parafs, lines]], colWidths=[420, 300], hAlign="LEFT",
                  style=TableStyle([("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    return KeepTogether([Spacer(1, 14), block])


def _numbered_canvas(footer: str) -> type[Canvas]:
    class NumberedCanvas(Canvas):  # type: ignore[misc]
        """Holds each finished page until the end, then stamps "Halaman i dari n"."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._held: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._held.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                self.setFont(FONT, 7)
                self.drawString(MARGIN, MARGIN / 2, footer)
                self.drawRightString(PAGE[0] - MARGIN, MARGIN / 2,
                                     labels.PAGE.format(page=number, total=total))
                super().showPage()
            super().save()

    return NumberedCanvas


def story(document: RecapDocument, frame_width: float) -> list[Flowable]:
    styles = _styles()
    attendance = document.attendance
    period = month_year(attendance.year, attendance.month)
    flowables: list[Flowable] = letterhead(document.office, frame_width)
    flowables.append(Paragraph(labels.TITLE, styles["title"]))
    flowables.append(Paragraph(escape(labels.PERIOD.format(month=period.upper())),
                               styles["period"]))
    if document.agenda_number:
        flowables.append(Paragraph(escape(labels.AGENDA.format(number=document.agenda_number)),
                                   styles["note"]))
    elif document.version is None:
        flowables.append(Paragraph(escape(labels.EXPORT_MARK.format(
            date=long_date(document.place_date))), styles["note"]))
    else:
        flowables.append(Paragraph(escape(labels.DRAFT_MARK.format(version=document.version)),
                                   styles["note"]))
    flowables.append(Spacer(1, 6))
    flowables.append(attendance_table(build_table(attendance), frame_width))
    flowables.append(_legend(styles, document.attendance.bands))
    flowables.append(PageBreak())
    units = unit_summaries(attendance)
    flowables.append(Paragraph(labels.SUMMARY_TITLE, styles["title"]))
    flowables.append(Paragraph(escape(labels.PERIOD.format(month=period)), styles["note"]))
    flowables.append(Spacer(1, 8))
    flowables.append(_summary_table(units))
    flowables.append(Spacer(1, 10))
    flowables.extend(_charts(units, frame_width))
    flowables.append(_signature_block(document, styles))
    return flowables


def render_pdf(document: RecapDocument) -> bytes:
    """The whole recap as PDF bytes. Blocking: call through asyncio.to_thread."""
    buffer = io.BytesIO()
    attendance = document.attendance
    period = month_year(attendance.year, attendance.month)
    template = SimpleDocTemplate(
        buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
        bottomMargin=MARGIN, title=f"{labels.TITLE} {period}", author=document.office.name)
    template.build(story(document, FRAME_WIDTH),
                   canvasmaker=_numbered_canvas(labels.FOOTER.format(month=period)))
    return buffer.getvalue()
