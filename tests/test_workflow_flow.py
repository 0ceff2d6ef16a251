"""A full Plt/Plh file through the real Application: seven roles, a return in the middle,
strangers, stale buttons and double taps refused, agenda number and archive at the end."""

from __future__ import annotations

from bot.context import SERVICES_KEY
from services import audit, employees
from services.storage import Database
from services.workflows import files as wf
from services.workflows.files import WorkflowEnv
from services.workflows.monitor import watch
from tests.conftest import tg
from tests.support.harness import Harness, TgUser
from tests.support.office import (
    ADMIN,
    KABID,
    KASUBBAG,
    KEPALA,
    SEKRETARIS,
    STAFF_A,
    STAFF_B,
    Person,
)

PDF = b"%PDF-1.4 usulan"


def _answer(harness: Harness) -> dict[str, object]:
    return harness.api.sent("answerCallbackQuery")[-1].params


async def _act(harness: Harness, person: Person, button: str, clock, minutes: int = 4) -> None:
    clock.advance(minutes=minutes)
    await harness.tap(tg(person), harness.api.last_to(person.telegram_id).button(button))


async def test_plt_plh_seven_roles_with_a_return(harness: Harness, db: Database, office,
                                                 clock) -> None:
    applicant = tg(STAFF_A)
    api = harness.api

    # The applicant chooses the service and uploads the kelengkapan in chat.
    await harness.send(applicant, "/layanan")
    menu = api.last_to(applicant.id)
    assert "Kenaikan Gaji Berkala" in str(menu.buttons)
    # Surat masuk is registered by everyone; only admins see /pantau's admin services.
    await harness.tap(applicant, menu.button("Pelaksana Tugas"))
    assert "Surat usulan Plt/Plh" in api.last_to(applicant.id).text

    await harness.send_document(applicant, PDF, file_name="usulan.pdf",
                                mime_type="application/pdf")
    assert "✅ Surat usulan Plt/Plh dari perangkat daerah diterima" in \
        api.sent_to(applicant.id)[-2].text
    await harness.send_photo(applicant, b"\xff\xd8 sk definitif")
    # A wrong type and an oversized file are refused, and nothing is lost.
    await harness.send_document(applicant, b"MZ", file_name="sk.exe",
                                mime_type="application/octet-stream")
    assert "Jenis berkas .exe tidak diterima" in api.sent_to(applicant.id)[-2].text
    await harness.send_document(applicant, b"x" * (6 * 1024 * 1024), file_name="sk.pdf",
                                mime_type="application/pdf")
    assert "melebihi batas 5 MB" in api.sent_to(applicant.id)[-2].text
    await harness.send_document(applicant, b"%PDF sk pangkat lama", file_name="sk.pdf",
                                mime_type="application/pdf")
    editor = api.last_to(applicant.id)
    assert "Seluruh kelengkapan telah diterima" in editor.text
    await harness.tap(applicant, editor.button("Ajukan"))
    submitted = api.message(applicant.id, editor.message_id)
    assert "telah diajukan" in submitted["text"] and "reply_markup" not in submitted

    # 1. Pelaksana (admin) receives the documents by file_id, then the card.
    sent = api.sent_to(ADMIN.telegram_id)
    assert [c.method for c in sent[-4:]] == ["sendDocument", "sendPhoto", "sendDocument",
                                             "sendMessage"]
    card = api.last_to(ADMIN.telegram_id)
    assert "Langkah 1/7: <b>Pelaksana</b>" in card.text and "10 menit" in card.text
    assert [b["text"] for b in card.buttons] == ["➡️ Teruskan", "↩️ Kembalikan"]
    await _act(harness, ADMIN, "Teruskan", clock)
    assert "langkah 2/7: Pejabat Fungsional" in api.last_to(applicant.id).text

    # 2. Pejabat Fungsional = the applicant's atasan langsung.
    assert "Langkah 2/7" in api.last_to(KABID.telegram_id).text
    await _act(harness, KABID, "Teruskan", clock, minutes=20)

    # 3. Pejabat Administrator returns the file: incomplete.
    admin_card = api.last_to(KASUBBAG.telegram_id)
    assert "Langkah 3/7: <b>Pejabat Administrator</b>" in admin_card.text
    # A stranger's tap on that card is refused and changes nothing.
    await harness.tap(tg(STAFF_B), admin_card.button("Teruskan"), on=admin_card)
    assert _answer(harness)["show_alert"] is True
    assert "bukan pelaksana" in str(_answer(harness)["text"])
    await _act(harness, KASUBBAG, "Kembalikan", clock)
    assert "alasan pengembalian" in api.last_to(KASUBBAG.telegram_id).text
    await harness.send(tg(KASUBBAG), "SK pangkat calon Plt belum dilegalisir")
    returned = api.last_to(applicant.id)
    assert "Berkas dikembalikan" in returned.text
    assert "SK pangkat calon Plt belum dilegalisir" in returned.text

    # The old card is stale now, whoever taps it.
    await harness.tap(tg(KASUBBAG), admin_card.button("Teruskan"), on=admin_card)
    assert "tidak berlaku lagi" in str(_answer(harness)["text"])

    # The applicant replaces the one document and resubmits; it goes back to step 3.
    await harness.tap(applicant, returned.button("Perbaiki"))
    await harness.tap(applicant, api.last_to(applicant.id).button("Ganti: SK pangkat"))
    await harness.send_document(applicant, b"%PDF sk pangkat legalisir", file_name="sk2.pdf",
                                mime_type="application/pdf")
    await harness.tap(applicant, api.last_to(applicant.id).button("Ajukan kembali"))
    again = api.last_to(KASUBBAG.telegram_id)
    assert "Langkah 3/7" in again.text
    forwarded = [c for c in api.sent_to(KASUBBAG.telegram_id)[-4:] if c.method == "sendDocument"]
    assert api.files[forwarded[-1].params["document"]] == b"%PDF sk pangkat legalisir"
    await _act(harness, KASUBBAG, "Teruskan", clock)

    # 4. JPTP, 5. Tim Penilai Kinerja, 6. PPK, 7. Pelaksana numbers and archives.
    await _act(harness, SEKRETARIS, "Teruskan", clock)
    assert "Langkah 5/7: <b>Tim Penilai Kinerja PNS</b>" in api.last_to(KEPALA.telegram_id).text
    await _act(harness, KEPALA, "Teruskan", clock, minutes=60)
    ppk_card = api.last_to(KEPALA.telegram_id)
    assert [b["text"] for b in ppk_card.buttons] == ["✅ Setujui", "❌ Tolak"]
    await _act(harness, KEPALA, "Setujui", clock)
    await _act(harness, ADMIN, "Teruskan", clock)
    final_card = [c for c in api.sent_to(ADMIN.telegram_id)
                  if any("Teruskan" in b["text"] for b in c.buttons)][-1]
    # The approved designation is for the Pelaksana to record (tests/test_delegation.py).
    assert "Catat penunjukan" in str(api.last_to(ADMIN.telegram_id).buttons)
    done = api.last_to(applicant.id)
    assert "selesai" in done.text and "824/1/DISKOMINFO/2026" in done.text
    assert "diserahkan kepada pemohon" in done.text

    # A double tap on the last card is refused politely.
    await harness.tap(tg(ADMIN), final_card.button("Teruskan"), on=final_card)
    assert "tidak berlaku lagi" in str(_answer(harness)["text"])

    async with db.read() as conn:
        async with conn.execute("SELECT * FROM workflow_files") as cur:
            files = await cur.fetchall()
        async with conn.execute(
            "SELECT step_key, actor_nip, action, note, output FROM approval_actions ORDER BY id"
        ) as cur:
            steps = [tuple(r) for r in await cur.fetchall()]
        entries = await audit.entries_for(conn, "workflow_file", files[0]["id"])
    assert len(files) == 1 and files[0]["status"] == "selesai"
    assert files[0]["agenda_number"] == "824/1/DISKOMINFO/2026"
    assert [(s[0], s[2]) for s in steps] == [
        ("terima", "teruskan"), ("analisa", "teruskan"), ("inventarisasi", "kembalikan"),
        ("inventarisasi", "teruskan"), ("usul_ppk", "teruskan"), ("tim_penilai", "teruskan"),
        ("persetujuan", "setujui"), ("penyerahan", "teruskan")]
    assert steps[1][1] == KABID.nip and steps[2][3] == "SK pangkat calon Plt belum dilegalisir"
    assert steps[2][4] is None and steps[6][4] == "Persetujuan Pelaksana Tugas/Harian"
    actions = [e.action for e in entries]
    assert actions[0] == "workflow.draft" and actions.count("workflow.document") == 4
    assert "workflow.document_removed" in actions and "workflow.resubmit" in actions
    assert actions[-1] == "workflow.teruskan"
    assert sum(a in ("workflow.teruskan", "workflow.setujui", "workflow.kembalikan")
               for a in actions) == 8


