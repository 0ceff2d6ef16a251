"""Monthly recap for a large office: compute the month, render the PDF, compare with bare
reportlab.

Fills a database with 1,000 employees and a month of punches (31 days, October 2026) and
some approved absences, then, in the same run:
  1. compute  — services.attendance.month_attendance (what the recap build reads),
  2. render   — reports.recap_pdf.render_pdf of the full document (kop, grid, legend,
                summary page with chart, signature block, "Halaman i dari n"),
  3. baseline — reportlab alone drawing the same grid (the same cell strings, column widths
                and row heights) as one Table with repeated header rows, no other logic.
Then the whole draft build the bot runs (/rekap), for reference.
Goal: compute + render ≤ 3 s, render / baseline ≤ 1.5. Peak memory: tracemalloc in a separate
pass (so it does not slow the timed passes) and the process's maximum RSS.

    .venv/bin/python bench/bench_recap.py [--employees 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import io
import random
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path
from zoneinfo import ZoneInfo

from reportlab.lib import colors
from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

from reports.recap_pdf import (
    CELL_FONT_SIZE,
    FONT,
    FRAME_WIDTH,
    LEADING,
    MARGIN,
    PADDING,
    PAGE,
    attendance_table,
    render_pdf,
)
from reports.recap_table import build_table
from reports.recap_xlsx import render_xlsx
from services import recap
from services.attendance import month_attendance
from services.attendance_model import MonthAttendance
from services.attendance_policy import AttendancePolicy
from services.calendar import CalendarRules, OfficeCalendar, month_days
from services.clock import FixedClock
from services.office import Office
from services.recap_document import ParafMark, RecapDocument, Signatory
from services.recap_settings import RecapSettings
from services.storage import Database, open_database

WIB = ZoneInfo("Asia/Jakarta")
YEAR, MONTH = 2026, 10
UNITS = ("Sekretariat", "Bidang Aplikasi Informatika", "Bidang Infrastruktur TIK",
         "Bidang Statistik Sektoral", "Bidang Persandian", "Bidang Informasi Publik",
         "UPTD Layanan Pengadaan", "UPTD Pusat Data")
GOLONGAN = ("IV/c", "IV/b", "IV/a", "III/d", "III/c", "III/b", "III/a", "II/c", "II/a")
JABATAN = ("Pranata Komputer Ahli Pertama", "Analis Kebijakan Ahli Muda", "Pengadministrasi "
           "Perkantoran", "Statistisi Ahli Pertama", "Sandiman Ahli Muda", "Bendahara")
OFFICE = Office(name="Dinas Komunikasi dan Informatika", timezone=WIB,
                address="Jl. Merdeka No. 1, Kota Contoh", city="Kota Contoh",
                government="Pemerintah Kota Contoh", unit_code="DISKOMINFO")


async def fill(db: Database, count: int, calendar: OfficeCalendar) -> int:
    rng = random.Random(6)
    now = "2026-11-02T08:00:00+07:00"
    people = [(f"{198001012005011000 + i:018d}", f"Pegawai Uji Nomor {i:04d}",
               JABATAN[i % len(JABATAN)], GOLONGAN[i % len(GOLONGAN)], UNITS[i % len(UNITS)],
               f"{i:05d}", now, now) for i in range(count)]
    punches, absences = [], []
    for nip, _nama, _jabatan, _golongan, _unit, device_user_id, _c, _u in people:
        for day in calendar.working_days(dt.date(YEAR, MONTH, 1), dt.date(YEAR, MONTH, 31)):
            roll = rng.random()
            if roll < 0.03:
                absences.append((nip, day.isoformat(), rng.choice(("S", "I", "CT", "DL"))))
                continue
            if roll < 0.05:
                continue  # TK
            arrive = dt.time(7, rng.randint(0, 59) if roll < 0.25 else rng.randint(0, 29))
            # Leaving 16:00–16:59: on Fridays (16:30) some leave early.
            leave = dt.time(16, rng.randint(0, 59))
            for at in (arrive, leave):
                moment = dt.datetime.combine(day, at, WIB).isoformat()
                punches.append(("SN1", device_user_id, moment, day.isoformat(), moment))
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO employees (nip, nama, jabatan, golongan, unit, device_user_id, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", people)
        await conn.executemany(
            "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date, source,"
            " received_at) VALUES (?, ?, ?, ?, 'pull', ?)", punches)
        await conn.executemany("INSERT INTO absence_days (nip, day, code) VALUES (?, ?, ?)",
                               absences)
    return len(punches)


def document(month: MonthAttendance) -> RecapDocument:
    at = dt.datetime(2026, 11, 3, 9, 0, tzinfo=WIB)
    return RecapDocument(
        office=OFFICE, attendance=month, place_date=at.date(),
        kepala=Signatory("Dr. Budi Santoso, M.Si.", "197001011995031001", at),
        parafs=(ParafMark("Kasubbag Umum dan Kepegawaian", "Ahmad Fauzi, S.E.", at),
                ParafMark("Sekretaris", "Siti Aminah, S.H.", at)),
        agenda_number="000.8.3.3/001/DISKOMINFO/11/2026")


def bare_reportlab(data: list[list[str]], widths: list[float], heights: list[float]) -> bytes:
    """The same grid drawn by reportlab alone: one Table, reportlab's own page splitting."""
    buffer = io.BytesIO()
    template = SimpleDocTemplate(buffer, pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN,
                                 topMargin=MARGIN, bottomMargin=MARGIN)
    table = Table(data, colWidths=widths, rowHeights=heights, repeatRows=2)
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), FONT, CELL_FONT_SIZE, LEADING),
        ("LEFTPADDING", (0, 0), (-1, -1), PADDING), ("RIGHTPADDING", (0, 0), (-1, -1), PADDING),
        ("TOPPADDING", (0, 0), (-1, -1), PADDING),
        ("BOTTOMPADDING", (0, 0), (-1, -1), PADDING),
        ("GRID", (0, 0), (-1, -1), 0.25, colors.black)]))
    template.build([table])
    return buffer.getvalue()


