"""Surat izin / surat cuti for an approved request, on the office letterhead (A4, reportlab).

Drawn straight onto a reportlab canvas: platypus (its document template, a Paragraph per text
and a Table per answer box) was about two thirds of a letter's CPU, and every approved izin
draws a letter. The layout is the one platypus gave, point for point: its frame's 6 pt
padding inside the margins, a paragraph's first baseline one font size below its top, the
same greedy line breaking (a line may run 5% of its spaces' width long and have them shrunk,
a word longer than a line is broken), justified lines stretched by word spacing, and a text
too long for the page flowing onto the next (never fewer than two lines of a paragraph at
the foot of a page).

Blocking: call through asyncio.to_thread from async code.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from typing import Any, NamedTuple

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth
from reportlab.pdfgen.canvas import Canvas

from reports import fonts, letterhead
from services.indonesian_dates import long_date, long_date_with_day
from services.office import Office
from services.requests import RequestView, StepView

_TITLE = ParagraphStyle("letter-title", fontName=fonts.BOLD, fontSize=12, leading=15,
                        alignment=TA_CENTER)
_NUMBER = ParagraphStyle("letter-number", fontName=fonts.REGULAR, fontSize=10.5, leading=13,
                         alignment=TA_CENTER)
_BODY = ParagraphStyle("letter-body", fontName=fonts.REGULAR, fontSize=10.5, leading=14,
                       alignment=TA_JUSTIFY)
_SMALL = ParagraphStyle("letter-small", fontName=fonts.REGULAR, fontSize=8.5, leading=10.5)
_SIGN = ParagraphStyle("letter-sign", fontName=fonts.REGULAR, fontSize=10.5, leading=14)
_BOX = ParagraphStyle("letter-box", fontName=fonts.REGULAR, fontSize=8.5, leading=10.5,
                      alignment=TA_CENTER)

_PAGE_WIDTH: float = A4[0]
_PAGE_HEIGHT: float = A4[1]
_LEFT_MARGIN, _RIGHT_MARGIN, _TOP_MARGIN, _BOTTOM_MARGIN = 2.5 * cm, 2 * cm, 1.5 * cm, 2 * cm
# The text column: the margins less the 6 pt a platypus frame kept inside them on every side.
_PAD = 6
_X: float = _LEFT_MARGIN + _PAD
_WIDTH: float = _PAGE_WIDTH - _LEFT_MARGIN - _RIGHT_MARGIN - 2 * _PAD
_TOP: float = _PAGE_HEIGHT - _TOP_MARGIN - _PAD
_BOTTOM: float = _BOTTOM_MARGIN + _PAD
_FUZZ = 1e-6

# Text in one font: (text, font name).
_Run = tuple[str, str]


class _Line(NamedTuple):
    runs: tuple[_Run, ...]   # the line's text, the spaces between words included
    width: float             # before any stretching or shrinking


class _Word(NamedTuple):
    runs: tuple[_Run, ...]
    width: float
    space: str               # the font of the space before it


# Where a line may break: any whitespace but the no-break space (as in a Paragraph).
_BREAKS = re.compile(r"[^\S\xa0]+")


def _plain(text: str, style: ParagraphStyle) -> tuple[_Run, ...]:
    return ((text, style.fontName),)


def _set(runs: Sequence[_Run], style: ParagraphStyle, width: float) -> list[_Line]:
    """The runs broken into lines of at most `width` (less what shrinking the spaces saves)."""
    size = style.fontSize
    if len(runs) == 1:
        text, font = runs[0]
        words = [word for word in _BREAKS.split(text) if word]
        widths = [stringWidth(word, font, size) for word in words]
        if not widths:
            return []
        if max(widths) <= width:
            return _set_words(words, widths, font, style, width)
    return _set_runs(_words(runs, size), style, width)


def _set_words(words: list[str], widths: list[float], font: str, style: ParagraphStyle,
               width: float) -> list[_Line]:
    """Words of one font, none wider than a line: Paragraph's greedy breaking."""
    space = stringWidth(" ", font, style.fontSize)
    shrink = style.spaceShrinkage * space
    lines = []
    start, used = 0, -space
    for index, word_width in enumerate(widths):
        wider = used + space + word_width
        if wider > width + shrink * (index - start) and index > start:
            lines.append(_Line(((" ".join(words[start:index]), font),), used))
            start, used = index, word_width
        else:
            used = wider
    lines.append(_Line(((" ".join(words[start:]), font),), used))
    return lines