async def test_unregistered_and_wrong_people_cannot_touch_files(harness: Harness, db: Database,
                                                                 office, clock) -> None:
    applicant = tg(STAFF_A)
    await harness.send(applicant, "/layanan")
    await harness.tap(applicant, harness.api.last_to(applicant.id).button("Surat Masuk"))
    await harness.send_document(applicant, PDF, file_name="surat.pdf",
                                mime_type="application/pdf")
    editor = harness.api.last_to(applicant.id)

    # Someone else cannot submit or cancel the applicant's draft.
    await harness.tap(tg(STAFF_B), editor.button("Ajukan"), on=editor)
    assert "bukan milik Anda" in str(_answer(harness)["text"])
    await harness.tap(TgUser(999_001, "Tamu"), editor.button("Ajukan"), on=editor)
    assert "belum terdaftar" in str(_answer(harness)["text"])

    await harness.tap(applicant, editor.button("Ajukan"))
    card = harness.api.last_to(KEPALA.telegram_id)
    # The disposisi step needs the note typed before it moves on.
    await harness.tap(tg(KEPALA), card.button("Teruskan"))
    assert "isi disposisi" in harness.api.last_to(KEPALA.telegram_id).text
    await harness.send(tg(KEPALA), "Kepada Kabid Aplikasi untuk ditindaklanjuti")
    distribution = harness.api.last_to(ADMIN.telegram_id)
    assert "Kepada Kabid Aplikasi untuk ditindaklanjuti" in distribution.text
    await harness.tap(tg(ADMIN), distribution.button("Teruskan"))
    assert "005/1/DISKOMINFO/2026" in harness.api.last_to(applicant.id).text


