"""A typed reason belongs to the card that asked for it, for a limited time: through the real
Application (issue 11's defects: a stale Tolak swallowing a date typed into the atasan's own
/izin form, and a pending recap return swallowing the reason for refusing a request)."""

from __future__ import annotations

from services import recap
from services import requests as svc
from services.clock import FixedClock
from services.storage import Database
from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import ADMIN, KABID, KASUBBAG, STAFF_A
from tests.test_requests_flow import card_for, file_izin, last, pick, start_form

EMPLOYEE = tg(STAFF_A)
ATASAN = tg(KABID)


async def _status(db: Database, request_id: int) -> str:
    return (await svc.get(db, request_id)).status


async def test_a_stale_tolak_never_takes_the_date_typed_into_his_own_form(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    h = harness
    await file_izin(h, EMPLOYEE, "20261006", "20261006")
    card = card_for(h, ATASAN)
    await h.tap(ATASAN, card.button("Tolak"), on=card)
    assert "alasan <b>penolakan</b> pengajuan #1" in last(h, ATASAN).text

    # He walks away; two days and a restart later he files his own izin and types its end date.
    clock.advance(days=2)
    await h.restart()
    await start_form(h, ATASAN, "izin")
    await pick(h, ATASAN, "20261012")
    await h.tap(ATASAN, last(h, ATASAN).button("Sampai tanggal"))
    await h.send(ATASAN, "14-10-2026")
    assert "3 hari kerja" in last(h, ATASAN).text
    assert await _status(db, 1) == svc.MENUNGGU
    assert not [c for c in h.api.sent_to(EMPLOYEE.id) if "ditolak" in c.text]


async def test_an_expired_prompt_says_so_and_decides_nothing(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    h = harness
    await file_izin(h, EMPLOYEE, "20261006", "20261006")
    card = card_for(h, ATASAN)
    await h.tap(ATASAN, card.button("Tolak"), on=card)
    clock.advance(minutes=16)
    await h.send(ATASAN, "tidak ada pengganti")
    told = last(h, ATASAN).text
    assert "kedaluwarsa" in told and "pengajuan #1" in told and "15 menit" in told
    assert await _status(db, 1) == svc.MENUNGGU
    # The same text again is no longer taken for anything the prompt asked.
    await h.send(ATASAN, "tidak ada pengganti")
    assert await _status(db, 1) == svc.MENUNGGU

    # Within the time, and across a restart, the reason decides the card it was asked for.
    await h.tap(ATASAN, card.button("Tolak"), on=card)
    clock.advance(minutes=14)
    await h.restart()
    await h.send(ATASAN, "tidak ada pengganti")
    refused = await svc.get(db, 1)
    assert refused.status == svc.DITOLAK and refused.steps[0].note == "tidak ada pengganti"


async def test_another_command_drops_the_prompt(harness: Harness, db: Database,
                                                office) -> None:
    h = harness
    await file_izin(h, EMPLOYEE, "20261006", "20261006")
    card = card_for(h, ATASAN)
    await h.tap(ATASAN, card.button("Kembalikan"), on=card)
    await h.send(ATASAN, "/riwayat")
    await h.send(ATASAN, "lampiran kurang jelas")
    assert await _status(db, 1) == svc.MENUNGGU
    await h.tap(ATASAN, card.button("Kembalikan"), on=card)
    await h.send(ATASAN, "/batal")
    assert "diurungkan" in last(h, ATASAN).text
    await h.send(ATASAN, "lampiran kurang jelas")
    assert await _status(db, 1) == svc.MENUNGGU


async def test_a_pending_recap_return_does_not_swallow_a_request_refusal(
        harness: Harness, db: Database, office) -> None:
    h = harness
    kasubbag, admin = tg(KASUBBAG), tg(ADMIN)
    await file_izin(h, admin, "20261006", "20261006")
    request_card = card_for(h, kasubbag)
    await h.send(admin, "/rekap")
    draft = [c for c in h.api.sent_to(ADMIN.telegram_id) if c.method == "sendDocument"
             and c.file_names["document"].endswith(".pdf")][-1]
    await h.tap(admin, draft.button("Ajukan"), on=draft)
    recap_card = [c for c in h.api.sent_to(KASUBBAG.telegram_id)
                  if c.method == "sendDocument"][-1]

    await h.tap(kasubbag, recap_card.button("Kembalikan"), on=recap_card)
    await h.tap(kasubbag, request_card.button("Tolak"), on=request_card)
    await h.send(kasubbag, "bertepatan dengan rapat anggaran")

    refused = await svc.get(db, 1)
    assert refused.status == svc.DITOLAK
    assert refused.steps[0].note == "bertepatan dengan rapat anggaran"
    async with db.read() as conn:
        month = await recap.find(conn, 2026, 9)
    assert month is not None and month.state == "kasubbag" and month.returned_reason is None
