"""The cuti form's answers through the real Application: the atasan langsung's pertimbangan
(passed on to the pejabat berwenang, who sees it), and the pejabat's setujui / perubahan /
tangguhkan / tidak disetujui, with the applicant's one-tap Terima / Tarik on a perubahan, the
postponed days carried into next year's balance (24 cap), stale and forged taps, restarts."""

from __future__ import annotations

import datetime as dt
import io

from pypdf import PdfReader

from services import audit
from services import leave_balance as leave
from services.storage import Database
from tests.conftest import WIB, tg
from tests.support.harness import Harness
from tests.support.office import KABID, KEPALA, SEKRETARIS, STAFF_A, STAFF_B
from tests.test_requests_flow import answers, card_for, choose_dates, start_form

EMPLOYEE = tg(STAFF_A)
ATASAN = tg(KABID)
KEPALA_TG = tg(KEPALA)


async def file_cuti(h: Harness, start: str, end: str, type_key: str = "cuti_tahunan") -> None:
    await start_form(h, EMPLOYEE, type_key)
    await choose_dates(h, EMPLOYEE, start, end)
    await h.send(EMPLOYEE, "berlibur bersama keluarga")
    await h.tap(EMPLOYEE, "rqf:send")


async def to_pejabat(h: Harness) -> None:
    first = card_for(h, ATASAN)
    await h.tap(ATASAN, first.button("Setujui"), on=first)


async def _days(db: Database, nip: str = STAFF_A.nip) -> list[str]:
    async with db.read() as conn, conn.execute(
            "SELECT day FROM absence_days WHERE nip = ? ORDER BY day", (nip,)) as cursor:
        return [r[0] for r in await cursor.fetchall()]


async def _actions(db: Database, request_id: int = 1) -> list[str]:
    async with db.read() as conn:
        return [e.action for e in await audit.entries_for(conn, "request", request_id)]


def _buttons(call) -> list[str]:  # type: ignore[no-untyped-def]
    return [b["text"] for b in call.buttons]


async def test_the_atasans_pertimbangan_goes_on_to_the_pejabat(harness: Harness, office,
                                                               db: Database) -> None:
    h = harness
    await file_cuti(h, "20261019", "20261021")
    first = card_for(h, ATASAN)
    assert "pertimbangan" in first.text
    assert _buttons(first) == ["✅ Setujui", "📝 Perubahan", "⏸ Tangguhkan",
                               "⛔ Tidak disetujui", "↩️ Kembalikan"]
    await h.tap(ATASAN, first.button("Perubahan"), on=first)
    assert "pertimbangan <b>perubahan</b>" in h.api.last_to(ATASAN.id).text
    await h.send(ATASAN, "Sebaiknya minggu berikutnya, tim sedang audit")
    assert "Pertimbangan: perubahan" in h.api.last_to(ATASAN.id).text
    notice = h.api.last_to(EMPLOYEE.id).text
    assert "pertimbangan <b>perubahan</b>" in notice and "diteruskan kepada" in notice
    assert "tim sedang audit" in notice

    second = card_for(h, KEPALA_TG)
    assert "Atasan Langsung: Pertimbangan: perubahan oleh Hendra Gunawan" in second.text
    assert "tim sedang audit" in second.text
    assert _buttons(second) == ["✅ Setujui", "📝 Perubahan", "⏸ Tangguhkan",
                                "⛔ Tidak disetujui", "↩️ Kembalikan"]
    # /persetujuan shows the same card, pertimbangan included.
    await h.send(KEPALA_TG, "/persetujuan")
    listed = h.api.last_to(KEPALA_TG.id)
    assert "Pertimbangan: perubahan" in listed.text and listed.buttons
    # The atasan's old buttons are stale.
    await h.tap(ATASAN, first.button("Setujui"), on=first)
    assert "sudah tidak berlaku" in answers(h)[-1]

    await h.tap(KEPALA_TG, second.button("Setujui"), on=second)
    assert await _days(db) == ["2026-10-19", "2026-10-20", "2026-10-21"]
    letter = [c for c in h.api.sent("sendDocument") if c.chat_id == EMPLOYEE.id][-1]
    text = PdfReader(io.BytesIO(letter.files["document"])).pages[0].extract_text()
    assert "PERTIMBANGAN ATASAN LANGSUNG" in text and "KEPUTUSAN PEJABAT" in text
    assert "tim sedang audit" in text
    await h.send(EMPLOYEE, "/riwayat")
    history = h.api.last_to(EMPLOYEE.id).text
    assert "Pertimbangan: perubahan oleh" in history and "disetujui" in history
    assert await _actions(db) == ["request.submit", "request.pertimbangan_perubahan",
                                  "request.setujui"]


