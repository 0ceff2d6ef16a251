"""The usulan letter of a cuti the office does not grant itself (services.usulan_phase): CLTN,
proposed by the Kepala to the PPK, and the Kepala's own cuti, which he asks of his superior
himself. On the office letterhead (A4, reportlab), in the form of a dinas letter.

Blocking: call through asyncio.to_thread from async code.
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from reports import fonts
from reports.letterhead import letterhead
from reports.paragraphs import paragraph
from reports.request_letter import (
    _COLON_WIDTH,
    _FIELD_PAD,
    _LABEL_WIDTH,
    _VALUE_WIDTH,
    _identity_rows,
    _period,
    _signer_title,
)
from services.employees import Employee
from services.indonesian_dates import long_date
from services.office import Office
from services.requests import RequestView
from services.usulan_phase import CLTN

_BODY = ParagraphStyle("usulan-body", fontName=fonts.REGULAR, fontSize=10.5, leading=14,
                       alignment=TA_JUSTIFY)
_PLAIN = ParagraphStyle("usulan-plain", fontName=fonts.REGULAR, fontSize=10.5, leading=14)
_SMALL = ParagraphStyle("usulan-small", fontName=fonts.REGULAR, fontSize=8.5, leading=10.5)

_LEGAL_CLTN = (
    "Sesuai dengan Peraturan Pemerintah Nomor 11 Tahun 2017 tentang Manajemen Pegawai Negeri "
    "Sipil sebagaimana telah diubah dengan Peraturan Pemerintah Nomor 17 Tahun 2020, cuti di "
    "luar tanggungan negara diberikan oleh Pejabat Pembina Kepegawaian setelah mendapat "
    "persetujuan Kepala Badan Kepegawaian Negara dan tidak dapat didelegasikan.")


class _Fields(Flowable):  # type: ignore[misc]
    """The applicant's identity as "label : value" rows, as on the surat izin. Labels and
    colons are drawn as text on the value's first baseline, so only values are Paragraphs: a
    Table of fifteen Paragraphs was a third of the letter's drawing time."""

    def __init__(self, view: RequestView) -> None:
        super().__init__()
        self.hAlign = "CENTER"
        self._rows = [(label, paragraph(escape(value), _BODY))
                      for label, value in _identity_rows(view)]
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


def _subject_line(view: RequestView, own: bool) -> str:
    label = view.kind.label
    verb = "Permohonan" if own else "Usul"
    return f"{verb} {label} a.n. {view.applicant.nama}"


def _heading(office: Office, view: RequestView, own: bool, width: float) -> list[Flowable]:
    assert view.usulan is not None
    proposed = view.usulan.proposed_at.date()
    place = f"{office.city}, " if office.city else ""
    rows = [("Nomor", view.agenda_number or "-"), ("Sifat", "Penting"),
            ("Lampiran", "1 (satu) berkas" if view.attachment else "-"),
            ("Hal", _subject_line(view, own))]
    meta = Table([[Paragraph(escape(k), _PLAIN), Paragraph(":", _PLAIN),
                   Paragraph(escape(v), _PLAIN)] for k, v in rows],
                 colWidths=[2.3 * cm, 0.4 * cm, width * 0.62 - 2.7 * cm])
    meta.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("TOPPADDING", (0, 0), (-1, -1), 0),
                              ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    dated = Paragraph(escape(f"{place}{long_date(proposed)}"), _PLAIN)
    top = Table([[meta, dated]], colWidths=[width * 0.62, width * 0.38])
    top.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                             ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return [top, Spacer(1, 12),
            Paragraph("Kepada", _PLAIN),
            Paragraph(f"Yth. {escape(view.usulan.addressed_to)}", _PLAIN),
            Paragraph("di", _PLAIN),
            Paragraph(f"&nbsp;&nbsp;&nbsp;&nbsp;{escape(office.city or 'Tempat')}", _PLAIN),
            Spacer(1, 12)]


