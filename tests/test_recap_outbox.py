"""The recap's messages go through the outbox: a paraf moving on and the card to the next
person are one transaction, delivered at least once whatever Telegram answers, and a tap
whose answer fails still does everything that follows."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import outbox as bot_outbox
from bot.jobs import recap as recap_jobs
from services import employees, outbox, recap_notices
from services.clock import FixedClock
from services.storage import Database
from tests.conftest import BASE_CONFIG, WIB, tg
from tests.support.botapi import ApiCall
from tests.support.harness import Harness
from tests.support.office import ADMIN, KASUBBAG, KEPALA, SEKRETARIS
from tests.test_recap_chain import state_of


@pytest.fixture
def config_text() -> str:
    return BASE_CONFIG + '[recap]\narchive_dir = "arsip"\n'


@pytest.fixture
def clock() -> FixedClock:
    # Monday 2 November 2026, 10:00 WIB: the first working day after October.
    return FixedClock(dt.datetime(2026, 11, 2, 10, 0, tzinfo=WIB))


def pdfs_to(harness: Harness, person) -> list[ApiCall]:
    """The recap PDFs Telegram accepted for `person`."""
    return [c for c in harness.api.sent("sendDocument", person.telegram_id)
            if c.result is not None and c.file_names["document"].endswith(".pdf")]


async def at_kasubbag(harness: Harness) -> ApiCall:
    """Built and submitted: the Kasubbag's card with Paraf and Kembalikan."""
    await harness.send(tg(ADMIN), "/rekap 10-2026")
    [draft] = pdfs_to(harness, ADMIN)
    await harness.tap(tg(ADMIN), draft.button("Ajukan"), on=draft)
    [card] = pdfs_to(harness, KASUBBAG)
    return card


async def test_a_failed_answer_to_paraf_still_sends_the_recap_on(
        harness: Harness, db: Database, office) -> None:
    card = await at_kasubbag(harness)
    harness.api.fail_calls(502, "Bad Gateway", method="answerCallbackQuery", times=5)
    await harness.tap(tg(KASUBBAG), card.button("Paraf"), on=card)
    assert (await state_of(db)).state == "sekretaris"
    [to_sekretaris] = pdfs_to(harness, SEKRETARIS)
    assert [b["text"] for b in to_sekretaris.buttons] == ["✍️ Paraf", "↩️ Kembalikan"]
    closed = harness.api.message(KASUBBAG.telegram_id, card.message_id)
    assert "Anda telah membubuhkan paraf" in closed["caption"] and "reply_markup" not in closed


async def test_the_card_to_the_next_person_survives_500_and_429(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    card = await at_kasubbag(harness)
    harness.api.fail_calls(500, "Internal Server Error", method="sendDocument",
                           chat_id=SEKRETARIS.telegram_id)
    await harness.tap(tg(KASUBBAG), card.button("Paraf"), on=card)
    assert pdfs_to(harness, SEKRETARIS) == []
    # The Kasubbag is told where it went: it is on its way, whatever Telegram said.
    closed = harness.api.message(KASUBBAG.telegram_id, card.message_id)["caption"]
    assert "(Sekretaris)" in closed
    clock.advance(seconds=6)
    await harness.deliver()
    [to_sekretaris] = pdfs_to(harness, SEKRETARIS)

    # Flooded past the rate limiter's own retries: the Kepala's card waits retry_after.
    harness.api.fail_calls(429, "Too Many Requests: retry after 1", method="sendDocument",
                           chat_id=KEPALA.telegram_id, retry_after=1, times=50)
    await harness.tap(tg(SEKRETARIS), to_sekretaris.button("Paraf"), on=to_sekretaris)
    assert pdfs_to(harness, KEPALA) == []
    harness.api.stop_failing()
    clock.advance(seconds=2)
    await harness.deliver()
    clock.advance(minutes=30)
    await harness.deliver()
    [to_kepala] = pdfs_to(harness, KEPALA)
    assert [b["text"] for b in to_kepala.buttons] == ["🖋 Tandatangani", "↩️ Kembalikan"]
    assert len(pdfs_to(harness, SEKRETARIS)) == 1


async def test_a_403_marks_the_reviewer_blocked_and_the_recap_still_moves(
        harness: Harness, db: Database, office) -> None:
    card = await at_kasubbag(harness)
    harness.api.block(SEKRETARIS.telegram_id)
    await harness.tap(tg(KASUBBAG), card.button("Paraf"), on=card)
    assert (await state_of(db)).state == "sekretaris"
    [row] = [r for r in await outbox.rows(db, kind=recap_notices.DOCUMENT)
             if r.recipient_nip == SEKRETARIS.nip]
    assert row.status == "blocked"
    async with db.read() as conn:
        sekretaris = await employees.by_nip(conn, SEKRETARIS.nip)
    assert sekretaris is not None and sekretaris.telegram_blocked


async def test_killed_between_the_paraf_and_the_send(harness: Harness, db: Database,
                                                     office) -> None:
    """The paraf committed with the Sekretaris's card, and the process died before the sender
    sent it: after the restart it arrives, once, with buttons that work."""
    card = await at_kasubbag(harness)
    await bot_outbox.stop(harness.application)
    await harness.tap(tg(KASUBBAG), card.button("Paraf"), on=card)
    assert (await state_of(db)).state == "sekretaris" and pdfs_to(harness, SEKRETARIS) == []
    await harness.restart()
    await harness.deliver()
    [to_sekretaris] = pdfs_to(harness, SEKRETARIS)
    await harness.restart()
    await harness.deliver()
    assert len(pdfs_to(harness, SEKRETARIS)) == 1
    await harness.tap(tg(SEKRETARIS), to_sekretaris.button("Paraf"), on=to_sekretaris)
    assert (await state_of(db)).state == "kepala" and len(pdfs_to(harness, KEPALA)) == 1


async def test_a_card_for_a_step_already_past_is_not_sent(harness: Harness, db: Database,
                                                          office) -> None:
    """The draft's card was still waiting (Telegram down) when the operator's rebuild replaced
    it: the old card, whose buttons no longer hold, is not sent; the new one is."""
    harness.api.fail_calls(500, "Internal Server Error", method="sendDocument",
                           chat_id=ADMIN.telegram_id)
    await harness.send(tg(ADMIN), "/rekap 10-2026")
    await harness.send(tg(ADMIN), "/rekap 10-2026")
    harness.clock.advance(minutes=5)
    await harness.deliver()
    [draft] = pdfs_to(harness, ADMIN)
    assert "(versi 2)" in draft.text
    statuses = [r.status for r in await outbox.rows(db, kind=recap_notices.DOCUMENT)]
    assert statuses == ["skipped", "sent"]


async def test_the_daily_report_is_retried_after_a_500_and_sent_once(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    clock.set(dt.datetime(2026, 11, 2, 9, 0, tzinfo=WIB))
    harness.api.fail_calls(500, "Internal Server Error", chat_id=KEPALA.telegram_id)
    assert await recap_jobs.run_daily_report(harness.application) == 1
    await harness.deliver()
    assert [c for c in harness.api.sent("sendMessage", KEPALA.telegram_id) if c.result] == []
    assert await recap_jobs.run_daily_report(harness.application) == 0
    clock.advance(seconds=6)
    await harness.deliver()
    [report] = [c for c in harness.api.sent("sendMessage", KEPALA.telegram_id) if c.result]
    assert "Laporan Kehadiran Harian" in report.text and "pukul 09.00" in report.text
