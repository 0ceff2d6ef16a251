"""The attendance grid of a recap long enough to run over many pages, read back with pypdf:
every employee's row once, whole and in table order, the header rows on every page of the
grid, and user strings printed as typed, each where reportlab's Table would print it."""

from __future__ import annotations

import dataclasses
import io
from collections import Counter

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, SimpleDocTemplate, Table, TableStyle

from reports.recap_grid import PagedGrid
from reports.recap_pdf import (
    FRAME_WIDTH,
    MARGIN,
    PAGE,
    attendance_table,
    column_widths,
    render_pdf,
)
from reports.recap_table import build_table
from tests.support.office import Person
from tests.support.recap_month import Fragment, fragments, make_month, many_people, row_cells
from tests.test_recap_reports import document

UNITS = ("Bidang A", "Bidang B", "Sekretariat", "UPT Puskesmas Nomor 001", "UPT Puskesmas (Induk)")
# Characters a PDF string must escape, markup that must stay text, and a name that wraps.
ODD_NAMES = ("Siti (Uji) \\ Aminah", "<b>Dewi</b> & Sri", "Raden Roro Ayu Kusumawardhani "
             "Setyaningrum Prameswari")


def people() -> list[Person]:
    found = many_people(420, UNITS)
    for index, nama in enumerate(ODD_NAMES):
        found[100 * index + 7] = dataclasses.replace(found[100 * index + 7], nama=nama)
    return found


def test_every_row_once_in_order_with_the_header_on_every_grid_page() -> None:
    staff = people()
    # Some days carry two codes, so rows of two heights share the pages.
    month = make_month(staff, 2026, 10, lambda i, day: "TL1/PSW2" if (i + day.day) % 11 == 0
                       else "TK" if (i + day.day) % 9 == 0 else "H")
    pdf = render_pdf(document(month, signed=True))
    found, _ = fragments(pdf)
    table = build_table(month)
    nips = {row.nip for row in table.rows}

    anchors = [f for f in found if f.text in nips]
    assert Counter(f.text for f in anchors) == Counter({nip: 1 for nip in nips})
    reading_order = sorted(anchors, key=lambda f: (f.page, -f.y))
    assert [f.text for f in reading_order] == [row.nip for row in table.rows]

    grid_pages = sorted({f.page for f in anchors})
    assert len(grid_pages) >= 8 and grid_pages == list(range(1, grid_pages[-1] + 1))
    for page in grid_pages:
        texts = [f for f in found if f.page == page]
        first_row = max(f.y for f in anchors if f.page == page)
        above = {f.text for f in texts if f.y > first_row}
        assert {"No", "Nama", "NIP", "Gol.", "Jabatan", "Tanggal", "Jumlah", "Mnt", "TL",
                "Pot.", "TPP %", "PSW", "TAM", "C"} <= above, page
        assert {str(day) for day in range(1, 32)} <= above, page

    widths = column_widths(31, FRAME_WIDTH)
    for row in table.rows:
        _, cells = row_cells(found, row.nip, widths)
        assert cells[0] == str(row.no)
        assert cells[5:36] == list(row.cells), row.nip
        assert cells[36:47] == [str(n) for n in row.totals]
    printed = " ".join(f.text for f in found)
    for nama in ODD_NAMES[:2]:
        assert nama in printed
    assert "Raden Roro Ayu" in printed and "Setyaningrum" in printed


def test_unit_titles_print_once_each_in_table_order() -> None:
    month = make_month(people(), 2026, 10, lambda i, day: "H")
    found, _ = fragments(render_pdf(document(month, signed=False)))
    titles = sorted((f for f in found if f.text.startswith("Unit Kerja: ")), key=_reading)
    assert [f.text for f in titles] == [
        f"Unit Kerja: {unit}" for unit, _ in build_table(month).units()]


def test_a_page_that_would_end_on_a_unit_title_leaves_it_for_the_next_page() -> None:
    month = make_month(people(), 2026, 10, lambda i, day: "H")
    grid = attendance_table(build_table(month), FRAME_WIDTH)
    title = sorted(grid.unit_rows)[2]
    header = sum(grid.look.header_heights)
    # Room for every row up to and including the title, not for the title's first employee.
    room = header + sum(grid.heights[:title + 1]) + grid.heights[title + 1] / 2
    first, rest = grid.split(FRAME_WIDTH, room)
    assert (first.start, first.stop) == (0, title)
    assert (rest.start, rest.stop) == (title, len(grid.rows))
    assert first.wrap(FRAME_WIDTH, room)[1] == header + sum(grid.heights[:title])
    # With room for the title's first employee too, the page takes both.
    first, _ = grid.split(FRAME_WIDTH, room + grid.heights[title + 1])
    assert first.stop == title + 2


