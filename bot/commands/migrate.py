"""`presensi migrate`: create the database or bring its schema up to date."""

from __future__ import annotations

import argparse
import asyncio

import aiosqlite

from bot.commands.common import settings_from
from services.employees import status_counts
from services.storage.files import private_database
from services.storage.migrations import apply_migrations, current_version

# The migration that gave every employee a status from the golongan: the operator checks it.
STATUS_MIGRATION = "0060_employee_status.sql"


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("migrate", help="buat atau perbarui skema basis data")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    settings = settings_from(args)

    async def main() -> int:
        private_database(settings.database.path)
        async with aiosqlite.connect(settings.database.path, isolation_level=None) as conn:
            await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA foreign_keys = ON")
            applied = await apply_migrations(conn)
            version = await current_version(conn)
            counts = await status_counts(conn) if STATUS_MIGRATION in applied else None
        if applied:
            print("Migrasi diterapkan: " + ", ".join(applied))
        if counts and any(counts.values()):
            print(f"Status pegawai ditetapkan dari golongan: {counts['PNS']} PNS, "
                  f"{counts['PPPK']} PPPK (golongan I–XVII). CPNS dan status yang keliru "
                  "diperbaiki dengan impor ulang berkas pegawai yang memuat kolom status.")
        print(f"Skema basis data versi {version}: {settings.database.path}")
        return 0

    return asyncio.run(main())
