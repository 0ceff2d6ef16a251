"""Reason prompts: after Tolak or Kembalikan (or a step that needs a note) the approver's next
text is the reason — for that card only, for a limited time.

One open prompt per person: asking again (another card) replaces the older one, so a text
answers the prompt opened last. Prompts live in SQLite (they survive a restart) and expire; an
expired or dropped prompt never takes a text.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


async def ask(db: Database, *, telegram_user_id: int, nip: str, kind: str, ref_id: int,
              action: str, token: str, label: str, chat_id: int | None,
              message_id: int | None, now: dt.datetime, minutes: int) -> Prompt:
    """Open the person's prompt for one card, replacing any older one."""
    expires = now + dt.timedelta(minutes=minutes)
    async with db.transaction() as conn:
        # A new row (new id), so whoever still holds the older prompt cannot close this one.
        await conn.execute("DELETE FROM reason_prompts WHERE telegram_user_id = ?",
                           (telegram_user_id,))
        async with conn.execute(
            "INSERT INTO reason_prompts (telegram_user_id, nip, kind, ref_id, action, token, "
            "label, chat_id, message_id, asked_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            (telegram_user_id, nip, kind, ref_id, action, token, label, chat_id, message_id,
             now.isoformat(), expires.isoformat()),
        ) as cursor:
            row = await cursor.fetchone()
    assert row is not None
    return Prompt(row[0], telegram_user_id, nip, kind, ref_id, action, token, label, chat_id,
                  message_id, now, expires)


async def pending(db: Database, telegram_user_id: int) -> Prompt | None:
    """The person's open prompt, expired or not (the caller tells them which)."""
    async with db.read() as conn, conn.execute(
        "SELECT * FROM reason_prompts WHERE telegram_user_id = ?", (telegram_user_id,),
    ) as cursor:
        r = await cursor.fetchone()
    if r is None:
        return None
    return Prompt(r["id"], r["telegram_user_id"], r["nip"], r["kind"], r["ref_id"], r["action"],
                  r["token"], r["label"], r["chat_id"], r["message_id"],
                  dt.datetime.fromisoformat(r["asked_at"]),
                  dt.datetime.fromisoformat(r["expires_at"]))


async def finish(db: Database, prompt: Prompt) -> bool:
    """Close this prompt (answered, refused or expired); False if it was replaced meanwhile."""
    async with db.transaction() as conn:
        cursor = await conn.execute("DELETE FROM reason_prompts WHERE id = ?", (prompt.id,))
        return cursor.rowcount == 1
