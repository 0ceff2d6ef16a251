"""The outbox and its one sender, through the real Application and the recording Bot API:
delivery right after the commit, 500 / 429 / 403 answers, a process killed before and after
Telegram answered, edits of an earlier row's message, and per-person ordering."""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.context import AppServices
from handlers.sender import Outgoing, renderer
from services import employees, outbox
from services.outbox import Notice
from services.storage import Database, in_thread
from tests.support.harness import Harness
from tests.support.office import STAFF_A, STAFF_B, Person

ADMIN_CHAT = -100500


@renderer("test.note")
async def _note(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    return Outgoing(f"Catatan <b>{payload['n']}</b>")


async def enqueue(db: Database, *notices: Notice, now: Any) -> list[int]:
    async with db.transaction() as conn:
        return await outbox.enqueue(conn, notices, now=now)


def note(person: Person, n: int, **extra: Any) -> Notice:
    return Notice("test.note", person.nip, None, {"n": n, **extra}, dedupe_key=f"t:{n}")


def texts_to(h: Harness, chat_id: int) -> list[str]:
    return [c.text for c in h.api.sent("sendMessage", chat_id) if c.result is not None]


async def texts_soon(h: Harness, chat_id: int) -> list[str]:
    """What reached the chat within a second, without anyone calling the sender."""
    for _ in range(100):
        if texts_to(h, chat_id):
            break
        await asyncio.sleep(0.01)
    return texts_to(h, chat_id)


@contextlib.asynccontextmanager
async def writer_busy(db: Database, *, in_its_thread: bool) -> AsyncIterator[None]:
    """The writer held by another task for the block: its transaction open (the write lock
    taken) and, `in_its_thread`, a long statement running in the writer's thread as well."""
    started, release = threading.Event(), threading.Event()

    def long_write(raw: sqlite3.Connection) -> None:
        raw.execute("INSERT OR REPLACE INTO ladder_days (day, rule) VALUES ('2026-09-01', 'K')")
        started.set()
        release.wait(5)

    async def hold() -> None:
        async with db.transaction() as conn:
            if in_its_thread:
                await in_thread(conn, long_write)
            else:
                started.set()
                await asyncio.to_thread(release.wait, 5)

    holder = asyncio.create_task(hold())
    await asyncio.to_thread(started.wait, 5)
    try:
        yield
    finally:
        release.set()
        await holder


async def app_db(h: Harness) -> Database:
    services: AppServices = h.application.bot_data["services"]
    return services.db


async def test_a_notice_goes_out_right_after_its_commit(harness: Harness, office: Any) -> None:
    db = await app_db(harness)
    await enqueue(db, note(STAFF_A, 1), now=harness.clock.now())
    # Nobody calls the sender: the commit woke it.
    assert await texts_soon(harness, STAFF_A.telegram_id) == ["Catatan <b>1</b>"]
    await harness.deliver()
    [row] = await outbox.rows(db)
    sent = harness.api.last_to(STAFF_A.telegram_id)
    assert (row.status, row.sent_chat_id, row.message_id) == ("sent", STAFF_A.telegram_id,
                                                              sent.message_id)


async def test_commits_that_write_no_notice_leave_the_sender_asleep(harness: Harness,
                                                                   office: Any) -> None:
    """A job's many commits of other rows (the ladder's tally: hundreds a morning) do not make
    the sender claim, which takes the write lock, behind each of them: while the writer is
    busy, a flush with nothing due answers at once. A notice still goes out at its commit."""
    db = await app_db(harness)
    await harness.deliver()
    for day in range(1, 21):
        async with db.transaction() as conn:
            await conn.execute("INSERT OR REPLACE INTO ladder_days (day, rule) VALUES (?, 'K')",
                               (f"2026-09-{day:02d}",))
    async with writer_busy(db, in_its_thread=False):
        assert await asyncio.wait_for(harness.deliver(), timeout=1.0) == 0
    await enqueue(db, note(STAFF_A, 1), now=harness.clock.now())
    # Nobody calls the sender: the commit woke it.
    assert await texts_soon(harness, STAFF_A.telegram_id) == ["Catatan <b>1</b>"]


async def test_a_flush_with_nothing_due_does_not_wait_for_a_long_write(
        harness: Harness, office: Any) -> None:
    """A long statement in the writer's thread (a day of the ladder's tally) does not hold up
    a flush that has nothing to send: it does not ask the busy writer anything."""
    db = await app_db(harness)
    await harness.deliver()
    async with writer_busy(db, in_its_thread=True):
        assert await asyncio.wait_for(harness.deliver(), timeout=1.0) == 0
    await enqueue(db, note(STAFF_A, 1), now=harness.clock.now())
    assert await texts_soon(harness, STAFF_A.telegram_id) == ["Catatan <b>1</b>"]


async def test_the_same_dedupe_key_is_written_once(harness: Harness, office: Any) -> None:
    db = await app_db(harness)
    await enqueue(db, note(STAFF_A, 1), note(STAFF_A, 1), now=harness.clock.now())
    await enqueue(db, note(STAFF_A, 1), now=harness.clock.now())
    await harness.deliver()
    assert texts_to(harness, STAFF_A.telegram_id) == ["Catatan <b>1</b>"]


async def test_a_500_is_retried_after_a_backoff_and_delivered_once(harness: Harness,
                                                                   office: Any) -> None:
    db = await app_db(harness)
    harness.api.fail_calls(500, "Internal Server Error", chat_id=STAFF_A.telegram_id)
    await enqueue(db, note(STAFF_A, 1), note(STAFF_A, 2), now=harness.clock.now())
    await harness.deliver()
    assert texts_to(harness, STAFF_A.telegram_id) == []
    [first, second] = await outbox.rows(db)
    assert (first.status, first.attempts, second.status) == ("pending", 1, "pending")
    # The second message waits behind the first, not attempted: one person's messages keep
    # their order.
    assert second.attempts == 0 and len(harness.api.sent("sendMessage", STAFF_A.telegram_id)) == 1
    harness.clock.advance(seconds=6)
    await harness.deliver()
    assert texts_to(harness, STAFF_A.telegram_id) == ["Catatan <b>1</b>", "Catatan <b>2</b>"]
    harness.clock.advance(minutes=30)
    await harness.deliver()
    assert len(texts_to(harness, STAFF_A.telegram_id)) == 2


async def test_one_claim_sends_each_persons_messages_in_the_order_written(
        harness: Harness, office: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    db = await app_db(harness)
    await harness.deliver()
    claims = 0
    claim_due = outbox.claim_due

    async def counted(*args: Any, **kwargs: Any) -> outbox.Claim:
        nonlocal claims
        claim = await claim_due(*args, **kwargs)
        claims += bool(claim.rows)
        return claim

    monkeypatch.setattr(outbox, "claim_due", counted)
    await enqueue(db, note(STAFF_A, 1), note(STAFF_B, 2), note(STAFF_A, 3), note(STAFF_A, 4),
                  note(STAFF_B, 5), now=harness.clock.now())
    await harness.deliver()
    assert texts_to(harness, STAFF_A.telegram_id) == [f"Catatan <b>{n}</b>" for n in (1, 3, 4)]
    assert texts_to(harness, STAFF_B.telegram_id) == [f"Catatan <b>{n}</b>" for n in (2, 5)]
    assert claims == 1
    assert {r.status for r in await outbox.rows(db)} == {"sent"}


async def test_a_short_429_is_waited_out_and_a_long_one_retried_later(harness: Harness,
                                                                      office: Any) -> None:
    db = await app_db(harness)
    # The rate limiter waits retry_after (1 s) and tries again within the same pass.
    harness.api.fail_calls(429, "Too Many Requests: retry after 1", chat_id=STAFF_A.telegram_id,
                           retry_after=1)
    await enqueue(db, note(STAFF_A, 1), now=harness.clock.now())
    await harness.deliver()
    assert texts_to(harness, STAFF_A.telegram_id) == ["Catatan <b>1</b>"]
    # Still flooded after the limiter's retries: the row waits retry_after, then goes.
    harness.api.fail_calls(429, "Too Many Requests: retry after 1", chat_id=STAFF_B.telegram_id,
                           retry_after=1, times=10)
    await enqueue(db, note(STAFF_B, 2), now=harness.clock.now())
    await harness.deliver()
    [row] = [r for r in await outbox.rows(db) if r.recipient_nip == STAFF_B.nip]
    assert row.status == "pending" and "retry in 1" in (row.last_error or "").lower()
    harness.api.stop_failing()  # the flood is over
    harness.clock.advance(seconds=2)
    await harness.deliver()
    assert texts_to(harness, STAFF_B.telegram_id) == ["Catatan <b>2</b>"]


async def test_a_403_from_the_private_chat_marks_the_user_blocked(harness: Harness,
                                                                  office: Any) -> None:
    db = await app_db(harness)
    harness.api.block(STAFF_A.telegram_id)
    await enqueue(db, note(STAFF_A, 1), note(STAFF_A, 2), now=harness.clock.now())
    await harness.deliver()
    rows = await outbox.rows(db)
    assert [r.status for r in rows] == ["blocked", "blocked"]
    # Only the first row reached Telegram; the second knew the user blocked the bot.
    assert len(harness.api.sent("sendMessage", STAFF_A.telegram_id)) == 1
    async with db.read() as conn:
        person = await employees.by_nip(conn, STAFF_A.nip)
    assert person is not None and person.telegram_blocked
    # Not an undeliverable message: the admin chat is not bothered.
    assert harness.api.sent("sendMessage", ADMIN_CHAT) == []


async def test_a_403_from_a_group_blocks_nobody_and_the_admin_hears_once(harness: Harness,
                                                                         office: Any) -> None:
    db = await app_db(harness)
    group = -100777
    harness.api.fail_calls(403, "Forbidden: bot was kicked from the group chat", chat_id=group,
                           times=2)
    await enqueue(db, Notice("test.note", None, group, {"n": 1}, "g1"),
                  Notice("test.note", None, group, {"n": 2}, "g2"), now=harness.clock.now())
    await harness.deliver()
    assert [r.status for r in await outbox.rows(db) if r.kind == "test.note"] == ["failed",
                                                                                 "failed"]
    async with db.read() as conn:
        assert not any(e.telegram_blocked for e in await employees.all_active(conn))
    alerts = harness.api.sent("sendMessage", ADMIN_CHAT)
    assert len(alerts) == 2 and all("tidak dapat dikirim" in a.text for a in alerts)
    harness.clock.advance(hours=1)
    await harness.deliver()
    assert len(harness.api.sent("sendMessage", ADMIN_CHAT)) == 2


async def test_network_errors_back_off_and_the_admin_is_told_once(harness: Harness,
                                                                  office: Any) -> None:
    db = await app_db(harness)
    harness.api.fail_calls(502, "Bad Gateway", chat_id=STAFF_A.telegram_id, times=6)
    await enqueue(db, note(STAFF_A, 1), now=harness.clock.now())
    for _ in range(6):
        await harness.deliver()
        harness.clock.advance(minutes=11)
    await harness.deliver()
    assert texts_to(harness, STAFF_A.telegram_id) == ["Catatan <b>1</b>"]
    alerts = harness.api.sent("sendMessage", ADMIN_CHAT)
    assert len(alerts) == 1 and "belum dapat dikirim" in alerts[0].text
    assert "4 kali" in alerts[0].text


async def test_killed_between_the_commit_and_the_send(harness: Harness, office: Any,
                                                      db: Database) -> None:
    """The state change and its notice committed, then the process died before sending."""
    await harness.stop()
    await enqueue(db, note(STAFF_A, 1), now=harness.clock.now())
    await harness.restart()
    await harness.deliver()
    assert texts_to(harness, STAFF_A.telegram_id) == ["Catatan <b>1</b>"]
    await harness.restart()
    await harness.deliver()
    assert texts_to(harness, STAFF_A.telegram_id) == ["Catatan <b>1</b>"]


async def test_killed_while_the_send_is_in_flight(harness: Harness, office: Any) -> None:
    """Telegram delivered, the process died before recording it: at least once means the
    message is sent again after the restart (the documented choice), never lost."""
    db = await app_db(harness)
    released = harness.api.hold_after_answer("sendMessage", STAFF_A.telegram_id)
    await enqueue(db, note(STAFF_A, 1), now=harness.clock.now())
    for _ in range(100):
        if harness.api.sent("sendMessage", STAFF_A.telegram_id):
            break
        await asyncio.sleep(0.01)
    [row] = await outbox.rows(db)
    assert row.status == "sending"
    await harness.restart()
    released.set()
    await harness.deliver()
    assert texts_to(harness, STAFF_A.telegram_id) == ["Catatan <b>1</b>"] * 2
    [row] = await outbox.rows(await app_db(harness))
    assert row.status == "sent"


async def test_an_edit_refers_to_the_row_that_sent_the_message(harness: Harness,
                                                               office: Any) -> None:
    db = await app_db(harness)
    await enqueue(db, note(STAFF_A, 1),
                  Notice("test.note", STAFF_A.nip, None, {"n": 9, **outbox.edit_of("t:1")}, "e"),
                  now=harness.clock.now())
    await harness.deliver()
    [sent] = harness.api.sent("sendMessage", STAFF_A.telegram_id)
    [edit] = harness.api.sent("editMessageText", STAFF_A.telegram_id)
    assert int(edit.params["message_id"]) == sent.message_id
    assert harness.api.message(STAFF_A.telegram_id, sent.message_id)["text"] == "Catatan <b>9</b>"
    # The same edit again changes nothing: Telegram says "not modified", which is delivered.
    await enqueue(db, Notice("test.note", STAFF_A.nip, None, {"n": 9, **outbox.edit_of("t:1")},
                             "e2"), now=harness.clock.now())
    await harness.deliver()
    assert [r.status for r in await outbox.rows(db)] == ["sent", "sent", "sent"]


async def test_a_recipient_without_telegram_is_skipped(harness: Harness, office: Any) -> None:
    db = await app_db(harness)
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET telegram_chat_id = NULL WHERE nip = ?",
                           (STAFF_A.nip,))
    await enqueue(db, note(STAFF_A, 1), now=harness.clock.now())
    await harness.deliver()
    [row] = await outbox.rows(db)
    assert row.status == "skipped" and harness.api.sent("sendMessage") == []


async def test_enqueue_needs_a_recipient(db: Database, clock: Any) -> None:
    with pytest.raises(ValueError):
        await enqueue(db, Notice("test.note", None, None, {}), now=clock.now())


async def test_the_senders_queries_search_the_waiting_rows_not_the_whole_outbox(
        db: Database) -> None:
    """Every row ever sent stays in the table; a claim must not read them all."""
    stamp = "2026-10-05T01:00:00.000000+00:00"
    async with db.read() as conn:
        for query, args in ((outbox._DUE_RUNS, (stamp, stamp, 200)), (outbox._NEXT_HEAD, ())):
            async with conn.execute(f"EXPLAIN QUERY PLAN {query}", args) as cursor:
                plan = [row[3] for row in await cursor.fetchall()]
            assert not [step for step in plan if step.startswith("SCAN")], plan
            assert any("outbox_pending" in step for step in plan), plan