def _considered(view: RequestView) -> list[Flowable]:
    """The office's steps as they were passed (the atasan's pertimbangan, the Kepala's)."""
    lines = []
    for step in view.steps:
        if step.decided_by is None or step.decided_at is None:
            continue
        acting = (f" selaku {step.acting_prefix} {step.on_behalf_of.jabatan or step.title}"
                  if step.on_behalf_of is not None and step.acting_prefix else "")
        note = f"; catatan: {escape(step.note)}" if step.note else ""
        lines.append(Paragraph(
            f"{escape(step.title)}: {escape(step.decided_by.nama)} (NIP {step.decided_by.nip})"
            f"{escape(acting)}, {long_date(step.decided_at.date())} pukul "
            f"{step.decided_at:%H.%M}{note}", _SMALL))
    return lines


def _body(view: RequestView, own: bool) -> list[Flowable]:
    label = escape(view.kind.label.lower())
    cltn = view.usulan is not None and view.usulan.basis == CLTN
    # A CLTN runs for months or years: its span is the dates, not a count of working days.
    period = (f"terhitung mulai tanggal {long_date(view.start)} sampai dengan tanggal "
              f"{long_date(view.end)}" if cltn else _period(view))
    reason = escape(view.reason)
    if own:
        story: list[Flowable] = [
            Paragraph("Yang bertanda tangan di bawah ini:", _BODY), Spacer(1, 4),
            _Fields(view), Spacer(1, 8),
            Paragraph(f"dengan ini mengajukan permohonan {label} {period}, dengan alasan: "
                      f"{reason}.", _BODY)]
    else:
        story = [
            Paragraph(f"Bersama ini kami usulkan pemberian {label} kepada Pegawai Negeri "
                      "Sipil:", _BODY), Spacer(1, 4),
            _Fields(view), Spacer(1, 8),
            Paragraph(f"{period[0].upper()}{period[1:]}, dengan alasan: {reason}.", _BODY)]
    if cltn:
        story += [Spacer(1, 6), Paragraph(escape(_LEGAL_CLTN), _BODY)]
    if not own and any(s.decided_by for s in view.steps):
        story += [Spacer(1, 6), Paragraph(
            "Usul ini telah melalui pertimbangan atasan langsung dan pimpinan unit kerja "
            "sebagaimana tercatat di bawah.", _BODY)]
    closing = ("Demikian permohonan ini saya sampaikan. Atas perkenan Bapak/Ibu, saya ucapkan "
               "terima kasih." if own else
               "Demikian usul ini kami sampaikan. Atas perhatian dan perkenan Bapak/Ibu, kami "
               "ucapkan terima kasih.")
    return [*story, Spacer(1, 6), Paragraph(closing, _BODY), Spacer(1, 18)]


def _signature(view: RequestView, own: bool, signer: Employee | None) -> list[Flowable]:
    if own:
        title = view.applicant.jabatan or "Pemohon"
    else:
        final = next((s for s in reversed(view.steps) if s.decided_by is not None), None)
        title = _signer_title(final)
    return [Paragraph(escape(title), _PLAIN), Spacer(1, 36),
            Paragraph(f"<u>{escape(signer.nama)}</u>" if signer else "", _PLAIN),
            Paragraph(f"NIP {signer.nip}" if signer else "", _PLAIN)]


def build_usulan_letter(office: Office, view: RequestView) -> bytes:
    """The PDF of the usulan letter of a proposed request."""
    assert view.usulan is not None, "only a proposed request has an usulan letter"
    own = view.usulan.proposed_by == view.applicant.nip
    signer = view.applicant if own else next(
        (s.decided_by for s in reversed(view.steps) if s.decided_by is not None), None)
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=2.5 * cm, rightMargin=2 * cm,
                            topMargin=1.5 * cm, bottomMargin=2 * cm,
                            title=f"{_subject_line(view, own)} {view.agenda_number or ''}".strip(),
                            author=office.name)
    block = Table([[Spacer(1, 1), _signature(view, own, signer)]],
                  colWidths=[doc.width * 0.5, doc.width * 0.5])
    block.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story: list[Flowable] = [*letterhead(office, doc.width), Spacer(1, 6),
                             *_heading(office, view, own, doc.width), *_body(view, own), block]
    trail = _considered(view)
    if trail:
        story += [Spacer(1, 24), Paragraph("Jejak pertimbangan dalam layanan presensi dan "
                                           "perizinan pegawai:", _SMALL), *trail]
    doc.build(story)
    return buffer.getvalue()
