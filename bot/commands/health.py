"""`presensi health`: the same report as /kesehatan, on the console (for cron and monitoring)."""

from __future__ import annotations

import argparse

from bot.commands.common import run_with_db
from bot.config import Settings
from services.clock import SystemClock
from services.health import health_report
from services.storage import Database


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "health", help="kondisi sistem: sinkronisasi mesin, antrean, ukuran basis data",
        description="Status keluar 0 bila semua mesin sehat, 1 bila ada mesin yang gagal "
                    "disinkronkan atau masalah mesin yang belum selesai (untuk pemantauan).")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    async def work(settings: Settings, db: Database) -> int:
        report = await health_report(db, SystemClock(settings.office.timezone).now())
        # The renderer lives with the /kesehatan handler, which brings PTB along.
        from handlers.health import render_report

        print(render_report(report, as_html=False))
        return 0 if report.healthy else 1

    return run_with_db(args, work)
