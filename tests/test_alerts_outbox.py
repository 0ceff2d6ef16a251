"""Alerts through the outbox, with the real Application and the recording Bot API: a machine's
report, an error report and an account notice survive Telegram answering 500, 429 and 403 and
a process killed between the commit and the send (nothing lost, nothing doubled)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotContext
from device.simulator import Simulator
from device.sync import ALERT, sync_all
from services import accounts, audit, employees, outbox
from services.clock import FixedClock
from services.storage import Database
from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.machines import device_settings, free_port, make_machine
from tests.support.office import ADMIN, STAFF_A, STAFF_B, Person

ADMIN_CHAT = -100500


def admin_texts(h: Harness) -> list[str]:
    return [c.text for c in h.api.sent("sendMessage", ADMIN_CHAT) if c.result is not None]


async def pull_offline_machine(db: Database, clock: FixedClock) -> None:
    """The scheduled pull of a machine nobody answers on: its failure is recorded and the
    admin chat's report written with it."""
    devices = device_settings([{"name": "Gudang", "port": free_port()}])
    [report] = await sync_all(db, devices, clock, admin_chat_id=ADMIN_CHAT)
    assert not report.ok


async def test_a_machine_report_written_before_a_crash_is_sent_once_after_restart(
        harness: Harness, db: Database, clock: FixedClock) -> None:
    await harness.stop()
    await pull_offline_machine(db, clock)
    await pull_offline_machine(db, clock)      # still failing: reported once
    await harness.restart()
    await harness.deliver()
    [text] = admin_texts(harness)
    assert "Gudang" in text and "gagal ditarik" in text
    await harness.restart()
    await harness.deliver()
    assert len(admin_texts(harness)) == 1


async def test_a_machine_report_waits_out_a_500_and_a_long_429(
        harness: Harness, db: Database, clock: FixedClock) -> None:
    harness.api.fail_calls(500, "Internal Server Error", chat_id=ADMIN_CHAT)
    await pull_offline_machine(db, clock)
    await harness.deliver()
    assert admin_texts(harness) == []
    [row] = await outbox.rows(db, kind=ALERT)
    assert row.status == "pending" and row.attempts == 1
    harness.clock.advance(seconds=6)
    await harness.deliver()
    assert len(admin_texts(harness)) == 1

    # The machine comes back while Telegram floods us beyond the rate limiter's retries.
    harness.api.fail_calls(429, "Too Many Requests: retry after 1", chat_id=ADMIN_CHAT,
                           retry_after=1, times=10)
    machine = make_machine("SN-GUDANG", clock, ids=["0001"], days=[clock.now().date()])
    async with Simulator(machine) as sim:
        devices = device_settings([{"name": "Gudang", "port": sim.port}])
        [report] = await sync_all(db, devices, clock, admin_chat_id=ADMIN_CHAT)
    assert report.ok
    await harness.deliver()
    assert len(admin_texts(harness)) == 1
    harness.api.stop_failing()
    harness.clock.advance(seconds=2)
    await harness.deliver()
    texts = admin_texts(harness)
    assert len(texts) == 2 and "kembali berhasil" in texts[1]
    harness.clock.advance(hours=1)
    await harness.deliver()
    assert len(admin_texts(harness)) == 2


async def test_a_403_from_the_admin_group_blocks_nobody(
        harness: Harness, db: Database, clock: FixedClock, office: tuple[Person, ...]) -> None:
    harness.api.fail_calls(403, "Forbidden: bot was kicked from the supergroup chat",
                           chat_id=ADMIN_CHAT, times=5)
    await pull_offline_machine(db, clock)
    await harness.deliver()
    [row] = await outbox.rows(db, kind=ALERT)
    assert row.status == "failed"
    async with db.read() as conn:
        assert not any(e.telegram_blocked for e in await employees.all_active(conn))


async def _boom(update: Update, context: BotContext) -> None:
    raise RuntimeError("layanan <cadangan> tidak menjawab")


def add_failing_command(h: Harness) -> None:
    h.application.handlers[0].insert(0, CommandHandler("rusak", _boom))


async def test_an_error_report_survives_a_500_and_is_escaped(
        harness: Harness, office: tuple[Person, ...], db: Database) -> None:
    add_failing_command(harness)
    harness.api.fail_calls(500, "Internal Server Error", chat_id=ADMIN_CHAT)
    await harness.send(tg(STAFF_A), "/rusak")
    assert "terjadi gangguan" in harness.api.last_to(STAFF_A.telegram_id).text
    assert admin_texts(harness) == []
    harness.clock.advance(seconds=6)
    await harness.deliver()
    [text] = admin_texts(harness)
    assert "layanan &lt;cadangan&gt; tidak menjawab" in text
    harness.clock.advance(hours=1)
    await harness.deliver()
    assert len(admin_texts(harness)) == 1


