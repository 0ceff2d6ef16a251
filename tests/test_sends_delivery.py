"""/layanan cards and documents and the messages of moved steps go through the outbox: through
the real Application and the recording Bot API, a card lost to a 500, behind a long 429, to an
actor who blocked the bot, or to a process killed between the commit and the send is neither
lost nor doubled; a failed callback answer skips nothing the tap does."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest

from bot.context import AppServices
from bot.jobs import delegation as delegation_jobs
from services import delegation, outbox
from services.clock import FixedClock
from services.storage import Database
from services.workflows import files as wf
from services.workflows import notices as file_notices
from services.workflows.files import WorkflowEnv
from tests.conftest import WIB, tg
from tests.support.botapi import ApiCall
from tests.support.harness import Harness
from tests.support.office import (
    ADMIN,
    KABID,
    KASUBBAG,
    KEPALA,
    SEKRETARIS,
    STAFF_A,
    Person,
    stored_employee,
)

DOCUMENTS = ("sk_kgb.pdf", "sk_pangkat.pdf", "skp.pdf")


@pytest.fixture
def clock() -> FixedClock:
    # Monday 2 November 2026, 10:00 WIB: office hours.
    return FixedClock(dt.datetime(2026, 11, 2, 10, 0, tzinfo=WIB))


def _env(h: Harness) -> WorkflowEnv:
    env: WorkflowEnv = h.application.bot_data["services"].env(WorkflowEnv)
    return env


async def _submit_kgb(h: Harness, db: Database, clock: FixedClock) -> wf.FileView:
    """A Kenaikan Gaji Berkala file with its three documents, submitted: step 1 is the
    Pengelola Kepegawaian's (ADMIN)."""
    env = _env(h)
    applicant = await stored_employee(db, STAFF_A.nip)
    file = await wf.start_draft(db, env, applicant, "kenaikan_gaji_berkala", clock.now())
    for name in DOCUMENTS:
        file, _ = await wf.attach_document(db, env, file.id, applicant, wf.Upload(
            h.api.add_file(b"%PDF " + name.encode(), name=name), "document", name,
            "application/pdf", 9), clock.now())
    return (await wf.submit(db, env, file.id, file.version, applicant, clock.now())).file


def _delivered(h: Harness, person: Person) -> list[ApiCall]:
    return [c for c in h.api.sent_to(person.telegram_id) if c.result is not None]


def _cards(h: Harness, person: Person) -> list[ApiCall]:
    return [c for c in _delivered(h, person) if c.method == "sendMessage" and c.buttons
            and "Langkah" in c.text]


def _documents(h: Harness, person: Person) -> list[str]:
    return [h.api.files[c.params["document"]].decode() for c in _delivered(h, person)
            if c.method == "sendDocument"]


def _assert_once(h: Harness, person: Person) -> None:
    """The three documents, then the card: each exactly once, in that order."""
    assert _documents(h, person) == [f"%PDF {name}" for name in DOCUMENTS]
    assert len(_cards(h, person)) == 1
    assert _delivered(h, person)[-1].method == "sendMessage"


async def test_a_file_card_lost_to_a_500_is_sent_again(harness: Harness, db: Database,
                                                       office: Any, clock: FixedClock) -> None:
    harness.api.fail_calls(500, "Internal Server Error", chat_id=ADMIN.telegram_id)
    await _submit_kgb(harness, db, clock)
    await harness.deliver()
    assert _delivered(harness, ADMIN) == []
    rows = await outbox.rows(db)
    assert [r.status for r in rows] == ["pending"] * 4 and rows[0].attempts == 1
    clock.advance(seconds=10)
    await harness.deliver()
    _assert_once(harness, ADMIN)
    clock.advance(minutes=30)
    await harness.deliver()
    _assert_once(harness, ADMIN)


async def test_a_file_card_behind_a_long_429_waits_and_goes(harness: Harness, db: Database,
                                                            office: Any,
                                                            clock: FixedClock) -> None:
    harness.api.fail_calls(429, "Too Many Requests: retry after 1", chat_id=ADMIN.telegram_id,
                           retry_after=1, times=10)
    await _submit_kgb(harness, db, clock)
    await harness.deliver()
    assert _delivered(harness, ADMIN) == []
    [first, *_] = await outbox.rows(db, kind=file_notices.DOCUMENT)
    assert first.status == "pending" and "retry" in (first.last_error or "").lower()
    harness.api.stop_failing()
    clock.advance(seconds=2)
    await harness.deliver()
    _assert_once(harness, ADMIN)


