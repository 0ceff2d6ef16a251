"""Surat izin / surat cuti for an approved request, on the office letterhead (A4, reportlab).

Blocking: call through asyncio.to_thread from async code.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, SimpleDocTemplate, Spacer, Table, TableStyle

from reports import fonts
from reports.letterhead import letterhead
from reports.paragraphs import paragraph
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


def _title(view: RequestView) -> str:
    if view.status == "ditangguhkan":
        return f"PEMBERITAHUAN PENANGGUHAN {view.kind.label.upper()}"
    if view.status == "ditolak":
        return f"PEMBERITAHUAN {view.kind.label.upper()} TIDAK DISETUJUI"
    if view.kind.is_cuti:
        return f"SURAT IZIN {view.kind.label.upper()}"
    return "SURAT IZIN"


def _not_granted(view: RequestView) -> list[Flowable]:
    """The body of the notice for a cuti postponed or not approved by the pejabat."""
    final = view.steps[-1]
    asked = (f"Permintaan {escape(view.kind.label.lower())} Saudara {_period(view)}, dengan "
             f"alasan: {escape(view.reason)},")
    if view.status == "ditangguhkan":
        until = view.answer.postponed_until if view.answer else None
        assert until is not None
        text = (f"{asked} <b>ditangguhkan</b> oleh pejabat yang berwenang karena "
                f"{escape(final.note or '-')}. Cuti tersebut dapat diambil mulai tanggal "
                f"{long_date(until)}.")
        if view.kind.uses_annual_balance and until.year > view.start.year:
            text += (f" Hak cuti tahunan yang ditangguhkan ditambahkan pada hak tahun "
                     f"{until.year}, paling banyak 24 hari kerja termasuk hak tahun berjalan "
                     "(PP 11/2017).")
    else:
        text = (f"{asked} <b>tidak disetujui</b> oleh pejabat yang berwenang karena "
                f"{escape(final.note or '-')}.")
    return [paragraph(text, _BODY), Spacer(1, 6)]


def _period(view: RequestView) -> str:
    if view.start == view.end:
        return f"pada hari {long_date_with_day(view.start)}"
    return (f"selama {view.working_days} hari kerja, terhitung mulai tanggal "
            f"{long_date(view.start)} sampai dengan tanggal {long_date(view.end)}")


_FIELD_PAD = 1
# The identity block's columns: label, colon, value (the value wraps within its column less
# the 6 pt a table cell kept on its right).
_LABEL_WIDTH, _COLON_WIDTH, _VALUE_WIDTH = 4.2 * cm, 0.5 * cm, 10.5 * cm - 6


class _Fields(Flowable):  # type: ignore[misc]
    """The applicant's identity as "label : value" rows. Labels and colons are drawn as text
    on the value's first baseline, so only values are Paragraphs: a Table of fifteen
    Paragraphs was a third of the letter's drawing time."""

    def __init__(self, rows: list[tuple[str, str]]) -> None:
        super().__init__()
        self.hAlign = "CENTER"
        self._rows = [(label, paragraph(escape(value), _BODY)) for label, value in rows]
        self._heights: list[float] = []

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self._heights = [max(_BODY.leading, value.wrap(_VALUE_WIDTH, available_height)[1])
                         + 2 * _FIELD_PAD for _, value in self._rows]
        self.width = _LABEL_WIDTH + _COLON_WIDTH + _VALUE_WIDTH + 6
        self.height = sum(self._heights)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.setFont(_BODY.fontName, _BODY.fontSize)
        top = self.height
        for (label, value), height in zip(self._rows, self._heights, strict=True):
            # A Paragraph's first baseline lies one font size below its top.
            baseline = top - _FIELD_PAD - _BODY.fontSize
            canvas.drawString(0, baseline, label)
            canvas.drawString(_LABEL_WIDTH, baseline, ":")
            value.drawOn(canvas, _LABEL_WIDTH + _COLON_WIDTH, top - _FIELD_PAD - value.height)
            top -= height


class _Column(Flowable):  # type: ignore[misc]
    """Flowables stacked in a column `indent` points from the left and kept on one page (the
    signature block), without the cost of a Table around them."""

    def __init__(self, parts: list[Flowable], indent: float, width: float, pad: float) -> None:
        super().__init__()
        self._parts, self._indent, self._column, self._pad = parts, indent, width, pad

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = sum(part.wrap(self._column, available_height)[1]
                          for part in self._parts) + 2 * self._pad
        return self.width, self.height

    def draw(self) -> None:
        top = self.height - self._pad
        for part in self._parts:
            top -= part.height
            part.drawOn(self.canv, self._indent, top)


def _identity(view: RequestView) -> Flowable:
    person = view.applicant
    return _Fields([("Nama", person.nama), ("NIP", person.nip),
                    ("Pangkat/Golongan", person.golongan or "-"),
                    ("Jabatan", person.jabatan or "-"), ("Unit Kerja", person.unit or "-")])


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
_BOX = ParagraphStyle("letter-box", fontName=fonts.REGULAR, fontSize=8.5, leading=10.5,
                      alignment=TA_CENTER)


def _trail(view: RequestView) -> list[Flowable]:
    lines = []
    for step in view.steps:
        if step.decided_by is None or step.decided_at is None:
            continue
        words = _OUTCOME_WORDS.get(step.outcome or "", "disetujui")
        lines.append(paragraph(
            f"{escape(step.title)}: {words} oleh {escape(step.decided_by.nama)} "
            f"(NIP {step.decided_by.nip}) pada {long_date(step.decided_at.date())} pukul "
            f"{step.decided_at:%H.%M}", _SMALL))
    return lines