async def compute(db: Database, policy: AttendancePolicy,
                  calendar: OfficeCalendar) -> MonthAttendance:
    return await month_attendance(db, policy, calendar, YEAR, MONTH, today=dt.date(2026, 11, 2))


async def main(count: int, repeat: int) -> None:
    calendar = OfficeCalendar(CalendarRules())
    policy = AttendancePolicy()
    assert len(month_days(YEAR, MONTH)) == 31
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(Path(folder) / "presensi.sqlite3")
        try:
            began = time.perf_counter()
            punches = await fill(db, count, calendar)
            print(f"filled {count:,} employees, {punches:,} punches for {MONTH:02d}/{YEAR} "
                  f"in {time.perf_counter() - began:.1f} s")
            best = None
            for run in range(1, repeat + 1):
                t0 = time.perf_counter()
                month = await compute(db, policy, calendar)
                t1 = time.perf_counter()
                pdf = render_pdf(document(month))
                t2 = time.perf_counter()
                grid = attendance_table(build_table(month), FRAME_WIDTH)
                data = [list(row) for row in grid.look.header] + list(grid.rows)
                heights = [*grid.look.header_heights, *grid.heights]
                t3 = time.perf_counter()
                bare = bare_reportlab(data, list(grid.look.widths), heights)
                t4 = time.perf_counter()
                figures = (t1 - t0, t2 - t1, t4 - t3)
                print(f"run {run}: compute {figures[0]:.3f} s, render {figures[1]:.3f} s "
                      f"({len(pdf) / 1024:.0f} KiB), total {figures[0] + figures[1]:.3f} s; "
                      f"bare reportlab {figures[2]:.3f} s ({len(bare) / 1024:.0f} KiB); "
                      f"ratio {figures[1] / figures[2]:.2f}")
                if best is None or sum(figures[:2]) < sum(best[:2]):
                    best = figures
            assert best is not None
            total = best[0] + best[1]
            ratio = best[1] / best[2]
            print(f"best: compute {best[0]:.3f} s + render {best[1]:.3f} s = {total:.3f} s "
                  f"(goal ≤ 3 s: {'met' if total <= 3 else 'NOT met'}); render/bare = "
                  f"{ratio:.2f} (goal ≤ 1.5: {'met' if ratio <= 1.5 else 'NOT met'})")

            env = recap.RecapEnv(OFFICE, policy, calendar, RecapSettings(), render_pdf, render_xlsx)
            clock = FixedClock(dt.datetime(2026, 11, 2, 8, 0, tzinfo=WIB))
            t0 = time.perf_counter()
            built = await recap.build_draft(db, env, clock, YEAR, MONTH, actor=None)
            built_s = time.perf_counter() - t0
            # The operator's spreadsheet is drawn from the draft's snapshot when it is sent.
            t0 = time.perf_counter()
            xlsx = await recap.spreadsheet(db, env, built.recap.id)
            print(f"whole draft build (services.recap.build_draft: compute, PDF, snapshot, "
                  f"store): {built_s:.3f} s, PDF {len(built.pdf) / 1024:.0f} KiB; its XLSX from "
                  f"the snapshot: {time.perf_counter() - t0:.3f} s, {len(xlsx) / 1024:.0f} KiB")

            tracemalloc.start()
            month = await compute(db, policy, calendar)
            _, peak_compute = tracemalloc.get_traced_memory()
            tracemalloc.reset_peak()
            render_pdf(document(month))
            _, peak_render = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(f"peak memory (tracemalloc): compute {peak_compute / 2**20:.1f} MiB, "
                  f"render {peak_render / 2**20:.1f} MiB; process max RSS {rss:.0f} MiB")
        finally:
            await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    asyncio.run(main(options.employees, options.repeat))