async def test_the_error_interval_survives_a_restart(
        harness: Harness, office: tuple[Person, ...]) -> None:
    add_failing_command(harness)
    await harness.send(tg(STAFF_A), "/rusak")
    await harness.restart()
    add_failing_command(harness)
    harness.clock.advance(minutes=1)
    await harness.send(tg(STAFF_A), "/rusak")
    assert len(admin_texts(harness)) == 1
    harness.clock.advance(minutes=5)
    await harness.send(tg(STAFF_A), "/rusak")
    texts = admin_texts(harness)
    assert len(texts) == 2 and "1 galat lain" in texts[1]


async def test_when_the_outbox_cannot_take_the_report_one_direct_message_goes(
        harness: Harness, office: tuple[Person, ...], db: Database) -> None:
    """The database refusing writes is the error the admin most needs to hear about: the
    report goes directly, once per interval, and reporting never raises."""
    async with db.transaction() as conn:
        await conn.execute("CREATE TRIGGER outbox_full BEFORE INSERT ON outbox BEGIN"
                           " SELECT RAISE(ABORT, 'database or disk is full'); END")
    add_failing_command(harness)
    for _ in range(3):
        await harness.send(tg(STAFF_A), "/rusak")
    [text] = admin_texts(harness)
    assert "layanan &lt;cadangan&gt; tidak menjawab" in text
    assert len(harness.api.sent_to(STAFF_A.telegram_id)) == 3     # everyone still answered
    rows: list[Any] = await outbox.rows(db)
    assert rows == []


# --- account notices (/pegawai) ------------------------------------------------------------

OPERATOR = tg(ADMIN)


async def employees_by_nip(db: Database, nip: str) -> employees.Employee:
    async with db.read() as conn:
        found = await employees.by_nip(conn, nip)
    assert found is not None
    return found


async def deactivate_from_chat(h: Harness, person: Person) -> dict[str, Any]:
    await h.send(OPERATOR, f"/pegawai {person.nip}")
    card = h.api.last_to(OPERATOR.id)
    await h.tap(OPERATOR, f"opr:deact:{person.nip}:y", on=card)
    return h.api.message(OPERATOR.id, card.message_id)


async def test_an_account_notice_waits_out_a_500_and_is_sent_once(
        harness: Harness, db: Database, office: tuple[Person, ...]) -> None:
    harness.api.fail_calls(500, "Internal Server Error", chat_id=STAFF_B.telegram_id)
    card = await deactivate_from_chat(harness, STAFF_B)
    assert "dinonaktifkan mulai hari ini" in card["text"]
    assert "dikirim lewat Telegram" in card["text"]
    assert harness.api.sent_to(STAFF_B.telegram_id)[-1].result is None
    harness.clock.advance(seconds=6)
    await harness.deliver()
    harness.clock.advance(hours=1)
    await harness.deliver()
    told = [c for c in harness.api.sent("sendMessage", STAFF_B.telegram_id)
            if c.result is not None]
    assert len(told) == 1 and "dinonaktifkan" in told[0].text


async def test_an_account_notice_to_a_blocked_chat_marks_the_person_blocked(
        harness: Harness, db: Database, office: tuple[Person, ...]) -> None:
    harness.api.block(STAFF_B.telegram_id)
    await deactivate_from_chat(harness, STAFF_B)
    [row] = await outbox.rows(db, kind=accounts.DEACTIVATED)
    assert row.status == "blocked"
    assert (await employees_by_nip(db, STAFF_B.nip)).telegram_blocked
    assert admin_texts(harness) == []


async def test_an_account_change_written_before_a_crash_is_told_once(
        harness: Harness, db: Database, office: tuple[Person, ...]) -> None:
    await harness.stop()
    change = await accounts.unlink(db, nip=STAFF_B.nip, at=harness.clock.now(),
                                   actor=audit.Actor.system())
    assert change.notice is not None
    await harness.restart()
    await harness.deliver()
    await harness.restart()
    await harness.deliver()
    [told] = harness.api.sent("sendMessage", STAFF_B.telegram_id)
    assert "tidak lagi terhubung" in told.text


async def test_the_account_change_goes_on_when_answering_the_tap_fails(
        harness: Harness, db: Database, office: tuple[Person, ...]) -> None:
    harness.api.fail_calls(502, "Bad Gateway", method="answerCallbackQuery", times=10)
    card = await deactivate_from_chat(harness, STAFF_B)
    assert "dinonaktifkan mulai hari ini" in card["text"]
    assert "dinonaktifkan" in harness.api.last_to(STAFF_B.telegram_id).text
    assert not (await employees_by_nip(db, STAFF_B.nip)).active