def _words(runs: Sequence[_Run], size: float) -> list[_Word]:
    """The words of runs in several fonts; a word may mix them (no space between)."""
    words: list[_Word] = []
    parts: list[_Run] = []
    before = runs[0][1] if runs else fonts.REGULAR
    for text, font in runs:
        for index, piece in enumerate(_BREAKS.split(text)):
            if index:
                if parts:
                    words.append(_word(parts, before, size))
                    parts = []
                before = font
            if piece:
                parts.append((piece, font))
    if parts:
        words.append(_word(parts, before, size))
    return words


def _word(parts: Sequence[_Run], space: str, size: float) -> _Word:
    return _Word(tuple(parts), sum(stringWidth(text, font, size) for text, font in parts), space)


def _set_runs(words: list[_Word], style: ParagraphStyle, width: float) -> list[_Line]:
    """Paragraph's greedy breaking of words in any fonts, a word longer than a line broken
    where the line ends."""
    size = style.fontSize
    lines: list[_Line] = []
    line: list[_Word] = []
    used = spaces = 0.0
    for word in words:
        space = stringWidth(" ", word.space, size) if line else 0.0
        if used + space + word.width > width + style.spaceShrinkage * (spaces + space):
            if word.width > width:
                first, *middle, last = _broken(word, width - used - space, width, size)
                if first.runs:
                    line.append(first)
                    used += space + first.width
                lines.append(_line(line, used))
                lines += [_line([piece], piece.width) for piece in middle]
                line, used, spaces = [last], last.width, 0.0
                continue
            if line:
                lines.append(_line(line, used))
                line, used, spaces, space = [], 0.0, 0.0, 0.0
        line.append(word)
        used += space + word.width
        spaces += space
    if line:
        lines.append(_line(line, used))
    return lines


def _broken(word: _Word, room: float, width: float, size: float) -> list[_Word]:
    """A word too long for a line in pieces: the first fills `room` (it may be empty), the
    others a line each."""
    pieces: list[_Word] = []
    parts: list[_Run] = []
    used = 0.0
    for text, font in word.runs:
        start = 0
        for index, char in enumerate(text):
            char_width = stringWidth(char, font, size)
            if used + char_width > room and (used or start < index or char_width <= width):
                pieces.append(_word([*parts, (text[start:index], font)] if start < index
                                    else parts, word.space, size))
                parts, start, used, room = [], index, 0.0, width
            used += char_width
        if start < len(text):
            parts.append((text[start:], font))
    pieces.append(_word(parts, word.space, size))
    return pieces


def _line(words: Sequence[_Word], width: float) -> _Line:
    runs: list[list[str]] = []
    for index, word in enumerate(words):
        for text, font in ((" ", word.space), *word.runs) if index else word.runs:
            if runs and runs[-1][1] == font:
                runs[-1][0] += text
            else:
                runs.append([text, font])
    return _Line(tuple((text, font) for text, font in runs), width)