async def test_a_pertimbangan_other_than_setujui_needs_a_reason(harness: Harness, office,
                                                                db: Database) -> None:
    h = harness
    await file_cuti(h, "20261019", "20261021")
    first = card_for(h, ATASAN)
    # A forged tap straight to the decision without a reason changes nothing.
    await h.tap(ATASAN, "req:pno:1:0:1", on=first)
    await h.send(ATASAN, "/batal")
    assert "diurungkan" in h.api.last_to(ATASAN.id).text
    assert await _actions(db) == ["request.submit"]
    # Someone else's tap is refused before anything is asked.
    await h.tap(tg(STAFF_B), "req:pch:1:0:1", on=first)
    assert "tidak berwenang" in answers(h)[-1]


async def test_perubahan_accepted_in_one_tap_across_a_restart(harness: Harness, office,
                                                              db: Database) -> None:
    h = harness
    await file_cuti(h, "20261019", "20261021")
    await to_pejabat(h)
    card = card_for(h, KEPALA_TG)
    await h.tap(KEPALA_TG, card.button("Perubahan"), on=card)
    ask = h.api.last_to(KEPALA_TG.id)
    assert "tanggal mulai" in ask.text and "19 Oktober 2026" in ask.text
    await h.tap(KEPALA_TG, "req:chd:1:1:1:20261026", on=ask)
    ask_end = h.api.last_to(KEPALA_TG.id)
    assert "tanggal selesai" in ask_end.text
    # A restart between the steps loses nothing: the typed last day still belongs here.
    await h.restart()
    await h.send(KEPALA_TG, "28-10-2026")
    reason = h.api.last_to(KEPALA_TG.id).text
    assert "3 hari kerja" in reason and "sisa cuti tahunan 2026 pemohon: 12" in reason
    await h.send(KEPALA_TG, "Minggu itu ada rapat koordinasi provinsi")
    assert "Perubahan diusulkan" in h.api.last_to(KEPALA_TG.id).text
    edited = h.api.message(KEPALA_TG.id, card.message_id)
    assert "reply_markup" not in edited and "Perubahan diusulkan" in edited["text"]

    offer = h.api.last_to(EMPLOYEE.id)
    assert "Perubahan atas pengajuan #1" in offer.text and "rapat koordinasi" in offer.text
    assert "Senin, 26 Oktober 2026 s.d. Rabu, 28 Oktober 2026" in offer.text
    assert _buttons(offer) == ["✅ Terima", "↩️ Tarik"]
    # The proposed days are held: no other request over them, and the balance counts them.
    await h.send(EMPLOYEE, "/saldo")
    assert "Sedang diajukan: 3 hari kerja" in h.api.last_to(EMPLOYEE.id).text
    await h.send(EMPLOYEE, "/riwayat")
    history = h.api.last_to(EMPLOYEE.id)
    assert "menunggu jawaban pemohon" in history.text and "diajukan semula" in history.text
    assert "Terima #1" in _buttons(history)[0]

    await h.restart()
    await h.tap(tg(STAFF_B), "req:chy:1", on=offer)
    assert "bukan milik Anda" in answers(h)[-1]
    # The pejabat's old Setujui does nothing now.
    await h.tap(KEPALA_TG, card.button("Setujui"), on=card)
    assert "menunggu jawaban pemohon" in answers(h)[-1]
    await h.tap(EMPLOYEE, offer.button("Terima"), on=offer)
    assert "disetujui" in answers(h)[-1]
    assert await _days(db) == ["2026-10-26", "2026-10-27", "2026-10-28"]
    closed = h.api.message(EMPLOYEE.id, offer.message_id)
    assert "reply_markup" not in closed and "Perubahan diterima" in closed["text"]
    told = h.api.last_to(KEPALA_TG.id)
    assert "menerima</b> perubahan" in "".join(
        c.text for c in h.api.sent_to(KEPALA_TG.id)[-3:]), told.text
    letter = [c for c in h.api.sent("sendDocument") if c.chat_id == EMPLOYEE.id][-1]
    text = PdfReader(io.BytesIO(letter.files["document"])).pages[0].extract_text()
    assert "26 Oktober 2026" in text and "PERUBAHAN" in text
    await h.tap(EMPLOYEE, offer.button("Terima"), on=offer)
    assert "sudah disetujui" in answers(h)[-1]
    await h.send(EMPLOYEE, "/saldo")
    assert "Sisa: 9 hari kerja" in h.api.last_to(EMPLOYEE.id).text
    actions = await _actions(db)
    assert actions[-2:] == ["request.perubahan", "request.change_accept"]


