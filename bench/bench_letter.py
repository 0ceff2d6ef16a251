"""CPU of the approval letter (reports.request_letter.build_letter) per document.

Every approved izin draws one letter (surat izin), so its CPU is part of the bot's cost per
update (issue 17: ≤ 3× a bare PTB Application, bench_requests.py). For each kind of letter
(tests.support.letters: izin, cuti with the form's boxes, the notices, long and non-Latin
texts, a reason running over three pages), the CPU per document over --repeat documents,
best of --rounds; then, in the same run, the floor: a bare reportlab canvas with the same
fonts drawing the same strings at the same places (read back from the letter with pypdf)
and saving the PDF, so letter / bare is what the letter's own layout and drawing add.

    .venv/bin/python bench/bench_letter.py [--repeat 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reports import fonts
from reports.request_letter import build_letter
from tests.support.letters import letters

# (page, text, x, baseline, font, size) of every string a letter shows.
Span = tuple[int, str, float, float, str, float]


def spans(pdf: bytes) -> list[Span]:
    found: list[Span] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        def visit(text: str, cm: list[float], tm: list[float], font: object, size: float,
                  number: int = number) -> None:
            if text.strip():
                bold = "Bold" in str(font.get("/BaseFont", "")) if isinstance(font, dict) \
                    else False
                found.append((number, text.strip(), tm[4] * cm[0] + cm[4],
                              tm[5] * cm[3] + cm[5], fonts.BOLD if bold else fonts.REGULAR,
                              size))
        page.extract_text(visitor_text=visit)
    return found


def bare(spans: list[Span], title: str, author: str) -> bytes:
    """The floor: reportlab's canvas drawing the strings, nothing laid out."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4)
    canvas.setTitle(title)
    canvas.setAuthor(author)
    page = 0
    for number, text, x, y, font, size in spans:
        if number != page:
            canvas.showPage()
            page = number
        canvas.setFont(font, size)
        canvas.drawString(x, y, text)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def cpu_ms(makers: list[Callable[[], bytes]], repeat: int, rounds: int) -> list[float]:
    """CPU per document of each maker, best of `rounds`; the makers take turns in every round,
    so a neighbour's load on the machine weighs on each alike."""
    for make in makers:
        for _ in range(20):
            make()
    best = [float("inf")] * len(makers)
    for _ in range(rounds):
        for index, make in enumerate(makers):
            start = time.process_time()
            for _ in range(repeat):
                make()
            best[index] = min(best[index], (time.process_time() - start) / repeat * 1000)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"CPU per document (time.process_time), best of {args.rounds} rounds of "
          f"{args.repeat}")
    print(f"{'letter':18} {'pages':>5} {'letter':>10} {'bare canvas':>12} {'letter / bare':>14}")
    totals = [0.0, 0.0]
    kinds = letters()
    for name, (office, view) in kinds.items():
        pdf = build_letter(office, view)
        shown = spans(pdf)
        info = PdfReader(io.BytesIO(pdf)).metadata or {}
        title, author = str(info.get("/Title", "")), str(info.get("/Author", ""))
        letter_ms, bare_ms = cpu_ms(
            [lambda office=office, view=view: build_letter(office, view),
             lambda shown=shown, title=title, author=author: bare(shown, title, author)],
            args.repeat, args.rounds)
        totals[0] += letter_ms
        totals[1] += bare_ms
        pages = 1 + max(span[0] for span in shown)
        print(f"{name:18} {pages:>5} {letter_ms:>7.2f} ms {bare_ms:>9.2f} ms "
              f"{letter_ms / bare_ms:>14.2f}")
    print(f"{'mean':18} {'':>5} {totals[0] / len(kinds):>7.2f} ms "
          f"{totals[1] / len(kinds):>9.2f} ms {totals[0] / totals[1]:>14.2f}")


if __name__ == "__main__":
    main()
