"""Helpers shared by CLI subcommands."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from services.storage import Database, open_database

if TYPE_CHECKING:
    from bot.config import Settings

S = TypeVar("S")


def settings_from(args: argparse.Namespace) -> Settings:
    from bot.config import load_settings

    return load_settings(args.config)


def run_with_db(args: argparse.Namespace,
                work: Callable[[Settings, Database], Awaitable[int]]) -> int:
    """Open the database of the configured office, run `work`, close it."""
    settings = settings_from(args)
    return run_on_db(settings, settings.database.path, work)


def run_on_db(settings: S, database: Path, work: Callable[[S, Database], Awaitable[int]]) -> int:
    """Open `database`, run `work` with `settings` (the whole Settings, or only the sections
    a command reads), close it."""

    async def main() -> int:
        db = await open_database(database)
        try:
            return await work(settings, db)
        finally:
            await db.close()

    return asyncio.run(main())
