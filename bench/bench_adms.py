"""ADMS receiver throughput over real HTTP into a real SQLite file; prints records per second.

Two shapes: many small uploads (10,000 ATTLOG lines in uploads of 500, as a machine that is
online sends them), and with --body-mb one upload of that many megabytes (a machine that was
offline for weeks; goal: 20 MB at >= 20,000 records/s). The machine is another process, so the
figures and the peak memory (resident set of the receiver's process, high-water mark) are the
receiver's own.

    .venv/bin/python bench/bench_adms.py [--lines 10000] [--batch 500]
    .venv/bin/python bench/bench_adms.py --body-mb 20
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import resource
import subprocess
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


MACHINE = r"""
import sys, time, datetime as dt, urllib.request
port, megabytes = int(sys.argv[1]), float(sys.argv[2])
# Recent enough for the receiver's window (90 days), none in the future.
start = dt.datetime.now().replace(microsecond=0) - dt.timedelta(days=25)
lines, size, n = [], 0, 0
while size < megabytes * 1024 * 1024:
    line = (f"{1000 + n % 400}\t{start + dt.timedelta(seconds=3 * n):%Y-%m-%d %H:%M:%S}"
            f"\t{n % 2}\t{1 if n % 3 else 15}\t0\t0\t0\n")
    lines.append(line)
    size += len(line)
    n += 1
body = "".join(lines).encode()
request = urllib.request.Request(
    f"http://127.0.0.1:{port}/iclock/cdata?SN=BENCHADMS0001&table=ATTLOG&Stamp=1",
    data=body, method="POST")
started = time.perf_counter()
with urllib.request.urlopen(request, timeout=600) as answer:
    text = answer.read().decode()
print(n, len(body), time.perf_counter() - started, text, flush=True)
"""


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def one_body(megabytes: float) -> None:
    settings = parse_devices(Section({
        "office": {"timezone": "Asia/Jakarta"},
        "adms": {"enabled": True, "host": "127.0.0.1", "port": 0,
                 "machines": [{"serial": SERIAL}]}}, "")).adms
    with tempfile.TemporaryDirectory() as folder:
        db = await open_database(Path(folder) / "adms.sqlite3")
        server = AdmsServer(AdmsReceiver(db, settings, SystemClock(WIB)), "127.0.0.1", 0)
        await server.start()
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu_before = _cpu()
        try:
            machine = await asyncio.create_subprocess_exec(
                sys.executable, "-c", MACHINE, str(server.port), str(megabytes),
                stdout=subprocess.PIPE)
            out, _ = await machine.communicate()
        finally:
            await server.stop()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        cpu = _cpu() - cpu_before
        async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM punches") as cursor:
            stored = (await cursor.fetchone())[0]
        await db.close()
    records, size, elapsed, answer = out.decode().split()
    print(f"ADMS: one upload of {int(size) / 1024 / 1024:.1f} MB, {int(records):,} lines: "
          f"{float(elapsed):.2f} s, {int(records) / float(elapsed):,.0f} records/s "
          f"(answer {answer}, {stored:,} rows stored; goal >= 20,000 records/s)")
    # On a shared machine the wall clock also counts time the receiver waited for a core;
    # its own CPU time (all threads, SQLite's included) does not.
    print(f"receiver CPU time: {cpu:.2f} s, {int(records) / cpu:,.0f} records per CPU second")
    print(f"peak memory of the receiver's process: {peak / 1024:.0f} MB "
          f"({before / 1024:.0f} MB before the upload)")
    if stored != int(records) or answer != f"OK:{records}":
        raise SystemExit("not every line was stored")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--batch", type=int, default=500)
    parser.add_argument("--body-mb", type=float)
    args = parser.parse_args()
    if args.body_mb:
        asyncio.run(one_body(args.body_mb))
    else:
        asyncio.run(run(args.lines, args.batch))


if __name__ == "__main__":
    main()
