"""The presensi lokasi sweep's messages through the outbox: written with the decision, sent in
reply to the live location they judge, after a 500 and across a crash, never twice."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from bot.config import Settings
from services import employees, location, outbox
from services.clock import FixedClock
from services.storage import Database
from tests.conftest import WIB, tg
from tests.support.attendance import run_job
from tests.support.harness import Harness
from tests.support.office import STAFF_A, Person
from tests.test_location import CONFIG, OFFICE


@pytest.fixture
def config_text() -> str:
    return CONFIG


async def share_and_wait(h: Harness, clock: FixedClock) -> dict[str, Any]:
    """A live location at the office from a phone that then sends no update: only the sweep
    can finish the check."""
    clock.set(dt.datetime(2026, 10, 5, 7, 15, tzinfo=WIB))
    message = await h.share_location(tg(STAFF_A), *OFFICE, accuracy=12.0, live_period=900)
    clock.advance(seconds=61)
    return message


def recorded(h: Harness) -> list[Any]:
    return [c for c in h.api.sent("sendMessage", STAFF_A.telegram_id)
            if c.result is not None and "Presensi masuk tercatat" in c.text]


def replied_to(call: Any) -> int:
    reply = call.params["reply_parameters"]
    return int((json.loads(reply) if isinstance(reply, str) else reply)["message_id"])


async def test_the_sweeps_message_waits_out_a_500_and_replies_to_the_location(
        harness: Harness, office: tuple[Person, ...], db: Database, clock: FixedClock) -> None:
    message = await share_and_wait(harness, clock)
    harness.api.fail_calls(500, "Internal Server Error", chat_id=STAFF_A.telegram_id)
    await run_job(harness, "location.sweep")
    assert recorded(harness) == []
    clock.advance(seconds=6)
    await harness.deliver()
    [told] = recorded(harness)
    assert replied_to(told) == message["message_id"]
    clock.advance(hours=1)
    await run_job(harness, "location.sweep")
    assert len(recorded(harness)) == 1


async def test_the_sweeps_message_written_before_a_crash_is_sent_once(
        harness: Harness, office: tuple[Person, ...], db: Database, clock: FixedClock,
        settings: Settings) -> None:
    await share_and_wait(harness, clock)
    await harness.stop()
    [result] = await location.sweep(db, settings.location, WIB, clock.now())
    assert result.state == location.RECORDED
    await harness.restart()
    await harness.deliver()
    await harness.restart()
    await harness.deliver()
    assert len(recorded(harness)) == 1


async def test_a_403_on_the_sweeps_message_marks_the_employee_blocked(
        harness: Harness, office: tuple[Person, ...], db: Database, clock: FixedClock) -> None:
    await share_and_wait(harness, clock)
    harness.api.block(STAFF_A.telegram_id)
    await run_job(harness, "location.sweep")
    [row] = await outbox.rows(db, kind=location.SWEPT)
    assert row.status == "blocked"
    async with db.read() as conn:
        person = await employees.by_nip(conn, STAFF_A.nip)
    assert person is not None and person.telegram_blocked
    # The punch is recorded all the same: the message was only its news.
    async with db.read() as conn, conn.execute(
            "SELECT count(*) FROM punches WHERE source = 'lokasi'") as cursor:
        assert (await cursor.fetchone())[0] == 1
