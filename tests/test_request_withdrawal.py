"""Withdrawing an approved request before it starts, through the real Application: the
applicant asks ("Yakin?"), the last approver confirms in one tap, the days and the cuti balance
come back, everyone concerned is told, and it is audited."""

from __future__ import annotations

from services import audit
from services.storage import Database
from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import KABID, KEPALA, STAFF_A, STAFF_B
from tests.test_requests_flow import card_for, choose_dates, start_form

EMPLOYEE = tg(STAFF_A)
ATASAN = tg(KABID)
KEPALA_TG = tg(KEPALA)


def answers(h: Harness) -> list[str]:
    return [c.params.get("text", "") for c in h.api.sent("answerCallbackQuery")]


async def _days(db: Database) -> list[str]:
    async with db.read() as conn, conn.execute(
            "SELECT day FROM absence_days WHERE nip = ? ORDER BY day", (STAFF_A.nip,)) as cursor:
        return [r[0] for r in await cursor.fetchall()]


async def test_an_approved_cuti_is_withdrawn_by_the_last_approver(harness: Harness, office,
                                                                  db: Database) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "cuti_tahunan")
    await choose_dates(h, EMPLOYEE, "20261019", "20261021")
    await h.send(EMPLOYEE, "berlibur bersama keluarga")
    await h.tap(EMPLOYEE, "rqf:send")
    first = card_for(h, ATASAN)
    await h.tap(ATASAN, first.button("Setujui"), on=first)
    final = card_for(h, KEPALA_TG)
    await h.tap(KEPALA_TG, final.button("Setujui"), on=final)
    assert await _days(db) == ["2026-10-19", "2026-10-20", "2026-10-21"]
    await h.send(EMPLOYEE, "/saldo")
    assert "Sisa: 9 hari kerja" in h.api.last_to(EMPLOYEE.id).text

    await h.send(EMPLOYEE, "/riwayat")
    history = h.api.last_to(EMPLOYEE.id)
    await h.tap(tg(STAFF_B), "req:wd:1", on=history)
    assert "bukan milik Anda" in answers(h)[-1]
    await h.tap(EMPLOYEE, history.button("Tarik #1"), on=history)
    asked = h.api.message(EMPLOYEE.id, history.message_id)
    assert "Yakin akan menarik pengajuan #1" in asked["text"] and KEPALA.nama in asked["text"]
    await h.tap(EMPLOYEE, "req:wd:1:y", on=asked)
    assert "dikirim kepada" in h.api.message(EMPLOYEE.id, history.message_id)["text"]
    # Until the approver confirms, the cuti stands; a second request is refused.
    assert await _days(db) == ["2026-10-19", "2026-10-20", "2026-10-21"]
    await h.tap(EMPLOYEE, "req:wd:1:y", on=asked)
    assert "sudah diminta" in answers(h)[-1]

    card = [c for c in h.api.sent_to(KEPALA.telegram_id) if "Permintaan penarikan" in c.text][-1]
    # Only the last approver may confirm.
    await h.tap(ATASAN, "req:wdok:1", on=card)
    assert "tidak berwenang" in answers(h)[-1]
    await h.tap(KEPALA_TG, card.button("Konfirmasi penarikan"), on=card)
    assert await _days(db) == []
    assert "telah Anda konfirmasi" in h.api.message(KEPALA.telegram_id, card.message_id)["text"]
    assert "ditarik" in h.api.last_to(EMPLOYEE.id).text
    assert "ditarik" in h.api.last_to(ATASAN.id).text
    await h.tap(KEPALA_TG, "req:wdok:1", on=card)
    assert "sudah dibatalkan" in answers(h)[-1]
    await h.send(EMPLOYEE, "/saldo")
    assert "Sisa: 12 hari kerja" in h.api.last_to(EMPLOYEE.id).text
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "request", 1)
    assert [e.action for e in entries][-2:] == ["request.withdraw_ask", "request.withdraw"]
    assert entries[-1].actor_nip == KEPALA.nip


async def test_a_request_that_has_started_cannot_be_withdrawn(harness: Harness, office,
                                                              db: Database) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "izin")
    await choose_dates(h, EMPLOYEE, "20261005", "20261005")
    await h.send(EMPLOYEE, "mengurus keperluan keluarga")
    await h.tap(EMPLOYEE, "rqf:send")
    card = card_for(h, ATASAN)
    await h.tap(ATASAN, card.button("Setujui"), on=card)
    await h.send(EMPLOYEE, "/riwayat")
    history = h.api.last_to(EMPLOYEE.id)
    assert not any("Tarik" in b["text"] for b in history.buttons)
    await h.tap(EMPLOYEE, "req:wd:1", on=history)
    assert "sudah dimulai" in answers(h)[-1]
