"""The outbox: messages a state change causes, written in the same transaction as the change.

A service builds `Notice` values (plain facts, never rendered text) and calls `enqueue` inside
its write transaction, so a decision and the messages it causes commit or vanish together. The
one sender (handlers/sender.py) claims due rows, renders them at send time and records what
Telegram answered. A row is the idempotency key of its message: once 'sent' it is never sent
again, and a `dedupe_key` keeps a re-run from writing the same notice twice.

Crash policy (at least once): a row is marked 'sending' before the call to Telegram and 'sent'
after it. A process killed between Telegram's answer and that second commit leaves the row in
'sending'; `recover` puts it back to 'pending' and it is sent again. The sender records the
rows of one pass that went out together (a few dozen at most, see handlers/sender.py), so the
window spans those rows' calls; a row is never marked before Telegram answered it. We prefer
that rare double (a window of about a second) to a lost card: every tap is re-checked against
the database, so a duplicate card can never decide twice, and an edit repeated is refused by
Telegram as "not modified", which the sender counts as delivered.

Times in this table are UTC so that `not_before` compares correctly as text.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiosqlite

from services import employees
from services.storage import Database, announce

PENDING = "pending"
SENDING = "sending"
SENT = "sent"
BLOCKED = "blocked"
SKIPPED = "skipped"
FAILED = "failed"

# The payload key of a notice that edits the message an earlier row sent (its dedupe_key),
# and the keys of one that edits a message known by its chat and id.
EDIT_OF = "edit_of"
EDIT_CHAT = "edit_chat"
EDIT_MESSAGE = "edit_message"

UNDELIVERABLE = "outbox.undeliverable"
# The commit topic of a transaction that wrote notices (Database.on_commit): the sender's.
WRITTEN = "outbox.written"


@dataclass(frozen=True)
class Notice:
    """One message to deliver: to an employee (their private chat, resolved at send time) or to
    a chat (e.g. the admin group). `payload` is JSON-serialisable plain data."""

    kind: str
    recipient_nip: str | None
    chat_id: int | None
    payload: Mapping[str, Any] = field(default_factory=dict)
    dedupe_key: str | None = None


def edit_of(dedupe_key: str) -> dict[str, str]:
    """Payload fragment for a notice that edits the message sent for `dedupe_key`."""
    return {EDIT_OF: dedupe_key}


def edit_message(chat_id: int, message_id: int) -> dict[str, int]:
    """Payload fragment for a notice that edits a message sent outside the outbox (e.g. a card
    listed on request, recorded with its message id)."""
    return {EDIT_CHAT: chat_id, EDIT_MESSAGE: message_id}


def _utc(at: dt.datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("outbox times must be timezone-aware")
    return at.astimezone(dt.UTC).isoformat(timespec="microseconds")


def _lane(notice: Notice) -> str:
    return f"nip:{notice.recipient_nip}" if notice.recipient_nip else f"chat:{notice.chat_id}"


async def enqueue(conn: aiosqlite.Connection, notices: Iterable[Notice], *,
                  now: dt.datetime) -> list[int]:
    """Write the notices in the caller's transaction; returns the new rows' ids. A notice whose
    dedupe_key is already in the outbox is not written again."""
    ids: list[int] = []
    stamp = _utc(now)
    for notice in notices:
        if notice.recipient_nip is None and notice.chat_id is None:
            raise ValueError(f"notice {notice.kind} has neither a recipient nor a chat")
        cursor = await conn.execute(
            "INSERT INTO outbox (kind, recipient_nip, chat_id, lane, payload, dedupe_key,"
            " not_before, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (dedupe_key) DO NOTHING",
            (notice.kind, notice.recipient_nip, notice.chat_id, _lane(notice),
             json.dumps(dict(notice.payload), ensure_ascii=False, sort_keys=True),
             notice.dedupe_key, stamp, stamp))
        if cursor.rowcount and cursor.lastrowid is not None:
            ids.append(cursor.lastrowid)
    if ids:
        announce(conn, WRITTEN)
    return ids


@dataclass(frozen=True)
class Edited:
    """The message an edit refers to, as its row stands."""

    status: str | None            # None: no row has that dedupe_key
    chat_id: int | None
    message_id: int | None


@dataclass(frozen=True)
class Claimed:
    """A row claimed for sending, with its recipient resolved."""

    id: int
    kind: str
    lane: str
    recipient_nip: str | None
    chat_id: int | None              # where to send; None if the recipient has no chat
    private: bool                    # chat_id is the recipient's own private chat
    recipient_blocked: bool
    payload: dict[str, Any]
    attempts: int                    # including this one
    created_at: dt.datetime
    admin_told: bool
    edits: Edited | None             # set when the payload edits an earlier row's message


@dataclass(frozen=True)
class Claim:
    """What one claim took, and when the first row it left waiting may go (None: no row
    waits), so the sender knows without another read when to look again."""

    rows: list[Claimed]
    next_due: dt.datetime | None


async def _edited(conn: aiosqlite.Connection, dedupe_key: str) -> Edited:
    async with conn.execute("SELECT status, sent_chat_id, message_id FROM outbox"
                            " WHERE dedupe_key = ?", (dedupe_key,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return Edited(None, None, None)
    return Edited(row["status"], row["sent_chat_id"], row["message_id"])


async def edited(db: Database, dedupe_key: str) -> Edited:
    """The message an edit refers to, as its row stands now (it may have been sent since the
    edit was claimed: earlier in the same lane of the same pass)."""
    async with db.read() as conn:
        return await _edited(conn, dedupe_key)


# Every query on waiting rows repeats the partial indexes' own condition (status IN ('pending',
# 'sending')): SQLite uses a partial index only for a query that states it, and otherwise
# scans every row the outbox ever sent.
_WAITING = "status IN ('pending', 'sending')"
# The due rows of every lane up to the first that must wait, oldest first: one claim takes a
# decision's messages to one person together, and the sender sends each lane's in order. Each
# comes with what its recipient's employee row says of where it goes (NULLs: no such row).
_DUE_RUNS = ("SELECT o.*, e.nip AS recipient_found, e.active AS recipient_active,"
             " e.telegram_chat_id AS recipient_chat_id,"
             " e.telegram_blocked_at IS NOT NULL AS recipient_blocked"
             " FROM outbox o LEFT JOIN employees e ON e.nip = o.recipient_nip"
             f" WHERE o.{_WAITING} AND o.status = 'pending' AND o.not_before <= ?"
             f" AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.{_WAITING} AND p.lane = o.lane"
             "  AND p.id < o.id AND (p.status = 'sending' OR p.not_before > ?))"
             " ORDER BY o.id LIMIT ?")
# When the first lane whose oldest row waits may go.
_NEXT_HEAD = (f"SELECT min(o.not_before) FROM outbox o WHERE o.{_WAITING}"
              " AND o.status = 'pending'"
              f" AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.{_WAITING} AND p.lane = o.lane"
              "  AND p.id < o.id)")


async def _next_head(conn: aiosqlite.Connection) -> dt.datetime | None:
    async with conn.execute(_NEXT_HEAD) as cursor:
        row = await cursor.fetchone()
    return dt.datetime.fromisoformat(row[0]) if row and row[0] else None


async def claim_due(db: Database, *, now: dt.datetime, limit: int = 200) -> Claim:
    """Claim up to `limit` due rows: in each lane, the rows from its oldest waiting one up to
    the first that is not due yet. A lane whose oldest waiting row is not due is held back
    entirely, so one person's messages arrive in the order they were written."""
    stamp = _utc(now)
    # No read first to see whether anything is due: it cost as much as asking inside the
    # transaction, which takes the write lock for a fraction of a millisecond.
    claimed: list[Claimed] = []
    async with db.transaction(wake=False) as conn:
        async with conn.execute(_DUE_RUNS, (stamp, stamp, limit)) as cursor:
            runs = list(await cursor.fetchall())
        if runs:
            await conn.execute(
                "UPDATE outbox SET status = 'sending', claimed_at = ?, attempts = attempts + 1"
                f" WHERE id IN ({', '.join('?' * len(runs))})", (stamp, *(r["id"] for r in runs)))
        for row in runs:
            found = row["recipient_found"] is not None
            chat_id = row["chat_id"]
            if chat_id is None and found and row["recipient_active"]:
                chat_id = row["recipient_chat_id"]
            private = found and chat_id is not None and chat_id == row["recipient_chat_id"]
            payload = json.loads(row["payload"])
            edits = None
            if isinstance(payload.get(EDIT_OF), str):
                edits = await _edited(conn, payload[EDIT_OF])
            elif EDIT_MESSAGE in payload:
                edits = Edited(SENT, int(payload[EDIT_CHAT]), int(payload[EDIT_MESSAGE]))
            claimed.append(Claimed(
                id=row["id"], kind=row["kind"], lane=row["lane"],
                recipient_nip=row["recipient_nip"], chat_id=chat_id, private=private,
                recipient_blocked=found and bool(row["recipient_blocked"]),
                payload=payload, attempts=row["attempts"] + 1,
                created_at=dt.datetime.fromisoformat(row["created_at"]),
                admin_told=bool(row["admin_told"]), edits=edits))
        # Every lane claimed now waits behind its 'sending' rows: what is left waits for time.
        due = await _next_head(conn)
    return Claim(claimed, due)


