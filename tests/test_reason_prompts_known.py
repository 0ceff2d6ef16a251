"""Whether a person has a prompt open is kept in memory between updates: a prompt opened,
replaced, closed or expired is still seen at once, and a read that raced a write keeps
nothing it read."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from services import reason_prompts
from services.clock import FixedClock
from services.reason_prompts import Prompt
from services.storage import Database, open_database
from tests.support.office import KABID

USER = 4242


async def _ask(db: Database, now: dt.datetime, ref_id: int = 1) -> Prompt:
    return await reason_prompts.ask(
        db, telegram_user_id=USER, nip=KABID.nip, kind="request", ref_id=ref_id,
        action="tolak", token="0:1", label=f"pengajuan #{ref_id}", chat_id=None,
        message_id=None, now=now, minutes=15)


async def _rows(db: Database) -> int:
    async with db.read() as conn, conn.execute("SELECT count(*) FROM reason_prompts") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def test_opened_replaced_and_closed_prompts_are_seen_at_once(
        db: Database, office: Any, clock: FixedClock) -> None:
    assert await reason_prompts.pending(db, USER) is None
    assert await reason_prompts.pending(db, USER) is None
    first = await _ask(db, clock.now())
    assert await reason_prompts.pending(db, USER) == first
    second = await _ask(db, clock.now(), ref_id=2)
    assert await reason_prompts.pending(db, USER) == second
    # The older one, still held by a handler, closes nothing.
    assert not await reason_prompts.finish(db, first)
    assert await reason_prompts.pending(db, USER) == second
    assert await reason_prompts.finish(db, second)
    assert await reason_prompts.pending(db, USER) is None
    assert await _rows(db) == 0


async def test_an_expired_prompt_is_still_told_apart(db: Database, office: Any,
                                                     clock: FixedClock) -> None:
    asked = await _ask(db, clock.now())
    fresh = await reason_prompts.pending(db, USER)
    assert fresh == asked and not fresh.expired(clock.now())
    clock.advance(minutes=15)
    kept = await reason_prompts.pending(db, USER)
    assert kept == asked and kept.expired(clock.now())


def _held(monkeypatch: pytest.MonkeyPatch, name: str) -> tuple[asyncio.Event, asyncio.Event]:
    """Hold the read `name` of reason_prompts after it read, until released."""
    read = getattr(reason_prompts, name)
    holding, release = asyncio.Event(), asyncio.Event()

    async def slow(*args: Any) -> Any:
        found = await read(*args)
        holding.set()
        await release.wait()
        monkeypatch.setattr(reason_prompts, name, read)
        return found

    monkeypatch.setattr(reason_prompts, name, slow)
    return holding, release


async def test_the_first_read_of_the_table_that_raced_a_write_keeps_nothing(
        db: Database, office: Any, clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    holding, release = _held(monkeypatch, "_read_all")
    racing = asyncio.create_task(reason_prompts.pending(db, USER))
    await asyncio.wait_for(holding.wait(), 10)
    # The read found no prompt; one is opened before it ends.
    asked = await _ask(db, clock.now())
    release.set()
    assert await racing is None
    assert await reason_prompts.pending(db, USER) == asked
    assert await reason_prompts.pending(db, USER + 1) is None


async def test_a_persons_read_that_raced_a_write_keeps_nothing(
        db: Database, office: Any, clock: FixedClock,
        monkeypatch: pytest.MonkeyPatch) -> None:
    first = await _ask(db, clock.now())
    assert await reason_prompts.pending(db, USER) == first
    assert await reason_prompts.finish(db, first)
    # Written since the table was read: the person is read again, and this read is held.
    holding, release = _held(monkeypatch, "_read")
    racing = asyncio.create_task(reason_prompts.pending(db, USER))
    await asyncio.wait_for(holding.wait(), 10)
    asked = await _ask(db, clock.now(), ref_id=2)
    release.set()
    assert await racing is None
    assert await reason_prompts.pending(db, USER) == asked


async def test_prompts_opened_before_the_bot_started_are_seen(
        db: Database, office: Any, clock: FixedClock) -> None:
    asked = await _ask(db, clock.now())
    # A fresh Database on the same file (a restart) has read nothing yet.
    again = await open_database(db.path)
    try:
        assert await reason_prompts.pending(again, USER + 1) is None
        assert await reason_prompts.pending(again, USER) == asked
    finally:
        await again.close()


async def test_one_persons_prompt_is_not_anothers(
        db: Database, office: Any, clock: FixedClock) -> None:
    assert await reason_prompts.pending(db, USER) is None
    other = await reason_prompts.ask(
        db, telegram_user_id=USER + 1, nip=KABID.nip, kind="request", ref_id=3,
        action="tolak", token="0:1", label="pengajuan #3", chat_id=None, message_id=None,
        now=clock.now(), minutes=15)
    assert await reason_prompts.pending(db, USER) is None
    assert await reason_prompts.pending(db, USER + 1) == other
