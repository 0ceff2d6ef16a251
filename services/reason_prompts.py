"""Reason prompts: after Tolak or Kembalikan (or a step that needs a note) the approver's next
text is the reason — for that card only, for a limited time.

One open prompt per person: asking again (another card) replaces the older one, so a text
answers the prompt opened last. Prompts live in SQLite (they survive a restart) and expire; an
expired or dropped prompt never takes a text.

Every command, button and text asks whether its sender has a prompt open, and almost nobody
has: the open prompts (a handful of rows, one per person at most) are read once and kept in
memory, per Database, and a person's row is read again only after this module wrote it. That
is exact because this module is the only writer of reason_prompts, and only the bot process
(its handlers) calls it, through its one Database: no CLI command, job in another process or
migration after start-up touches the table. A read that overlapped a write keeps nothing (see
_Known).
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass

import aiosqlite

from services.storage import Database


@dataclass(frozen=True)
class Prompt:
    id: int
    telegram_user_id: int
    nip: str
    kind: str
    ref_id: int
    action: str
    token: str
    label: str
    chat_id: int | None
    message_id: int | None
    asked_at: dt.datetime
    expires_at: dt.datetime

    def expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at


class _Known:
    """The table as last read, once read whole (`complete`): everyone's open prompt, and
    nobody else has one, except the people written since (`unsure`), read again one by one.
    A write makes its person unsure before it begins and again once it committed (or failed),
    and counts itself both times: a read keeps what it found only if no write began or ended
    while it ran, so neither a snapshot taken before a commit nor one taken during the write
    outlives it."""

    def __init__(self) -> None:
        self.complete = False
        self.prompts: dict[int, Prompt] = {}
        self.unsure: set[int] = set()
        self.writes = 0

    def forget(self, telegram_user_id: int) -> None:
        self.prompts.pop(telegram_user_id, None)
        self.unsure.add(telegram_user_id)
        self.writes += 1


_KNOWN: weakref.WeakKeyDictionary[Database, _Known] = weakref.WeakKeyDictionary()


def _known(db: Database) -> _Known:
    known = _KNOWN.get(db)
    if known is None:
        known = _KNOWN[db] = _Known()
    return known


async def ask(db: Database, *, telegram_user_id: int, nip: str, kind: str, ref_id: int,
              action: str, token: str, label: str, chat_id: int | None,
              message_id: int | None, now: dt.datetime, minutes: int) -> Prompt:
    """Open the person's prompt for one card, replacing any older one."""
    expires = now + dt.timedelta(minutes=minutes)
    known = _known(db)
    known.forget(telegram_user_id)
    try:
        async with db.transaction() as conn:
            # A new row (new id), so whoever still holds the older prompt cannot close this one.
            await conn.execute("DELETE FROM reason_prompts WHERE telegram_user_id = ?",
                               (telegram_user_id,))
            async with conn.execute(
                "INSERT INTO reason_prompts (telegram_user_id, nip, kind, ref_id, action, "
                "token, label, chat_id, message_id, asked_at, expires_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                (telegram_user_id, nip, kind, ref_id, action, token, label, chat_id,
                 message_id, now.isoformat(), expires.isoformat()),
            ) as cursor:
                row = await cursor.fetchone()
    finally:
        known.forget(telegram_user_id)
    assert row is not None
    return Prompt(row[0], telegram_user_id, nip, kind, ref_id, action, token, label, chat_id,
                  message_id, now, expires)


async def pending(db: Database, telegram_user_id: int) -> Prompt | None:
    """The person's open prompt, expired or not (the caller tells them which)."""
    known = _known(db)
    if known.complete and telegram_user_id not in known.unsure:
        return known.prompts.get(telegram_user_id)
    writes = known.writes
    if known.complete:
        async with db.read() as conn:
            prompt = await _read(conn, telegram_user_id)
        if known.writes == writes:
            known.unsure.discard(telegram_user_id)
            if prompt is not None:
                known.prompts[telegram_user_id] = prompt
        return prompt
    async with db.read() as conn:
        everyone = await _read_all(conn)
    if known.writes == writes:
        known.complete, known.prompts, known.unsure = True, everyone, set()
    return everyone.get(telegram_user_id)


async def _read(conn: aiosqlite.Connection, telegram_user_id: int) -> Prompt | None:
    async with conn.execute(
        "SELECT * FROM reason_prompts WHERE telegram_user_id = ?", (telegram_user_id,),
    ) as cursor:
        r = await cursor.fetchone()
    return None if r is None else _prompt(r)


async def _read_all(conn: aiosqlite.Connection) -> dict[int, Prompt]:
    """Every open prompt: a row per person who was asked and has not answered (nor typed,
    tapped or started anything since)."""
    async with conn.execute("SELECT * FROM reason_prompts") as cursor:
        return {r["telegram_user_id"]: _prompt(r) for r in await cursor.fetchall()}


def _prompt(r: aiosqlite.Row) -> Prompt:
    return Prompt(r["id"], r["telegram_user_id"], r["nip"], r["kind"], r["ref_id"], r["action"],
                  r["token"], r["label"], r["chat_id"], r["message_id"],
                  dt.datetime.fromisoformat(r["asked_at"]),
                  dt.datetime.fromisoformat(r["expires_at"]))


async def finish(db: Database, prompt: Prompt) -> bool:
    """Close this prompt (answered, refused or expired); False if it was replaced meanwhile."""
    known = _known(db)
    known.forget(prompt.telegram_user_id)
    try:
        async with db.transaction() as conn:
            cursor = await conn.execute("DELETE FROM reason_prompts WHERE id = ?", (prompt.id,))
            return cursor.rowcount == 1
    finally:
        known.forget(prompt.telegram_user_id)
