"""The one way we save an XLSX: every cell whose text a spreadsheet could read as a formula is
stored as text first.

Names, jabatan and reasons come from imports and from Telegram; `=HYPERLINK("https://…";"Dewi")`
in a name must stay a name. openpyxl turns strings starting with `=` into formulas, and Excel
re-reads `+`, `-` and `@` as formulas when the cell is edited, so such cells are written as
plain strings with the quote prefix (Excel's leading apostrophe).
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.cell.cell import Cell

FORMULA_STARTS = ("=", "+", "-", "@")


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.lstrip().startswith(FORMULA_STARTS)


def as_text(cell: Cell) -> None:
    """Make a formula-like cell plain text; leaves other cells alone."""
    if is_formula_like(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True


def workbook_bytes(book: Workbook) -> bytes:
    """Save `book` with every formula-like cell as text. Blocking: call through a thread."""
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell, Cell):
                    as_text(cell)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
