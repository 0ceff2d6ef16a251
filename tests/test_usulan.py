"""CLTN and the Kepala's own cuti end in the office at "diusulkan": the usulan letter to the PPK
(or the Kepala's superior), "menunggu keputusan PPK" until the admin records the SK in chat,
then the request ends as the SK says. Through the real Application and the recording Bot API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from bot.jobs import delegation as delegation_jobs
from services import audit, delegation
from services import requests as svc
from services.calendar import OfficeCalendar
from services.storage import Database
from tests.conftest import BASE_CONFIG, WIB, tg
from tests.support.botapi import ApiCall
from tests.support.harness import Harness, TgUser
from tests.support.office import ADMIN, KABID, KASUBBAG, KEPALA, SEKRETARIS, STAFF_A, STAFF_B

EMPLOYEE = tg(STAFF_A)
ATASAN = tg(KABID)
KEPALA_TG = tg(KEPALA)
ADMIN_TG = tg(ADMIN)
SK = "800.1.6.4/77/BKPSDM/2026"


@pytest.fixture
def config_text() -> str:
    return BASE_CONFIG


def last(h: Harness, user: TgUser) -> ApiCall:
    return h.api.last_to(user.id)


def alerts(h: Harness) -> list[str]:
    return [c.params.get("text", "") for c in h.api.sent("answerCallbackQuery")
            if c.params.get("show_alert")]


def pdf_text(call: ApiCall) -> str:
    reader = PdfReader(io.BytesIO(call.files["document"]))
    # Words only: where a line wraps is the layout's business.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def usulan_letters(h: Harness, user: TgUser) -> list[ApiCall]:
    return [c for c in h.api.sent_to(user.id) if c.method == "sendDocument"
            and c.file_names.get("document", "").startswith("usulan-")]


def card_for(h: Harness, approver: TgUser) -> ApiCall:
    cards = [c for c in h.api.sent_to(approver.id) if "Pengajuan #" in c.text and c.buttons]
    assert cards, f"no card was sent to {approver.id}"
    return cards[-1]


async def file_through_form(h: Harness, user: TgUser, type_key: str, start: str, end: str,
                            reason: str) -> ApiCall:
    """/izin with typed dates; returns the summary (before Kirim)."""
    await h.send(user, "/izin")
    await h.tap(user, f"rqf:t:{type_key}")
    await h.send(user, start)
    if end != start:
        await h.tap(user, last(h, user).button("Sampai tanggal"))
        await h.send(user, end)
    await h.send(user, reason)
    return last(h, user)


async def absence_rows(db: Database, request_id: int) -> list[tuple[str, str]]:
    async with db.read() as conn, conn.execute(
        "SELECT day, code FROM absence_days WHERE request_id = ? ORDER BY day", (request_id,)
    ) as cursor:
        return [(r[0], r[1]) for r in await cursor.fetchall()]


async def record_sk(h: Harness, admin: TgUser, request_id: int, result_button: str,
                    number: str, day: str) -> ApiCall:
    """/usulan → Catat SK → result → number → date; returns the summary with Simpan."""
    await h.send(admin, "/usulan")
    listing = last(h, admin)
    await h.tap(admin, listing.button(f"Catat SK #{request_id}"), on=listing)
    await h.tap(admin, last(h, admin).button(result_button))
    await h.send(admin, number)
    await h.send(admin, day)
    return last(h, admin)


async def test_cltn_passes_the_office_steps_ends_at_diusulkan_and_the_sk_approves_it(
        harness: Harness, office, db: Database, clock, settings) -> None:
    h = harness
    summary = await file_through_form(h, EMPLOYEE, "cuti_cltn", "02-11-2026", "30-04-2027",
                                      "mendampingi suami tugas belajar di luar negeri")
    assert "lalu diusulkan kepada Wali Kota Contoh" in summary.text
    await h.tap(EMPLOYEE, "rqf:send")
    request_id = (await svc.history(db, STAFF_A.nip))[0].id

    # The office's steps: the atasan's pertimbangan, then the Kepala.
    card = card_for(h, ATASAN)
    assert "tidak diberikan di kantor" not in card.text
    await h.tap(ATASAN, card.button("Setujui"), on=card)
    card = card_for(h, KEPALA_TG)
    # The Kepala is told his approval proposes it rather than grants it.
    assert "tidak diberikan di kantor" in card.text and "<b>diusulkan</b>" in card.text
    await h.tap(KEPALA_TG, card.button("Setujui"), on=card)
    closed = h.api.message(KEPALA.telegram_id, card.message_id)["text"]
    assert "Diusulkan kepada Wali Kota Contoh" in closed and "menunggu keputusan PPK" in closed

    view = await svc.get(db, request_id)
    assert view.status == svc.DIUSULKAN
    assert view.usulan is not None and view.usulan.addressed_to == "Wali Kota Contoh"
    assert view.agenda_number == "851/1/DISKOMINFO/2026"
    assert await absence_rows(db, request_id) == []   # nothing granted yet
    assert "reply_markup" not in h.api.message(KEPALA.telegram_id, card.message_id)
    told = [c.text for c in h.api.sent_to(EMPLOYEE.id) if "diusulkan" in c.text]
    assert told and "menunggu keputusan PPK" in told[-1] and "Wali Kota Contoh" in told[-1]

    # The usulan letter: to the applicant, the Kepala who signed it and every admin.
    for person in (EMPLOYEE, KEPALA_TG, ADMIN_TG, tg(KASUBBAG)):
        assert len(usulan_letters(h, person)) == 1, person
    assert usulan_letters(h, ATASAN) == []
    text = pdf_text(usulan_letters(h, ADMIN_TG)[0])
    assert "Yth. Wali Kota Contoh" in text and "851/1/DISKOMINFO/2026" in text
    assert "Usul Cuti di luar tanggungan negara a.n. Dewi Lestari" in text
    assert "persetujuan Kepala Badan Kepegawaian Negara" in text
    assert "2 November 2026 sampai dengan tanggal 30 April 2027" in text
    assert KEPALA.nama in text and KEPALA.nip in text and KABID.nama in text
    assert usulan_letters(h, ADMIN_TG)[0].button("Catat SK")
    assert not usulan_letters(h, EMPLOYEE)[0].buttons

    # "menunggu keputusan PPK" in /riwayat, and the applicant cannot cancel it any more.
    await h.send(EMPLOYEE, "/riwayat")
    history = last(h, EMPLOYEE)
    assert "menunggu keputusan PPK" in history.text
    assert not any(f"#{request_id}" in b["text"] for b in history.buttons)
    await h.tap(EMPLOYEE, f"req:cancel:{request_id}:y")
    assert "tidak dapat dibatalkan" in alerts(h)[-1]
    # The Kepala's old button decides nothing any more.
    await h.tap(KEPALA_TG, f"req:ok:{request_id}:1:1")
    assert "menunggu keputusan PPK" in alerts(h)[-1]

    # Weeks later the SK arrives; the admin records it. Bad input: one sentence, asked again.
    clock.set(dt.datetime(2026, 10, 20, 9, 0, tzinfo=WIB))
    await h.send(ADMIN_TG, "/usulan")
    listing = last(h, ADMIN_TG)
    assert f"#{request_id}" in listing.text and "Wali Kota Contoh" in listing.text
    await h.tap(ADMIN_TG, listing.button(f"Catat SK #{request_id}"), on=listing)
    await h.tap(ADMIN_TG, last(h, ADMIN_TG).button("Disetujui"))
    assert "nomor SK" in last(h, ADMIN_TG).text
    await h.send(ADMIN_TG, "ok")
    assert "Nomor SK tidak dikenali" in last(h, ADMIN_TG).text
    await h.send(ADMIN_TG, SK)
    assert "tanggal SK" in last(h, ADMIN_TG).text
    for bad, says in (("31-02-2026", "Tanggal SK tidak dikenali"),
                      ("21-10-2026", "tidak boleh sesudah hari ini"),
                      ("01-10-2026", "tidak boleh sebelum tanggal usulan (05-10-2026)")):
        await h.send(ADMIN_TG, bad)
        assert says in last(h, ADMIN_TG).text, bad
    await h.send(ADMIN_TG, "19-10-2026")
    confirm = last(h, ADMIN_TG)
    assert SK in confirm.text and "19-10-2026" in confirm.text and "disetujui" in confirm.text
    assert (await svc.get(db, request_id)).status == svc.DIUSULKAN   # nothing until Simpan
    await h.tap(ADMIN_TG, confirm.button("Simpan"), on=confirm)
    assert "dicatat" in h.api.message(ADMIN.telegram_id, confirm.message_id)["text"]

    done = await svc.get(db, request_id)
    assert done.status == svc.DISETUJUI
    assert done.usulan is not None and done.usulan.sk_number == SK
    assert done.usulan.sk_date == dt.date(2026, 10, 19)
    days = OfficeCalendar(settings.calendar).working_days(dt.date(2026, 11, 2),
                                                          dt.date(2027, 4, 30))
    assert await absence_rows(db, request_id) == [(d.isoformat(), "CLTN") for d in days]
    approved = [c.text for c in h.api.sent_to(EMPLOYEE.id) if "disetujui</b> dengan SK" in c.text]
    assert approved and SK in approved[-1] and "19-10-2026" in approved[-1]
    assert any(SK in c.text and STAFF_A.nama in c.text for c in h.api.sent_to(KEPALA.telegram_id))
    async with db.read() as conn:
        entries = [e for e in await audit.entries_for(conn, "request", request_id)
                   if e.action == "request.sk"]
    assert len(entries) == 1 and entries[0].actor_nip == ADMIN.nip
    assert entries[0].detail["nomor"] == SK and entries[0].detail["hasil"] == "disetujui"

    # Stale: Simpan again, or the letter's Catat SK button, change nothing.
    await h.tap(ADMIN_TG, confirm.button("Simpan"), on=confirm)
    assert "tidak berlaku" in alerts(h)[-1]
    letter = usulan_letters(h, tg(KASUBBAG))[0]
    await h.tap(tg(KASUBBAG), letter.button("Catat SK"), on=letter)
    assert "sudah dicatat dengan SK " + SK in alerts(h)[-1]
    await h.send(ADMIN_TG, "/usulan")
    assert "Tidak ada usulan" in last(h, ADMIN_TG).text
    # An SK-granted cuti is not withdrawn through the office.
    await h.tap(EMPLOYEE, f"req:wd:{request_id}:y")
    assert "diputuskan dengan SK" in alerts(h)[-1]


async def test_sk_tidak_disetujui_and_taps_of_non_admins_change_nothing(
        harness: Harness, office, db: Database, clock) -> None:
    h = harness
    await file_through_form(h, tg(STAFF_B), "cuti_cltn", "01-12-2026", "31-05-2027",
                            "merawat orang tua yang sakit berat")
    await h.tap(tg(STAFF_B), "rqf:send")
    request_id = (await svc.history(db, STAFF_B.nip))[0].id
    for approver in (ATASAN, KEPALA_TG):
        card = card_for(h, approver)
        await h.tap(approver, card.button("Setujui"), on=card)
    assert (await svc.get(db, request_id)).status == svc.DIUSULKAN

    # Not admins: the command says so; forged buttons are refused at every step.
    await h.send(KEPALA_TG, "/usulan")
    assert "hanya untuk admin" in last(h, KEPALA_TG).text
    for data in (f"usl:sk:{request_id}", f"usl:h:{request_id}:ok"):
        await h.tap(KEPALA_TG, data)
        assert "Hanya admin kepegawaian" in alerts(h)[-1]
        await h.tap(tg(STAFF_B), data)
        assert "Hanya admin kepegawaian" in alerts(h)[-1]

    # The admin types an SK, then loses the admin role before Simpan: refused; the
    # Kasubbag records the SK instead.
    confirm = await record_sk(h, ADMIN_TG, request_id, "Tidak disetujui", SK, "05-10-2026")
    assert "tidak disetujui" in confirm.text
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET peran = 'pegawai' WHERE nip = ?", (ADMIN.nip,))
    await h.tap(ADMIN_TG, confirm.button("Simpan"), on=confirm)
    assert "Hanya admin kepegawaian" in alerts(h)[-1]
    assert (await svc.get(db, request_id)).status == svc.DIUSULKAN
    # A forged Simpan for another admin's draft is refused too.
    draft_id = confirm.button("Simpan")["callback_data"].rsplit(":", 1)[1]
    await h.tap(tg(KASUBBAG), f"usl:ok:{draft_id}")
    assert "tidak berlaku" in alerts(h)[-1]
    kasubbag_confirm = await record_sk(h, tg(KASUBBAG), request_id, "Tidak disetujui",
                                       "800/91/BKPSDM/2026", "05-10-2026")
    await h.tap(tg(KASUBBAG), kasubbag_confirm.button("Simpan"), on=kasubbag_confirm)

    done = await svc.get(db, request_id)
    assert done.status == svc.DITOLAK and done.closed_at is not None
    assert done.usulan is not None and done.usulan.recorded_by == KASUBBAG.nip
    assert await absence_rows(db, request_id) == []
    refused = [c.text for c in h.api.sent_to(STAFF_B.telegram_id) if "tidak disetujui" in c.text]
    assert refused and "800/91/BKPSDM/2026" in refused[-1]
    await h.send(tg(STAFF_B), "/riwayat")
    assert "Status: <b>ditolak</b>" in last(h, tg(STAFF_B)).text


async def test_the_kepala_files_his_own_cuti_which_survives_a_restart_until_the_sk(
        harness: Harness, office, db: Database, clock, settings) -> None:
    h = harness
    summary = await file_through_form(h, KEPALA_TG, "cuti_tahunan", "12-10-2026",
                                      "14-10-2026", "menghadiri wisuda anak")
    assert "Sekretaris Daerah Kota Contoh" in summary.text
    await h.tap(KEPALA_TG, "rqf:send")
    sent = h.api.message(KEPALA.telegram_id, summary.message_id)["text"]
    assert "telah dikirim kepada Sekretaris Daerah Kota Contoh" in sent
    assert "Belum ada pejabat" not in sent
    view = (await svc.history(db, KEPALA.nip))[0]
    assert view.status == svc.DIUSULKAN and view.steps == ()
    # Nobody in the office decides it: no card to anyone, the letter is his own request.
    for person in (tg(SEKRETARIS), ATASAN, ADMIN_TG):
        assert not [c for c in h.api.sent_to(person.id) if c.buttons
                    and any(b.get("callback_data", "").startswith("req:ok") for b in c.buttons)]
    own = usulan_letters(h, KEPALA_TG)
    assert len(own) == 1 and len(usulan_letters(h, ADMIN_TG)) == 1
    text = pdf_text(own[0])
    assert "Yth. Sekretaris Daerah Kota Contoh" in text
    assert "Permohonan Cuti tahunan a.n. Dr. Budi Santoso" in text
    assert "dengan ini mengajukan permohonan cuti tahunan" in text
    calendar = OfficeCalendar(settings.calendar)
    balance = await svc.annual_balance(db, settings.requests, calendar, KEPALA.nip, 2026)
    assert (balance.used, balance.pending) == (0, 3)
    await h.send(KEPALA_TG, "/riwayat")
    assert "menunggu keputusan PPK" in last(h, KEPALA_TG).text

    # The admin starts recording; the bot restarts between the questions; nothing is lost.
    await h.send(ADMIN_TG, "/usulan")
    await h.tap(ADMIN_TG, last(h, ADMIN_TG).button(f"Catat SK #{view.id}"))
    await h.tap(ADMIN_TG, last(h, ADMIN_TG).button("Disetujui"))
    await h.send(ADMIN_TG, SK)
    await h.restart()
    await h.send(ADMIN_TG, "05-10-2026")
    confirm = last(h, ADMIN_TG)
    assert SK in confirm.text
    await h.restart()
    await h.tap(ADMIN_TG, confirm.button("Simpan"), on=confirm)
    done = await svc.get(db, view.id)
    assert done.status == svc.DISETUJUI
    assert [c for _, c in await absence_rows(db, view.id)] == ["CT", "CT", "CT"]
    balance = await svc.annual_balance(db, settings.requests, calendar, KEPALA.nip, 2026)
    assert (balance.used, balance.pending) == (3, 0)
    assert any("disetujui</b> dengan SK Sekretaris Daerah Kota Contoh" in c.text
               for c in h.api.sent_to(KEPALA.telegram_id))


async def test_a_plh_in_place_signs_the_usulan_but_never_gets_the_ppk_decision(
        harness: Harness, office, db: Database, clock, settings) -> None:
    h = harness
    async with db.read() as conn:
        from services import employees
        kepala = await employees.by_nip(conn, KEPALA.nip)
    assert kepala is not None
    today = clock.now().date()
    await delegation.designate(db, delegation.Designation(
        KEPALA.nip, SEKRETARIS.nip, "plh", "800/12/DISKOMINFO/2026", today,
        today + dt.timedelta(days=30)), by=kepala, now=clock.now())

    await file_through_form(h, EMPLOYEE, "cuti_cltn", "02-11-2026", "30-04-2027",
                            "mengikuti suami yang bertugas di luar negeri")
    await h.tap(EMPLOYEE, "rqf:send")
    request_id = (await svc.history(db, STAFF_A.nip))[0].id
    card = card_for(h, ATASAN)
    await h.tap(ATASAN, card.button("Setujui"), on=card)
    # The Kepala's office step went to the Plh, who signs the usulan as Plh.
    plh = tg(SEKRETARIS)
    card = card_for(h, plh)
    await h.tap(plh, card.button("Setujui"), on=card)
    view = await svc.get(db, request_id)
    assert view.status == svc.DIUSULKAN
    text = pdf_text(usulan_letters(h, plh)[0])
    assert "Plh. Kepala Dinas" in text and SEKRETARIS.nama in text

    # The PPK's decision is nobody's step: neither the Plh nor the Kepala waits on it or may
    # record it.
    assert await svc.waiting_for(db, SEKRETARIS.nip) == []
    assert await svc.waiting_for(db, KEPALA.nip) == []
    assert not usulan_letters(h, plh)[0].buttons
    await h.tap(plh, f"usl:sk:{request_id}")
    assert "Hanya admin kepegawaian" in alerts(h)[-1]
    running = {v.id for v, _ in await svc.running(db)}
    assert request_id not in running   # no SLA reminders nor escalations on the PPK's time
    # Days pass and the delegation job runs (Plh periods, approvers away): the usulan stays
    # where it is, with nobody's step to move.
    sent = len(h.api.calls)
    clock.set(dt.datetime(2026, 10, 9, 7, 0, tzinfo=WIB))
    await delegation_jobs.run_tick(h.application)
    assert (await svc.get(db, request_id)).status == svc.DIUSULKAN
    assert not [c for c in h.api.calls[sent:] if f"#{request_id}" in c.text]
    clock.set(dt.datetime(2026, 10, 5, 9, 0, tzinfo=WIB))

    # The Kepala's own cuti while his Plh is in force goes above him, not to the Plh.
    await file_through_form(h, KEPALA_TG, "cuti_tahunan", "19-10-2026", "19-10-2026",
                            "keperluan keluarga")
    await h.tap(KEPALA_TG, "rqf:send")
    own = (await svc.history(db, KEPALA.nip))[0]
    assert own.status == svc.DIUSULKAN and own.steps == ()
    assert await svc.waiting_for(db, SEKRETARIS.nip) == []


async def test_an_sk_granting_other_dates_moves_the_request_to_them(
        harness: Harness, office, db: Database, clock, settings) -> None:
    h = harness
    await file_through_form(h, KEPALA_TG, "cuti_tahunan", "12-10-2026", "14-10-2026",
                            "menghadiri wisuda anak")
    await h.tap(KEPALA_TG, "rqf:send")
    view = (await svc.history(db, KEPALA.nip))[0]
    # Another approved cuti of the Kepala's on 22 October (through an SK as well).
    await file_through_form(h, KEPALA_TG, "cuti_tahunan", "22-10-2026", "22-10-2026",
                            "keperluan keluarga")
    await h.tap(KEPALA_TG, "rqf:send")
    other = (await svc.history(db, KEPALA.nip))[0]
    confirm = await record_sk(h, ADMIN_TG, other.id, "Disetujui", "800/5/BKPSDM/2026",
                              "05-10-2026")
    await h.tap(ADMIN_TG, confirm.button("Simpan"), on=confirm)

    await h.send(ADMIN_TG, "/usulan")
    await h.tap(ADMIN_TG, last(h, ADMIN_TG).button(f"Catat SK #{view.id}"))
    await h.tap(ADMIN_TG, last(h, ADMIN_TG).button("perubahan"))
    assert "tanggal cuti menurut SK" in last(h, ADMIN_TG).text
    for bad, says in (("minggu depan", "tidak dikenali"),
                      ("14-10-2026 s.d. 12-10-2026", "tidak boleh sebelum tanggal mulai"),
                      ("17-10-2026 s.d. 18-10-2026", "tidak memuat hari kerja"),
                      ("12-10-2026 s.d. 14-10-2026", "sama dengan yang diusulkan"),
                      ("21-10-2026 s.d. 22-10-2026", "bertabrakan dengan pengajuan")):
        await h.send(ADMIN_TG, bad)
        assert says in last(h, ADMIN_TG).text, bad
    await h.send(ADMIN_TG, "19-10-2026 s.d. 20-10-2026")
    assert "nomor SK" in last(h, ADMIN_TG).text
    await h.send(ADMIN_TG, SK)
    await h.send(ADMIN_TG, "05-10-2026")
    confirm = last(h, ADMIN_TG)
    assert "disetujui dengan perubahan" in confirm.text and "19 Oktober 2026" in confirm.text
    await h.tap(ADMIN_TG, confirm.button("Simpan"), on=confirm)

    done = await svc.get(db, view.id)
    assert done.status == svc.DISETUJUI
    assert (done.start, done.end, done.working_days) == (dt.date(2026, 10, 19),
                                                         dt.date(2026, 10, 20), 2)
    assert done.usulan is not None and done.usulan.sk_result == "perubahan"
    assert (done.usulan.proposed_start, done.usulan.proposed_end) == (dt.date(2026, 10, 12),
                                                                      dt.date(2026, 10, 14))
    assert await absence_rows(db, view.id) == [("2026-10-19", "CT"), ("2026-10-20", "CT")]
    balance = await svc.annual_balance(db, settings.requests,
                                       OfficeCalendar(settings.calendar), KEPALA.nip, 2026)
    assert (balance.used, balance.pending) == (3, 0)
    told = [c.text for c in h.api.sent_to(KEPALA.telegram_id) if "perubahan</b>" in c.text]
    assert told and SK in told[-1] and "19 Oktober 2026" in told[-1]