def _reading(fragment: Fragment) -> tuple[int, float]:
    return fragment.page, -fragment.y


def _as_reportlab_table(grid: PagedGrid) -> Table:
    """The grid as one reportlab Table styled the way the recap used to draw it."""
    look = grid.look
    first_day, (_, first_total) = look.header_spans[0][0], look.header_spans[0]
    last = len(look.widths) - 1
    style: list[tuple[object, ...]] = [
        ("FONT", (0, 0), (-1, -1), look.font, look.size, look.leading),
        ("FONT", (first_day, 2), (first_total - 1, -1), look.font, look.sizes[first_day],
         look.leading),
        ("FONT", (0, 0), (-1, 1), look.bold, look.size, look.leading),
        ("LEFTPADDING", (0, 0), (-1, -1), look.padding),
        ("RIGHTPADDING", (0, 0), (-1, -1), look.padding),
        ("TOPPADDING", (0, 0), (-1, -1), look.padding),
        ("BOTTOMPADDING", (0, 0), (-1, -1), look.padding),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (first_day, 0), (-1, -1), "CENTER"),
        ("ALIGN", (0, 0), (0, -1), "RIGHT"),
        ("ALIGN", (0, 0), (first_day - 1, 1), "CENTER"),
        *(("SPAN", (start, 0), (stop - 1, 0)) for start, stop in look.header_spans),
        *(("SPAN", (column, 0), (column, 1)) for column in sorted(look.tall_columns)),
    ]
    for index in grid.unit_rows:
        row = index + 2
        style += [("SPAN", (0, row), (last, row)),
                  ("FONT", (0, row), (last, row), look.bold, look.size, look.leading),
                  ("ALIGN", (0, row), (last, row), "LEFT")]
    return Table([list(r) for r in look.header] + [list(r) for r in grid.rows],
                 colWidths=list(look.widths), rowHeights=[*look.header_heights, *grid.heights],
                 style=TableStyle(style), hAlign="LEFT")


def _alone(flowable: Flowable) -> bytes:
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                      topMargin=MARGIN, bottomMargin=MARGIN).build([flowable])
    return buffer.getvalue()


def test_the_painted_grid_puts_every_string_where_reportlab_table_puts_it() -> None:
    # One page: the Table here has no header to repeat.
    staff = [*people()[:24], people()[207]]                 # with the name that wraps
    month = make_month(staff, 2026, 10, lambda i, day: "TL1/PSW2" if (i + day.day) % 11 == 0
                       else "H")
    grid = attendance_table(build_table(month), FRAME_WIDTH)
    painted, pages = fragments(_alone(grid))
    drawn, _ = fragments(_alone(_as_reportlab_table(grid)))
    assert pages == 1

    def placed(found: list[Fragment]) -> Counter[tuple[str, float, float]]:
        return Counter((f.text, round(f.x, 2), round(f.y, 2)) for f in found)

    assert len(painted) > 25 * 45
    assert placed(painted) == placed(drawn)


def test_every_identity_and_total_cell_fits_its_column() -> None:
    """Nothing is printed over its neighbour: the NIP's 18 digits, the golongan, the wrapped
    names and jabatan, the totals. (A day's code may use its cell's padding: "PSW4" in a
    31st of the width.)"""
    month = make_month(people(), 2026, 10, lambda i, day: "TL1/PSW2" if day.day == 7 else "H")
    grid = attendance_table(build_table(month), FRAME_WIDTH)
    look = grid.look
    days = range(*look.header_spans[0])
    for index, row in enumerate(grid.rows):
        if index in grid.unit_rows:
            continue
        for column, (value, width, size) in enumerate(zip(row, look.widths, look.sizes,
                                                          strict=True)):
            if column in days:
                continue
            for line in value.split("\n"):
                assert stringWidth(line, look.font, size) <= width - 2 * look.padding, (
                    column, line)
