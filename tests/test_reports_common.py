"""The letterhead and Indonesian dates, rendered into a real PDF and read back."""

from __future__ import annotations

import datetime as dt
import io
from collections import OrderedDict
from zoneinfo import ZoneInfo

import pytest
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.lib.enums import TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import SimpleDocTemplate

from reports import fonts, paragraphs
from reports.letterhead import letterhead
from reports.paragraphs import paragraph
from services.indonesian_dates import long_date, long_date_with_day, month_year
from services.office import Office


def test_letterhead_renders_each_line() -> None:
    office = Office(name="Dinas Komunikasi & Informatika", timezone=ZoneInfo("Asia/Jakarta"),
                    address="Jl. Merdeka No. 1", government="Pemerintah Kota Contoh")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4)
    doc.build(letterhead(office, doc.width))
    text = PdfReader(io.BytesIO(buffer.getvalue())).pages[0].extract_text()
    assert "PEMERINTAH KOTA CONTOH" in text
    assert "DINAS KOMUNIKASI & INFORMATIKA" in text
    assert "Jl. Merdeka No. 1" in text


def test_indonesian_dates() -> None:
    assert long_date(dt.date(2026, 10, 5)) == "5 Oktober 2026"
    assert long_date_with_day(dt.date(2026, 10, 9)) == "Jumat, 9 Oktober 2026"
    assert month_year(2026, 1) == "Januari 2026"


_JUSTIFIED = ParagraphStyle("test-body", fontName=fonts.REGULAR, fontSize=10.5, leading=14,
                            alignment=TA_JUSTIFY)


def _letterhead_pdf(name: str) -> bytes:
    office = Office(name=name, timezone=ZoneInfo("Asia/Jakarta"), address="Jl. Merdeka No. 1")
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4)
    body = (f"Diberikan izin kepada <b>{name}</b> untuk keperluan keluarga yang mendesak, "
            "terhitung mulai tanggal yang tersebut di atas. ") * 4
    doc.build([*letterhead(office, doc.width), paragraph(body, _JUSTIFIED),
               paragraph("Demikian untuk dipergunakan sebagaimana mestinya.", _JUSTIFIED)])
    return buffer.getvalue()


def test_font_objects_and_paragraphs_made_once_are_what_each_document_would_have_made(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Byte for byte: no creation date or random document id.
    monkeypatch.setattr(rl_config, "invariant", 1)
    names = ["Dinas Pendidikan", "Дирекция Ελένη Nguyễn", "Dinas Kesehatan",
             "Łukasz Żółć", "Dinas Pendidikan"]
    shared = [_letterhead_pdf(name) for name in names]
    alone = []
    for name in names:
        monkeypatch.setattr(fonts, "_objects", OrderedDict())
        monkeypatch.setattr(paragraphs, "_parsed", OrderedDict())
        alone.append(_letterhead_pdf(name))
    assert shared == alone
    # And the same as reportlab's own objects for each font, made per document.
    monkeypatch.setattr(fonts._SubsetCachingFont, "addObjects", TTFont.addObjects)
    assert [_letterhead_pdf(name) for name in names] == shared
    # The scripts beyond ASCII got glyphs of their own.
    assert len({_font_programs(pdf) for pdf in shared}) == 3
    assert "ДИРЕКЦИЯ ΕΛΈΝΗ NGUYỄN" in PdfReader(io.BytesIO(shared[1])).pages[0].extract_text()


def _font_programs(pdf: bytes) -> tuple[bytes, ...]:
    used = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    return tuple(bytes(used[name].get_object()["/FontDescriptor"]["/FontFile2"].get_object()
                       .get_data()) for name in sorted(used))
