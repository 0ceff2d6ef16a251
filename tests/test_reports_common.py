"""The letterhead and Indonesian dates, rendered into a real PDF and read back."""

from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.platypus import SimpleDocTemplate

from reports.letterhead import letterhead
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
