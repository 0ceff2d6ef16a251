"""Plh/Plt delegation through the real Application: the Kepala designates a Plh in chat; when
the period starts the cuti, the SOP file and the recap signature waiting for the Kepala move
to the Plh, who decides and signs as "Plh. Kepala Dinas"; what is left moves back at the end."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from pypdf import PdfReader

from bot.config import load_settings
from bot.jobs import delegation as delegation_jobs
from services import audit, delegation, recap
from services import requests as svc
from services.absent_approvers import waited_enough
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.employee_import import HEADER
from services.storage import Database
from services.workflows import files as wf
from services.workflows.files import WorkflowEnv
from tests.conftest import BASE_CONFIG, WIB, tg
from tests.support.botapi import ApiCall
from tests.support.harness import Harness
from tests.support.office import (
    ADMIN,
    KABID,
    KASUBBAG,
    KEPALA,
    SEKRETARIS,
    STAFF_A,
    STAFF_B,
    stored_employee,
)

SP = "800/12/DISKOMINFO/2026"


@pytest.fixture
def config_text() -> str:
    return BASE_CONFIG + '\n[recap]\narchive_dir = "arsip"\n'


@pytest.fixture
def clock() -> FixedClock:
    # Monday 2 November 2026, 10:00 WIB.
    return FixedClock(dt.datetime(2026, 11, 2, 10, 0, tzinfo=WIB))


def pdf_text(call: ApiCall) -> str:
    reader = PdfReader(io.BytesIO(call.files["document"]))
    return "\n".join(page.extract_text() for page in reader.pages)


async def _cuti(db: Database, settings, clock: FixedClock, nip: str, start: dt.date,
                end: dt.date) -> svc.RequestView:
    return await svc.submit(db, settings.requests, OfficeCalendar(settings.calendar),
                            await stored_employee(db, nip),
                            svc.Draft("cuti_tahunan", start, end, "keperluan keluarga"),
                            at=clock.now(), telegram_user_id=None)


async def _file_at_the_kepala(harness: Harness, db: Database, clock: FixedClock) -> int:
    """A Plt/Plh file taken by its first four steps to the Tim Penilai (the Kepala)."""
    env = harness.application.bot_data["services"].env(WorkflowEnv)
    applicant = await stored_employee(db, STAFF_A.nip)
    draft = await wf.start_draft(db, env, applicant, "administrasi_plt_plh", clock.now())
    for name in ("usulan.pdf", "sk.pdf", "pangkat.pdf"):
        await wf.attach_document(db, env, draft.id, applicant,
                                 wf.Upload(f"file-{name}", "document", name,
                                           "application/pdf", 100), clock.now())
    file = await wf.get_file(db, env, draft.id)
    outcome = await wf.submit(db, env, file.id, file.version, applicant, clock.now())
    for person in (ADMIN, KABID, KASUBBAG, SEKRETARIS):
        outcome = await wf.act(db, env, file.id, outcome.file.version,
                               await stored_employee(db, person.nip), "teruskan", clock.now())
    assert outcome.file.step is not None and outcome.file.step.key == "tim_penilai"
    return file.id


def _last_pdf(harness: Harness, person) -> ApiCall:
    return [c for c in harness.api.sent_to(person.telegram_id) if c.method == "sendDocument"
            and c.file_names.get("document", "").startswith("rekap-")
            and c.file_names["document"].endswith(".pdf")][-1]


async def _recap_at_the_kepala(harness: Harness) -> None:
    await harness.send(tg(ADMIN), "/rekap 10-2026")
    for person, button in ((ADMIN, "Ajukan"), (KASUBBAG, "Paraf"), (SEKRETARIS, "Paraf")):
        card = _last_pdf(harness, person)
        await harness.tap(tg(person), card.button(button), on=card)


async def _designate(harness: Harness, by, official, delegate, start: str, end: str) -> None:
    await harness.send(tg(by), "/delegasi")
    await harness.tap(tg(by), harness.api.last_to(by.telegram_id).button("Tunjuk"))
    await harness.tap(tg(by), "dlg:kind:plh")
    await harness.send(tg(by), official.nip)
    await harness.send(tg(by), delegate.nip)
    await harness.send(tg(by), SP)
    await harness.send(tg(by), start)
    await harness.send(tg(by), end)


async def _actors(db: Database, request_id: int) -> set[str]:
    view = await svc.get(db, request_id)
    assert view.current is not None
    return {a.nip for a in view.current.actors}


async def test_plh_of_the_kepala_covers_cuti_file_and_recap_signature(
        harness: Harness, db: Database, office, clock: FixedClock, settings) -> None:
    api = harness.api
    cuti = await _cuti(db, settings, clock, KABID.nip, dt.date(2026, 11, 16),
                       dt.date(2026, 11, 17))
    assert await _actors(db, cuti.id) == {KEPALA.nip}
    file_id = await _file_at_the_kepala(harness, db, clock)
    await _recap_at_the_kepala(harness)

    # Only the Kepala or the pengelola kepegawaian may designate.
    await harness.send(tg(STAFF_B), "/delegasi")
    assert "hanya dapat dilakukan oleh Kepala" in api.last_to(STAFF_B.telegram_id).text

    # The Kepala designates the Sekretaris as Plh from tomorrow to Friday.
    await _designate(harness, KEPALA, KEPALA, SEKRETARIS, "03-11-2026", "0611-2026")
    assert "Tanggal tidak dikenali" in api.last_to(KEPALA.telegram_id).text
    await harness.send(tg(KEPALA), "06-11-2026")
    summary = api.last_to(KEPALA.telegram_id)
    assert "Pelaksana Harian" in summary.text and SP in summary.text
    await harness.tap(tg(KEPALA), summary.button("Simpan"))
    assert "telah disimpan (03-11-2026 s.d. 06-11-2026)" in \
        api.message(KEPALA.telegram_id, summary.message_id)["text"]
    assert "Anda ditunjuk sebagai <b>Plh. Kepala Dinas</b>" in \
        api.last_to(SEKRETARIS.telegram_id).text
    # Not in force yet: nothing moved.
    assert await _actors(db, cuti.id) == {KEPALA.nip}
    await harness.send(tg(KEPALA), "/delegasi")
    assert "terjadwal" in api.last_to(KEPALA.telegram_id).text

    # Tuesday: the period starts and everything waiting for the Kepala moves to the Plh.
    clock.set(dt.datetime(2026, 11, 3, 7, 0, tzinfo=WIB))
    before = len(api.sent_to(SEKRETARIS.telegram_id))
    await delegation_jobs.run_tick(harness.application)
    await harness.deliver()
    assert await _actors(db, cuti.id) == {SEKRETARIS.nip}
    to_plh = api.sent_to(SEKRETARIS.telegram_id)[before:]
    texts = [c.text for c in to_plh]
    assert any("pengajuan #" in t and "Plh. Kepala Dinas" in t for t in texts)
    assert any("berkas layanan #" in t for t in texts)
    assert any("rekapitulasi kehadiran #" in t for t in texts)
    assert any("dialihkan kepada Siti Aminah" in c.text for c in api.sent_to(KEPALA.telegram_id))
    async with db.read() as conn:
        moved = [e for e in await audit.entries_for(conn, "request", cuti.id)
                 if e.action == "approval.reassign"]
    assert moved and moved[0].detail["to"] == SEKRETARIS.nip

    # The Plh approves the cuti on the card she received: the letter says "Plh. Kepala Dinas"
    # with her name and NIP.
    card = next(c for c in to_plh if c.method == "sendMessage" and c.buttons
                and f"#{cuti.id}" in c.text)
    await harness.tap(tg(SEKRETARIS), card.button("Setujui"), on=card)
    assert (await svc.get(db, cuti.id)).status == svc.DISETUJUI
    letter = [c for c in api.sent_to(KABID.telegram_id) if c.method == "sendDocument"][-1]
    text = pdf_text(letter)
    assert "Plh. Kepala Dinas" in text
    assert "Siti Aminah" in text and SEKRETARIS.nip in text

    # The Kepala himself can no longer sign the recap; the Plh signs it.
    kepala_card = _last_pdf(harness, KEPALA)
    await harness.tap(tg(KEPALA), kepala_card.button("Tandatangani"), on=kepala_card)
    assert api.sent("answerCallbackQuery")[-1].params.get("show_alert") is True
    recap_card = _last_pdf(harness, SEKRETARIS)
    await harness.tap(tg(SEKRETARIS), recap_card.button("Tandatangani"), on=recap_card)
    async with db.read() as conn:
        signed = await recap.find(conn, 2026, 10)
    assert signed is not None and signed.state == "signed"
    assert signed.kepala_nip == SEKRETARIS.nip
    signed_pdf = _last_pdf(harness, SEKRETARIS)
    signed_text = pdf_text(signed_pdf)
    assert "Plh. Kepala" in signed_text and "Siti Aminah" in signed_text
    assert SEKRETARIS.nip in signed_text

    # A cuti filed during the period goes to the Plh from the start.
    later = await _cuti(db, settings, clock, KABID.nip, dt.date(2026, 11, 23),
                        dt.date(2026, 11, 23))
    assert await _actors(db, later.id) == {SEKRETARIS.nip}
    env = harness.application.bot_data["services"].env(WorkflowEnv)
    tasks = await wf.tasks_of(db, env, await stored_employee(db, SEKRETARIS.nip))
    assert [f.id for f in tasks] == [file_id]
    assert await wf.tasks_of(db, env, await stored_employee(db, KEPALA.nip)) == []

    # Saturday: the period is over; what the Plh did not decide goes back to the Kepala.
    clock.set(dt.datetime(2026, 11, 7, 7, 0, tzinfo=WIB))
    before_kepala = len(api.sent_to(KEPALA.telegram_id))
    await delegation_jobs.run_tick(harness.application)
    await harness.deliver()
    assert await _actors(db, later.id) == {KEPALA.nip}
    assert [f.id for f in await wf.tasks_of(db, env, await stored_employee(db, KEPALA.nip))] == \
        [file_id]
    assert await wf.tasks_of(db, env, await stored_employee(db, SEKRETARIS.nip)) == []
    back = [c.text for c in api.sent_to(KEPALA.telegram_id)[before_kepala:]]
    assert any("kembali kepada Anda" in t for t in back)
    assert any("dikembalikan kepada Dr. Budi Santoso" in c.text
               for c in api.sent_to(SEKRETARIS.telegram_id))
    # The decided cuti stays decided by the Plh, and its record says so.
    approved = await svc.get(db, cuti.id)
    assert approved.steps[-1].on_behalf_of is not None
    assert approved.steps[-1].on_behalf_of.nip == KEPALA.nip
    # A second tick changes nothing.
    count = len(api.calls)
    await delegation_jobs.run_tick(harness.application)
    await harness.deliver()
    assert len(api.calls) == count


async def test_designation_refusals(harness: Harness, db: Database, office,
                                    clock: FixedClock) -> None:
    api = harness.api
    await _designate(harness, ADMIN, KEPALA, KEPALA, "03-11-2026", "06-11-2026")
    # The delegate typed was the official: asked again, nothing stored.
    assert any("dirinya sendiri" in c.text for c in api.sent_to(ADMIN.telegram_id))
    await harness.send(tg(ADMIN), "/batal")
    assert "dibatalkan" in api.last_to(ADMIN.telegram_id).text
    await _designate(harness, ADMIN, KEPALA, SEKRETARIS, "03-11-2026", "02-11-2026")
    assert "tidak boleh sebelum" in api.last_to(ADMIN.telegram_id).text
    await harness.send(tg(ADMIN), "06-11-2026")
    await harness.tap(tg(ADMIN), api.last_to(ADMIN.telegram_id).button("Simpan"))
    # An overlapping second designation for the same official is refused.
    await _designate(harness, ADMIN, KEPALA, KASUBBAG, "05-11-2026", "10-11-2026")
    summary = api.last_to(ADMIN.telegram_id)
    await harness.tap(tg(ADMIN), summary.button("Simpan"))
    assert "sudah memiliki Plh." in api.message(ADMIN.telegram_id, summary.message_id)["text"]
    async with db.read() as conn:
        assert len(await delegation._select(conn, "1 = 1")) == 1


async def test_revoking_an_active_plh_returns_the_steps(harness: Harness, db: Database, office,
                                                        clock: FixedClock, settings) -> None:
    api = harness.api
    cuti = await _cuti(db, settings, clock, KABID.nip, dt.date(2026, 11, 16),
                       dt.date(2026, 11, 16))
    await _designate(harness, KEPALA, KEPALA, SEKRETARIS, "02-11-2026", "06-11-2026")
    await harness.tap(tg(KEPALA), api.last_to(KEPALA.telegram_id).button("Simpan"))
    # In force today: moved at once.
    assert await _actors(db, cuti.id) == {SEKRETARIS.nip}
    await harness.send(tg(KEPALA), "/delegasi")
    menu = api.last_to(KEPALA.telegram_id)
    assert "sedang berlaku" in menu.text
    await harness.tap(tg(KEPALA), menu.button("Cabut #1"))
    confirm = api.message(KEPALA.telegram_id, menu.message_id)
    assert "Cabut penunjukan Plh. Kepala Dinas" in confirm["text"]
    await harness.tap(tg(KEPALA), confirm["reply_markup"]["inline_keyboard"][0][0], on=confirm)
    assert "telah dicabut" in api.message(KEPALA.telegram_id, menu.message_id)["text"]
    assert await _actors(db, cuti.id) == {KEPALA.nip}


def test_effective_actor_rules() -> None:
    day = dt.date(2026, 11, 3)
    created = dt.datetime(2026, 11, 1, tzinfo=WIB)

    def d(i: int, official: str, delegate: str, start: int, end: int,
          revoked: bool = False) -> delegation.Delegation:
        return delegation.Delegation(i, official, delegate, "plh", "SP", dt.date(2026, 11, start),
                                     dt.date(2026, 11, end), None, None, created, None, None,
                                     created if revoked else None)

    pool = [d(1, "K", "S", 2, 6), d(2, "S", "A", 3, 3), d(3, "A", "K", 3, 3)]
    # A Plh of the Plh is followed; a circle stops before returning to the start.
    assert delegation.effective_actor("K", day, pool) == "A"
    assert delegation.effective_actor("K", dt.date(2026, 11, 4), pool) == "S"
    assert delegation.effective_actor("K", dt.date(2026, 11, 7), pool) == "K"
    assert delegation.effective_actor("K", day, [d(1, "K", "S", 2, 6, revoked=True)]) == "K"
    start, end = delegation.due([d(1, "K", "S", 2, 6)], day)
    assert [x.id for x in start] == [1] and end == []


async def _approve(db: Database, settings, clock: FixedClock, view: svc.RequestView,
                   nip: str) -> None:
    await svc.decide(db, settings.requests, OfficeCalendar(settings.calendar), settings.office,
                     request_id=view.id, position=view.current_step, round_=view.round,
                     action="setujui", nip=nip, note=None, at=clock.now(),
                     telegram_user_id=None)


async def test_an_approver_on_cuti_without_plh_hands_over_after_a_working_day(
        harness: Harness, db: Database, office, clock: FixedClock, settings) -> None:
    api = harness.api
    # The Kabid is on approved cuti all week and designated nobody.
    cuti = await _cuti(db, settings, clock, KABID.nip, dt.date(2026, 11, 2),
                       dt.date(2026, 11, 6))
    await _approve(db, settings, clock, cuti, KEPALA.nip)
    izin = await svc.submit(db, settings.requests, OfficeCalendar(settings.calendar),
                            await stored_employee(db, STAFF_A.nip),
                            svc.Draft("izin", dt.date(2026, 11, 4), dt.date(2026, 11, 4),
                                      "mengurus keperluan keluarga"),
                            at=clock.now(), telegram_user_id=None)
    assert await _actors(db, izin.id) == {KABID.nip}

    # The same day nothing moves: one working day has not passed yet.
    clock.set(dt.datetime(2026, 11, 2, 15, 0, tzinfo=WIB))
    assert await delegation_jobs.run_tick(harness.application) == 0
    await harness.deliver()
    assert await _actors(db, izin.id) == {KABID.nip}

    # Tuesday morning: the step goes to the Kabid's own atasan, and the applicant is told.
    clock.set(dt.datetime(2026, 11, 3, 7, 30, tzinfo=WIB))
    assert await delegation_jobs.run_tick(harness.application) == 1
    await harness.deliver()
    assert await _actors(db, izin.id) == {KEPALA.nip}
    told = api.sent_to(STAFF_A.telegram_id)[-1].text
    assert f"Pengajuan #{izin.id} Anda dialihkan kepada Dr. Budi Santoso" in told
    assert "Hendra Gunawan" in told and "sedang cuti" in told
    card = [c for c in api.sent_to(KEPALA.telegram_id) if c.buttons][-1]
    assert f"#{izin.id}" in card.text
    async with db.read() as conn:
        moved = [e for e in await audit.entries_for(conn, "request", izin.id)
                 if e.action == "approval.reassign"]
    assert [(e.detail["from"], e.detail["to"], e.detail["reason"]) for e in moved] == \
        [(KABID.nip, KEPALA.nip, "cuti")]
    # The Kepala decides it; a second run moves nothing again.
    await harness.tap(tg(KEPALA), card.button("Setujui"), on=card)
    assert (await svc.get(db, izin.id)).status == svc.DISETUJUI
    assert await delegation_jobs.run_tick(harness.application) == 0
    await harness.deliver()


async def test_the_wait_is_configurable(tmp_path, monkeypatch) -> None:
    path = tmp_path / "presensi.toml"
    path.write_text(BASE_CONFIG + "\n[approvals]\nabsent_approver_after_working_days = 2\n",
                    encoding="utf-8")
    monkeypatch.delenv("PRESENSI_BOT_TOKEN", raising=False)
    assert load_settings(str(path)).approvals.absence.after_working_days == 2
    calendar = OfficeCalendar(load_settings(str(path)).calendar)
    arrived = dt.datetime(2026, 11, 2, 10, 0, tzinfo=WIB)
    assert not waited_enough(arrived, dt.date(2026, 11, 2), dt.date(2026, 11, 3), calendar, 2)
    assert waited_enough(arrived, dt.date(2026, 11, 2), dt.date(2026, 11, 4), calendar, 2)
    # Friday to Monday is one working day (the weekend does not count).
    friday = dt.datetime(2026, 11, 6, 10, 0, tzinfo=WIB)
    assert waited_enough(friday, dt.date(2026, 11, 6), dt.date(2026, 11, 9), calendar, 1)
    assert not waited_enough(friday, dt.date(2026, 11, 6), dt.date(2026, 11, 9), calendar, 2)


def _csv(people) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for person in people:
        row = person.row()
        if person is STAFF_A:
            row[5] = SEKRETARIS.nip     # Dewi's atasan changes from the Kabid to the Sekretaris
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


async def test_a_reimport_that_changes_the_atasan_moves_the_waiting_steps(
        harness: Harness, db: Database, office, clock: FixedClock, settings) -> None:
    api = harness.api
    env = harness.application.bot_data["services"].env(WorkflowEnv)
    cuti = await _cuti(db, settings, clock, STAFF_A.nip, dt.date(2026, 11, 16),
                       dt.date(2026, 11, 16))
    other = await _cuti(db, settings, clock, STAFF_B.nip, dt.date(2026, 11, 16),
                        dt.date(2026, 11, 16))
    applicant = await stored_employee(db, STAFF_A.nip)
    draft = await wf.start_draft(db, env, applicant, "administrasi_plt_plh", clock.now())
    for name in ("usulan.pdf", "sk.pdf", "pangkat.pdf"):
        await wf.attach_document(db, env, draft.id, applicant,
                                 wf.Upload(f"file-{name}", "document", name,
                                           "application/pdf", 100), clock.now())
    file = await wf.get_file(db, env, draft.id)
    outcome = await wf.submit(db, env, file.id, file.version, applicant, clock.now())
    outcome = await wf.act(db, env, file.id, outcome.file.version,
                           await stored_employee(db, ADMIN.nip), "teruskan", clock.now())
    assert [e.nip for e in outcome.file.actors] == [KABID.nip]

    await harness.send(tg(ADMIN), "/impor")
    await harness.send_document(tg(ADMIN), _csv(office), file_name="pegawai.csv",
                                mime_type="text/csv")
    preview = api.last_to(ADMIN.telegram_id)
    # The check writes nothing: the steps stay where they are.
    assert await _actors(db, cuti.id) == {KABID.nip}
    await harness.tap(tg(ADMIN), preview.button("Impor"), on=preview)

    # Dewi's atasan-langsung steps went to the Sekretaris; the Kepala's step stays his, and
    # Yusuf's request stays with the Kabid.
    assert await _actors(db, cuti.id) == {SEKRETARIS.nip}
    view = await svc.get(db, cuti.id)
    assert {a.nip for a in view.steps[-1].actors} == {KEPALA.nip}
    assert await _actors(db, other.id) == {KABID.nip}
    moved_file = await wf.get_file(db, env, file.id)
    assert [e.nip for e in moved_file.actors] == [SEKRETARIS.nip]
    new_atasan = [c.text for c in api.sent_to(SEKRETARIS.telegram_id)]
    assert any(f"Pengajuan #{cuti.id} dialihkan kepada Anda sebagai atasan langsung baru"
               in t for t in new_atasan)
    assert any(f"Berkas layanan #{file.id} dialihkan kepada Anda" in t for t in new_atasan)
    assert any(f"#{cuti.id}" in c.text and c.buttons for c in api.sent_to(SEKRETARIS.telegram_id))
    assert any(f"Pengajuan #{cuti.id} dialihkan kepada Siti Aminah" in c.text
               for c in api.sent_to(KABID.telegram_id))
    async with db.read() as conn:
        moved = [e for e in await audit.entries_for(conn, "request", cuti.id)
                 if e.action == "approval.reassign"]
    assert [(e.detail["from"], e.detail["to"], e.detail["reason"]) for e in moved] == \
        [(KABID.nip, SEKRETARIS.nip, "atasan")]


async def test_an_approved_plt_plh_file_records_the_designation(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    api = harness.api
    file_id = await _file_at_the_kepala(harness, db, clock)
    env = harness.application.bot_data["services"].env(WorkflowEnv)
    kepala = await stored_employee(db, KEPALA.nip)
    file = await wf.get_file(db, env, file_id)
    for action in ("teruskan", "setujui"):
        file = (await wf.act(db, env, file_id, file.version, kepala, action,
                             clock.now())).file
    # The Pelaksana finishes the file; its notices are outbox rows, rendered by /layanan's.
    outcome = await wf.act(db, env, file_id, file.version, await stored_employee(db, ADMIN.nip),
                           "teruskan", clock.now())
    assert outcome.file.status == wf.DONE and outcome.file.agenda_number
    await harness.deliver()
    notice = api.last_to(ADMIN.telegram_id)
    assert "persetujuan penetapan Plh/Plt" in notice.text

    # A plain employee cannot use the button.
    await harness.tap(tg(STAFF_B), notice.button("Catat penunjukan"), on=notice)
    assert "hanya dapat dilakukan oleh Kepala" in \
        api.sent("answerCallbackQuery")[-1].params["text"]

    await harness.tap(tg(ADMIN), notice.button("Catat penunjukan"), on=notice)
    assert outcome.file.agenda_number in api.sent_to(ADMIN.telegram_id)[-2].text
    await harness.tap(tg(ADMIN), "dlg:kind:plt")
    await harness.send(tg(ADMIN), KEPALA.nip)
    await harness.send(tg(ADMIN), SEKRETARIS.nip)
    # No Surat Perintah number is asked: the file's agenda number is it.
    assert "tanggal mulai" in api.last_to(ADMIN.telegram_id).text
    await harness.send(tg(ADMIN), "09-11-2026")
    await harness.send(tg(ADMIN), "13-11-2026")
    summary = api.last_to(ADMIN.telegram_id)
    assert outcome.file.agenda_number in summary.text and "Pelaksana Tugas" in summary.text
    await harness.tap(tg(ADMIN), summary.button("Simpan"))
    async with db.read() as conn:
        stored = await delegation._select(conn, "1 = 1")
    assert [(d.kind, d.official_nip, d.delegate_nip, d.sp_number, d.workflow_file_id)
            for d in stored] == [("plt", KEPALA.nip, SEKRETARIS.nip,
                                  outcome.file.agenda_number, file_id)]
    assert "Plt. Kepala Dinas" in api.last_to(SEKRETARIS.telegram_id).text

    # The same file cannot record a second designation.
    await harness.tap(tg(ADMIN), notice.button("Catat penunjukan"), on=notice)
    assert "sudah dicatat" in api.sent("answerCallbackQuery")[-1].params["text"]