async def _employee(db: Database, nip: str):  # type: ignore[no-untyped-def]
    async with db.read() as conn:
        return await employees.by_nip(conn, nip)


async def test_chains_that_cannot_be_staffed(harness: Harness, db: Database, office,
                                             clock) -> None:
    env = harness.application.bot_data[SERVICES_KEY].env(WorkflowEnv)
    # The Kepala has no atasan langsung: the Plt/Plh chain cannot be staffed for them.
    await harness.send(tg(KEPALA), "/layanan")
    await harness.tap(tg(KEPALA), harness.api.last_to(KEPALA.telegram_id).button(
        "Pelaksana Tugas"))
    refusal = str(_answer(harness)["text"])
    assert "belum dapat diajukan" in refusal and "Pejabat Fungsional" in refusal

    # An actor who leaves while the file is on its way: the admins are told, not nobody.
    applicant = await _employee(db, STAFF_A.nip)
    file = await wf.start_draft(db, env, applicant, "surat_masuk", clock.now())
    file, _ = await wf.attach_document(db, env, file.id, applicant, wf.Upload(
        harness.api.add_file(b"%PDF"), "document", "surat.pdf", "application/pdf", 4),
        clock.now())
    outcome = await wf.submit(db, env, file.id, file.version, applicant, clock.now())
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET active = 0 WHERE nip = ?", (ADMIN.nip,))
    kepala = await _employee(db, KEPALA.nip)
    outcome = await wf.act(db, env, file.id, outcome.file.version, kepala, "teruskan",
                           clock.now(), note="Segera distribusikan")
    assert [(n.kind, n.to.nip) for n in outcome.notices] == [
        ("diproses", STAFF_A.nip), ("tanpa_pelaksana", KASUBBAG.nip)]
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET peran = 'admin' WHERE nip = ?",
                           (STAFF_B.nip,))
    items = await watch(db, env, clock.now())
    assert [a.nip for a in items[0].actors] == [STAFF_B.nip]