async def test_a_file_card_to_an_actor_who_blocked_the_bot(harness: Harness, db: Database,
                                                           office: Any,
                                                           clock: FixedClock) -> None:
    harness.api.block(ADMIN.telegram_id)
    file = await _submit_kgb(harness, db, clock)
    await harness.deliver()
    assert {r.status for r in await outbox.rows(db)} == {"blocked"}
    # One call found out; the rest of the lane knew without asking Telegram again.
    assert len(harness.api.sent_to(ADMIN.telegram_id)) == 1
    admin, applicant = await stored_employee(db, ADMIN.nip), await stored_employee(db, STAFF_A.nip)
    assert admin.telegram_blocked and not applicant.telegram_blocked
    # The file waits for them all the same, shown again when they ask.
    assert [f.id for f in await wf.tasks_of(db, _env(harness), admin)] == [file.id]


async def test_killed_between_the_submission_and_the_documents(harness: Harness, db: Database,
                                                               office: Any,
                                                               clock: FixedClock) -> None:
    hold = harness.api.hold_before_answer("sendDocument", ADMIN.telegram_id)
    # Through the bot's own database: its commit wakes the sender, which starts at once (a
    # write from another handle waits for the sender's periodic pass).
    services: AppServices = harness.application.bot_data["services"]
    await _submit_kgb(harness, services.db, clock)
    for _ in range(300):
        if hold.waiting:
            break
        await asyncio.sleep(0.01)
    assert hold.waiting, "the first document was never attempted"
    await harness.restart()          # the process dies; the call never reached Telegram
    hold.release()
    await harness.deliver()
    _assert_once(harness, ADMIN)
    await harness.restart()
    await harness.deliver()
    _assert_once(harness, ADMIN)


async def test_a_failed_callback_answer_still_moves_the_file(harness: Harness, db: Database,
                                                             office: Any,
                                                             clock: FixedClock) -> None:
    file = await _submit_kgb(harness, db, clock)
    await harness.deliver()
    [card] = _cards(harness, ADMIN)
    harness.api.fail_calls(502, "Bad Gateway", method="answerCallbackQuery", times=10)
    await harness.tap(tg(ADMIN), card.button("Teruskan"), on=card)
    harness.api.stop_failing()
    await harness.deliver()
    assert [c.result for c in harness.api.sent("answerCallbackQuery")] == [None]
    moved = await wf.get_file(db, _env(harness), file.id)
    assert moved.step_index == 1
    # The tapped card lost its buttons; the actor, the applicant and the next actor heard.
    assert "reply_markup" not in harness.api.message(ADMIN.telegram_id, card.message_id)
    assert any("langkah 2/" in c.text for c in _delivered(harness, STAFF_A))
    # The Pengelola Kepegawaian holds step 2 as well: the confirmation first, then that card.
    after = _delivered(harness, ADMIN)[-(2 + len(DOCUMENTS)):]
    assert "Diteruskan: berkas" in after[0].text
    assert [c.method for c in after[1:]] == ["sendDocument"] * len(DOCUMENTS) + ["sendMessage"]
    assert "Langkah 2/" in after[-1].text and after[-1].buttons
    assert {a.nip for a in moved.actors} == {ADMIN.nip}


async def test_a_card_delivered_late_offers_no_stale_buttons(harness: Harness, db: Database,
                                                             office: Any,
                                                             clock: FixedClock) -> None:
    """A card still in the outbox when its step is done is not sent with dead buttons."""
    harness.api.fail_calls(500, "Internal Server Error", chat_id=ADMIN.telegram_id)
    file = await _submit_kgb(harness, db, clock)
    await harness.deliver()
    admin = await stored_employee(db, ADMIN.nip)
    await wf.act(db, _env(harness), file.id, file.version, admin, "teruskan", clock.now())
    clock.advance(seconds=10)
    await harness.deliver()
    # Only step 2's card (the admin holds it too) got out; step 1's was skipped, unsent.
    assert ["Langkah 2/" in c.text for c in _cards(harness, ADMIN)] == [True]
    first = [r for r in await outbox.rows(db)
             if r.recipient_nip == ADMIN.nip and r.payload.get("version") == file.version]
    assert {r.kind for r in first} == {file_notices.TASK, file_notices.DOCUMENT}
    assert {r.status for r in first} == {"skipped"}
    assert len(_documents(harness, ADMIN)) == len(DOCUMENTS)      # step 2's documents only


async def _plh_starting_tomorrow(db: Database, clock: FixedClock) -> None:
    kepala = await stored_employee(db, KEPALA.nip)
    await delegation.designate(db, delegation.Designation(
        official_nip=KEPALA.nip, delegate_nip=SEKRETARIS.nip, kind="plh",
        sp_number="800/12/DISKOMINFO/2026", start=dt.date(2026, 11, 3),
        end=dt.date(2026, 11, 6)), by=kepala, now=clock.now())


