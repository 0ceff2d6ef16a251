"""The database handle shared by services.

One aiosqlite connection serves the whole process. Because statements from concurrent coroutines
would otherwise interleave inside each other's transactions, every use goes through an asyncio
lock: `transaction()` for writes (BEGIN IMMEDIATE, so a competing process waits instead of
failing half-way) and `read()` for reads (a deferred transaction gives one consistent snapshot).
Repositories never commit; the service that opened the transaction does, once, on exit.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import aiosqlite

from services.storage.migrations import apply_migrations

BUSY_TIMEOUT_MS = 10_000


class Database:
    def __init__(self, conn: aiosqlite.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self.path = path

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                await self._conn.rollback()
                raise
            else:
                await self._conn.commit()

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._lock:
            await self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                await self._conn.rollback()

    async def close(self) -> None:
        async with self._lock:
            await self._conn.close()


async def _configure(conn: aiosqlite.Connection) -> None:
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA synchronous = NORMAL")


async def open_database(path: Path | str, *, migrate: bool = True) -> Database:
    """Open (creating if needed) the database file and bring its schema up to date."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    # isolation_level=None: we issue BEGIN/COMMIT ourselves instead of sqlite3's implicit ones.
    conn = await aiosqlite.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        await _configure(conn)
        if migrate:
            await apply_migrations(conn)
    except BaseException:
        await conn.close()
        raise
    return Database(conn, path)
