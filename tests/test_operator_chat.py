"""The operator in chat through the real Application: /impor with a checked preview before
anything is written, and /pegawai to deactivate, reactivate or unbind after "Yakin?"."""

from __future__ import annotations

import csv
import io

from services import audit, employees
from services.employee_import import HEADER
from services.storage import Database
from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import ADMIN, PEOPLE, STAFF_A, STAFF_B, STAFF_C, Person

OPERATOR = tg(ADMIN)
NEWCOMER = ["199509092022032009", "Nur Aini, S.Psi.", "Analis SDM", "III/a", "Sekretariat",
            ADMIN.atasan_nip, "081100000009", "0009", "pegawai"]


def _file(people: tuple[Person, ...], *extra: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for person in people:
        row = person.row()
        if person is STAFF_A:
            row[1] = "Dewi Lestari, S.Kom., M.T."
        writer.writerow(row)
    for row in extra:
        writer.writerow(row)
    return buffer.getvalue().encode("utf-8")


async def _employee(db: Database, nip: str) -> employees.Employee | None:
    async with db.read() as conn:
        return await employees.by_nip(conn, nip)


async def test_import_from_chat_is_checked_before_anything_is_written(
        harness: Harness, db: Database, office) -> None:
    h = harness
    everyone_but_c = tuple(p for p in PEOPLE if p is not STAFF_C)
    bad = ["12345", "Salah NIP", "Staf", "II/a", "Sekretariat", "", "", "", "pegawai"]
    content = _file(everyone_but_c, NEWCOMER, bad)

    await h.send(tg(STAFF_B), "/impor")
    assert "tidak berwenang" in h.api.last_to(STAFF_B.telegram_id).text

    await h.send(OPERATOR, "/impor")
    assert "Kirim berkas data pegawai" in h.api.last_to(OPERATOR.id).text
    await h.send(OPERATOR, "ini bukan berkas")
    assert "CSV atau XLSX" in h.api.last_to(OPERATOR.id).text
    await h.send_document(OPERATOR, content, file_name="pegawai.csv", mime_type="text/csv")
    preview = h.api.last_to(OPERATOR.id)
    # The same report as the console: counts, then each refused row by its line.
    assert "8 baris (baru 1, diperbarui 1, tidak berubah 6); ditolak: 1" in preview.text
    assert "baris 10: 12345:" in preview.text
    assert "1 pegawai aktif tidak ada dalam berkas" in preview.text
    # Nothing is written by the check.
    assert await _employee(db, NEWCOMER[0]) is None
    dewi = await _employee(db, STAFF_A.nip)
    assert dewi is not None and dewi.nama == STAFF_A.nama

    await h.tap(OPERATOR, preview.button("Impor"), on=preview)
    done = h.api.last_to(OPERATOR.id)
    assert "Diimpor dari pegawai.csv" in done.text and "baru 1, diperbarui 1" in done.text
    assert await _employee(db, NEWCOMER[0]) is not None
    dewi = await _employee(db, STAFF_A.nip)
    assert dewi is not None and dewi.nama == "Dewi Lestari, S.Kom., M.T."
    maria = await _employee(db, STAFF_C.nip)
    assert maria is not None and maria.active
    # The import is audited as the operator's.
    async with db.read() as conn:
        [entry] = [e for e in await audit.entries_for(conn, "employee", NEWCOMER[0])
                   if e.action == "employee.import"]
    assert entry.actor_nip == ADMIN.nip and entry.telegram_user_id == OPERATOR.id

    # The second button also deactivates whoever the file no longer names; they are told.
    await h.send(OPERATOR, "/impor")
    await h.send_document(OPERATOR, content, file_name="pegawai.csv", mime_type="text/csv")
    preview = h.api.last_to(OPERATOR.id)
    await h.tap(OPERATOR, preview.button("nonaktifkan 1 pegawai"), on=preview)
    maria = await _employee(db, STAFF_C.nip)
    assert maria is not None and not maria.active
    assert "dinonaktifkan" in h.api.last_to(STAFF_C.telegram_id).text
    assert STAFF_C.nama in h.api.last_to(OPERATOR.id).text


async def test_import_refuses_other_files_and_cancels(harness: Harness, db: Database,
                                                      office) -> None:
    h = harness
    await h.send(OPERATOR, "/impor")
    await h.send_document(OPERATOR, b"%PDF-1.4", file_name="pegawai.pdf",
                          mime_type="application/pdf")
    assert "CSV atau XLSX" in h.api.last_to(OPERATOR.id).text
    await h.send_document(OPERATOR, b"a,b\n1,2\n", file_name="salah.csv", mime_type="text/csv")
    assert "tidak dapat diperiksa" in h.api.last_to(OPERATOR.id).text
    await h.send_document(OPERATOR, _file(PEOPLE, NEWCOMER), file_name="p.csv",
                          mime_type="text/csv")
    preview = h.api.last_to(OPERATOR.id)
    await h.tap(OPERATOR, preview.button("Batal"), on=preview)
    assert "Impor dibatalkan" in h.api.last_to(OPERATOR.id).text
    assert await _employee(db, NEWCOMER[0]) is None


async def test_account_changes_from_chat_ask_first_and_are_audited(
        harness: Harness, db: Database, office) -> None:
    h = harness
    await h.send(OPERATOR, f"/pegawai {STAFF_B.nip}")
    card = h.api.last_to(OPERATOR.id)
    assert STAFF_B.nama in card.text and "aktif" in card.text and "terhubung" in card.text
    # Another employee cannot use the operator's buttons.
    await h.tap(tg(STAFF_A), f"opr:deact:{STAFF_B.nip}:y", on=card)
    assert "tidak berwenang" in h.api.sent("answerCallbackQuery")[-1].params["text"]
    yusuf = await _employee(db, STAFF_B.nip)
    assert yusuf is not None and yusuf.active

    await h.tap(OPERATOR, card.button("Nonaktifkan"), on=card)
    asked = h.api.message(OPERATOR.id, card.message_id)
    assert "Yakin menonaktifkan" in asked["text"]
    await h.tap(OPERATOR, "opr:no", on=asked)
    assert "Tidak ada yang diubah" in h.api.message(OPERATOR.id, card.message_id)["text"]
    yusuf = await _employee(db, STAFF_B.nip)
    assert yusuf is not None and yusuf.active

    await h.tap(OPERATOR, f"opr:deact:{STAFF_B.nip}", on=card)
    await h.tap(OPERATOR, f"opr:deact:{STAFF_B.nip}:y", on=card)
    assert "dinonaktifkan mulai hari ini" in h.api.message(OPERATOR.id, card.message_id)["text"]
    assert "dinonaktifkan" in h.api.last_to(STAFF_B.telegram_id).text
    # A second tap on the same button finds the state changed.
    await h.tap(OPERATOR, f"opr:deact:{STAFF_B.nip}:y", on=card)
    assert "sudah nonaktif" in h.api.message(OPERATOR.id, card.message_id)["text"]

    await h.send(OPERATOR, f"/pegawai {STAFF_B.nip}")
    card = h.api.last_to(OPERATOR.id)
    assert "nonaktif sejak" in card.text
    await h.tap(OPERATOR, f"opr:act:{STAFF_B.nip}:y", on=card)
    await h.tap(OPERATOR, f"opr:unl:{STAFF_B.nip}:y", on=card)
    yusuf = await _employee(db, STAFF_B.nip)
    assert yusuf is not None and yusuf.active and yusuf.telegram_user_id is None
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "employee", STAFF_B.nip)
    changes = [e for e in entries if e.action != "employee.import"]
    assert [e.action for e in changes][-3:] == ["employee.deactivate", "employee.activate",
                                                "telegram.unlink"]
    assert {e.actor_nip for e in changes[-3:]} == {ADMIN.nip}
    assert {e.telegram_user_id for e in changes[-3:]} == {OPERATOR.id}

    await h.send(OPERATOR, "/pegawai 12345")
    assert "NIP" in h.api.last_to(OPERATOR.id).text
