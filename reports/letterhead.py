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
# Below the lines: a gap, then the two rules as (thickness, space after).
GAP = 3
RULES = ((2.2, 1.2), (0.6, 8))


def lines(office: Office) -> list[tuple[str, ParagraphStyle]]:
    """The kop's lines (plain text) with the style of each."""
    texts = office.letterhead_lines
    # Government and office name are the headline; address and contacts follow small.
    return [(line, _TITLE if index == 0 else _SUBTITLE if index == 1 and len(texts) > 2
             else _DETAIL) for index, line in enumerate(texts)]


def letterhead(office: Office, width: float) -> list[Flowable]:
    """Flowables for the kop; `width` is the frame width the rule spans."""
    flowables: list[Flowable] = [paragraph(escape(line), style) for line, style in lines(office)]
    flowables.append(Spacer(1, GAP))
    flowables += [HRFlowable(width=width, thickness=thickness, color="black", spaceBefore=0,
                             spaceAfter=after) for thickness, after in RULES]
    return flowables
