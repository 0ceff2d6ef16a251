"""Requests through the real Application with the recording Bot API: filing, approval chains,
returns, refusals, stale and forged taps, and a restart in the middle of the form."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from services import audit
from services.storage import Database
from tests.conftest import BASE_CONFIG, tg
from tests.support.botapi import ApiCall
from tests.support.harness import Harness, TgUser
from tests.support.office import KABID, KEPALA, SEKRETARIS, STAFF_A, STAFF_B

EMPLOYEE = tg(STAFF_A)
ATASAN = tg(KABID)
KEPALA_TG = tg(KEPALA)


@pytest.fixture
def config_text() -> str:
    return BASE_CONFIG + """
[requests]
backdate_days = 3
max_attachment_mb = 1
"""


def last(h: Harness, user: TgUser) -> ApiCall:
    return h.api.last_to(user.id)


def answers(h: Harness) -> list[str]:
    return [c.params.get("text", "") for c in h.api.sent("answerCallbackQuery")]


async def start_form(h: Harness, user: TgUser, type_key: str) -> None:
    await h.send(user, "/izin")
    await h.tap(user, f"rqf:t:{type_key}")


async def pick(h: Harness, user: TgUser, day: str) -> None:
    """Tap a day on the calendar (the message the form last sent or edited)."""
    calendars = [m for (chat, _), m in sorted(h.api.messages.items())
                 if chat == user.id and any(
                     b.get("callback_data", "").startswith("rqf:d:")
                     for row in m.get("reply_markup", {}).get("inline_keyboard", [])
                     for b in row)]
    await h.tap(user, f"rqf:d:{day}", on=calendars[-1])


async def choose_dates(h: Harness, user: TgUser, start: str, end: str) -> None:
    """A request is one day unless "Sampai tanggal …" asks for the last day."""
    await pick(h, user, start)
    if end != start:
        await h.tap(user, "rqf:until")
        await pick(h, user, end)


async def file_izin(h: Harness, user: TgUser, start: str, end: str,
                    reason: str = "menghadiri pernikahan saudara") -> None:
    await start_form(h, user, "izin")
    await choose_dates(h, user, start, end)
    await h.send(user, reason)
    await h.tap(user, "rqf:send")


def card_for(h: Harness, approver: TgUser) -> ApiCall:
    cards = [c for c in h.api.sent_to(approver.id) if "Pengajuan #" in c.text and c.buttons]
    assert cards, f"no card was sent to {approver.id}"
    return cards[-1]


async def test_full_izin_flow_employee_atasan_employee(harness: Harness, office,
                                                       db: Database) -> None:
    h = harness
    await h.send(EMPLOYEE, "/izin")
    assert "pilih jenis pengajuan" in last(h, EMPLOYEE).text
    await h.tap(EMPLOYEE, "rqf:t:izin")
    # The calendar is shown on the same message; month navigation redraws it.
    form = last(h, EMPLOYEE)
    await h.tap(EMPLOYEE, "rqf:m:202611", on=form)
    shown = h.api.message(EMPLOYEE.id, form.message_id)
    assert any("November 2026" in b["text"] for row in shown["reply_markup"]["inline_keyboard"]
               for b in row)
    await h.tap(EMPLOYEE, "rqf:m:202610", on=form)
    await pick(h, EMPLOYEE, "20261006")
    # One day unless the employee asks for more; typing the last day works too:
    # Tue 6 – Mon 12 Oct 2026 = 5 working days.
    assert "1 hari kerja" in last(h, EMPLOYEE).text
    await h.tap(EMPLOYEE, last(h, EMPLOYEE).button("Sampai tanggal"))
    await h.send(EMPLOYEE, "12-10-2026")
    assert "5 hari kerja" in last(h, EMPLOYEE).text
    assert "Tuliskan <b>alasan</b>" in last(h, EMPLOYEE).text
    await h.send(EMPLOYEE, "mengurus keperluan keluarga di luar kota")
    # The optional attachment is offered on the summary, not asked for.
    summary = last(h, EMPLOYEE)
    assert "Periksa kembali" in summary.text and KABID.nama in summary.text
    assert summary.button("Lampirkan")
    await h.tap(EMPLOYEE, "rqf:send")
    confirmation = h.api.message(EMPLOYEE.id, summary.message_id)
    assert "telah dikirim" in confirmation["text"] and "reply_markup" not in confirmation

    card = card_for(h, ATASAN)
    assert STAFF_A.nama in card.text and "5 hari kerja" in card.text
    assert [b["text"] for b in card.buttons] == ["✅ Setujui", "⛔ Tolak", "↩️ Kembalikan"]
    await h.tap(ATASAN, card.button("Setujui"), on=card)
    edited = h.api.message(ATASAN.id, card.message_id)
    assert "reply_markup" not in edited and "Disetujui</b> oleh" in edited["text"]
    assert "pukul 08.00" in edited["text"]

    notice = [c for c in h.api.sent_to(EMPLOYEE.id) if "disetujui" in c.text][-1]
    assert "800/1/DISKOMINFO/2026" in notice.text
    letters = h.api.sent("sendDocument")
    assert {c.chat_id for c in letters} == {EMPLOYEE.id, ATASAN.id}
    pdf = PdfReader(io.BytesIO(letters[0].files["document"]))
    text = pdf.pages[0].extract_text()
    assert "SURAT IZIN" in text and "800/1/DISKOMINFO/2026" in text and STAFF_A.nip in text

    async with db.read() as conn:
        async with conn.execute("SELECT day, code FROM absence_days WHERE nip = ? ORDER BY day",
                                (STAFF_A.nip,)) as cursor:
            days = [tuple(r) for r in await cursor.fetchall()]
        entries = await audit.entries_for(conn, "request", 1)
    assert days == [("2026-10-06", "I"), ("2026-10-07", "I"), ("2026-10-08", "I"),
                    ("2026-10-09", "I"), ("2026-10-12", "I")]
    assert [e.action for e in entries] == ["request.submit", "request.setujui"]
    assert entries[1].actor_nip == KABID.nip and entries[1].telegram_user_id == ATASAN.id

    await h.send(EMPLOYEE, "/riwayat")
    history = last(h, EMPLOYEE)
    assert "disetujui" in history.text and "800/1/DISKOMINFO/2026" in history.text
    # Approved and not started yet: it can only be withdrawn, no longer cancelled.
    assert [b["text"] for b in history.buttons] == ["↩️ Tarik #1"]


async def test_two_level_cuti_chain(harness: Harness, office, db: Database) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "cuti_tahunan")
    await choose_dates(h, EMPLOYEE, "20261019", "20261021")
    assert "Sisa cuti tahunan 2026: 12 hari kerja" in last(h, EMPLOYEE).text
    await h.send(EMPLOYEE, "berlibur bersama keluarga")
    await h.tap(EMPLOYEE, "rqf:send")

    first = card_for(h, ATASAN)
    assert "Atasan Langsung (1 dari 2)" in first.text
    assert not [c for c in h.api.sent_to(KEPALA_TG.id) if "Pengajuan #" in c.text]
    await h.tap(ATASAN, first.button("Setujui"), on=first)
    assert "diteruskan kepada" in last(h, EMPLOYEE).text

    second = card_for(h, KEPALA_TG)
    assert "(2 dari 2)" in second.text
    assert "Atasan Langsung: Pertimbangan: disetujui oleh" in second.text
    # The atasan's old button is stale now.
    await h.tap(ATASAN, first.button("Setujui"), on=first)
    assert "sudah tidak berlaku" in answers(h)[-1]
    await h.tap(KEPALA_TG, second.button("Setujui"), on=second)

    assert "851/1/DISKOMINFO/2026" in [c for c in h.api.sent_to(EMPLOYEE.id)
                                       if "disetujui" in c.text][-1].text
    letters = h.api.sent("sendDocument")
    assert {c.chat_id for c in letters} == {EMPLOYEE.id, ATASAN.id, KEPALA_TG.id}
    text = PdfReader(io.BytesIO(letters[0].files["document"])).pages[0].extract_text()
    assert "SURAT IZIN CUTI TAHUNAN" in text and KEPALA.nama in text

    await h.send(EMPLOYEE, "/saldo")
    balance = last(h, EMPLOYEE).text
    assert "Sudah diambil: 3 hari kerja" in balance and "Sisa: 9 hari kerja" in balance


async def test_return_for_correction_and_resubmit(harness: Harness, office, db: Database) -> None:
    h = harness
    await file_izin(h, EMPLOYEE, "20261006", "20261006")
    card = card_for(h, ATASAN)
    await h.tap(ATASAN, card.button("Kembalikan"), on=card)
    assert "perlu <b>diperbaiki</b>" in last(h, ATASAN).text
    await h.send(ATASAN, "Mohon lengkapi alasan secara rinci")
    assert "Keputusan atas pengajuan #1 tercatat: Dikembalikan" in last(h, ATASAN).text
    edited = h.api.message(ATASAN.id, card.message_id)
    assert "Dikembalikan</b>" in edited["text"] and "reply_markup" not in edited

    notice = last(h, EMPLOYEE)
    assert "dikembalikan" in notice.text and "Mohon lengkapi alasan" in notice.text
    await h.tap(EMPLOYEE, notice.button("Perbaiki"), on=notice)
    # Perbaiki opens the summary with the previous values; each field changes on its own.
    summary = last(h, EMPLOYEE)
    assert "Perbaikan pengajuan #1" in h.api.sent_to(EMPLOYEE.id)[-2].text
    assert "Periksa kembali" in summary.text and "menghadiri pernikahan saudara" in summary.text
    assert "Selasa, 6 Oktober 2026" in summary.text
    await h.tap(EMPLOYEE, summary.button("Ubah alasan"), on=summary)
    await h.send(EMPLOYEE, "menghadiri wisuda anak di Bandung")
    summary = last(h, EMPLOYEE)
    assert "wisuda" in summary.text and "Selasa, 6 Oktober 2026" in summary.text
    await h.tap(EMPLOYEE, summary.button("Ubah tanggal"), on=summary)
    await pick(h, EMPLOYEE, "20261007")
    await pick(h, EMPLOYEE, "20261007")
    summary = last(h, EMPLOYEE)
    assert "wisuda" in summary.text and "Rabu, 7 Oktober 2026" in summary.text
    await h.tap(EMPLOYEE, "rqf:send")
    assert "Perbaikan pengajuan #1" in h.api.message(
        EMPLOYEE.id, last(h, EMPLOYEE).message_id)["text"]

    # The old card's buttons belong to the first round: refused. The new card works.
    await h.tap(ATASAN, "req:ok:1:0:1", on=card)
    assert "sudah tidak berlaku" in answers(h)[-1]
    new_card = card_for(h, ATASAN)
    assert new_card.message_id != card.message_id and "wisuda" in new_card.text
    await h.tap(ATASAN, new_card.button("Setujui"), on=new_card)
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "request", 1)
        async with conn.execute("SELECT day FROM absence_days") as cursor:
            days = [r[0] for r in await cursor.fetchall()]
    assert [e.action for e in entries] == ["request.submit", "request.kembalikan",
                                           "request.resubmit", "request.setujui"]
    assert days == ["2026-10-07"]


async def test_refusal_with_reason(harness: Harness, office) -> None:
    h = harness
    await file_izin(h, EMPLOYEE, "20261006", "20261006")
    card = card_for(h, ATASAN)
    await h.tap(ATASAN, card.button("Tolak"), on=card)
    await h.send(ATASAN, "Ada rapat koordinasi yang wajib dihadiri")
    assert "ditolak" in last(h, EMPLOYEE).text and "rapat koordinasi" in last(h, EMPLOYEE).text


async def test_validation_refusals(harness: Harness, office) -> None:
    h = harness
    # End before start.
    await start_form(h, EMPLOYEE, "izin")
    await pick(h, EMPLOYEE, "20261008")
    await h.tap(EMPLOYEE, "rqf:until")
    await h.send(EMPLOYEE, "07-10-2026")
    assert "tidak boleh sebelum" in last(h, EMPLOYEE).text
    # Back-dated beyond the limit (typed: the calendar does not offer those days).
    await h.send(EMPLOYEE, "01-10-2026")
    assert "lebih dari 3 hari" in last(h, EMPLOYEE).text
    # Unreadable date.
    await h.send(EMPLOYEE, "besok")
    assert "format DD-MM-YYYY" in last(h, EMPLOYEE).text
    # Only a weekend.
    await h.send(EMPLOYEE, "10-10-2026")
    assert "tidak memuat hari kerja" in last(h, EMPLOYEE).text
    await h.send(EMPLOYEE, "/batal")
    assert "dibatalkan" in last(h, EMPLOYEE).text

    # Overlap with a pending request.
    await file_izin(h, EMPLOYEE, "20261006", "20261007")
    await start_form(h, EMPLOYEE, "sakit")
    await pick(h, EMPLOYEE, "20261007")
    assert "bertabrakan dengan pengajuan #1" in last(h, EMPLOYEE).text

    # Sakit over one day needs a doctor's letter; wrong type and too large are refused.
    await choose_dates(h, EMPLOYEE, "20261013", "20261014")
    await h.send(EMPLOYEE, "demam tinggi dan flu")
    assert "surat keterangan dokter" in last(h, EMPLOYEE).text
    await h.tap(EMPLOYEE, "rqf:skip", on=last(h, EMPLOYEE))
    assert "wajib dilampiri" in answers(h)[-1]
    await h.send(EMPLOYEE, "tidak ada")
    assert "foto atau berkas PDF" in last(h, EMPLOYEE).text
    await h.send_document(EMPLOYEE, b"PK\x03\x04", file_name="surat.zip",
                          mime_type="application/zip")
    assert "harus berupa foto atau berkas PDF" in last(h, EMPLOYEE).text
    await h.send_document(EMPLOYEE, b"%PDF" + b"0" * (1024 * 1024), file_name="besar.pdf",
                          mime_type="application/pdf")
    assert "melebihi batas 1 MB" in last(h, EMPLOYEE).text
    await h.send_document(EMPLOYEE, b"%PDF-1.4 surat dokter", file_name="dokter.pdf",
                          mime_type="application/pdf")
    assert "dokter.pdf" in last(h, EMPLOYEE).text
    await h.tap(EMPLOYEE, "rqf:send")
    # The approver receives the doctor's letter with the card.
    documents = h.api.sent("sendDocument", chat_id=ATASAN.id)
    assert documents and documents[-1].params["document"].endswith("dokter.pdf")
    await h.send(EMPLOYEE, "/batal")

    # Cuti tahunan beyond the balance (12 days): 2 – 19 Nov is 14 working days.
    await start_form(h, EMPLOYEE, "cuti_tahunan")
    await pick(h, EMPLOYEE, "20261102")
    await h.tap(EMPLOYEE, "rqf:until")
    await h.send(EMPLOYEE, "19-11-2026")
    assert "Sisa cuti tahunan Anda 12 hari kerja" in last(h, EMPLOYEE).text


async def test_cuti_needs_one_year_of_service(harness: Harness, office, db: Database) -> None:
    # A CPNS appointed in March 2026 (TMT in the NIP) has no cuti tahunan before March 2027.
    nip = "199801012026031009"
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO employees (nip, nama, atasan_nip, peran, telegram_user_id, "
            "telegram_chat_id, created_at, updated_at) VALUES (?, 'Pegawai Baru', ?, 'pegawai', "
            "5099, 5099, '2026-03-01', '2026-03-01')", (nip, KABID.nip))
    newcomer = TgUser(5099, "Baru")
    await start_form(harness, newcomer, "cuti_tahunan")
    await pick(harness, newcomer, "20261012")
    assert "masa kerja 1 tahun" in last(harness, newcomer).text
    assert "01-03-2027" in last(harness, newcomer).text
    await harness.send(newcomer, "/saldo")
    assert "mulai 1 Maret 2027" in last(harness, newcomer).text


async def test_stranger_tap_double_tap_and_forged_data(harness: Harness, office,
                                                      db: Database) -> None:
    h = harness
    await file_izin(h, EMPLOYEE, "20261006", "20261006")
    card = card_for(h, ATASAN)
    data = card.button("Setujui")["callback_data"]
    # Another registered employee presses the atasan's button (e.g. a forwarded card).
    await h.tap(tg(STAFF_B), data, on=h.api.message(ATASAN.id, card.message_id))
    assert "tidak berwenang" in answers(h)[-1]
    # The applicant cannot approve their own request either.
    await h.tap(EMPLOYEE, data, on=h.api.message(ATASAN.id, card.message_id))
    assert "tidak berwenang" in answers(h)[-1]
    # Forged data: a round that never existed, garbage after the prefix.
    await h.tap(ATASAN, "req:ok:1:0:9", on=card)
    assert "sudah tidak berlaku" in answers(h)[-1]
    await h.tap(ATASAN, "req:ok:1:x", on=card)
    assert "tidak dikenali" in answers(h)[-1]
    await h.tap(ATASAN, "req:new:bolos:20261006", on=card)
    assert "tidak dikenali" in answers(h)[-1]
    # Someone else's "Perbaiki" (fix) button for a request that is not theirs.
    await h.tap(tg(STAFF_B), "req:fix:1", on=card)
    assert "tidak dikenali" in answers(h)[-1]
    # The real tap works, the second tap changes nothing.
    await h.tap(ATASAN, data, on=card)
    await h.tap(ATASAN, data, on=card)
    assert "sudah disetujui" in answers(h)[-1]
    await h.tap(ATASAN, "req:no:1:0:1", on=card)
    assert "sudah disetujui" in answers(h)[-1]
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "request", 1)
    assert [e.action for e in entries] == ["request.submit", "request.setujui"]


async def test_cancel_pending_from_history_closes_the_card(harness: Harness, office) -> None:
    h = harness
    await file_izin(h, EMPLOYEE, "20261006", "20261006")
    card = card_for(h, ATASAN)
    await h.send(EMPLOYEE, "/riwayat")
    history = last(h, EMPLOYEE)
    assert "menunggu keputusan" in history.text
    await h.tap(EMPLOYEE, history.button("Batalkan #1"), on=history)
    # "Yakin?" first: "Tidak" leaves the request as it was.
    asked = h.api.message(EMPLOYEE.id, history.message_id)
    assert "Yakin akan membatalkan pengajuan #1" in asked["text"]
    await h.tap(EMPLOYEE, "req:hist", on=asked)
    shown = h.api.message(EMPLOYEE.id, history.message_id)
    assert "menunggu keputusan" in shown["text"]
    assert "reply_markup" in h.api.message(ATASAN.id, card.message_id)
    await h.tap(EMPLOYEE, history.button("Batalkan #1"), on=shown)
    await h.tap(EMPLOYEE, "req:cancel:1:y", on=h.api.message(EMPLOYEE.id, history.message_id))
    assert "dibatalkan" in h.api.message(EMPLOYEE.id, history.message_id)["text"]
    closed = h.api.message(ATASAN.id, card.message_id)
    assert "Dibatalkan oleh pemohon" in closed["text"] and "reply_markup" not in closed
    await h.tap(ATASAN, card.button("Setujui"), on=card)
    assert "sudah dibatalkan" in answers(h)[-1]
    # Someone else's cancel button is refused.
    await h.tap(tg(STAFF_B), "req:cancel:1", on=history)
    assert "bukan milik Anda" in answers(h)[-1]
    await h.tap(tg(STAFF_B), "req:cancel:1:y", on=history)
    assert "bukan milik Anda" in answers(h)[-1]


async def test_waiting_list_for_the_approver(harness: Harness, office) -> None:
    h = harness
    await file_izin(h, EMPLOYEE, "20261006", "20261006")
    await file_izin(h, tg(STAFF_B), "20261007", "20261007")
    await h.send(ATASAN, "/persetujuan")
    listed = h.api.sent_to(ATASAN.id)[-3:]
    assert "Ada 2 pengajuan" in listed[0].text
    assert STAFF_A.nama in listed[1].text and STAFF_B.nama in listed[2].text
    await h.tap(ATASAN, listed[2].button("Setujui"), on=listed[2])
    # Both copies of the card (the original and the listed one) are closed.
    originals = [c for c in h.api.sent_to(ATASAN.id) if STAFF_B.nama in c.text]
    for copy in originals:
        assert "reply_markup" not in h.api.message(ATASAN.id, copy.message_id)
    await h.send(tg(SEKRETARIS), "/persetujuan")
    assert "Tidak ada pengajuan" in last(h, tg(SEKRETARIS)).text


async def test_restart_mid_conversation_resumes(harness: Harness, office) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "izin")
    await choose_dates(h, EMPLOYEE, "20261006", "20261007")
    await h.restart()
    # The reason typed after the restart lands in the same conversation.
    await h.send(EMPLOYEE, "urusan administrasi kependudukan")
    assert "Periksa kembali" in last(h, EMPLOYEE).text
    await h.restart()
    await h.tap(EMPLOYEE, "rqf:send")
    assert "telah dikirim" in h.api.message(EMPLOYEE.id, last(h, EMPLOYEE).message_id)["text"]
    assert "2 hari kerja" in card_for(h, ATASAN).text


async def test_entry_from_an_alert_button(harness: Harness, office, db: Database) -> None:
    h = harness
    alert = {"message_id": 77, "date": 0, "chat": {"id": EMPLOYEE.id, "type": "private"},
             "text": "Anda belum tercatat hadir hari ini."}
    await h.tap(EMPLOYEE, "req:new:sakit:20261005", on=alert)
    # The day is preset and the request is one day: the reason is asked straight away.
    assert "Senin, 5 Oktober 2026" in last(h, EMPLOYEE).text
    assert "Tuliskan <b>alasan</b>" in last(h, EMPLOYEE).text
    await h.send(EMPLOYEE, "demam dan batuk")
    # One day of sakit needs the doctor's letter too (Perban 7/2021 III.C.2).
    assert "surat keterangan dokter" in last(h, EMPLOYEE).text
    await h.tap(EMPLOYEE, "rqf:skip", on=last(h, EMPLOYEE))
    assert "wajib dilampiri" in answers(h)[-1]
    await h.send_document(EMPLOYEE, b"%PDF-1.4 surat dokter", file_name="dokter.pdf",
                          mime_type="application/pdf")
    await h.tap(EMPLOYEE, "rqf:send")
    assert "Sakit" in card_for(h, ATASAN).text
    # A part-day permit asks the expected arrival (a button or typed), then the reason.
    await h.tap(EMPLOYEE, "req:new:izin_terlambat:20261006", on=alert)
    assert "perkiraan tiba" in last(h, EMPLOYEE).text
    await h.send(EMPLOYEE, "jam sembilan")
    assert "format JJ.MM" in last(h, EMPLOYEE).text
    await h.send(EMPLOYEE, "9.45")
    assert "Perkiraan tiba: pukul 09.45" in last(h, EMPLOYEE).text
    assert "Tuliskan <b>alasan</b>" in last(h, EMPLOYEE).text
    await h.send(EMPLOYEE, "mengantar anak ke rumah sakit")
    assert "perkiraan tiba pukul 09.45" in last(h, EMPLOYEE).text
    await h.tap(EMPLOYEE, "rqf:send")
    card = card_for(h, ATASAN)
    assert "Datang terlambat" in card.text or "terlambat" in card.text
    assert "perkiraan tiba pukul 09.45" in card.text
    await h.tap(ATASAN, card.button("Setujui"), on=card)
    async with db.read() as conn, conn.execute(
            "SELECT part, part_time FROM absence_days WHERE day = '2026-10-06'") as cursor:
        assert [tuple(r) for r in await cursor.fetchall()] == [("arrive_late", "09:45")]


def _lines(pdf: bytes) -> list[tuple[str, float, float]]:
    """Each piece of text on the first page with where it starts (x, baseline)."""
    found: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        if text.strip():
            found.append((text.strip(), tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return found


async def test_the_letter_lines_up_each_field_and_wraps_a_long_jabatan_in_its_column(
        harness: Harness, office, db: Database) -> None:
    jabatan = "Penelaah Teknis Kebijakan " * 7 + "Bidang Aplikasi Informatika"
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET jabatan = ? WHERE nip = ?",
                           (jabatan, STAFF_A.nip))
    await file_izin(harness, EMPLOYEE, "20261006", "20261006")
    card = card_for(harness, ATASAN)
    await harness.tap(ATASAN, card.button("Setujui"), on=card)
    lines = _lines(harness.api.sent("sendDocument")[0].files["document"])
    texts = [text for text, _, _ in lines]
    rows = []
    for label, value in (("Nama", STAFF_A.nama), ("NIP", STAFF_A.nip),
                         ("Jabatan", jabatan.split()[0])):
        at = texts.index(label)
        (_, label_x, baseline), (colon, colon_x, colon_y), (text, value_x, value_y) = \
            lines[at:at + 3]
        assert colon == ":" and text.startswith(value)
        assert colon_y == baseline == value_y and label_x < colon_x < value_x
        rows.append((label_x, colon_x, value_x, baseline))
    assert len({row[:3] for row in rows}) == 1         # one column each
    # The jabatan wraps onto lines of its own column, above the next field.
    at = texts.index("Jabatan")
    wrapped = lines[at + 3:texts.index("Unit Kerja")]
    assert len(wrapped) >= 1 and all(x == rows[2][2] for _, x, _ in wrapped)
    assert " ".join(t for t, _, _ in [lines[at + 2], *wrapped]) == jabatan
