"""What keeps an update cheap without giving anything up: short statements run on the event
loop's thread but a write that waits for another process's lock does not hold the loop, a long
run of statements still gives the chat its turns, the outbox sender sleeps when idle
instead of waking itself with its own commits, and an approval's letter is drawn once."""

from __future__ import annotations

import asyncio
import io
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from bot.context import AppServices
from handlers import request_notify
from handlers.sender import Outgoing, renderer
from services import outbox
from services.outbox import Notice
from services.storage import Database, open_database
from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import KABID, STAFF_A
from tests.test_requests_flow import card_for, file_izin


async def _add(db: Database, nip: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO employees (nip, nama, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (nip, "Budi", "2026-01-01T00:00:00+07:00", "x"))


class Ticker:
    """Counts event loop turns and the longest gap between them."""

    def __init__(self) -> None:
        self.ticks = 0
        self.longest = 0.0
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0)
            now = time.perf_counter()
            self.ticks += 1
            self.longest = max(self.longest, now - last)
            last = now

    def stop(self) -> None:
        self._task.cancel()


async def test_a_write_waiting_for_another_process_does_not_hold_the_loop(
        tmp_path: Path) -> None:
    db = await open_database(tmp_path / "w.sqlite3")
    other = sqlite3.connect(tmp_path / "w.sqlite3", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # e.g. a CLI import holding the write lock
    write = asyncio.create_task(_add(db, "197001011995031001"))
    ticker = Ticker()
    await asyncio.sleep(0.3)
    # The writer waits in aiosqlite's thread; the chat's reads and the loop go on.
    assert not write.done()
    async with db.read() as conn, conn.execute("SELECT count(*) FROM employees") as cursor:
        assert (await cursor.fetchone())[0] == 0
    assert ticker.longest < 0.2
    other.execute("COMMIT")
    await asyncio.wait_for(write, 5)
    ticker.stop()
    async with db.read() as conn, conn.execute("SELECT count(*) FROM employees") as cursor:
        assert (await cursor.fetchone())[0] == 1
    other.close()
    await db.close()


async def test_a_long_run_of_statements_gives_the_loop_its_turns(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "l.sqlite3")
    await _add(db, "197001011995031001")
    ticker = Ticker()
    async with db.read() as conn:
        await asyncio.sleep(0)
        before = ticker.ticks
        for _ in range(3_200):
            async with conn.execute("SELECT nama FROM employees") as cursor:
                await cursor.fetchone()
        during = ticker.ticks - before
    ticker.stop()
    # 3,200 statements make 9,600 calls; the loop gets a turn at least every 32 of them.
    assert during >= 9_600 // 32 - 1
    await db.close()


@renderer("test.idle")
async def _idle_note(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    return Outgoing(f"Catatan {payload['n']}")


async def test_the_sender_sleeps_once_the_outbox_is_delivered(
        harness: Harness, office: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    services: AppServices = harness.application.bot_data["services"]
    db = services.db
    passes = 0
    claim_due = outbox.claim_due

    async def counted(*args: Any, **kwargs: Any) -> list[outbox.Claimed]:
        nonlocal passes
        passes += 1
        return await claim_due(*args, **kwargs)

    monkeypatch.setattr(outbox, "claim_due", counted)
    async with db.transaction() as conn:
        await outbox.enqueue(conn, [Notice("test.idle", STAFF_A.nip, None, {"n": 1})],
                             now=harness.clock.now())
    for _ in range(200):
        if harness.api.sent("sendMessage", STAFF_A.telegram_id):
            break
        await asyncio.sleep(0.01)
    [row] = await outbox.rows(db, kind="test.idle")
    assert row.status == "sent"
    await asyncio.sleep(0.05)
    settled = passes
    await asyncio.sleep(0.5)
    # Nothing is due and nothing was written: the sender's own commits do not wake it again.
    assert passes == settled


async def test_one_approval_draws_its_letter_once_for_every_recipient(
        harness: Harness, office: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn = 0
    build = request_notify.build_letter

    def counted(*args: Any) -> bytes:
        nonlocal drawn
        drawn += 1
        return build(*args)

    monkeypatch.setattr(request_notify, "build_letter", counted)
    applicant, atasan = tg(STAFF_A), tg(KABID)
    await file_izin(harness, applicant, "20261006", "20261006")
    card = card_for(harness, atasan)
    await harness.tap(atasan, card.button("Setujui"), on=card)
    letters = harness.api.sent("sendDocument")
    assert {c.chat_id for c in letters} == {applicant.id, atasan.id}
    assert drawn == 1
    assert letters[0].files["document"] == letters[1].files["document"]
    assert "SURAT IZIN" in PdfReader(io.BytesIO(letters[0].files["document"])).pages[0] \
        .extract_text()