class _Page:
    """The canvas and where the next text goes; a page full, the text goes on on the next.

    Text operators are written here, one text object a line, rather than through the
    canvas's text objects, which save and restore the graphics state and set the font again
    for every string: the font and word spacing are set only when they change."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        # The document the fonts count their subsets in (what a text object asks the canvas).
        self._doc: Any = canvas._doc
        self._text: list[str] = []
        self._font: tuple[str, float] | None = None
        self._word_space = 0.0
        self.y: float = _TOP

    @property
    def _at_top(self) -> bool:
        return self.y >= _TOP

    def gap(self, height: float) -> None:
        """Space between two parts; none at the top of a page."""
        if not self._at_top:
            self.y -= height

    def keep(self, height: float) -> None:
        """Room for `height` on this page, or a new one (unless this one is still empty)."""
        if self.y - height < _BOTTOM - _FUZZ and not self._at_top:
            self.new_page()

    def new_page(self) -> None:
        self._end_text()
        self.canvas.showPage()
        self.y = _TOP

    def finish(self) -> None:
        self._end_text()
        self.canvas.showPage()

    def _end_text(self) -> None:
        if self._text:
            self.canvas.addLiteral("\n".join(self._text))
        # A new page starts from the default text state.
        self._text, self._font, self._word_space = [], None, 0.0

    def paragraph(self, runs: Sequence[_Run], style: ParagraphStyle, x: float = _X,
                  width: float = _WIDTH) -> None:
        self.lines(_set(runs, style, width), style, x, width)

    def lines(self, lines: Sequence[_Line], style: ParagraphStyle, x: float = _X,
              width: float = _WIDTH, head: Sequence[tuple[float, str]] = ()) -> None:
        """Lines of a paragraph from the current position down, over as many pages as they
        need; `head`: (x, text) set on the first line's baseline (a field's label)."""
        leading, done = style.leading, 0
        while done < len(lines):
            left = len(lines) - done
            fit = left if left * leading <= self.y - _BOTTOM + _FUZZ else \
                int((self.y - _BOTTOM) / leading)
            if fit < min(2, left) and not self._at_top:
                self.new_page()
                continue
            fit = max(fit, 1)
            if head and not done:
                for head_x, text in head:
                    self.text(head_x, self.y - style.fontSize, _plain(text, style),
                              style.fontSize)
            self.draw(lines[done:done + fit], style, x, width, self.y,
                      ends=done + fit == len(lines))
            self.y -= fit * leading
            done += fit
            if done < len(lines):
                self.new_page()

    def draw(self, lines: Sequence[_Line], style: ParagraphStyle, x: float, width: float,
             top: float, ends: bool = True, underline: bool = False) -> None:
        """Lines at `top` as a Paragraph set them: aligned, stretched or shrunk by word
        spacing; the last line of a paragraph (`ends`) is not stretched."""
        size, align = style.fontSize, style.alignment
        baseline = top - size
        for index, line in enumerate(lines):
            extra = width - line.width
            if align == TA_JUSTIFY:
                last = ends and index == len(lines) - 1
                stretch = not (-1e-8 < extra <= 1e-8 or (last and extra > -1e-8))
            else:
                stretch = extra <= -1e-8
            spaces = sum(text.count(" ") + text.count("\xa0") for text, _ in line.runs) \
                if stretch else 0
            word_space = extra / spaces if spaces else 0.0
            offset = extra / 2 if align == TA_CENTER and not spaces else 0.0
            self.text(x + offset, baseline, line.runs, size, word_space)
            if underline:
                self.rule(x + offset, x + offset + line.width, baseline - 0.125 * size, 1,
                          cap=0)
            baseline -= style.leading

    def text(self, x: float, baseline: float, runs: Sequence[_Run], size: float,
             word_space: float = 0.0) -> None:
        code = self._text
        code.append(f"BT 1 0 0 1 {fp_str(x, baseline)} Tm")
        if word_space != self._word_space:
            code.append(f"{fp_str(word_space)} Tw")
            self._word_space = word_space
        for text, name in runs:
            font = getFont(name)
            for subset, chunk in font.splitString(text, self._doc):
                face = (font.getSubsetInternalName(subset, self._doc), size)
                if face != self._font:
                    code.append(f"{face[0]} {fp_str(size)} Tf")
                    self._font = face
                code.append(f"({escapePDF(chunk)}) Tj")
        code.append("ET")

    def rule(self, x1: float, x2: float, y: float, thickness: float, cap: int = 1) -> None:
        self.canvas.setLineWidth(thickness)
        self.canvas.setLineCap(cap)
        self.canvas.line(x1, y, x2, y)


def _title(view: RequestView) -> str:
    if view.status == "ditangguhkan":
        return f"PEMBERITAHUAN PENANGGUHAN {view.kind.label.upper()}"
    if view.status == "ditolak":
        return f"PEMBERITAHUAN {view.kind.label.upper()} TIDAK DISETUJUI"
    if view.kind.is_cuti:
        return f"SURAT IZIN {view.kind.label.upper()}"
    return "SURAT IZIN"


def _kop(page: _Page, office: Office) -> None:
    for text, style in letterhead.lines(office):
        page.paragraph(_plain(text, style), style)
    page.gap(letterhead.GAP)
    for thickness, after in letterhead.RULES:
        page.keep(thickness)
        page.y -= thickness
        page.rule(_X, _X + _WIDTH, page.y, thickness)
        page.gap(after)


def _not_granted(view: RequestView) -> tuple[_Run, ...]:
    """The body of the notice for a cuti postponed or not approved by the pejabat."""
    final = view.steps[-1]
    asked = (f"Permintaan {view.kind.label.lower()} Saudara {_period(view)}, dengan "
             f"alasan: {view.reason}, ")
    if view.status == "ditangguhkan":
        until = view.answer.postponed_until if view.answer else None
        assert until is not None
        rest = (f" oleh pejabat yang berwenang karena {final.note or '-'}. Cuti tersebut dapat "
                f"diambil mulai tanggal {long_date(until)}.")
        if view.kind.uses_annual_balance and until.year > view.start.year:
            rest += (f" Hak cuti tahunan yang ditangguhkan ditambahkan pada hak tahun "
                     f"{until.year}, paling banyak 24 hari kerja termasuk hak tahun berjalan "
                     "(PP 11/2017).")
        decided = "ditangguhkan"
    else:
        rest = f" oleh pejabat yang berwenang karena {final.note or '-'}."
        decided = "tidak disetujui"
    return ((asked, fonts.REGULAR), (decided, fonts.BOLD), (rest, fonts.REGULAR))


def _period(view: RequestView) -> str:
    if view.start == view.end:
        return f"pada hari {long_date_with_day(view.start)}"
    return (f"selama {view.working_days} hari kerja, terhitung mulai tanggal "
            f"{long_date(view.start)} sampai dengan tanggal {long_date(view.end)}")


_FIELD_PAD = 1
# The identity block's columns: label, colon, value (the value wraps within its column less
# the 6 pt a table cell kept on its right), centred in the text column.
_LABEL_WIDTH, _COLON_WIDTH, _VALUE_WIDTH = 4.2 * cm, 0.5 * cm, 10.5 * cm - 6
_FIELDS_X = _X + (_WIDTH - _LABEL_WIDTH - _COLON_WIDTH - _VALUE_WIDTH - 6) / 2


def _identity_rows(view: RequestView) -> list[tuple[str, str]]:
    person = view.applicant
    return [("Nama", person.nama), ("NIP", person.nip),
            ("Pangkat/Golongan", person.golongan or "-"), ("Jabatan", person.jabatan or "-"),
            ("Unit Kerja", person.unit or "-")]


def _identity(page: _Page, view: RequestView) -> None:
    """The applicant's identity as "label : value" rows, kept on one page if they fit."""
    rows = [(label, _set(_plain(value, _BODY), _BODY, _VALUE_WIDTH))
            for label, value in _identity_rows(view)]
    leading = _BODY.leading
    page.keep(sum(max(leading, leading * len(lines)) + 2 * _FIELD_PAD for _, lines in rows))
    for label, lines in rows:
        page.keep(leading + 2 * _FIELD_PAD)
        page.y -= _FIELD_PAD
        head = ((_FIELDS_X, label), (_FIELDS_X + _LABEL_WIDTH, ":"))
        if lines:
            page.lines(lines, _BODY, _FIELDS_X + _LABEL_WIDTH + _COLON_WIDTH, _VALUE_WIDTH,
                       head=head)
        else:
            page.lines([_Line((), 0.0)], _BODY, head=head)
        page.y -= _FIELD_PAD


