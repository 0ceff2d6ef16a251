"""The append-only audit log: who did what, when, from which Telegram account."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

import aiosqlite

from services.storage import Database


@dataclass(frozen=True)
class Actor:
    """Who causes a change: an employee through Telegram, or the system/operator (nip None)."""

    nip: str | None
    telegram_user_id: int | None = None

    @classmethod
    def system(cls) -> Actor:
        return cls(None, None)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    actor_nip: str | None
    telegram_user_id: int | None
    action: str
    entity: str
    entity_id: str
    detail: dict[str, Any]


async def record(conn: aiosqlite.Connection, *, at: dt.datetime, actor: Actor, action: str,
                 entity: str, entity_id: str | int, detail: dict[str, Any] | None = None) -> None:
    await conn.execute(
        "INSERT INTO audit_log (at, actor_nip, telegram_user_id, action, entity, entity_id, detail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at.isoformat(), actor.nip, actor.telegram_user_id, action, entity, str(entity_id),
         json.dumps(detail or {}, ensure_ascii=False, default=str)),
    )


async def record_action(db: Database, *, at: dt.datetime, actor: Actor, action: str,
                        entity: str, entity_id: str | int,
                        detail: dict[str, Any] | None = None) -> None:
    """An action that changes nothing else (an operator's manual sync), in its own
    transaction."""
    async with db.transaction() as conn:
        await record(conn, at=at, actor=actor, action=action, entity=entity,
                     entity_id=entity_id, detail=detail)


async def entries_for(conn: aiosqlite.Connection, entity: str,
                      entity_id: str | int) -> list[AuditEntry]:
    async with conn.execute(
        "SELECT * FROM audit_log WHERE entity = ? AND entity_id = ? ORDER BY id",
        (entity, str(entity_id)),
    ) as cursor:
        rows = await cursor.fetchall()
    return [AuditEntry(r["id"], r["at"], r["actor_nip"], r["telegram_user_id"], r["action"],
                       r["entity"], r["entity_id"], json.loads(r["detail"])) for r in rows]
