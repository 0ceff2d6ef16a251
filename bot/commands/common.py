"""Helpers shared by CLI subcommands."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from bot.config import Settings, load_settings
from handlers.import_report import ImportOutcome, render_import_report
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
        print(render_import_report(title(settings), result, as_html=False))
        return 1 if result.errors else 0

    return run_with_db(args, work)
