"""The kop surat (letterhead) shared by letters and recaps: centred lines, the first ones bold
and larger, closed by the customary thick-and-thin double rule."""

from __future__ import annotations

from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, HRFlowable, Spacer

from reports import fonts
from reports.paragraphs import paragraph
from services.office import Office

_TITLE = ParagraphStyle("kop-title", fontName=fonts.BOLD, fontSize=14, leading=17,
                        alignment=TA_CENTER)
_SUBTITLE = ParagraphStyle("kop-subtitle", fontName=fonts.BOLD, fontSize=12, leading=15,
                           alignment=TA_CENTER)
_DETAIL = ParagraphStyle("kop-detail", fontName=fonts.REGULAR, fontSize=9, leading=11,
                         alignment=TA_CENTER)


def letterhead(office: Office, width: float) -> list[Flowable]:
    """Flowables for the kop; `width` is the frame width the rule spans."""
    lines = office.letterhead_lines
    flowables: list[Flowable] = []
    for index, line in enumerate(lines):
        # Government and office name are the headline; address and contacts follow small.
        style = _TITLE if index == 0 else _SUBTITLE if index == 1 and len(lines) > 2 else _DETAIL
        flowables.append(paragraph(escape(line), style))
    flowables.append(Spacer(1, 3))
    flowables.append(HRFlowable(width=width, thickness=2.2, color="black", spaceBefore=0,
                                spaceAfter=1.2))
    flowables.append(HRFlowable(width=width, thickness=0.6, color="black", spaceBefore=0,
                                spaceAfter=8))
    return flowables
