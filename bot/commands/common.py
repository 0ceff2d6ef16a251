"""Helpers shared by CLI subcommands."""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

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
