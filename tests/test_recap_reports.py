"""The recap PDF and XLSX for a known month, read back with pypdf and openpyxl."""

from __future__ import annotations

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.recap_pdf import FRAME_WIDTH, column_widths, render_pdf
from reports.recap_table import build_table, format_percent, ordered, rank_key, unit_summaries
from reports.recap_xlsx import render_xlsx
from services.attendance_model import MonthAttendance
from services.office import Office
from services.recap_document import ParafMark, RecapDocument, Signatory
from tests.support.office import (
    ADMIN,
    KABID,
    KASUBBAG,
    KEPALA,
    PEOPLE,
    SEKRETARIS,
    STAFF_A,
    STAFF_B,
    STAFF_C,
)
from tests.support.recap_month import fragments, make_month, many_people, row_cells

WIB = ZoneInfo("Asia/Jakarta")
OFFICE = Office(name="Dinas Komunikasi dan Informatika", timezone=WIB,
                address="Jl. Merdeka No. 1", city="Kota Contoh",
                government="Pemerintah Kota Contoh")
# October 2026: Thursday the 1st; weekends 3–4, 10–11, 17–18, 24–25, 31; 22 working days.
SPECIAL = {
    (PEOPLE.index(STAFF_A), 5): "S", (PEOPLE.index(STAFF_A), 6): "S",
    (PEOPLE.index(STAFF_A), 7): "TL2/PSW1",
    (PEOPLE.index(STAFF_B), 12): "TK", (PEOPLE.index(STAFF_B), 13): "CT",
    (PEOPLE.index(STAFF_B), 14): "DL", (PEOPLE.index(STAFF_B), 15): "TL1",
}


def october() -> MonthAttendance:
    return make_month(PEOPLE, 2026, 10, lambda i, day: SPECIAL.get((i, day.day), "H"),
                      late_minutes=lambda i: 47 if PEOPLE[i] is STAFF_A else 0,
                      tpp=lambda i: 1.5 if PEOPLE[i] is STAFF_B else 0.0)


def document(month: MonthAttendance, *, signed: bool) -> RecapDocument:
    at = dt.datetime(2026, 11, 2, 9, 15, tzinfo=WIB)
    return RecapDocument(
        office=OFFICE, attendance=month, place_date=dt.date(2026, 11, 3),
        kepala=Signatory(KEPALA.nama, KEPALA.nip,
                         dt.datetime(2026, 11, 3, 10, 5, tzinfo=WIB) if signed else None),
        parafs=(ParafMark("Kasubbag Umum dan Kepegawaian", KASUBBAG.nama, at),
                ParafMark("Sekretaris", SEKRETARIS.nama, at if signed else None)),
        agenda_number="800/001/DISKOMINFO/XI/2026" if signed else None, version=2)


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_pdf_cells_totals_and_pages_for_a_known_month() -> None:
    pdf = render_pdf(document(october(), signed=True))
    texts = page_texts(pdf)
    assert len(texts) == 2
    first, last = texts
    assert "PEMERINTAH KOTA CONTOH" in first and "REKAPITULASI KEHADIRAN PEGAWAI" in first
    assert "Bulan OKTOBER 2026" in first
    assert "Nomor: 800/001/DISKOMINFO/XI/2026" in first
    assert "Halaman 1 dari 2" in first and "Halaman 2 dari 2" in last

    found, _ = fragments(pdf)
    widths = column_widths(31, FRAME_WIDTH)
    page, cells = row_cells(found, STAFF_A.nip, widths)
    assert page == 1
    assert cells[1:5] == [STAFF_A.nama, STAFF_A.nip, "III/b", "Pranata Komputer"]
    days = cells[5:36]
    assert days[4] == "S" and days[5] == "S" and days[6] == "TL2/PSW1"
    assert days[2] == "L" and days[3] == "L" and days[30] == "L"
    assert days.count("H") == 22 - 3
    # H TL PSW TAM TAP TK I S DL TB C, then late minutes and TPP %.
    assert cells[36:] == ["19", "1", "1", "0", "0", "0", "0", "2", "0", "0", "0", "47", "0"]

    _, cells_b = row_cells(found, STAFF_B.nip, widths)
    assert cells_b[36:] == ["18", "1", "0", "0", "0", "1", "0", "0", "1", "0", "1", "0", "1,5"]

    # Ordered by unit, then rank, highest first: the "No" column follows that order.
    numbers = {p.nip: row_cells(found, p.nip, widths)[1][0] for p in PEOPLE}
    expected = [KABID, STAFF_A, STAFF_B, KEPALA, SEKRETARIS, KASUBBAG, STAFF_C, ADMIN]
    assert [numbers[p.nip] for p in expected] == [str(n) for n in range(1, 9)]
    assert "Unit Kerja: Bidang Aplikasi" in first and "Unit Kerja: Sekretariat" in first

    assert "Keterangan kode:" in first and "Tanpa keterangan" in first
    assert "RINGKASAN KEHADIRAN PER UNIT KERJA" in last and "Bulan Oktober 2026" in last
    # Bidang Aplikasi: 3 people × 22 days, STAFF_A 2 sick, STAFF_B TK + CT: 62/66 present.
    assert re.search(r"Bidang Aplikasi\s+3\s+22\s+62\s+1\s+3\s+93,9%", last)
    assert "Kota Contoh, 3 November 2026" in last
    assert "Kepala Dinas Komunikasi dan Informatika" in last
    assert KEPALA.nama in last and f"NIP. {KEPALA.nip}" in last
    assert "Ditandatangani secara elektronik" in last and "pukul 10.05 WIB" in last
    assert KASUBBAG.nama in last and SEKRETARIS.nama in last
    assert last.count("Diparaf 2 November 2026") == 2


