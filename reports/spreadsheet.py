"""The one way we save an XLSX: every cell whose text a spreadsheet could read as a formula is
stored as text first.

Names, jabatan and reasons come from imports and from Telegram; `=HYPERLINK("https://…";"Dewi")`
in a name must stay a name. openpyxl turns strings starting with `=` into formulas, and Excel
re-reads `+`, `-` and `@` as formulas when the cell is edited, so such cells are written as
plain strings with the quote prefix (Excel's leading apostrophe).

A workbook held in memory is guarded as it is saved. A streamed one (write-only: a province's
recap is 30,000 rows) writes each row as it is appended and cannot be read back, so its rows
are guarded on the way in, by `guarded`.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TypeGuard

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@")


def is_formula_like(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and value.lstrip().startswith(FORMULA_STARTS)


def as_text(cell: Cell) -> None:
    """Make a formula-like cell plain text; leaves other cells alone."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def streamed_workbook() -> Workbook:
    """A write-only workbook: rows go to the file as they are appended, through `guarded`."""
    return Workbook(write_only=True)


def guarded(sheet: WriteOnlyWorksheet, values: Iterable[object]) -> list[object]:
    """A row for a streamed sheet with every formula-like value made a text cell."""
    row: list[object] = []
    for value in values:
        if isinstance(value, Cell):
            as_text(value)
        elif is_formula_like(value):
            value = WriteOnlyCell(sheet, value)
            as_text(value)
        row.append(value)
    return row


def workbook_bytes(book: Workbook) -> bytes:
    """Save `book` with every formula-like cell as text. Blocking: call through a thread."""
    if not book.write_only:
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if isinstance(cell, Cell):
                        as_text(cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