async def release(db: Database, row_ids: list[int]) -> None:
    """Give back claimed rows not attempted (their lane stopped at an earlier row that must
    wait): pending again, the attempt not counted."""
    if not row_ids:
        return
    async with db.transaction(wake=False) as conn:
        await conn.execute(
            "UPDATE outbox SET status = 'pending', attempts = attempts - 1 WHERE status ="
            f" 'sending' AND id IN ({', '.join('?' * len(row_ids))})", tuple(row_ids))


@dataclass(frozen=True)
class Sent:
    """What Telegram answered for a row it delivered: the message, and when."""

    row_id: int
    chat_id: int
    message_id: int | None
    at: dt.datetime


async def mark_sent(db: Database, sent: Iterable[Sent]) -> None:
    """Record delivered rows, several in one commit: a crash before it only sends them again
    (the crash window of the module docstring, which covers the rows of one commit)."""
    async with db.transaction(wake=False) as conn:
        await conn.executemany("UPDATE outbox SET status = 'sent', done_at = ?, sent_chat_id = ?,"
                               " message_id = ?, last_error = NULL WHERE id = ?",
                               [(_utc(s.at), s.chat_id, s.message_id, s.row_id) for s in sent])


async def retry_later(db: Database, row_id: int, *, at: dt.datetime, error: str,
                      tell_admin: Notice | None = None, now: dt.datetime) -> None:
    """Put the row back for another attempt at `at`; `tell_admin` (once per row) says it is
    still not through."""
    async with db.transaction(wake=tell_admin is not None) as conn:
        await conn.execute("UPDATE outbox SET status = 'pending', not_before = ?,"
                           " last_error = ?, admin_told = admin_told OR ? WHERE id = ?",
                           (_utc(at), error[:500], tell_admin is not None, row_id))
        if tell_admin is not None:
            await enqueue(conn, [tell_admin], now=now)


