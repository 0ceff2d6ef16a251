"""The recap's attendance grid as a flowable that paginates itself and paints each page's rows
straight into the page's content stream.

A 30,000-employee province is 1.5 million cells. reportlab's Table costs about 50 µs a cell to
draw (a text object, a font lookup and a subset split per string) plus a Table and its span
map built per page; here row heights are known in advance, so pagination is a prefix sum, and
the painting is what Table would draw for this grid: the same backgrounds, the same text
positions (Table's VALIGN MIDDLE and ALIGN arithmetic), the same GRID lines with the spans
left open. Text goes out as one BT…ET block per page, each distinct string encoded once per
document (its subset bytes, escaped) and measured once.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.rl_accel import escapePDF, fp_str
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

LEFT, CENTER, RIGHT = "LEFT", "CENTER", "RIGHT"
# Table's line caps and joins for GRID (round), kept so the rules look the same.
ROUND = 1


@dataclass(frozen=True)
class GridLook:
    """Everything about the grid that is the same on every page."""

    widths: tuple[float, ...]
    header: tuple[tuple[str, ...], tuple[str, ...]]
    header_heights: tuple[float, float]
    header_spans: tuple[tuple[int, int], ...]   # [start, stop) columns joined in the top row
    tall_columns: frozenset[int]                # header cells spanning both header rows
    align: tuple[str, ...]                      # body alignment per column
    sizes: tuple[float, ...]                    # body font size per column
    shaded: frozenset[int]                      # columns shaded from the second header row down
    font: str
    bold: str
    size: float                                 # header and unit rows
    leading: float
    padding: float
    rule: float                                 # grid line width
    header_bg: colors.Color
    unit_bg: colors.Color
    shade: colors.Color


# One line of a cell, ready to place: its offset from the cell's left edge and vertical
# middle, the font operator it starts in and the one it leaves set, and its show operators.
_Line = tuple[float, float, str, str, str]


class _Text:
    """Each distinct cell (text, font, size, alignment, width) laid out and encoded into its
    font subsets once per PDF document: a grid of 1.5 million cells has a few thousand.

    The subset a character lands in is assigned by the font per document, so the cache is
    dropped when the canvas's document changes.
    """

    def __init__(self, leading: float, padding: float) -> None:
        self.leading = leading
        self.padding = padding
        self._doc: object = None
        self._cells: dict[tuple[str, str, float, str, float], tuple[_Line, ...]] = {}

    def bind(self, canv: Canvas) -> None:
        doc = canv._doc
        if doc is not self._doc:
            self._doc = doc
            self._cells.clear()

    def lines(self, value: str, font: str, size: float, align: str,
              width: float) -> tuple[_Line, ...]:
        key = (value, font, size, align, width)
        found = self._cells.get(key)
        if found is None:
            found = self._cells[key] = self._lay_out(*key)
        return found

    def _lay_out(self, value: str, font: str, size: float, align: str,
                 width: float) -> tuple[_Line, ...]:
        face = pdfmetrics.getFont(font)
        lines = value.split("\n")
        # Table's MIDDLE: the block of lines centred, the first baseline a font size down.
        dy = len(lines) * self.leading / 2 - size
        laid: list[_Line] = []
        for line in lines:
            if line:
                if align == LEFT:
                    dx = self.padding
                elif align == CENTER:
                    dx = (width - pdfmetrics.stringWidth(line, font, size)) / 2
                else:
                    dx = width - self.padding - pdfmetrics.stringWidth(line, font, size)
                fonts, shows = [], []
                for subset, chunk in face.splitString(line, self._doc):
                    name = face.getSubsetInternalName(subset, self._doc)
                    fonts.append(f"{name} {fp_str(size)} Tf")
                    shows.append(f"({escapePDF(chunk)}) Tj")
                body = " ".join([shows[0], *(f"{tf} {show}" for tf, show
                                             in zip(fonts[1:], shows[1:], strict=True))])
                laid.append((dx, dy, fonts[0], fonts[-1], body))
            dy -= self.leading
        return tuple(laid)


class _Page:
    """The text operators of one page's grid, switching font only when it changes."""

    def __init__(self, text: _Text) -> None:
        self.text = text
        self.ops: list[str] = []
        self._font = ""

    def cell(self, value: str, font: str, size: float, align: str, x: float, width: float,
             bottom: float, height: float) -> None:
        if not value:
            return
        middle = bottom + height / 2
        for dx, dy, first, last, body in self.text.lines(value, font, size, align, width):
            # A text object per line, as canvas.drawString makes: text extractors (pypdf)
            # then keep every cell a fragment of its own.
            start = "" if first == self._font else f"{first} "
            self.ops.append(f"BT 1 0 0 1 {fp_str(x + dx, middle + dy)} Tm {start}{body} ET")
            self._font = last

    def literal(self) -> str:
        return "\n".join(self.ops)