def _answer_box(heading: str, step: StepView, width: float) -> Flowable:
    """One part of the form: its four boxes, the one answered ticked, and the note."""
    assert step.decided_by is not None and step.decided_at is not None
    ticks = ["✓" if step.outcome in actions else "" for _, actions in _BOXES]
    note = f"Catatan: {escape(step.note)}" if step.note else "Catatan: -"
    rows = [[paragraph(f"<b>{escape(heading)}</b>", _SMALL), "", "", ""],
            [paragraph(label, _BOX) for label, _ in _BOXES],
            [paragraph(tick, _BOX) for tick in ticks],
            [paragraph(f"{note}<br/>{escape(step.decided_by.nama)} (NIP {step.decided_by.nip}),"
                       f" {long_date(step.decided_at.date())}", _SMALL), "", "", ""]]
    table = Table(rows, colWidths=[width / 4] * 4)
    table.setStyle(TableStyle([("SPAN", (0, 0), (-1, 0)), ("SPAN", (0, 3), (-1, 3)),
                               ("GRID", (0, 0), (-1, -1), 0.5, "#000000"),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


def _answers(view: RequestView, width: float) -> list[Flowable]:
    """The cuti form's parts VII (pertimbangan atasan langsung) and VIII (keputusan pejabat
    yang berwenang), as answered; nothing for izin."""
    if not view.kind.is_cuti or not view.steps:
        return []
    parts: list[Flowable] = []
    for step in view.steps[:-1]:
        if step.outcome and step.outcome.startswith("pertimbangan_") and step.decided_by:
            parts += [_answer_box("PERTIMBANGAN ATASAN LANGSUNG", step, width), Spacer(1, 6)]
    final = view.steps[-1]
    if final.outcome and final.decided_by:
        parts += [_answer_box("KEPUTUSAN PEJABAT YANG BERWENANG MEMBERIKAN CUTI", final, width),
                  Spacer(1, 10)]
    return parts


def _change_line(view: RequestView) -> list[Flowable]:
    answer = view.answer
    if answer is None or answer.proposed_start is None or answer.replied_at is None:
        return []
    return [paragraph(
        f"Tanggal tersebut merupakan perubahan oleh pejabat yang berwenang atas permintaan "
        f"cuti tanggal {long_date(answer.asked_start)} sampai dengan "
        f"{long_date(answer.asked_end)} ({answer.asked_days} hari kerja), yang diterima oleh "
        f"pegawai yang bersangkutan pada {long_date(answer.replied_at.date())}.", _BODY),
        Spacer(1, 6)]


def _signer_title(final: StepView | None) -> str:
    """The signer's title; a Plh/Plt signs with "Plh."/"Plt." before the official's title."""
    if final is None:
        return ""
    signer, official = final.decided_by, final.on_behalf_of
    if official is not None and final.acting_prefix:
        return f"{final.acting_prefix} {official.jabatan or final.title}"
    return signer.jabatan if signer and signer.jabatan else final.title


def build_letter(office: Office, view: RequestView) -> bytes:
    """The PDF of the letter for an approved request, or of the notice for a cuti the pejabat
    berwenang postponed or did not approve (the form's boxes on both)."""
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2 * cm,
                            topMargin=1.5 * cm, bottomMargin=2 * cm,
                            title=f"{_title(view)} {view.agenda_number or ''}".strip(),
                            author=office.name)
    final = view.steps[-1] if view.steps else None
    signer = final.decided_by if final else None
    verb = "cuti" if view.kind.is_cuti else "izin"
    story: list[Flowable] = [*letterhead(office, doc.width), Spacer(1, 6),
                             paragraph(_title(view), _TITLE)]
    if view.status == "disetujui":
        story += [paragraph(f"Nomor: {escape(view.agenda_number or '-')}", _NUMBER),
                  Spacer(1, 14),
                  paragraph("Diberikan " + verb + " kepada Pegawai Negeri Sipil:", _BODY),
                  Spacer(1, 4), _identity(view), Spacer(1, 8),
                  paragraph(f"untuk {escape(view.kind.label.lower())} {_period(view)}, "
                            f"dengan alasan: {escape(view.reason)}.", _BODY),
                  Spacer(1, 6), *_change_line(view)]
        closing = "Demikian surat " + verb + " ini dibuat untuk dapat dipergunakan " \
            "sebagaimana mestinya."
    else:
        story += [Spacer(1, 14), paragraph("Kepada pegawai:", _BODY), Spacer(1, 4),
                  _identity(view), Spacer(1, 8), *_not_granted(view)]
        closing = "Demikian pemberitahuan ini disampaikan untuk menjadi perhatian."
    story += [*_answers(view, doc.width), paragraph(closing, _BODY), Spacer(1, 18)]
    signed_on = view.closed_at.date() if view.closed_at else view.created_at.date()
    place = f"{escape(office.city)}, " if office.city else ""
    signature = [paragraph(f"{place}{long_date(signed_on)}", _SIGN),
                 paragraph(escape(_signer_title(final)), _SIGN),
                 Spacer(1, 36),
                 paragraph(f"<u>{escape(signer.nama)}</u>" if signer else "", _SIGN),
                 paragraph(f"NIP {signer.nip}" if signer else "", _SIGN)]
    # The right half of the page as a two-column table placed it: the frame's 6 pt padding
    # left of it, 6 pt kept on its right, 3 pt above and below.
    block = _Column(signature, indent=doc.width * 0.5 - 6, width=doc.width * 0.5 - 6, pad=3)
    story += [block, Spacer(1, 24),
              paragraph("Ditetapkan secara elektronik melalui layanan presensi dan perizinan "
                        "pegawai. Jejak persetujuan:", _SMALL), *_trail(view)]
    doc.build(story)
    return buffer.getvalue()
