"""`presensi demo`: a whole office on this machine, no Telegram token and no network needed."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import logging
import re
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.config import load_settings
from services.errors import DomainError

if TYPE_CHECKING:
    from bot.demo.run import DemoResult

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "demo", help="jalankan kantor demo lengkap tanpa Telegram dan tanpa jaringan",
        description="Membuat kantor demo (pegawai berjenjang), menjalankan simulator mesin "
                    "presensi, menyinkronkan sebulan data, memproses pengajuan, menghitung "
                    "kehadiran dan menulis rekap PDF/XLSX ke sebuah folder.")
    parser.add_argument("--folder", type=Path, default=Path("presensi-demo"),
                        help="folder kantor demo (bawaan: ./presensi-demo)")
    parser.add_argument("--employees", type=int, default=36, help="jumlah pegawai (min. 5)")
    parser.add_argument("--month", help="bulan YYYY-MM (bawaan: bulan lalu)")
    parser.add_argument("--days", type=int, help="hanya N hari kerja pertama")
    parser.set_defaults(handler=handle)


def previous_month(today: dt.date) -> tuple[int, int]:
    first = today.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


class ConsoleProgress:
    """Numbered steps with their duration; on a terminal, long steps count up in place."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.number = 0
        self.title = ""
        self.started: float | None = None
        self.live = out.isatty()

    def _line(self) -> str:
        return f"[{self.number}] {self.title} …"

    def _finish(self) -> None:
        if self.started is not None:
            took = time.monotonic() - self.started
            prefix = f"\r\033[K{self._line()}" if self.live else ""
            self.out.write(f"{prefix} selesai ({took:.1f} dtk)\n")
            self.out.flush()

    def step(self, title: str) -> None:
        self._finish()
        self.number += 1
        self.title = title
        self.started = time.monotonic()
        self.out.write(self._line())
        self.out.flush()

    def advance(self, done: int, total: int) -> None:
        if self.live:
            self.out.write(f"\r\033[K{self._line()} {done}/{total}")
            self.out.flush()

    def close(self) -> None:
        self._finish()
        self.started = None


def render_summary(result: DemoResult) -> str:
    table = [result.summary_header] + [(row.label, *row.values) for row in result.summary]
    widths = [max(len(line[i]) for line in table) for i in range(len(result.summary_header))]
    lines = []
    for index, line in enumerate(table):
        cells = [line[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(line[1:], widths[1:],
                                                                         strict=True)]
        lines.append("  ".join(cells))
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def handle(args: argparse.Namespace) -> int:
    if args.month:
        match = _MONTH.match(args.month)
        if not match:
            print("Format bulan harus YYYY-MM, mis. 2026-10.", file=sys.stderr)
            return 2
        year, month = int(match[1]), int(match[2])
    else:
        year, month = previous_month(dt.date.today())
    if args.employees < 5:
        print("Kantor demo membutuhkan sedikitnya 5 pegawai.", file=sys.stderr)
        return 2
    # Progress lines are the demo's output; routine log lines would break them up.
    if args.log_level == "INFO":
        logging.getLogger().setLevel(logging.WARNING)
    from bot.demo.run import DemoOptions, run_demo  # the whole application: import on use

    options = DemoOptions(folder=args.folder.resolve(), employees=args.employees, year=year,
                          month=month, days=args.days)
    progress = ConsoleProgress(sys.stdout)
    try:
        result = asyncio.run(run_demo(options, lambda path: load_settings(str(path)), progress))
    except DomainError:
        progress.close()
        raise
    progress.close()
    print()
    print(f"{result.employees} pegawai, {result.working_days} hari kerja, "
          f"{result.punches_synced} data pindaian tersinkron, "
          f"{result.location_punches} presensi lokasi, {result.requests_approved} "
          f"pengajuan disetujui" + (f", {result.requests_refused} ditolak aturan"
                                    if result.requests_refused else "") + ".")
    if result.recap_agenda_number:
        print(f"Rekap ditandatangani Kepala dengan nomor {result.recap_agenda_number}.")
    print()
    print(render_summary(result))
    print()
    print(f"Kantor demo: {result.folder}")
    for path in result.files:
        print(f"  {path.relative_to(result.folder)}")
    print(f"Jalankan botnya dengan token dari @BotFather:\n"
          f"  PRESENSI_BOT_TOKEN=... presensi --config {result.config} run")
    return 0