class PagedGrid(Flowable):  # type: ignore[misc]
    """Rows [start, stop) of the grid: two header rows, then body rows of known heights.

    A row listed in unit_rows is a unit's title: its first cell spans the width, in bold on
    the unit colour; it never ends a page. split hands the frame the rows that fit and keeps
    the rest as another PagedGrid over the same lists, so no page copies or re-measures rows.
    """

    def __init__(self, look: GridLook, rows: Sequence[Sequence[str]], heights: Sequence[float],
                 unit_rows: frozenset[int], start: int = 0, stop: int | None = None,
                 _tops: list[float] | None = None, _text: _Text | None = None) -> None:
        super().__init__()
        self.look = look
        self.rows = rows
        self.heights = heights
        self.unit_rows = unit_rows
        self.start = start
        self.stop = len(rows) if stop is None else stop
        # _tops[i]: the height of rows [0, i); a page's height is a difference of two.
        self._tops = _tops if _tops is not None else list(itertools.accumulate(heights,
                                                                              initial=0.0))
        self._text = _text or _Text(look.leading, look.padding)

    def _part(self, start: int, stop: int) -> PagedGrid:
        return PagedGrid(self.look, self.rows, self.heights, self.unit_rows, start, stop,
                         self._tops, self._text)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        self.width = sum(self.look.widths)
        self.height = (sum(self.look.header_heights) + self._tops[self.stop]
                       - self._tops[self.start])
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:
        room = availHeight - sum(self.look.header_heights)
        # The last row whose bottom is within the room.
        stop = bisect.bisect_right(self._tops, self._tops[self.start] + room, self.start,
                                   self.stop + 1) - 1
        while stop > self.start and stop - 1 in self.unit_rows:
            stop -= 1
        if stop <= self.start:
            return []
        return [self._part(self.start, stop), self._part(stop, self.stop)]

    def draw(self) -> None:
        canv: Canvas = self.canv
        look = self.look
        self._text.bind(canv)
        xs = list(itertools.accumulate(look.widths, initial=0.0))
        width = xs[-1]
        top = self.height
        # Row boundaries from the top: header rows, then this page's body rows.
        h0, h1 = look.header_heights
        body_top = top - h0 - h1
        offset = self._tops[self.start]
        edges = [body_top - (self._tops[i] - offset) for i in range(self.start, self.stop + 1)]
        bottom = edges[-1]
        units = [i for i in range(self.start, self.stop) if i in self.unit_rows]
        canv.saveState()
        self._backgrounds(canv, xs, top, body_top, bottom, edges, units)
        canv.setFillColor(colors.black)
        canv.addLiteral(self._texts(xs, top, body_top, edges))
        self._lines(canv, xs, width, top, body_top, bottom, edges, units)
        canv.restoreState()

    def _backgrounds(self, canv: Canvas, xs: list[float], top: float, body_top: float,
                     bottom: float, edges: list[float], units: list[int]) -> None:
        look = self.look
        h0 = look.header_heights[0]
        canv.setFillColor(look.header_bg)
        canv.rect(0, body_top, xs[-1], top - body_top, stroke=0, fill=1)
        canv.setFillColor(look.shade)
        for column in sorted(look.shaded):
            canv.rect(xs[column], bottom, xs[column + 1] - xs[column], top - h0 - bottom,
                      stroke=0, fill=1)
        canv.setFillColor(look.unit_bg)
        for index in units:
            low = edges[index - self.start + 1]
            canv.rect(0, low, xs[-1], edges[index - self.start] - low, stroke=0, fill=1)

    def _texts(self, xs: list[float], top: float, body_top: float, edges: list[float]) -> str:
        look = self.look
        page = _Page(self._text)
        h0 = look.header_heights[0]
        spans = {start: stop for start, stop in look.header_spans}
        covered = {c for start, stop in look.header_spans for c in range(start + 1, stop)}
        for column, value in enumerate(look.header[0]):
            if column in covered:
                continue
            stop = spans.get(column, column + 1)
            low = body_top if column in look.tall_columns else top - h0
            page.cell(value, look.bold, look.size, CENTER, xs[column], xs[stop] - xs[column],
                      low, top - low)
        for column, value in enumerate(look.header[1]):
            if column not in look.tall_columns:
                page.cell(value, look.bold, look.size, CENTER, xs[column],
                          xs[column + 1] - xs[column], body_top, look.header_heights[1])
        font = look.font
        columns = list(zip(look.sizes, look.align, xs, look.widths, strict=False))
        for index in range(self.start, self.stop):
            row = self.rows[index]
            low = edges[index - self.start + 1]
            height = edges[index - self.start] - low
            if index in self.unit_rows:
                page.cell(row[0], look.bold, look.size, LEFT, 0.0, xs[-1], low, height)
                continue
            for value, (size, alignment, x, width) in zip(row, columns, strict=True):
                page.cell(value, font, size, alignment, x, width, low, height)
        return page.literal()

    def _lines(self, canv: Canvas, xs: list[float], width: float, top: float, body_top: float,
               bottom: float, edges: list[float], units: list[int]) -> None:
        look = self.look
        middle = top - look.header_heights[0]
        path = canv.beginPath()
        # Horizontal rules: the top, every body row boundary, and between the header rows
        # only where no header cell spans both rows.
        for y in (top, body_top, *edges[1:]):
            path.moveTo(0, y)
            path.lineTo(width, y)
        for start, stop in _runs(c for c in range(len(look.widths))
                                 if c not in look.tall_columns):
            path.moveTo(xs[start], middle)
            path.lineTo(xs[stop], middle)
        # Vertical rules: the box, then inner ones, open inside the top row's spans and
        # across unit title rows.
        inside = {c for start, stop in look.header_spans for c in range(start + 1, stop)}
        open_rows = [(edges[i - self.start], edges[i - self.start + 1]) for i in units]
        for column, x in enumerate(xs):
            if column in (0, len(xs) - 1):
                path.moveTo(x, top)
                path.lineTo(x, bottom)
                continue
            high = middle if column in inside else top
            for upper, lower in _gaps(high, bottom, open_rows):
                path.moveTo(x, upper)
                path.lineTo(x, lower)
        canv.setStrokeColor(colors.black)
        canv.setLineWidth(look.rule)
        canv.setLineCap(ROUND)
        canv.setLineJoin(ROUND)
        canv.drawPath(path, stroke=1, fill=0)


def _runs(columns: Iterable[int]) -> list[tuple[int, int]]:
    """Consecutive column indexes as [start, stop) runs."""
    runs: list[tuple[int, int]] = []
    for column in columns:
        if runs and runs[-1][1] == column:
            runs[-1] = (runs[-1][0], column + 1)
        else:
            runs.append((column, column + 1))
    return runs


def _gaps(high: float, low: float, closed: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The stretches of [low, high] (top down) outside the closed (upper, lower) bands."""
    stretches = []
    for upper, lower in closed:
        if upper < high:
            stretches.append((high, upper))
        high = lower
    if high > low:
        stretches.append((high, low))
    return stretches
