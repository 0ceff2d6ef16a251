"""ADMS receiver throughput: 10,000 ATTLOG lines in uploads of 500, as a push machine sends them,
over real HTTP into a real SQLite file; prints records per second.

    .venv/bin/python bench/bench_adms.py [--lines 10000] [--batch 500]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config.devices import parse_devices
from bot.config.reader import Section
from device.adms import AdmsReceiver, AdmsServer
from services.clock import SystemClock
from services.storage import open_database

SERIAL = "BENCHADMS0001"
WIB = ZoneInfo("Asia/Jakarta")


def attlog_lines(count: int) -> list[str]:
    start = dt.datetime(2026, 10, 1, 6, 50)
    return [f"{1000 + i % 400}\t{start + dt.timedelta(seconds=7 * i):%Y-%m-%d %H:%M:%S}"
            f"\t{i % 2}\t{1 if i % 3 else 15}\t0\t0\t0" for i in range(count)]


async def run(lines: int, batch: int) -> None:
    settings = parse_devices(Section({
        "office": {"timezone": "Asia/Jakarta"},
        "adms": {"enabled": True, "host": "127.0.0.1", "port": 0,
                 "machines": [{"serial": SERIAL}]}}, "")).adms
    records = attlog_lines(lines)
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(Path(folder) / "adms.sqlite3")
        server = AdmsServer(AdmsReceiver(db, settings, SystemClock(WIB)), "127.0.0.1", 0)
        await server.start()
        try:
            async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http:
                async with http.get("/iclock/cdata", params={"SN": SERIAL, "options": "all",
                                                             "pushver": "2.4.1"}) as answer:
                    answer.raise_for_status()
                started = time.perf_counter()
                accepted = 0
                for stamp, first in enumerate(range(0, lines, batch), start=1):
                    body = "\n".join(records[first:first + batch]) + "\n"
                    async with http.post("/iclock/cdata", params={
                            "SN": SERIAL, "table": "ATTLOG", "Stamp": str(stamp)},
                            data=body.encode()) as answer:
                        text = await answer.text()
                    if answer.status != 200 or not text.startswith("OK:"):
                        raise SystemExit(f"upload refused: {answer.status} {text!r}")
                    accepted += int(text[3:])
                elapsed = time.perf_counter() - started
        finally:
            await server.stop()
        async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM punches") as cursor:
            stored = (await cursor.fetchone())[0]
        await db.close()
    print(f"ADMS: {accepted:,} lines in {-(-lines // batch)} uploads of {batch}: "
          f"{elapsed:.2f} s, {accepted / elapsed:,.0f} records/s ({stored:,} rows stored)")
    if stored != lines:
        raise SystemExit("not every line was stored")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args()
    asyncio.run(run(args.lines, args.batch))


if __name__ == "__main__":
    main()
