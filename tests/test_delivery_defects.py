"""Issue 11's delivery defects, each through the real Application with the recording Bot API
(which refuses what Telegram refuses): cards lost to 500 / 403 / 429 and to a process killed
before the send, a failed callback answer, a JPEG surat dokter sent as a file, HTML in names and
reasons, an over-long reason, removal from a group, and an atasan not registered yet."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from services import employees, outbox
from services.storage import Database
from tests.conftest import BASE_CONFIG, tg
from tests.support.botapi import ApiCall
from tests.support.harness import Harness, TgUser
from tests.support.office import KABID, STAFF_A
from tests.test_requests_flow import choose_dates, file_izin, pick, start_form

EMPLOYEE = tg(STAFF_A)
ATASAN = tg(KABID)


@pytest.fixture
def config_text() -> str:
    return BASE_CONFIG + """
[requests]
backdate_days = 3
max_attachment_mb = 1
"""


def cards_to(h: Harness, user: TgUser) -> list[ApiCall]:
    return [c for c in h.api.sent("sendMessage", user.id)
            if c.result is not None and "Pengajuan #" in c.text and c.buttons]


async def test_a_card_lost_to_a_500_is_sent_again(harness: Harness, office: Any) -> None:
    harness.api.fail_calls(500, "Internal Server Error", chat_id=ATASAN.id, method="sendMessage")
    await file_izin(harness, EMPLOYEE, "20261006", "20261006")
    assert cards_to(harness, ATASAN) == []
    harness.clock.advance(seconds=10)
    await harness.deliver()
    assert len(cards_to(harness, ATASAN)) == 1


async def test_a_card_behind_a_long_429_waits_and_goes(harness: Harness, office: Any) -> None:
    harness.api.fail_calls(429, "Too Many Requests: retry after 30", chat_id=ATASAN.id,
                           retry_after=1, times=4)
    await file_izin(harness, EMPLOYEE, "20261006", "20261006")
    harness.clock.advance(seconds=5)
    await harness.deliver()
    assert len(cards_to(harness, ATASAN)) == 1


async def test_a_card_to_an_atasan_who_blocked_the_bot(harness: Harness, office: Any,
                                                       db: Database) -> None:
    harness.api.block(ATASAN.id)
    await file_izin(harness, EMPLOYEE, "20261006", "20261006")
    async with db.read() as conn:
        atasan = await employees.by_nip(conn, KABID.nip)
        staff = await employees.by_nip(conn, STAFF_A.nip)
    assert atasan is not None and atasan.telegram_blocked
    assert staff is not None and not staff.telegram_blocked
    # Once unblocked, /persetujuan still shows the waiting request.
    harness.api.stop_failing()
    await harness.send(ATASAN, "/persetujuan")
    assert any(STAFF_A.nama in c.text for c in harness.api.sent_to(ATASAN.id))


async def test_killed_after_the_commit_before_the_card_went_out(harness: Harness,
                                                                office: Any) -> None:
    hold = harness.api.hold_before_answer("sendMessage", ATASAN.id)
    submit = asyncio.create_task(file_izin(harness, EMPLOYEE, "20261006", "20261006"))
    for _ in range(300):
        if hold.waiting:
            break
        await asyncio.sleep(0.01)
    assert hold.waiting, "the card was never attempted"
    submit.cancel()
    await harness.restart()        # the process dies; the call never reached Telegram
    hold.release()
    await harness.deliver()
    assert len(cards_to(harness, ATASAN)) == 1
    await harness.restart()
    await harness.deliver()
    assert len(cards_to(harness, ATASAN)) == 1


async def test_a_failed_callback_answer_skips_nothing(harness: Harness, office: Any) -> None:
    await file_izin(harness, EMPLOYEE, "20261006", "20261006")
    [card] = cards_to(harness, ATASAN)
    harness.api.fail_calls(502, "Bad Gateway", method="answerCallbackQuery", times=10)
    await harness.tap(ATASAN, card.button("Setujui"), on=card)
    harness.api.stop_failing()
    await harness.deliver()
    told = [c.text for c in harness.api.sent("sendMessage", EMPLOYEE.id)]
    assert any("<b>disetujui</b>" in t for t in told)
    letters = harness.api.sent("sendDocument", EMPLOYEE.id)
    assert letters and letters[-1].result is not None
    assert "reply_markup" not in harness.api.message(ATASAN.id, card.message_id)


async def test_a_jpeg_surat_dokter_sent_as_a_file_reaches_the_atasan(harness: Harness,
                                                                     office: Any) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "sakit")
    await choose_dates(h, EMPLOYEE, "20261006", "20261007")
    await h.send(EMPLOYEE, "demam tinggi")
    await h.send_document(EMPLOYEE, b"\xff\xd8\xff\xe0 surat dokter", file_name="dokter.jpg",
                          mime_type="image/jpeg")
    await h.tap(EMPLOYEE, "rqf:send")
    [attachment] = h.api.sent("sendDocument", ATASAN.id)
    assert attachment.result is not None
    assert attachment.params["document"].endswith("dokter.jpg")
    assert h.api.sent("sendPhoto", ATASAN.id) == []
    # /persetujuan sends the file too, not only "Lampiran: terlampir".
    await h.send(ATASAN, "/persetujuan")
    assert len([c for c in h.api.sent("sendDocument", ATASAN.id) if c.result]) == 2


async def test_a_photo_stays_a_photo(harness: Harness, office: Any) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "sakit")
    await choose_dates(h, EMPLOYEE, "20261006", "20261007")
    await h.send(EMPLOYEE, "demam tinggi")
    await h.send_photo(EMPLOYEE, b"\xff\xd8\xff\xe0 foto surat")
    await h.tap(EMPLOYEE, "rqf:send")
    [photo] = h.api.sent("sendPhoto", ATASAN.id)
    assert photo.result is not None


HOSTILE = 'SKP harus < 2 MB <a href="http://contoh.invalid">klik</a> & <b>'


async def test_html_in_a_reason_is_shown_as_typed(harness: Harness, office: Any) -> None:
    await file_izin(harness, EMPLOYEE, "20261006", "20261006", reason=HOSTILE)
    [card] = cards_to(harness, ATASAN)
    assert "&lt;a href" in card.text and "<a href" not in card.text
    await harness.tap(ATASAN, card.button("Tolak"), on=card)
    await harness.send(ATASAN, HOSTILE)
    refused = harness.api.last_to(EMPLOYEE.id)
    assert refused.result is not None and "&lt; 2 MB" in refused.text


async def test_an_over_long_reason_is_refused_and_can_be_retyped(harness: Harness,
                                                                 office: Any) -> None:
    await file_izin(harness, EMPLOYEE, "20261006", "20261006")
    [card] = cards_to(harness, ATASAN)
    await harness.tap(ATASAN, card.button("Kembalikan"), on=card)
    await harness.send(ATASAN, "x" * 3900)
    assert "1.000 karakter" in harness.api.last_to(ATASAN.id).text
    # Nothing was decided; the prompt still waits for a shorter reason.
    await harness.send(ATASAN, "lengkapi surat keterangan")
    returned = harness.api.last_to(EMPLOYEE.id)
    assert "<b>dikembalikan</b>" in returned.text


async def test_removing_the_bot_from_a_group_blocks_nobody(harness: Harness, office: Any,
                                                           db: Database) -> None:
    user = ATASAN
    change = {"chat": {"id": -100900, "type": "supergroup", "title": "Grup Bidang"},
              "from": user.as_dict(), "date": int(harness.clock.now().timestamp()),
              "old_chat_member": {"status": "member", "user": {"id": 7_000_000_001,
                                                               "is_bot": True,
                                                               "first_name": "Presensi"}},
              "new_chat_member": {"status": "left", "user": {"id": 7_000_000_001,
                                                             "is_bot": True,
                                                             "first_name": "Presensi"}}}
    await harness.feed({"my_chat_member": change})
    async with db.read() as conn:
        atasan = await employees.by_nip(conn, KABID.nip)
    assert atasan is not None and not atasan.telegram_blocked
    await file_izin(harness, EMPLOYEE, "20261006", "20261006")
    assert len(cards_to(harness, ATASAN)) == 1


async def test_an_unregistered_atasan_is_waited_for(harness: Harness, office: Any,
                                                    db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET telegram_user_id = NULL,"
                           " telegram_chat_id = NULL WHERE nip = ?", (KABID.nip,))
    await start_form(harness, EMPLOYEE, "izin")
    await pick(harness, EMPLOYEE, "20261006")
    await harness.send(EMPLOYEE, "urusan keluarga")
    await harness.tap(EMPLOYEE, "rqf:send")
    confirmation = harness.api.last_to(EMPLOYEE.id)
    text = harness.api.message(EMPLOYEE.id, confirmation.message_id)["text"]
    assert "menunggu atasan mendaftar" in text
    [row] = [r for r in await outbox.rows(db) if r.kind == "request.card"]
    assert row.status == "skipped"
    # The atasan registers: the greeting says what waits.
    await harness.share_contact(ATASAN, "+62 811-0000-0005")
    greeting = harness.api.last_to(ATASAN.id)
    assert "Selamat datang" in greeting.text and "1 pengajuan" in greeting.text
    assert "/persetujuan" in greeting.text


async def test_a_name_with_html_does_not_break_the_greeting(harness: Harness, office: Any,
                                                            db: Database) -> None:
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET nama = 'Dewi <Lestari> & Co' WHERE nip = ?",
                           (STAFF_A.nip,))
    await harness.send(EMPLOYEE, "/start")
    greeting = harness.api.last_to(EMPLOYEE.id)
    assert greeting.result is not None and "Dewi &lt;Lestari&gt; &amp; Co" in greeting.text


async def _layanan_to_step_three(h: Harness, clock: Any) -> TgUser:
    """STAFF_A files the Plt/Plh service; the Pelaksana and the atasan pass it on."""
    from tests.support.office import ADMIN, KASUBBAG
    applicant = EMPLOYEE
    await h.send(applicant, "/layanan")
    await h.tap(applicant, h.api.last_to(applicant.id).button("Pelaksana Tugas"))
    await h.send_document(applicant, b"%PDF usulan", file_name="usulan.pdf",
                          mime_type="application/pdf")
    await h.send_photo(applicant, b"\xff\xd8 sk definitif")
    await h.send_document(applicant, b"%PDF sk", file_name="sk.pdf", mime_type="application/pdf")
    await h.tap(applicant, h.api.last_to(applicant.id).button("Ajukan"))
    for person in (ADMIN, KABID):
        clock.advance(minutes=4)
        await h.tap(tg(person), h.api.last_to(person.telegram_id).button("Teruskan"))
    return tg(KASUBBAG)


async def test_html_and_length_in_a_layanan_return_reason(harness: Harness, office: Any,
                                                          clock: Any) -> None:
    h = harness
    kasubbag = await _layanan_to_step_three(h, clock)
    await h.tap(kasubbag, h.api.last_to(kasubbag.id).button("Kembalikan"))
    await h.send(kasubbag, "y" * 3900)
    assert "1.000 karakter" in h.api.last_to(kasubbag.id).text
    await h.send(kasubbag, HOSTILE)
    returned = h.api.last_to(EMPLOYEE.id)
    assert returned.result is not None and "Berkas dikembalikan" in returned.text
    assert "SKP harus &lt; 2 MB &lt;a href" in returned.text
    # The applicant's /layanan still works, the reason shown as typed.
    await h.send(EMPLOYEE, "/layanan")
    menu = h.api.last_to(EMPLOYEE.id)
    assert menu.result is not None and "&lt; 2 MB" in menu.text
