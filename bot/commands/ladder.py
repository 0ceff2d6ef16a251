"""`presensi rebuild-tally`: count the PP 94/2021 ladder's tally again from scratch."""

from __future__ import annotations

import argparse
import datetime as dt
import time

from bot.commands.common import run_with_db
from bot.config import Settings
from services import ladder_tally
from services.alerts import RUN_LOOKBACK_DAYS
from services.calendar import OfficeCalendar
from services.clock import SystemClock
from services.storage import Database


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "rebuild-tally", help="hitung ulang rekap PP 94/2021 (hari TK dan menit terlambat)",
        description="Menghapus hitungan berjalan tingkatan PP 94/2021 dan menghitungnya ulang "
                    "dari data presensi, sampai kemarin (atau sampai akhir tahun yang diminta).")
    parser.add_argument("--tahun", type=int, help="tahun yang dihitung (bawaan: tahun ini)")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    async def work(settings: Settings, db: Database) -> int:
        today = SystemClock(settings.office.timezone).now().date()
        year = args.tahun or today.year
        if not 2000 <= year <= today.year:
            print(f"Tahun {year} tidak dapat dihitung; gunakan 2000–{today.year}.")
            return 1
        since = dt.date(year, 1, 1) - dt.timedelta(days=RUN_LOOKBACK_DAYS)
        until = min(dt.date(year, 12, 31), today - dt.timedelta(days=1))
        started = time.perf_counter()
        done = await ladder_tally.rebuild(db, settings.attendance,
                                          OfficeCalendar(settings.calendar), since, until)
        print(f"Hitungan PP 94/2021 disusun ulang: {done.days} hari "
              f"({since:%d-%m-%Y} s.d. {until:%d-%m-%Y}) dalam "
              f"{time.perf_counter() - started:.1f} detik.")
        return 0

    return run_with_db(args, work)