async def finish(db: Database, row_id: int, status: str, *, error: str | None,
                 now: dt.datetime, tell_admin: Notice | None = None,
                 blocked_nip: str | None = None) -> None:
    """End a row without a message: blocked, skipped or failed. For a 403 from the recipient's
    private chat the employee is marked as having blocked the bot in the same transaction."""
    if status not in (BLOCKED, SKIPPED, FAILED):
        raise ValueError(status)
    # Marking the employee blocked changes more than the outbox: it wakes (see transaction).
    async with db.transaction(wake=tell_admin is not None or blocked_nip is not None) as conn:
        await conn.execute("UPDATE outbox SET status = ?, done_at = ?, last_error = ?,"
                           " admin_told = admin_told OR ? WHERE id = ?",
                           (status, _utc(now), error[:500] if error else None,
                            tell_admin is not None, row_id))
        if blocked_nip is not None:
            await employees.mark_blocked(conn, blocked_nip, now)
        if tell_admin is not None:
            await enqueue(conn, [tell_admin], now=now)


async def recover(db: Database) -> int:
    """After a restart: rows a dead process left in 'sending' are sent again (at least once)."""
    async with db.transaction() as conn:
        cursor = await conn.execute(
            f"UPDATE outbox SET status = 'pending' WHERE {_WAITING} AND status = 'sending'")
        return cursor.rowcount


async def next_due(db: Database) -> dt.datetime | None:
    async with db.read() as conn, conn.execute(
            f"SELECT min(not_before) FROM outbox WHERE {_WAITING} AND status = 'pending'"
    ) as cursor:
        row = await cursor.fetchone()
    return dt.datetime.fromisoformat(row[0]) if row and row[0] else None


@dataclass(frozen=True)
class Row:
    id: int
    kind: str
    recipient_nip: str | None
    chat_id: int | None
    payload: dict[str, Any]
    dedupe_key: str | None
    status: str
    attempts: int
    sent_chat_id: int | None
    message_id: int | None
    last_error: str | None


async def rows(db: Database, *, kind: str | None = None) -> list[Row]:
    """Every row (or every row of a kind), oldest first: for the health view and tests."""
    query = "SELECT * FROM outbox" + (" WHERE kind = ?" if kind else "") + " ORDER BY id"
    async with db.read() as conn, conn.execute(query, (kind,) if kind else ()) as cursor:
        found = await cursor.fetchall()
    return [Row(r["id"], r["kind"], r["recipient_nip"], r["chat_id"], json.loads(r["payload"]),
                r["dedupe_key"], r["status"], r["attempts"], r["sent_chat_id"], r["message_id"],
                r["last_error"]) for r in found]


async def counts(db: Database) -> dict[str, int]:
    async with db.read() as conn, conn.execute(
            "SELECT status, count(*) FROM outbox GROUP BY status") as cursor:
        return {row[0]: int(row[1]) for row in await cursor.fetchall()}