# The form's four boxes (PP 11/2017, Peraturan BKN 24/2017): which actions tick which one.
_BOXES = (("DISETUJUI", ("setujui", "pertimbangan_setuju")),
          ("PERUBAHAN", ("perubahan", "pertimbangan_perubahan")),
          ("DITANGGUHKAN", ("tangguhkan", "pertimbangan_tangguhkan")),
          ("TIDAK DISETUJUI", ("tidak_disetujui", "pertimbangan_tidak", "tolak")))
_OUTCOME_WORDS = {"setujui": "disetujui", "pertimbangan_setuju": "pertimbangan disetujui",
                  "pertimbangan_perubahan": "pertimbangan perubahan",
                  "pertimbangan_tangguhkan": "pertimbangan ditangguhkan",
                  "pertimbangan_tidak": "pertimbangan tidak disetujui",
                  "perubahan": "perubahan tanggal", "tangguhkan": "ditangguhkan",
                  "tidak_disetujui": "tidak disetujui", "tolak": "ditolak"}
# A form part spans the margins (a table as wide as the page's text, centred over the column),
# its cells padded 6 pt left and right and 3 pt above and below, ruled 0.5 pt.
_BOX_X, _BOX_WIDTH = _LEFT_MARGIN, _WIDTH + 2 * _PAD
_CELL_PAD_X, _CELL_PAD_Y, _GRID = 6, 3, 0.5
# A row spanning the four columns is at least one 12 pt line high, as the table made it (the
# cells its span covered counted as a line of text each).
_SPANNED_LINE = 12


