"""Helpers shared by CLI subcommands."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from bot.config import Settings, load_settings
from services.storage import Database, open_database

T = TypeVar("T")


def settings_from(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def run_with_db(args: argparse.Namespace,
                work: Callable[[Settings, Database], Awaitable[int]]) -> int:
    """Open the database of the configured office, run `work`, close it."""
    settings = settings_from(args)

    async def main() -> int:
        db = await open_database(settings.database.path)
        try:
            return await work(settings, db)
        finally:
            await db.close()

    return asyncio.run(main())


class _RowError(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def nip(self) -> str: ...
    @property
    def reason(self) -> str: ...


class ImportOutcome(Protocol):
    @property
    def created(self) -> int: ...
    @property
    def updated(self) -> int: ...
    @property
    def unchanged(self) -> int: ...
    @property
    def imported(self) -> int: ...
    @property
    def errors(self) -> Sequence[_RowError]: ...


def run_import(args: argparse.Namespace, title: Callable[[Settings], str],
               importer: Callable[[Settings, Database, Path], Awaitable[ImportOutcome]]) -> int:
    """Run a spreadsheet import and report it the same way for every kind of file: the counts,
    then each refused row with its line number. Exit code 1 when any row was refused."""
    path: Path = args.file
    if not path.is_file():
        print(f"Berkas tidak ditemukan: {path}")
        return 2

    async def work(settings: Settings, db: Database) -> int:
        result = await importer(settings, db, path)
        print(f"{title(settings)}: {result.imported} baris (baru {result.created}, diperbarui "
              f"{result.updated}, tidak berubah {result.unchanged}); "
              f"ditolak: {len(result.errors)}")
        for error in result.errors:
            print(f"  baris {error.line}: {error.nip or '-'}: {error.reason}")
        return 1 if result.errors else 0

    return run_with_db(args, work)
