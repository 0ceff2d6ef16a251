"""The monthly recap through the real Application: /rekap, the paraf chain with a return and a
resubmission, the signature, /arsip, the automatic draft and the Kepala's daily report."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
import stat
from pathlib import Path

import pytest
from pypdf import PdfReader

from bot.jobs import recap as recap_jobs
from reports.recap_pdf import FRAME_WIDTH, column_widths
from services import audit, employees, recap
from services.clock import FixedClock
from services.recap import RecapEnv
from services.storage import Database
from tests.conftest import BASE_CONFIG, WIB, tg
from tests.support.botapi import ApiCall
from tests.support.harness import Harness
from tests.support.office import ADMIN, KASUBBAG, KEPALA, SEKRETARIS, STAFF_A, STAFF_B
from tests.support.recap_month import fragments, row_cells


@pytest.fixture
def config_text() -> str:
    return BASE_CONFIG + """
[recap]
archive_dir = "arsip"
agenda_format = "000.8.3.3/{seq:03d}/{unit}/{month}/{year}"
daily_report_time = "09:00"
"""


@pytest.fixture
def clock() -> FixedClock:
    # Monday 2 November 2026, 10:00 WIB: the first working day after October.
    return FixedClock(dt.datetime(2026, 11, 2, 10, 0, tzinfo=WIB))


async def punch(db: Database, device_user_id: str, day: dt.date, *times: str) -> None:
    async with db.transaction() as conn:
        for at in times:
            moment = dt.datetime.combine(day, dt.time.fromisoformat(at), WIB)
            await conn.execute(
                "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date, "
                "source, received_at) VALUES ('SN1', ?, ?, ?, 'manual', ?)",
                (device_user_id, moment.isoformat(), day.isoformat(), moment.isoformat()))


def pdf_text(call: ApiCall) -> str:
    reader = PdfReader(io.BytesIO(call.files["document"]))
    return "\n".join(page.extract_text() for page in reader.pages)


def documents_to(harness: Harness, person) -> list[ApiCall]:
    return [c for c in harness.api.sent_to(person.telegram_id) if c.method == "sendDocument"]


def last_pdf_to(harness: Harness, person) -> ApiCall:
    return [c for c in documents_to(harness, person)
            if c.file_names["document"].endswith(".pdf")][-1]


def alert(harness: Harness) -> str:
    answer = harness.api.sent("answerCallbackQuery")[-1]
    assert answer.params.get("show_alert") is True
    return answer.params["text"]


async def state_of(db: Database) -> recap.Recap:
    async with db.read() as conn:
        found = await recap.find(conn, 2026, 10)
    assert found is not None
    return found


async def test_paraf_chain_with_return_resubmit_and_signature(
        harness: Harness, db: Database, office, clock: FixedClock, settings) -> None:
    # Dewi was at work on 1 October; the other days she has no scan.
    await punch(db, STAFF_A.device_user_id, dt.date(2026, 10, 1), "07:20", "16:05")

    # A plain employee may not build the recap.
    await harness.send(tg(STAFF_A), "/rekap 10-2026")
    assert "hanya dapat disusun oleh pengelola" in harness.api.last_to(STAFF_A.telegram_id).text

    await harness.send(tg(ADMIN), "/rekap 10-2026")
    draft = last_pdf_to(harness, ADMIN)
    assert "Draf Rekapitulasi Kehadiran Oktober 2026" in draft.text
    assert "8 pegawai, 22 hari kerja" in draft.text
    assert "DRAF" in pdf_text(draft)
    xlsx = documents_to(harness, ADMIN)[-1]
    assert xlsx.file_names["document"] == "rekap-kehadiran-2026-10-draf-v1.xlsx"
    assert xlsx.files["document"][:2] == b"PK"

    await harness.tap(tg(ADMIN), draft.button("Ajukan"), on=draft)
    assert "Diajukan ke Kasubbag" in harness.api.message(ADMIN.telegram_id,
                                                         draft.message_id)["caption"]
    to_kasubbag = last_pdf_to(harness, KASUBBAG)
    assert "Diajukan oleh: Rina Wati, A.Md.\n" in to_kasubbag.text
    assert [b["text"] for b in to_kasubbag.buttons] == ["✍️ Paraf", "↩️ Kembalikan"]

    # A stranger taps the Kasubbag's buttons: refused politely, nothing changes.
    await harness.tap(tg(STAFF_B), to_kasubbag.button("Paraf"), on=to_kasubbag)
    assert "tidak berwenang" in alert(harness) and "Kasubbag" not in alert(harness)
    await harness.tap(tg(SEKRETARIS), to_kasubbag.button("Kembalikan"), on=to_kasubbag)
    assert "hanya dapat dilakukan oleh Kasubbag" in alert(harness)
    assert (await state_of(db)).state == "kasubbag"

    # The Kasubbag returns it: the reason is asked for, a too short one asked again.
    await harness.tap(tg(KASUBBAG), to_kasubbag.button("Kembalikan"), on=to_kasubbag)
    assert "Tuliskan alasan" in harness.api.last_to(KASUBBAG.telegram_id).text
    await harness.send(tg(KASUBBAG), "ok")
    assert "terlalu singkat" in harness.api.last_to(KASUBBAG.telegram_id).text
    await harness.send(tg(KASUBBAG), "Surat sakit Dewi tanggal 5 Oktober belum dimasukkan")
    assert "mengembalikan rekapitulasi ini kepada pengelola" in harness.api.last_to(
        KASUBBAG.telegram_id).text
    returned = last_pdf_to(harness, ADMIN)
    assert "dikembalikan kepada Anda oleh Ahmad Fauzi" in returned.text
    assert "Surat sakit Dewi" in returned.text
    assert (await state_of(db)).state == "draft"
    # The returned card lost its buttons; tapping the old Paraf button is refused.
    assert "reply_markup" not in harness.api.message(KASUBBAG.telegram_id,
                                                     to_kasubbag.message_id)
    await harness.tap(tg(KASUBBAG), to_kasubbag.button("Paraf"), on=to_kasubbag)
    assert "sudah diproses" in alert(harness)

    # The operator records the approved sick day, then resubmits: the PDF is regenerated.
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO absence_days (nip, day, code) VALUES (?, ?, 'S')",
                           (STAFF_A.nip, "2026-10-05"))
    await harness.tap(tg(ADMIN), returned.button("Ajukan"), on=returned)
    to_kasubbag = last_pdf_to(harness, KASUBBAG)
    assert "(versi 3)" in to_kasubbag.text
    found, _ = fragments(to_kasubbag.files["document"])
    _, cells = row_cells(found, STAFF_A.nip, column_widths(31, FRAME_WIDTH))
    assert cells[5] == "H" and cells[5 + 4] == "S" and cells[5 + 5] == "TK"

    await harness.tap(tg(KASUBBAG), to_kasubbag.button("Paraf"), on=to_kasubbag)
    closed = harness.api.message(KASUBBAG.telegram_id, to_kasubbag.message_id)["caption"]
    assert "Anda telah membubuhkan paraf" in closed
    assert closed.lower().count("diteruskan kepada") == 1 and "(Sekretaris)" in closed
    # A double tap on the same (stale) button.
    await harness.tap(tg(KASUBBAG), to_kasubbag.button("Paraf"), on=to_kasubbag)
    assert "sudah diproses" in alert(harness)
    to_sekretaris = last_pdf_to(harness, SEKRETARIS)
    assert "Diparaf Kasubbag Umum dan Kepegawaian: Ahmad Fauzi" in to_sekretaris.text
    assert "Diparaf 2 November 2026" in pdf_text(to_sekretaris)

    # The Sekretaris returns it to the Kasubbag, who initials again.
    await harness.tap(tg(SEKRETARIS), to_sekretaris.button("Kembalikan"), on=to_sekretaris)
    await harness.send(tg(SEKRETARIS), "Mohon periksa ulang jumlah TK bidang aplikasi")
    back_to_kasubbag = last_pdf_to(harness, KASUBBAG)
    assert "dikembalikan kepada Anda oleh Siti Aminah" in back_to_kasubbag.text
    assert (await state_of(db)).state == "kasubbag"
    assert "Belum diparaf" in pdf_text(back_to_kasubbag)
    clock.advance(minutes=20)
    await harness.tap(tg(KASUBBAG), back_to_kasubbag.button("Paraf"), on=back_to_kasubbag)
    to_sekretaris = last_pdf_to(harness, SEKRETARIS)
    await harness.tap(tg(SEKRETARIS), to_sekretaris.button("Paraf"), on=to_sekretaris)
    to_kepala = last_pdf_to(harness, KEPALA)
    assert [b["text"] for b in to_kepala.buttons] == ["🖋 Tandatangani", "↩️ Kembalikan"]

    clock.advance(minutes=30)
    await harness.tap(tg(KEPALA), to_kepala.button("Tandatangani"), on=to_kepala)
    await harness.tap(tg(KEPALA), to_kepala.button("Tandatangani"), on=to_kepala)
    assert "sudah" in alert(harness)

    signed = await state_of(db)
    assert signed.state == "signed"
    assert signed.agenda_number == "000.8.3.3/001/DISKOMINFO/11/2026"
    for person in (KEPALA, ADMIN):
        copy = last_pdf_to(harness, person)
        assert "telah ditandatangani" in copy.text and signed.agenda_number in copy.text
        assert hashlib.sha256(copy.files["document"]).hexdigest() == signed.sha256
        assert not copy.buttons
    final = pdf_text(last_pdf_to(harness, KEPALA))
    assert "Nomor: 000.8.3.3/001/DISKOMINFO/11/2026" in final
    assert "Ditandatangani secara elektronik" in final and KEPALA.nama in final
    assert final.count("Diparaf 2 November 2026") == 2
    # Times read back from the database keep the office zone's name, not a bare offset.
    assert final.count("WIB") == 3 and "UTC" not in final
    archive = Path(settings.recap.archive_dir) / "rekap-kehadiran-2026-10.pdf"
    assert hashlib.sha256(archive.read_bytes()).hexdigest() == signed.sha256
    # The archive holds names and NIPs: the bot's account only.
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700

    async with db.read() as conn:
        entries = await audit.entries_for(conn, "recap", signed.id)
    assert [e.action for e in entries] == [
        "recap.build", "recap.submit", "recap.return", "recap.submit", "recap.paraf_kasubbag",
        "recap.return", "recap.paraf_kasubbag", "recap.paraf_sekretaris", "recap.sign"]
    assert entries[2].detail["reason"].startswith("Surat sakit Dewi")
    assert entries[-1].actor_nip == KEPALA.nip and entries[-1].detail["sha256"] == signed.sha256

    # Signed is final: no rebuild, and the database refuses any change.
    await harness.send(tg(ADMIN), "/rekap 10-2026")
    assert "sudah ditandatangani" in harness.api.last_to(ADMIN.telegram_id).text
    with pytest.raises(Exception, match="archived"):
        async with db.transaction() as conn:
            await conn.execute("UPDATE recaps SET pdf = x'00' WHERE id = ?", (signed.id,))

    # /arsip lists it for the office's officials and re-sends the archived copy.
    await harness.send(tg(SEKRETARIS), "/arsip")
    listing = harness.api.last_to(SEKRETARIS.telegram_id)
    assert "Oktober 2026 — Nomor 000.8.3.3/001/DISKOMINFO/11/2026" in listing.text
    await harness.tap(tg(SEKRETARIS), listing.button("Oktober 2026"), on=listing)
    copy = last_pdf_to(harness, SEKRETARIS)
    assert hashlib.sha256(copy.files["document"]).hexdigest() == signed.sha256
    assert signed.sha256 in copy.text
    await harness.send(tg(STAFF_A), "/arsip")
    assert "hanya dapat dibuka" in harness.api.last_to(STAFF_A.telegram_id).text


async def test_reason_can_be_cancelled_and_the_buttons_stay_valid(
        harness: Harness, db: Database, office) -> None:
    await harness.send(tg(ADMIN), "/rekap")
    draft = last_pdf_to(harness, ADMIN)
    await harness.tap(tg(ADMIN), draft.button("Ajukan"), on=draft)
    card = last_pdf_to(harness, KASUBBAG)
    await harness.tap(tg(KASUBBAG), card.button("Kembalikan"), on=card)
    await harness.send(tg(KASUBBAG), "/batal")
    assert "Pengembalian dibatalkan" in harness.api.last_to(KASUBBAG.telegram_id).text
    assert (await state_of(db)).state == "kasubbag"
    await harness.tap(tg(KASUBBAG), card.button("Paraf"), on=card)
    assert (await state_of(db)).state == "sekretaris"


async def test_bad_month_argument_and_future_month(harness: Harness, office) -> None:
    await harness.send(tg(ADMIN), "/rekap oktober")
    assert "Format bulan tidak dikenali" in harness.api.last_to(ADMIN.telegram_id).text
    await harness.send(tg(ADMIN), "/rekap 12-2026")
    assert "belum berjalan" in harness.api.last_to(ADMIN.telegram_id).text


async def test_automatic_draft_on_the_first_working_day(harness: Harness, db: Database,
                                                        office, clock: FixedClock) -> None:
    queue = harness.application.job_queue
    assert queue is not None
    assert queue.get_jobs_by_name(recap_jobs.AUTO_BUILD_JOB)
    assert queue.get_jobs_by_name(recap_jobs.DAILY_REPORT_JOB)

    outcome = await recap_jobs.run_auto_build(harness.application)
    assert outcome is not None and outcome.actor is None
    await harness.deliver()
    draft = last_pdf_to(harness, ADMIN)  # every pengelola kepegawaian gets it
    assert "disusun otomatis" in draft.text and "Oktober 2026" in draft.text
    assert await recap_jobs.run_auto_build(harness.application) is None
    clock.advance(days=1)
    assert await recap_jobs.run_auto_build(harness.application) is None
    assert len([c for c in documents_to(harness, ADMIN) if c.text.startswith("📄")]) == 1


async def test_daily_report_for_the_kepala_once_per_working_day(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    today = dt.date(2026, 11, 2)
    clock.set(dt.datetime(2026, 11, 2, 9, 0, tzinfo=WIB))
    for person in (KEPALA, SEKRETARIS, KASUBBAG, ADMIN):
        await punch(db, person.device_user_id, today, "07:10")
    await punch(db, STAFF_B.device_user_id, today, "07:55")
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO absence_days (nip, day, code) VALUES (?, ?, 'S')",
                           (STAFF_A.nip, today.isoformat()))
    assert await recap_jobs.run_daily_report(harness.application) == 1
    await harness.deliver()
    report = harness.api.last_to(KEPALA.telegram_id).text
    assert "Laporan Kehadiran Harian" in report and "2 November 2026" in report
    assert "Hadir di kantor: 5 dari 8 pegawai" in report
    assert "Sakit</b> (1)" in report and STAFF_A.nama in report
    assert "Belum tercatat hadir</b> (2)" in report
    assert STAFF_B.nama not in report

    assert await recap_jobs.run_daily_report(harness.application) == 0  # once per day
    clock.set(dt.datetime(2026, 11, 7, 9, 0, tzinfo=WIB))  # Saturday
    assert await recap_jobs.run_daily_report(harness.application) == 0
    await harness.deliver()
    assert len(harness.api.sent_to(KEPALA.telegram_id)) == 1


async def test_simultaneous_taps_let_exactly_one_through(harness: Harness, db: Database, office,
                                                         clock: FixedClock, settings) -> None:
    env = harness.application.bot_data["services"].env(RecapEnv)
    async with db.read() as conn:
        admin = await employees.by_nip(conn, ADMIN.nip)
        kasubbag = await employees.by_nip(conn, KASUBBAG.nip)
    assert admin is not None and kasubbag is not None
    built = await recap.build_draft(db, env, clock, 2026, 10, actor=admin)
    results = await asyncio.gather(
        *(recap.submit(db, env, clock, built.recap.id, built.recap.rev, actor=admin)
          for _ in range(2)), return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Outcome"]
    submitted = next(r for r in results if isinstance(r, recap.Outcome))
    results = await asyncio.gather(
        recap.approve(db, env, clock, submitted.recap.id, submitted.recap.rev, actor=kasubbag),
        recap.send_back(db, env, clock, submitted.recap.id, submitted.recap.rev,
                        actor=kasubbag, reason="Data bidang aplikasi belum lengkap"),
        return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["Conflict", "Outcome"]
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "recap", built.recap.id)
    assert len(entries) == 3  # build, one submit, one decision


async def test_next_reviewer_unreachable_is_reported_to_the_one_who_tapped(
        harness: Harness, db: Database, office) -> None:
    await harness.block_bot(tg(SEKRETARIS))
    await harness.send(tg(ADMIN), "/rekap")
    draft = last_pdf_to(harness, ADMIN)
    await harness.tap(tg(ADMIN), draft.button("Ajukan"), on=draft)
    card = last_pdf_to(harness, KASUBBAG)
    await harness.tap(tg(KASUBBAG), card.button("Paraf"), on=card)
    caption = harness.api.message(KASUBBAG.telegram_id, card.message_id)["caption"]
    assert "Belum ada Sekretaris yang terhubung" in caption
    assert (await state_of(db)).state == "sekretaris"


async def test_signed_recaps_are_kept_at_least_one_year(db: Database) -> None:
    # The rule lives in a trigger that compares with SQLite's own clock, so the rows are dated
    # from the real current time here.
    now = dt.datetime.now(WIB)
    async with db.transaction() as conn:
        for month, signed_at in ((1, now - dt.timedelta(days=30)),
                                 (2, now - dt.timedelta(days=400))):
            await conn.execute(
                "INSERT INTO recaps (year, month, state, built_at, snapshot, pdf, signed_at, "
                "agenda_number, sha256, updated_at) VALUES (2020, ?, 'signed', ?, x'00', "
                "x'00', ?, ?, 'h', ?)", (month, signed_at.isoformat(), signed_at.isoformat(),
                                         f"A/{month}", signed_at.isoformat()))
    with pytest.raises(Exception, match="at least one year"):
        async with db.transaction() as conn:
            await conn.execute("DELETE FROM recaps WHERE month = 1")
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM recaps WHERE month = 2")


async def test_two_months_signed_at_once_get_consecutive_numbers(
        harness: Harness, db: Database, office, clock: FixedClock,
        caplog: pytest.LogCaptureFixture) -> None:
    env = harness.application.bot_data["services"].env(RecapEnv)
    async with db.read() as conn:
        people = {p.peran: await employees.by_nip(conn, p.nip)
                  for p in (ADMIN, KASUBBAG, SEKRETARIS, KEPALA)}
    waiting = []
    for month in (9, 10):
        step = await recap.build_draft(db, env, clock, 2026, month, actor=people["admin"])
        step = await recap.submit(db, env, clock, step.recap.id, step.recap.rev,
                                  actor=people["admin"])
        for role in ("kasubbag", "sekretaris"):
            step = await recap.approve(db, env, clock, step.recap.id, step.recap.rev,
                                       actor=people[role])
        waiting.append(step.recap)
    caplog.set_level("INFO", logger="services.recap")
    signed = await asyncio.gather(*(recap.approve(db, env, clock, r.id, r.rev,
                                                  actor=people["kepala"]) for r in waiting))
    # Both expected 001 while rendering; the second to commit took 002 and redrew its PDF.
    assert any("recap.sign_renumbered" in r.getMessage() for r in caplog.records)
    numbers = sorted(s.recap.agenda_number or "" for s in signed)
    assert numbers == ["000.8.3.3/001/DISKOMINFO/11/2026", "000.8.3.3/002/DISKOMINFO/11/2026"]
    for outcome in signed:
        # Each archived PDF carries the number actually taken, and the hash is of that PDF.
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(outcome.pdf)).pages)
        assert f"Nomor: {outcome.recap.agenda_number}" in text
        assert hashlib.sha256(outcome.pdf).hexdigest() == outcome.recap.sha256