def test_draft_pdf_shows_pending_paraf_and_no_signature() -> None:
    texts = page_texts(render_pdf(document(october(), signed=False)))
    assert "DRAF" in texts[0] and "versi 2" in texts[0] and "Nomor:" not in texts[0]
    assert "Belum diparaf" in texts[-1]
    assert "Ditandatangani" not in texts[-1]


def test_many_employees_split_cleanly_with_header_on_every_page() -> None:
    people = many_people(150)
    month = make_month(people, 2026, 2, lambda i, day: "TK" if (i + day.day) % 9 == 0 else "H")
    pdf = render_pdf(document(month, signed=False))
    texts = page_texts(pdf)
    total = len(texts)
    assert total >= 4
    for number, text in enumerate(texts, start=1):
        assert f"Halaman {number} dari {total}" in text
    for text in texts[:-1]:
        assert "Tanggal" in text and "Jumlah" in text  # header rows repeated
    found, _ = fragments(pdf)
    widths = column_widths(28, FRAME_WIDTH)
    for person in people:
        assert sum(f.text == person.nip for f in found) == 1
        _, cells = row_cells(found, person.nip, widths)
        # The whole row is on the NIP's page: name, 28 day cells and the totals.
        assert cells[1] == person.nama and all(cells[5:33])
        assert int(cells[33]) + int(cells[38]) == len(month.working_days)  # H + TK


def test_rank_order_and_percent_format() -> None:
    assert sorted(["II/c", "IV/a", "III/d", "IV/e", "", "III/a"], key=rank_key) == [
        "IV/e", "IV/a", "III/d", "III/a", "II/c", ""]
    assert [e.nip for e in ordered(october().employees)][:3] == [KABID.nip, STAFF_A.nip,
                                                                 STAFF_B.nip]
    assert format_percent(1.5) == "1,5" and format_percent(2.0) == "2"
    assert format_percent(0.25) == "0,25" and format_percent(0) == "0"


@pytest.mark.parametrize("pattern, rate", [(lambda i, d: "H", 100.0),
                                           (lambda i, d: "TK", 0.0)])
def test_unit_rates(pattern, rate) -> None:
    month = make_month(PEOPLE, 2026, 10, pattern)
    assert {u.rate for u in unit_summaries(month)} == {rate}


def test_days_without_status_yet_are_left_out_of_the_rate() -> None:
    # The month still running: days after "today" (the 15th) carry no codes.
    month = make_month(PEOPLE, 2026, 10, lambda i, d: "H" if d.day <= 15 else "")
    summary = unit_summaries(month)[0]
    assert summary.recorded == 3 * 11 and summary.rate == 100.0
    assert build_table(month).rows[0].cells[20] == ""


def test_xlsx_reads_back_with_the_same_table() -> None:
    data = render_xlsx(OFFICE, october())
    book = load_workbook(io.BytesIO(data))
    sheet = book["Rekap Oktober 2026"]
    assert sheet["A1"].value == "REKAPITULASI KEHADIRAN PEGAWAI"
    header = [c.value for c in sheet[4]]
    assert header[:6] == ["No", "Nama", "NIP", "Gol.", "Jabatan", "Unit Kerja"]
    assert header[6] == "1" and header[36] == "31" and header[-2:] == ["Mnt TL", "Pot. TPP %"]
    rows = {row[2]: row for row in sheet.iter_rows(min_row=5, values_only=True)}
    assert len(rows) == len(PEOPLE)
    staff_a = rows[STAFF_A.nip]
    assert staff_a[0] == 2 and staff_a[1] == STAFF_A.nama and staff_a[5] == "Bidang Aplikasi"
    assert staff_a[6 + 6] == "TL2/PSW1" and staff_a[6 + 4] == "S" and staff_a[6 + 2] == "L"
    assert list(staff_a[37:]) == [19, 1, 1, 0, 0, 0, 0, 2, 0, 0, 0, 47, 0]
    assert rows[STAFF_B.nip][-1] == 1.5
    assert sheet.cell(4 + 1, 7 + 2).fill.fgColor.rgb.endswith("D9D9D9")  # the 3rd: Saturday
    summary = book["Ringkasan"]
    values = [row for row in summary.iter_rows(values_only=True)]
    assert ("Bidang Aplikasi", 3, 22, 62, 1, 3, 93.9) in values


@pytest.mark.parametrize("unit_count", [40, 200])
def test_many_units_split_the_summary_and_chart_across_pages(unit_count: int) -> None:
    """A Dinas Kesehatan with its Puskesmas: the summary table and the chart go on for as many
    pages as they need, every unit in both, instead of the chart not fitting a page."""
    units = [f"Puskesmas Nomor {i:03d}" for i in range(unit_count)]
    people = many_people(max(100, unit_count), units)
    month = make_month(people, 2026, 2, lambda i, day: "TK" if (i + day.day) % 7 == 0 else "H")
    texts = page_texts(render_pdf(document(month, signed=True)))
    summary = "\n".join(texts[next(i for i, t in enumerate(texts) if "RINGKASAN" in t):])
    for unit in units:
        # Once in the table, once in the chart.
        assert summary.count(unit) == 2, unit
    parts = -(-unit_count // 32)
    for part in range(1, parts + 1):
        assert f"per unit kerja (%), bagian {part} dari {parts}" in summary
    assert "Ditandatangani" in texts[-1]
