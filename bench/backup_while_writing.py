"""How long `presensi backup` takes on a large database, and what it costs the bot's writers.

Fills a database with a few years of punches for a large office, then makes a backup while a
writer keeps committing small transactions through the bot's own Database, and prints the
backup time, the copy's size and the writer's commit latencies during the copy.

    .venv/bin/python bench/backup_while_writing.py [--punches 1000000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from services.backup import make_backup
from services.storage import Database, open_database


async def fill(db: Database, count: int) -> None:
    start = dt.datetime(2024, 1, 1, 7, 0)
    batch = 50_000
    for first in range(0, count, batch):
        rows = []
        for i in range(first, min(first + batch, count)):
            at = start + dt.timedelta(minutes=i)
            rows.append((f"SN{i % 4}", str(i % 400), at.isoformat() + "+07:00",
                         at.date().isoformat(), at.isoformat()))
        async with db.transaction() as conn:
            await conn.executemany(
                "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date,"
                " source, received_at) VALUES (?, ?, ?, ?, 'pull', ?)", rows)


async def writer(db: Database, stop: asyncio.Event, latencies: list[float]) -> None:
    n = 0
    while not stop.is_set():
        began = time.perf_counter()
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date,"
                " source, received_at) VALUES ('LIVE', ?, '2026-10-05T07:00:00+07:00',"
                " '2026-10-05', 'adms', '2026-10-05')", (str(n),))
        latencies.append(time.perf_counter() - began)
        n += 1
        await asyncio.sleep(0.005)   # a busy bot, not a tight loop


async def main(punches: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "presensi.sqlite3"
        db = await open_database(path)
        began = time.perf_counter()
        await fill(db, punches)
        print(f"filled {punches:,} punches in {time.perf_counter() - began:.1f} s, "
              f"file {path.stat().st_size / 2**20:.1f} MiB")
        stop = asyncio.Event()
        latencies: list[float] = []
        task = asyncio.create_task(writer(db, stop, latencies))
        began = time.perf_counter()
        result = await asyncio.to_thread(make_backup, path, None, Path(folder) / "cadangan",
                                         dt.datetime.now(), keep=3, keep_days=0)
        took = time.perf_counter() - began
        stop.set()
        await task
        await db.close()
        ms = sorted(x * 1000 for x in latencies)
        print(f"backup incl. integrity_check: {took:.2f} s, copy {result.size_bytes / 2**20:.1f}"
              f" MiB")
        print(f"writer commits during backup: {len(ms)}, median {statistics.median(ms):.2f} ms, "
              f"p99 {ms[int(len(ms) * 0.99) - 1]:.2f} ms, max {ms[-1]:.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--punches", type=int, default=1_000_000)
    asyncio.run(main(parser.parse_args().punches))