async def _file_at_the_kepala(h: Harness, db: Database, clock: FixedClock) -> int:
    """A Plt/Plh file taken by its first four steps to the Tim Penilai (the Kepala)."""
    env = _env(h)
    applicant = await stored_employee(db, STAFF_A.nip)
    draft = await wf.start_draft(db, env, applicant, "administrasi_plt_plh", clock.now())
    for name in ("usulan.pdf", "sk.pdf", "pangkat.pdf"):
        await wf.attach_document(db, env, draft.id, applicant, wf.Upload(
            h.api.add_file(b"%PDF", name=name), "document", name, "application/pdf", 4),
            clock.now())
    file = await wf.get_file(db, env, draft.id)
    outcome = await wf.submit(db, env, file.id, file.version, applicant, clock.now())
    for person in (ADMIN, KABID, KASUBBAG, SEKRETARIS):
        outcome = await wf.act(db, env, file.id, outcome.file.version,
                               await stored_employee(db, person.nip), "teruskan", clock.now())
    await h.deliver()
    return file.id


def _moved_to_plh(h: Harness) -> list[ApiCall]:
    return [c for c in _delivered(h, SEKRETARIS)
            if "berkas layanan #" in c.text and "Plh. Kepala Dinas" in c.text]


async def test_a_moved_step_told_through_a_500_and_a_restart(harness: Harness, db: Database,
                                                             office: Any,
                                                             clock: FixedClock) -> None:
    file_id = await _file_at_the_kepala(harness, db, clock)
    await _plh_starting_tomorrow(db, clock)
    await harness.deliver()
    assert any("Anda ditunjuk sebagai <b>Plh. Kepala Dinas</b>" in c.text
               for c in _delivered(harness, SEKRETARIS))
    before = len(_delivered(harness, SEKRETARIS))

    clock.set(dt.datetime(2026, 11, 3, 7, 0, tzinfo=WIB))
    harness.api.fail_calls(500, "Internal Server Error", chat_id=SEKRETARIS.telegram_id)
    hold = harness.api.hold_before_answer("sendMessage", KEPALA.telegram_id)
    # The waiting step (Tim Penilai) and the later one (PPK), both the Kepala's.
    assert await delegation_jobs.run_tick(harness.application) == 2
    for _ in range(300):
        if hold.waiting:
            break
        await asyncio.sleep(0.01)
    assert hold.waiting, "the Kepala's notice was never attempted"
    await harness.restart()          # killed before the Kepala's notice reached Telegram
    hold.release()
    clock.advance(seconds=10)
    await harness.deliver()
    clock.advance(minutes=1)
    await harness.deliver()

    # The Plh: told once, then the file's documents and its card with buttons, once each.
    to_plh = _delivered(harness, SEKRETARIS)[before:]
    assert len(_moved_to_plh(harness)) == 1
    assert [c.method for c in to_plh] == ["sendMessage", *["sendDocument"] * 3, "sendMessage"]
    assert f"#{file_id}" in to_plh[-1].text and to_plh[-1].buttons
    # The Kepala: told once where the file went.
    told = [c for c in _delivered(harness, KEPALA)
            if f"Berkas layanan #{file_id} dialihkan kepada" in c.text]
    assert len(told) == 1 and SEKRETARIS.nama in told[0].text

    # The Plh's card works: the tap is checked against the database.
    await harness.tap(tg(SEKRETARIS), to_plh[-1].button("Teruskan"), on=to_plh[-1])
    moved = await wf.get_file(db, _env(harness), file_id)
    assert moved.history[-1].actor_nip == SEKRETARIS.nip


async def test_the_monthly_sla_report_survives_a_500(harness: Harness, db: Database,
                                                     office: Any, clock: FixedClock) -> None:
    """/pantau's PDF is an outbox row: an upload Telegram answers with a 500 is sent again,
    once."""
    await harness.send(tg(ADMIN), "/pantau")
    board = harness.api.last_to(ADMIN.telegram_id)
    harness.api.fail_calls(500, "Internal Server Error", method="sendDocument",
                           chat_id=ADMIN.telegram_id)
    await harness.tap(tg(ADMIN), board.button("November 2026"))
    assert [c.result for c in harness.api.sent("answerCallbackQuery")][-1] is True
    assert [c for c in _delivered(harness, ADMIN) if c.method == "sendDocument"] == []
    clock.advance(seconds=10)
    await harness.deliver()
    clock.advance(minutes=30)
    await harness.deliver()
    [report] = [c for c in _delivered(harness, ADMIN) if c.method == "sendDocument"]
    assert report.files["document"].startswith(b"%PDF")
    assert "November 2026" in report.text
