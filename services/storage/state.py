"""Rows of the application's conversation and user state (table bot_state).

Values are opaque bytes here; the Telegram wiring (bot/persistence.py) pickles them. Each
write is one transaction, so a failed write (a full disk) leaves the previous values whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.storage.database import Database

USER = "user"
CONVERSATION = "conversation"
META = "meta"


@dataclass(frozen=True)
class StateRow:
    name: str
    key: str
    value: bytes


async def rows(db: Database, kind: str, name: str | None = None) -> list[StateRow]:
    query = "SELECT name, key, value FROM bot_state WHERE kind = ?"
    args: tuple[str, ...] = (kind,)
    if name is not None:
        query += " AND name = ?"
        args = (kind, name)
    async with db.read() as conn, conn.execute(query, args) as cursor:
        return [StateRow(r["name"], r["key"], bytes(r["value"])) for r in await cursor.fetchall()]


async def put(db: Database, entries: list[tuple[str, str, str, bytes | None]],
              at: dt.datetime) -> None:
    """Store each value under (kind, name, key), None deleting it, all in one transaction: a
    failed write (a full disk) leaves every previous value whole."""
    async with db.transaction() as conn:
        for kind, name, key, value in entries:
            if value is None:
                await conn.execute(
                    "DELETE FROM bot_state WHERE kind = ? AND name = ? AND key = ?",
                    (kind, name, key))
            else:
                await conn.execute(
                    "INSERT INTO bot_state (kind, name, key, value, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, name, key) "
                    "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    (kind, name, key, value, at.isoformat()))


async def put_many(db: Database, entries: list[tuple[str, str, str, bytes]],
                   at: dt.datetime) -> None:
    """Several values in one transaction (the one-time import of the old state file)."""
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO bot_state (kind, name, key, value, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (kind, name, key) DO UPDATE SET value = excluded.value, "
            "updated_at = excluded.updated_at",
            [(*entry, at.isoformat()) for entry in entries])
