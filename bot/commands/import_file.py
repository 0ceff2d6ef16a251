"""Spreadsheet imports from the CLI, reported the same way for every kind of file."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.commands.common import run_with_db
from handlers.import_report import ImportOutcome, render_import_report
from services.storage import Database

if TYPE_CHECKING:
    from bot.config import Settings


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