async def test_perubahan_withdrawn_frees_the_days(harness: Harness, office,
                                                  db: Database) -> None:
    h = harness
    await file_cuti(h, "20261019", "20261021")
    await to_pejabat(h)
    card = card_for(h, KEPALA_TG)
    await h.tap(KEPALA_TG, card.button("Perubahan"), on=card)
    # Dates the form would refuse are refused here too: past the applicant's balance.
    await h.send(KEPALA_TG, "02-11-2026")
    await h.send(KEPALA_TG, "30-11-2026")
    refused = h.api.last_to(KEPALA_TG.id).text
    assert "tidak dapat dipakai" in refused and "tanggal mulai" in refused
    # The same dates as filed are not a change.
    await h.send(KEPALA_TG, "19-10-2026")
    await h.send(KEPALA_TG, "21-10-2026")
    assert "sama dengan yang diajukan" in h.api.last_to(KEPALA_TG.id).text
    await h.send(KEPALA_TG, "02-11-2026")
    await h.send(KEPALA_TG, "03-11-2026")
    await h.send(KEPALA_TG, "Bergeser karena kegiatan kantor")
    offer = h.api.last_to(EMPLOYEE.id)
    await h.send(EMPLOYEE, "/riwayat")
    history = h.api.last_to(EMPLOYEE.id)
    await h.tap(EMPLOYEE, history.button("Tarik #1"), on=history)
    assert "ditarik" in answers(h)[-1]
    redrawn = h.api.message(EMPLOYEE.id, history.message_id)
    assert "Status: <b>dibatalkan</b>" in redrawn["text"] and "reply_markup" not in redrawn
    assert await _days(db) == []
    assert "menarik</b> pengajuan #1" in h.api.last_to(KEPALA_TG.id).text
    assert "menarik</b> pengajuan #1" in h.api.last_to(ATASAN.id).text
    assert "Pengajuan ditarik" in h.api.message(EMPLOYEE.id, offer.message_id)["text"]
    await h.send(EMPLOYEE, "/riwayat")
    history = h.api.last_to(EMPLOYEE.id).text
    assert "19 Oktober 2026" in history and "dibatalkan" in history
    assert "ditarik pemohon" in history
    await h.send(EMPLOYEE, "/saldo")
    assert "Sisa: 12 hari kerja" in h.api.last_to(EMPLOYEE.id).text
    await h.tap(EMPLOYEE, "req:chy:1", on=offer)
    assert "sudah dibatalkan" in answers(h)[-1]
    assert (await _actions(db))[-1] == "request.change_withdraw"


async def test_tidak_disetujui_names_the_unmet_condition(harness: Harness, office,
                                                         db: Database) -> None:
    h = harness
    await file_cuti(h, "20261019", "20261021")
    await to_pejabat(h)
    card = card_for(h, KEPALA_TG)
    await h.tap(KEPALA_TG, card.button("Tidak disetujui"), on=card)
    asked = h.api.last_to(KEPALA_TG.id).text
    assert "syarat yang tidak dipenuhi" in asked and "Tangguhkan" in asked
    await h.send(KEPALA_TG, "Alasan tidak sesuai dengan ketentuan cuti tahunan")
    assert "tidak disetujui" in h.api.last_to(EMPLOYEE.id).text
    notice = [c for c in h.api.sent("sendDocument") if c.chat_id == EMPLOYEE.id][-1]
    assert "tidak disetujui" in notice.text
    text = PdfReader(io.BytesIO(notice.files["document"])).pages[0].extract_text()
    assert "TIDAK DISETUJUI" in text and "tidak sesuai dengan ketentuan" in text
    assert {c.chat_id for c in h.api.sent("sendDocument")} == {EMPLOYEE.id, ATASAN.id,
                                                                KEPALA_TG.id}
    await h.send(EMPLOYEE, "/riwayat")
    assert "Status: <b>tidak disetujui</b>" in h.api.last_to(EMPLOYEE.id).text
    assert await _days(db) == []
    assert (await _actions(db))[-1] == "request.tidak_disetujui"


