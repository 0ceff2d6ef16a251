"""`presensi recap --month YYYY-MM --out rekap.pdf [--xlsx rekap.xlsx]`."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from bot.commands.common import run_with_db
from bot.config import Settings
from services import recap
from services.calendar import OfficeCalendar
from services.clock import SystemClock
from services.indonesian_dates import month_year
from services.recap_flow import parse_period
from services.storage import Database
from services.storage.files import write_private


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "recap", help="cetak rekapitulasi kehadiran bulanan (PDF, dan XLSX bila diminta)",
        description="Bila rekapitulasi bulan itu sudah ditandatangani, yang dicetak adalah "
                    "salinan arsipnya (beserta data yang ditandatangani); bila belum, draf "
                    "disusun dari data terkini tanpa mengubah alur paraf.")
    parser.add_argument("--month", default="",
                        help="bulan YYYY-MM atau MM-YYYY (bawaan: bulan lalu)")
    parser.add_argument("--out", type=Path, required=True, help="berkas PDF keluaran")
    parser.add_argument("--xlsx", type=Path, help="berkas XLSX keluaran (opsional)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    async def work(settings: Settings, db: Database) -> int:
        # reportlab and openpyxl load only for this command.
        from reports.recap_pdf import render_pdf
        from reports.recap_xlsx import render_xlsx

        clock = SystemClock(settings.office.timezone)
        period = parse_period(args.month, clock.now().date())
        if period is None:
            print(f"Bulan tidak dikenali: {args.month!r} (gunakan YYYY-MM, mis. 2026-10)")
            return 2
        env = recap.RecapEnv(office=settings.office, policy=settings.attendance,
                             calendar=OfficeCalendar(settings.calendar),
                             settings=settings.recap, render_pdf=render_pdf,
                             render_xlsx=render_xlsx,
                             chain=settings.workflows.catalogue.recap_chain())
        result = await recap.export(db, env, clock, *period)
        await asyncio.to_thread(_write, args.out, result.pdf)
        what = (f"salinan arsip bertanda tangan, nomor {result.signed.agenda_number}"
                if result.signed else "draf dari data terkini")
        print(f"Rekapitulasi Kehadiran {month_year(*period)} ({what}): {args.out} "
              f"({len(result.attendance.employees)} pegawai)")
        if args.xlsx is not None:
            workbook = await asyncio.to_thread(render_xlsx, settings.office, result.attendance)
            await asyncio.to_thread(_write, args.xlsx, workbook)
            print(f"Tabel XLSX: {args.xlsx}")
        return 0

    return run_with_db(args, work)


def _write(path: Path, content: bytes) -> None:
    write_private(path, content)
