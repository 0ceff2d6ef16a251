"""The monthly SLA compliance report per SOP: A4 portrait, kop surat, a summary table and,
per SOP, its steps against their time standards. Blocking (reportlab): call via
asyncio.to_thread."""

from __future__ import annotations

import datetime as dt
import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports import fonts
from reports import sla_labels as texts
from reports.letterhead import letterhead
from services.indonesian_dates import long_date, month_year
from services.office import Office
from services.workflows.monitor import SopCompliance

_TITLE = ParagraphStyle("sla-title", fontName=fonts.BOLD, fontSize=12, leading=15,
                        alignment=TA_CENTER)
_CENTER = ParagraphStyle("sla-center", fontName=fonts.REGULAR, fontSize=10, leading=13,
                         alignment=TA_CENTER)
_HEADING = ParagraphStyle("sla-heading", fontName=fonts.BOLD, fontSize=10, leading=13,
                          spaceBefore=8, spaceAfter=3)
_CELL = ParagraphStyle("sla-cell", fontName=fonts.REGULAR, fontSize=8, leading=10)
_HEAD = ParagraphStyle("sla-head", fontName=fonts.BOLD, fontSize=8, leading=10)
_SMALL = ParagraphStyle("sla-small", fontName=fonts.ITALIC, fontSize=7, leading=9)

_GRID = TableStyle([
    ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e6e6e6")),
    ("FONTNAME", (0, 0), (-1, 0), fonts.BOLD),
    ("FONTSIZE", (0, 0), (-1, -1), 8),
    ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
])


def _cell(text: str) -> Paragraph:
    return Paragraph(escape(text), _CELL)


def _head(labels: tuple[str, ...]) -> list[Paragraph]:
    return [Paragraph(escape(label), _HEAD) for label in labels]


def render_sla_report(office: Office, year: int, month: int, rows: list[SopCompliance],
                      printed_at: dt.datetime) -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2 * cm, rightMargin=2 * cm,
                            topMargin=1.5 * cm, bottomMargin=1.5 * cm,
                            title=f"{texts.REPORT_TITLE} {month_year(year, month)}")
    width = doc.width
    story = [*letterhead(office, width), Paragraph(texts.REPORT_TITLE, _TITLE),
             Paragraph(texts.REPORT_PERIOD.format(month=month_year(year, month)), _CENTER),
             Spacer(1, 10)]
    summary: list[list[object]] = [_head(texts.REPORT_SUMMARY_HEAD)]
    for index, sop in enumerate(rows, start=1):
        figures = sop.figures
        summary.append([str(index), _cell(sop.name), str(sop.files_closed), str(figures.steps),
                        str(figures.within),
                        texts.percent(figures.percent) if figures.steps else "-",
                        f"{figures.average_ratio:.2f}×".replace(".", ",")
                        if figures.steps else "-"])
    table = Table(summary, colWidths=[0.8 * cm, 5.6 * cm, 1.9 * cm, 2.1 * cm, 1.9 * cm,
                                      1.9 * cm, width - 14.2 * cm], repeatRows=1)
    table.setStyle(_GRID)
    story.append(table)
    active = [sop for sop in rows if sop.figures.steps]
    if not active:
        story += [Spacer(1, 8), Paragraph(texts.REPORT_NONE, _CENTER)]
    for sop in active:
        story.append(Paragraph(escape(sop.name), _HEADING))
        data: list[list[object]] = [_head(texts.REPORT_STEPS_HEAD)]
        for step in sop.steps:
            figures = step.figures
            data.append([_cell(step.activity), _cell(step.title), step.standard,
                         str(figures.steps), str(figures.within),
                         texts.percent(figures.percent) if figures.steps else "-"])
        steps = Table(data, colWidths=[6.2 * cm, 3.2 * cm, 2.0 * cm, 1.8 * cm, 1.8 * cm,
                                       width - 15.0 * cm], repeatRows=1)
        steps.setStyle(_GRID)
        story.append(steps)
    story += [Spacer(1, 12), Paragraph(escape(texts.REPORT_PRINTED.format(
        time=f"{long_date(printed_at.date())} {printed_at:%H:%M}")), _SMALL)]
    doc.build(story)
    return buffer.getvalue()