async def _opening(db: Database, nip: str, year: int, carried_n1: int) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO leave_openings (nip, year, carried_n2, carried_n1, used_before, "
            "source, updated_at) VALUES (?, ?, 0, ?, 0, 'kartu.csv', '2026-01-01')",
            (nip, year, carried_n1))


async def test_tangguhkan_carries_into_next_year_up_to_24(harness: Harness, office, clock,
                                                          db: Database) -> None:
    h = harness
    await _opening(db, STAFF_A.nip, 2026, 6)          # 18 days in 2026
    await file_cuti(h, "20261102", "20261113")         # 10 working days
    await to_pejabat(h)
    card = card_for(h, KEPALA_TG)
    await h.tap(KEPALA_TG, card.button("Tangguhkan"), on=card)
    ask = h.api.last_to(KEPALA_TG.id)
    assert "dapat diambil" in ask.text
    # A month arrow keeps the question open: the typed answer still belongs to it.
    month = [b for b in ask.buttons if b["callback_data"].startswith("req:pom:")][-1]
    await h.tap(KEPALA_TG, month, on=ask)
    await h.send(KEPALA_TG, "11-01-2028")
    assert "paling lambat" in h.api.last_to(KEPALA_TG.id).text
    await h.restart()
    await h.send(KEPALA_TG, "11-01-2027")
    reason = h.api.last_to(KEPALA_TG.id).text
    assert "Senin, 11 Januari 2027" in reason and "tahun 2027" in reason
    await h.send(KEPALA_TG, "Kebutuhan dinas: penyusunan anggaran akhir tahun")
    notice = [c for c in h.api.sent_to(EMPLOYEE.id) if c.method == "sendMessage"][-1].text
    assert "<b>ditangguhkan</b>" in notice and "11 Januari 2027" in notice
    assert "hak tahun 2027" in notice
    letter = [c for c in h.api.sent("sendDocument") if c.chat_id == EMPLOYEE.id][-1]
    text = PdfReader(io.BytesIO(letter.files["document"])).pages[0].extract_text()
    assert "PEMBERITAHUAN PENANGGUHAN CUTI TAHUNAN" in text and "11 Januari 2027" in text
    assert "penyusunan anggaran" in text
    assert await _days(db) == []
    await h.send(EMPLOYEE, "/riwayat")
    assert "Status: <b>ditangguhkan</b>" in h.api.last_to(EMPLOYEE.id).text
    await h.send(EMPLOYEE, "/saldo")
    assert "Sisa: 18 hari kerja" in h.api.last_to(EMPLOYEE.id).text

    # 2027: 12 + 18 unused would carry 6 (to 18); the 10 postponed carry first, and the
    # year holds at most 24.
    clock.set(dt.datetime(2027, 1, 4, 8, 0, tzinfo=WIB))
    await h.send(EMPLOYEE, "/saldo")
    balance = h.api.last_to(EMPLOYEE.id).text
    assert "Sisa: 24 hari kerja" in balance
    assert "Cuti tahunan 2026 yang ditangguhkan, dibawa ke tahun ini: 10 hari kerja" in balance
    assert "Sisa tahun lalu yang dibawa: 2 hari kerja" in balance
    assert (await _actions(db))[-1] == "request.tangguhkan"


def test_postponed_days_share_the_24_cap_with_the_other_carry_over() -> None:
    # 2026: 12 days, 5 postponed into 2027, nothing taken: 5 + 6 (to 18) carried = 23.
    assert leave.available_days(2027, {}, 2026, postponed={2026: 5}) == 23
    assert leave.postponed_carried(2027, {}, 2026, postponed={2026: 5}) == 5
    # Without postponement the 18 cap holds.
    assert leave.available_days(2027, {}, 2026) == 18
    # 12 postponed reach the cap alone; nothing else carries.
    assert leave.available_days(2027, {}, 2026, postponed={2026: 12}) == 24
    # Postponed days that were taken after all carry nothing beyond what is left.
    assert leave.available_days(2027, {2026: 10}, 2026, postponed={2026: 5}) == 14
    # A PPPK without carry-over still keeps the postponed days.
    none = leave.CarryRules(to_18=False, to_24=False)
    assert leave.available_days(2027, {}, 2026, carry=none, postponed={2026: 4}) == 16