async def test_a_draft_survives_a_restart_and_batal(harness: Harness, db: Database, office,
                                                    clock) -> None:
    applicant = tg(STAFF_A)
    await harness.send(applicant, "/layanan")
    await harness.tap(applicant, harness.api.last_to(applicant.id).button("Kenaikan Gaji"))
    await harness.send_document(applicant, PDF, file_name="kgb.pdf",
                                mime_type="application/pdf")

    # A process restart keeps the conversation: the next upload fills the next item.
    await harness.restart()
    await harness.send_document(applicant, PDF, file_name="pangkat.pdf",
                                mime_type="application/pdf")
    assert "SK pangkat terakhir diterima" in harness.api.sent_to(applicant.id)[-2].text

    # Text is not a document; /batal stops the input but keeps the draft.
    await harness.send(applicant, "ini suratnya")
    assert "kirim dokumen" in harness.api.last_to(applicant.id).text
    await harness.send(applicant, "/batal")
    assert "Draf tetap tersimpan" in harness.api.last_to(applicant.id).text
    await harness.send_document(applicant, PDF, file_name="skp.pdf",
                                mime_type="application/pdf")
    async with db.read() as conn, conn.execute("SELECT count(*) FROM workflow_documents") as cur:
        assert (await cur.fetchone())[0] == 2

    await harness.send(applicant, "/layanan")
    menu = harness.api.last_to(applicant.id)
    assert "draf, kelengkapan 2/3" in menu.text
    await harness.tap(applicant, menu.button("Lanjutkan"))
    await harness.send_document(applicant, PDF, file_name="skp.pdf",
                                mime_type="application/pdf")
    editor = harness.api.last_to(applicant.id)
    await harness.tap(applicant, editor.button("Ajukan"))
    # A second tap on the same button does not submit twice.
    await harness.tap(applicant, editor.button("Ajukan"), on=editor)
    assert "sudah diajukan" in str(_answer(harness)["text"])
    assert len([c for c in harness.api.sent_to(ADMIN.telegram_id)
                if c.method == "sendMessage"]) == 1


async def test_a_refusal_closes_the_file_with_its_reason(harness: Harness, db: Database,
                                                         office, clock) -> None:
    env = harness.application.bot_data[SERVICES_KEY].env(WorkflowEnv)
    applicant = await _employee(db, STAFF_A.nip)
    file = await wf.start_draft(db, env, applicant, "kenaikan_gaji_berkala", clock.now())
    for name in ("a.pdf", "b.pdf", "c.pdf"):
        file, _ = await wf.attach_document(db, env, file.id, applicant, wf.Upload(
            harness.api.add_file(PDF), "document", name, "application/pdf", len(PDF)),
            clock.now())
    outcome = await wf.submit(db, env, file.id, file.version, applicant, clock.now())
    admin = await _employee(db, ADMIN.nip)
    for _ in range(2):
        outcome = await wf.act(db, env, file.id, outcome.file.version, admin, "teruskan",
                               clock.now())
    await harness.send(tg(SEKRETARIS), "/layanan")
    await harness.tap(tg(SEKRETARIS), harness.api.last_to(SEKRETARIS.telegram_id).button(
        f"Buka #{file.id}"))
    card = harness.api.last_to(SEKRETARIS.telegram_id)
    assert "Langkah 3/5: <b>Kabag</b>" in card.text
    await harness.tap(tg(SEKRETARIS), card.button("Tolak"))
    # An empty reason is asked again; the file does not move meanwhile.
    await harness.send(tg(SEKRETARIS), "   ")
    assert "tidak boleh kosong" in harness.api.last_to(SEKRETARIS.telegram_id).text
    await harness.send(tg(SEKRETARIS), "Masa kerja golongan belum memenuhi")
    refused = harness.api.last_to(STAFF_A.telegram_id)
    assert "ditolak oleh Kabag" in refused.text
    assert "Masa kerja golongan belum memenuhi" in refused.text
    closed = await wf.get_file(db, env, file.id)
    assert closed.status == "ditolak" and closed.agenda_number is None
    # The card lost its buttons.
    assert "reply_markup" not in harness.api.message(SEKRETARIS.telegram_id, card.message_id)
