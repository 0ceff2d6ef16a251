"""Reads on their own connections: a long read never holds the writer or the chat's reads."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from pathlib import Path

import aiosqlite
import pytest

from services.storage import open_database

NIP = "197001011995031001"


async def _add(db, nip: str, nama: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO employees (nip, nama, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (nip, nama, "2026-01-01T00:00:00+07:00", "x"))


async def test_a_long_snapshot_blocks_neither_writes_nor_short_reads(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "r.sqlite3")
    await _add(db, NIP, "Budi")
    inside, release = threading.Event(), threading.Event()

    def long_read(conn: sqlite3.Connection) -> list[str]:
        first = [r[0] for r in conn.execute("SELECT nama FROM employees")]
        inside.set()
        release.wait(10)
        # One snapshot: the write committed meanwhile is not seen by the same transaction.
        return first + [r[0] for r in conn.execute("SELECT nama FROM employees ORDER BY nama")]

    task = asyncio.create_task(db.snapshot(long_read))
    assert await asyncio.to_thread(inside.wait, 10)
    await asyncio.wait_for(_add(db, "198002022005012002", "Ani"), 2)
    async with db.read() as conn, conn.execute("SELECT count(*) FROM employees") as cursor:
        assert (await cursor.fetchone())[0] == 2
    assert not task.done()
    release.set()
    assert await task == ["Budi", "Budi"]
    assert await db.snapshot(lambda c: c.execute("SELECT count(*) FROM employees")
                             .fetchone()[0]) == 2
    await db.close()


async def test_reads_cannot_write(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "q.sqlite3")
    with pytest.raises(aiosqlite.OperationalError):
        async with db.read() as conn:
            await conn.execute("DELETE FROM employees")

    def write(conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM employees")

    with pytest.raises(sqlite3.OperationalError):
        await db.snapshot(write)
    await db.close()


async def test_many_concurrent_reads_share_a_bounded_pool(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "p.sqlite3")
    await _add(db, NIP, "Budi")

    async def one() -> int:
        async with db.read() as conn, conn.execute("SELECT count(*) FROM employees") as cursor:
            await asyncio.sleep(0.01)
            return (await cursor.fetchone())[0]

    assert await asyncio.gather(*(one() for _ in range(20))) == [1] * 20
    assert len(db._all_readers) <= 4
    await db.close()


async def test_a_cancelled_snapshot_keeps_its_connection_until_its_thread_is_done(
        tmp_path: Path) -> None:
    db = await open_database(tmp_path / "c.sqlite3")
    await _add(db, NIP, "Budi")
    inside, release = threading.Event(), threading.Event()

    def slow(conn: sqlite3.Connection) -> int:
        inside.set()
        release.wait(10)
        return conn.execute("SELECT count(*) FROM employees").fetchone()[0]

    task = asyncio.create_task(db.snapshot(slow))
    assert await asyncio.to_thread(inside.wait, 10)
    task.cancel()
    # While the first thread still holds its connection, others get their own.
    counts = await asyncio.gather(*(db.snapshot(
        lambda c: c.execute("SELECT count(*) FROM employees").fetchone()[0]) for _ in range(3)))
    assert counts == [1, 1, 1]
    release.set()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await db.snapshot(lambda c: c.execute("SELECT 1").fetchone()[0]) == 1
    await db.close()


async def test_a_read_or_write_cancelled_at_any_point_leaves_no_transaction_open(
        tmp_path: Path) -> None:
    db = await open_database(tmp_path / "x.sqlite3")
    await _add(db, NIP, "Budi")

    async def reading() -> None:
        async with db.read() as conn, conn.execute("SELECT count(*) FROM employees") as cursor:
            await cursor.fetchone()

    async def writing() -> None:
        async with db.transaction() as conn:
            await conn.execute("UPDATE employees SET nama = 'Budi' WHERE nip = ?", (NIP,))

    for work in (reading, writing):
        for steps in range(12):
            task = asyncio.create_task(work())
            for _ in range(steps):
                await asyncio.sleep(0)
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
            # Whatever point the cancellation hit, the next read and write work.
            await asyncio.wait_for(asyncio.gather(*(reading() for _ in range(5)), writing()), 5)
    await db.close()