async def test_cuti_besar_for_a_fourth_child_cannot_be_postponed(harness: Harness, office,
                                                                 db: Database) -> None:
    h = harness
    user = tg(SEKRETARIS)      # her atasan is the Kepala: one step, the pejabat's
    await h.send(user, "/izin")
    await h.tap(user, "rqf:t:cuti_besar")
    await h.tap(user, "rqf:g:anak4")
    await choose_dates(h, user, "20261102", "20261106")
    await h.send(user, "persalinan anak keempat")
    assert "Periksa kembali" in h.api.last_to(user.id).text
    await h.tap(user, "rqf:send")
    card = card_for(h, KEPALA_TG)
    assert "⏸ Tangguhkan" not in _buttons(card) and "📝 Perubahan" in _buttons(card)
    await h.tap(KEPALA_TG, "req:pst:1:0:1", on=card)
    assert "tidak dapat ditangguhkan" in answers(h)[-1]


async def test_izin_keeps_its_three_buttons_and_refuses_cuti_answers(harness: Harness, office,
                                                                     db: Database) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "izin")
    await choose_dates(h, EMPLOYEE, "20261006", "20261006")
    await h.send(EMPLOYEE, "mengurus keperluan keluarga")
    await h.tap(EMPLOYEE, "rqf:send")
    card = card_for(h, ATASAN)
    assert _buttons(card) == ["✅ Setujui", "⛔ Tolak", "↩️ Kembalikan"]
    for forged in ("req:chg:1:0:1", "req:pst:1:0:1", "req:pok:1:0:1", "req:tds:1:0:1"):
        await h.tap(ATASAN, forged, on=card)
        assert "tidak tersedia" in answers(h)[-1], forged
    await h.tap(ATASAN, "req:chd:1:0:1:20261007", on=card)
    assert "tidak tersedia" in answers(h)[-1]
    await h.tap(EMPLOYEE, "req:chy:1", on=card)
    assert "tidak ada yang diubah" in answers(h)[-1]
    assert await _actions(db) == ["request.submit"]


async def test_a_late_reason_decides_nothing(harness: Harness, office, clock,
                                             db: Database) -> None:
    h = harness
    await file_cuti(h, "20261019", "20261021")
    await to_pejabat(h)
    card = card_for(h, KEPALA_TG)
    await h.tap(KEPALA_TG, card.button("Tangguhkan"), on=card)
    await h.send(KEPALA_TG, "02-11-2026")
    assert "alasan penangguhan" in h.api.last_to(KEPALA_TG.id).text
    clock.advance(minutes=16)
    await h.send(KEPALA_TG, "Kebutuhan dinas mendesak")
    assert "kedaluwarsa" in h.api.last_to(KEPALA_TG.id).text
    assert (await _actions(db))[-1] == "request.pertimbangan_setuju"
    # The card still decides: the pejabat starts again from its button.
    await h.tap(KEPALA_TG, card.button("Setujui"), on=card)
    assert await _days(db) == ["2026-10-19", "2026-10-20", "2026-10-21"]


async def test_cltn_is_proposed_as_filed(harness: Harness, office, db: Database) -> None:
    """CLTN is granted by the PPK: the Kepala proposes it (or does not), with no other dates
    and no postponement."""
    h = harness
    await file_cuti(h, "20261102", "20261130", "cuti_cltn")
    await to_pejabat(h)
    card = card_for(h, KEPALA_TG)
    assert _buttons(card) == ["✅ Setujui", "⛔ Tidak disetujui", "↩️ Kembalikan"]
    await h.tap(KEPALA_TG, "req:chg:1:1:1", on=card)
    assert "diputuskan oleh PPK" in answers(h)[-1]
    await h.tap(KEPALA_TG, "req:pst:1:1:1", on=card)
    assert "tidak dapat ditangguhkan" in answers(h)[-1]
    assert await _actions(db) == ["request.submit", "request.pertimbangan_setuju"]
