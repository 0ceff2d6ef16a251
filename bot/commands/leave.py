"""`presensi import-leave-balances FILE`: opening cuti tahunan balances from the paper era."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.commands.import_file import run_import
from bot.config import Settings
from services.calendar import OfficeCalendar
from services.clock import SystemClock
from services.employee_import import ImportResult
from services.leave_opening_import import HEADER, import_leave_openings
from services.storage import Database

DESCRIPTION = (
    "Saldo awal cuti tahunan dari kartu cuti sebelum memakai bot, untuk tahun awal pencatatan "
    "([requests] leave_tracking_from). Baris judul: " + ",".join(HEADER) + ". "
    "tahun = tahun awal pencatatan; sisa_n2 = sisa cuti tahun N-2 yang dibawa (0-6, hanya bila "
    "dua tahun berturut-turut tidak mengambil cuti, dan sisa_n1 harus 6); sisa_n1 = sisa cuti "
    "tahun N-1 yang dibawa (0-6); terpakai = hari kerja cuti tahunan yang sudah diambil pada "
    "tahun itu sebelum memakai bot (jangan hitung cuti yang disetujui lewat bot). Sel kosong "
    "dianggap 0. Impor ulang memperbarui angka menurut NIP.")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "import-leave-balances", help="impor saldo awal cuti tahunan dari berkas CSV atau XLSX",
        description=DESCRIPTION)
    parser.add_argument("file", type=Path, help="berkas .csv atau .xlsx")
    parser.set_defaults(handler=handle_import)


def handle_import(args: argparse.Namespace) -> int:
    async def importer(settings: Settings, db: Database, path: Path) -> ImportResult:
        return await import_leave_openings(
            db, path, opening_year=settings.requests.leave.tracking_from,
            calendar=OfficeCalendar(settings.calendar),
            at=SystemClock(settings.office.timezone).now())

    return run_import(
        args, lambda settings: f"Saldo awal cuti tahun {settings.requests.leave.tracking_from} "
                               "diimpor", importer)
