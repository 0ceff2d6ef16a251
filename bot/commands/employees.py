"""`presensi import-employees FILE` and `presensi link NIP TELEGRAM_USER_ID`."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.commands.accounts import tell
from bot.commands.common import run_with_db
from bot.commands.import_file import run_import
from bot.config import Settings
from services import employees
from services.clock import SystemClock
from services.employee_import import ImportResult, import_employees
from services.storage import Database


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "import-employees", help="impor data pegawai dari berkas CSV atau XLSX",
        description="Header: nip,nama,jabatan,golongan,unit,atasan_nip,telepon,device_user_id,"
                    "peran. Impor ulang memperbarui data menurut NIP.")
    parser.add_argument("file", type=Path, help="berkas .csv atau .xlsx")
    parser.add_argument("--deactivate-missing", action="store_true",
                        help="nonaktifkan pegawai aktif yang NIP-nya tidak ada dalam berkas")
    parser.set_defaults(handler=handle_import)

    parser = subparsers.add_parser("link", help="hubungkan akun Telegram ke NIP secara manual")
    parser.add_argument("nip")
    parser.add_argument("telegram_user_id", type=int, help="id akun (angka positif)")
    parser.set_defaults(handler=handle_link)


def handle_import(args: argparse.Namespace) -> int:
    async def importer(settings: Settings, db: Database, path: Path) -> ImportResult:
        result = await import_employees(db, path, at=SystemClock(settings.office.timezone).now(),
                                        deactivate_missing=args.deactivate_missing,
                                        catalogue=settings.workflows.catalogue)
        if result.moves:
            # Recorded and audited; the people are told in chat when the import runs by /impor.
            print(f"Persetujuan yang menunggu dialihkan ke atasan langsung baru: "
                  f"{len(result.moves)}")
        if result.deactivated:
            print(f"Dinonaktifkan karena tidak ada dalam berkas: {len(result.deactivated)}")
            for gone in result.deactivated:
                print(f"  {gone.nip} {gone.nama}")
            tell([(gone.nama, gone.notice) for gone in result.deactivated])
        return result

    return run_import(args, lambda _settings: "Diimpor", importer)


def handle_link(args: argparse.Namespace) -> int:
    async def work(settings: Settings, db: Database) -> int:
        employee = await employees.link_by_operator(
            db, nip=args.nip, telegram_user_id=args.telegram_user_id,
            at=SystemClock(settings.office.timezone).now())
        print(f"{employee.nama} (NIP {employee.nip}) terhubung ke akun Telegram "
              f"{args.telegram_user_id}.")
        return 0

    return run_with_db(args, work)