def _answer_box(page: _Page, heading: str, step: StepView) -> None:
    """One part of the form: its four boxes, the one answered ticked, and the note."""
    assert step.decided_by is not None and step.decided_at is not None
    column = _BOX_WIDTH / 4
    spanned, boxed = _BOX_WIDTH - 2 * _CELL_PAD_X, column - 2 * _CELL_PAD_X
    note = f"Catatan: {step.note}" if step.note else "Catatan: -"
    signed = (f"{step.decided_by.nama} (NIP {step.decided_by.nip}), "
              f"{long_date(step.decided_at.date())}")
    rows: list[list[tuple[list[_Line], ParagraphStyle]]] = [
        [(_set(((heading, fonts.BOLD),), _SMALL, spanned), _SMALL)],
        [(_set(_plain(label, _BOX), _BOX, boxed), _BOX) for label, _ in _BOXES],
        [(_set(_plain("✓" if step.outcome in actions else "", _BOX), _BOX, boxed), _BOX)
         for _, actions in _BOXES],
        [(_set(_plain(note, _SMALL), _SMALL, spanned)
          + _set(_plain(signed, _SMALL), _SMALL, spanned), _SMALL)]]
    heights = [max(_SPANNED_LINE if len(row) == 1 else 0,
                   *(len(lines) * style.leading for lines, style in row)) + 2 * _CELL_PAD_Y
               for row in rows]
    page.keep(sum(heights))
    top = page.y
    for row, height in zip(rows, heights, strict=True):
        width = column if len(row) > 1 else _BOX_WIDTH
        for index, (lines, style) in enumerate(row):
            # Each cell's text centred on the row's middle.
            page.draw(lines, style, _BOX_X + index * width + _CELL_PAD_X,
                      width - 2 * _CELL_PAD_X, top - (height - len(lines) * style.leading) / 2)
        top -= height
    bottom, right = top, _BOX_X + _BOX_WIDTH
    top = page.y
    for y in (top, top - heights[0], top - sum(heights[:2]), top - sum(heights[:3]), bottom):
        page.rule(_BOX_X, right, y, _GRID)
    canvas = page.canvas
    for x in (_BOX_X, right):
        canvas.line(x, top, x, bottom)
    # The inner columns divide the two rows of boxes only.
    for index in (1, 2, 3):
        x = _BOX_X + index * column
        canvas.line(x, top - heights[0], x, top - sum(heights[:3]))
    page.y = bottom


def _answers(page: _Page, view: RequestView) -> None:
    """The cuti form's parts VII (pertimbangan atasan langsung) and VIII (keputusan pejabat
    yang berwenang), as answered; nothing for izin."""
    if not view.kind.is_cuti or not view.steps:
        return
    for step in view.steps[:-1]:
        if step.outcome and step.outcome.startswith("pertimbangan_") and step.decided_by:
            _answer_box(page, "PERTIMBANGAN ATASAN LANGSUNG", step)
            page.gap(6)
    final = view.steps[-1]
    if final.outcome and final.decided_by:
        _answer_box(page, "KEPUTUSAN PEJABAT YANG BERWENANG MEMBERIKAN CUTI", final)
        page.gap(10)


def _change_line(page: _Page, view: RequestView) -> None:
    answer = view.answer
    if answer is None or answer.proposed_start is None or answer.replied_at is None:
        return
    page.paragraph(_plain(
        f"Tanggal tersebut merupakan perubahan oleh pejabat yang berwenang atas permintaan "
        f"cuti tanggal {long_date(answer.asked_start)} sampai dengan "
        f"{long_date(answer.asked_end)} ({answer.asked_days} hari kerja), yang diterima oleh "
        f"pegawai yang bersangkutan pada {long_date(answer.replied_at.date())}.", _BODY), _BODY)
    page.gap(6)


def _signer_title(final: StepView | None) -> str:
    """The signer's title; a Plh/Plt signs with "Plh."/"Plt." before the official's title."""
    if final is None:
        return ""
    signer, official = final.decided_by, final.on_behalf_of
    if official is not None and final.acting_prefix:
        return f"{final.acting_prefix} {official.jabatan or final.title}"
    return signer.jabatan if signer and signer.jabatan else final.title


