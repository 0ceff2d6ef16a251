"""`presensi run`: the bot itself (long polling)."""

from __future__ import annotations

import argparse

from telegram import Update

from bot.app import build_application
from bot.commands.common import settings_from


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser("run", help="jalankan bot")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    app = build_application(settings)
    app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    return 0