# The signature: the right half of the text column, 3 pt kept above and below it and 36 pt
# left to sign in.
_SIGN_X = _X + _WIDTH / 2
_SIGN_WIDTH, _SIGN_PAD, _SIGN_SPACE = _WIDTH / 2, 3, 36


def _signature(page: _Page, office: Office, view: RequestView) -> None:
    """Place and date, the signer's title, room to sign, name (underlined) and NIP, kept on
    one page."""
    final = view.steps[-1] if view.steps else None
    signer = final.decided_by if final else None
    signed_on = view.closed_at.date() if view.closed_at else view.created_at.date()
    place = f"{office.city}, " if office.city else ""
    above = [_set(_plain(text, _SIGN), _SIGN, _SIGN_WIDTH) for text in (
        f"{place}{long_date(signed_on)}", _signer_title(final))]
    name, nip = (_set(_plain(text, _SIGN), _SIGN, _SIGN_WIDTH) for text in (
        (signer.nama, f"NIP {signer.nip}") if signer else ("", "")))
    leading = _SIGN.leading
    page.keep(leading * (sum(map(len, above)) + len(name) + len(nip)) + _SIGN_SPACE
              + 2 * _SIGN_PAD)
    page.y -= _SIGN_PAD
    for lines in above:
        page.draw(lines, _SIGN, _SIGN_X, _SIGN_WIDTH, page.y)
        page.y -= leading * len(lines)
    page.y -= _SIGN_SPACE
    page.draw(name, _SIGN, _SIGN_X, _SIGN_WIDTH, page.y, underline=True)
    page.y -= leading * len(name)
    page.draw(nip, _SIGN, _SIGN_X, _SIGN_WIDTH, page.y)
    page.y -= leading * len(nip) + _SIGN_PAD


def _trail(page: _Page, view: RequestView) -> None:
    page.paragraph(_plain("Ditetapkan secara elektronik melalui layanan presensi dan perizinan "
                          "pegawai. Jejak persetujuan:", _SMALL), _SMALL)
    for step in view.steps:
        if step.decided_by is None or step.decided_at is None:
            continue
        words = _OUTCOME_WORDS.get(step.outcome or "", "disetujui")
        page.paragraph(_plain(
            f"{step.title}: {words} oleh {step.decided_by.nama} (NIP {step.decided_by.nip}) "
            f"pada {long_date(step.decided_at.date())} pukul {step.decided_at:%H.%M}", _SMALL),
            _SMALL)


def build_letter(office: Office, view: RequestView) -> bytes:
    """The PDF of the letter for an approved request, or of the notice for a cuti the pejabat
    berwenang postponed or did not approve (the form's boxes on both)."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(f"{_title(view)} {view.agenda_number or ''}".strip())
    canvas.setAuthor(office.name)
    # Subject and creator as platypus's document template left them: "(unspecified)".
    canvas.setSubject(None)
    canvas.setCreator(None)
    page = _Page(canvas)
    _kop(page, office)
    page.gap(6)
    page.paragraph(_plain(_title(view), _TITLE), _TITLE)
    verb = "cuti" if view.kind.is_cuti else "izin"
    if view.status == "disetujui":
        page.paragraph(_plain(f"Nomor: {view.agenda_number or '-'}", _NUMBER), _NUMBER)
        page.gap(14)
        page.paragraph(_plain(f"Diberikan {verb} kepada Pegawai Negeri Sipil:", _BODY), _BODY)
        page.gap(4)
        _identity(page, view)
        page.gap(8)
        page.paragraph(_plain(f"untuk {view.kind.label.lower()} {_period(view)}, dengan "
                              f"alasan: {view.reason}.", _BODY), _BODY)
        page.gap(6)
        _change_line(page, view)
        closing = f"Demikian surat {verb} ini dibuat untuk dapat dipergunakan sebagaimana " \
            "mestinya."
    else:
        page.gap(14)
        page.paragraph(_plain("Kepada pegawai:", _BODY), _BODY)
        page.gap(4)
        _identity(page, view)
        page.gap(8)
        page.paragraph(_not_granted(view), _BODY)
        page.gap(6)
        closing = "Demikian pemberitahuan ini disampaikan untuk menjadi perhatian."
    _answers(page, view)
    page.paragraph(_plain(closing, _BODY), _BODY)
    page.gap(18)
    _signature(page, office, view)
    page.gap(24)
    _trail(page, view)
    page.finish()
    canvas.save()
    return buffer.getvalue()
