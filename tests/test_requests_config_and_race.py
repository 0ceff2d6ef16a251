"""[requests] configuration errors; approval chains taken from the office's own izin.yaml and
cuti.yaml ([workflows] dir) through the real Application: two approvers who hold the same peran
racing on one card, and a named NIP as the second level of cuti."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

import pytest

from bot.config import ConfigError, Settings, parse_settings
from services import audit
from services.storage import Database
from services.workflows.loader import shipped_folder
from tests.conftest import BASE_CONFIG, tg
from tests.support.harness import Harness
from tests.support.office import KABID, KASUBBAG, KEPALA, SEKRETARIS, STAFF_A, STAFF_C

CHAIN_CONFIG = """
[workflows]
dir = "layanan"

[requests]
agenda_format = { izin = "800/{seq:03d}/{unit}/{year}" }
"""

# The office's izin chain: the Kasubbag Umum decides every izin, without a return.
IZIN_YAML = """\
kode: izin
nama: Izin Kantor
jenis: permohonan
jenis_permohonan: [izin, sakit, dinas_luar, izin_terlambat, izin_pulang_cepat]
langkah:
  - kode: umum
    kegiatan: Memberikan izin
    jabatan: Kasubbag Umum
    pelaksana: {peran: kasubbag}
    aksi: [setujui, tolak]
    waktu: 10 menit
    output: Surat izin
"""


def _office_cuti() -> str:
    """The shipped cuti.yaml with the Sekretaris, named by NIP, granting instead of the Kepala."""
    text = (shipped_folder() / "cuti.yaml").read_text(encoding="utf-8")
    old = "jabatan: Pejabat yang Berwenang Memberikan Cuti\n    pelaksana: {peran: kepala}"
    assert old in text
    return text.replace(old, "jabatan: Sekretaris (atas pendelegasian)\n"
                             f"    pelaksana: {{nip: \"{SEKRETARIS.nip}\"}}")


@pytest.fixture
def config_text(tmp_path: Path) -> str:
    folder = tmp_path / "layanan"
    folder.mkdir()
    (folder / "izin.yaml").write_text(IZIN_YAML, encoding="utf-8")
    (folder / "cuti.yaml").write_text(_office_cuti(), encoding="utf-8")
    return BASE_CONFIG + CHAIN_CONFIG


def _parse(extra: str) -> None:
    parse_settings(tomllib.loads(BASE_CONFIG + extra), Path("."), Path("presensi.toml"))


@pytest.mark.parametrize(("extra", "key", "problem"), [
    ("[requests]\nagenda_format = { izin = \"800/{unit}\" }", "requests.agenda_format.izin",
     "{seq}"),
    ("[requests]\nagenda_format = { surat = \"{seq}\" }", "requests.agenda_format.surat",
     "izin atau cuti"),
    # Chains used to be configured here; an old file is stopped rather than silently ignored.
    ("[requests.chains.x]\ntypes = [\"izin\"]\n"
     "steps = [{ title = \"A\", actor = \"atasan_langsung\" }]", "requests.chains",
     "izin.yaml dan cuti.yaml"),
    ("[requests]\nmax_attachment_mb = 50", "requests.max_attachment_mb", "maksimal 20"),
    # Deducting cuti bersama from cuti tahunan is unlawful for ASN: an old file is stopped.
    ("[requests]\ndeduct_cuti_bersama = true", "requests.deduct_cuti_bersama",
     "tidak mengurangi hak cuti tahunan ASN (PP 11/2017 Pasal 333 ayat 2)"),
])
def test_invalid_requests_config_names_the_key(extra: str, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _parse(extra)
    assert caught.value.key == key and problem in caught.value.problem


def test_chains_come_from_the_office_definitions(settings: Settings) -> None:
    chains = settings.requests.chains
    assert chains["sakit"] == chains["izin"]
    assert [s.title for s in chains["izin"].steps] == ["Kasubbag Umum"]
    assert [str(s.actor) for s in chains["cuti_besar"].steps] == [
        "atasan_langsung", f"nip:{SEKRETARIS.nip}"]


async def test_two_approvers_of_one_peran_race(harness: Harness, office, db: Database) -> None:
    h = harness
    # A second Kasubbag: the "umum" chain's step is open to every holder of the peran.
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET peran = 'kasubbag' WHERE nip = ?",
                           (STAFF_C.nip,))
    employee, first, second = tg(STAFF_A), tg(KASUBBAG), tg(STAFF_C)
    await h.send(employee, "/izin")
    await h.tap(employee, "rqf:t:izin")
    await h.send(employee, "06-10-2026")
    await h.send(employee, "keperluan keluarga mendadak")
    await h.tap(employee, "rqf:send")

    card_a = h.api.last_to(first.id)
    card_b = h.api.last_to(second.id)
    assert "Kasubbag Umum (1 dari 1)" in card_a.text and "Kasubbag Umum" in card_b.text
    assert [b["text"] for b in card_a.buttons] == ["✅ Setujui", "⛔ Tolak"]
    await asyncio.gather(h.tap(first, card_a.button("Setujui"), on=card_a),
                         h.tap(second, card_b.button("Setujui"), on=card_b))
    answers = [c.params.get("text", "") for c in h.api.sent("answerCallbackQuery")[-2:]]
    assert sorted("sudah disetujui" in a for a in answers) == [False, True]
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "request", 1)
        async with conn.execute("SELECT agenda_number FROM requests") as cursor:
            numbers = [r[0] for r in await cursor.fetchall()]
    assert [e.action for e in entries] == ["request.submit", "request.setujui"]
    assert numbers == ["800/001/DISKOMINFO/2026"]
    # Both copies of the card show the one decision and no buttons.
    for who, card in ((first, card_a), (second, card_b)):
        shown = h.api.message(who.id, card.message_id)
        assert "reply_markup" not in shown and "Disetujui</b> oleh" in shown["text"]


async def test_named_nip_grants_cuti_instead_of_the_kepala(harness: Harness, office,
                                                          db: Database) -> None:
    h = harness
    employee, atasan, sekretaris = tg(STAFF_A), tg(KABID), tg(SEKRETARIS)
    await h.send(employee, "/izin")
    await h.tap(employee, "rqf:t:cuti_tahunan")
    await h.send(employee, "19-10-2026")
    await h.tap(employee, "rqf:until")
    await h.send(employee, "21-10-2026")
    await h.send(employee, "berlibur bersama keluarga")
    await h.tap(employee, "rqf:send")

    first = h.api.last_to(atasan.id)
    assert "Atasan Langsung (1 dari 2)" in first.text
    await h.tap(atasan, first.button("Setujui"), on=first)
    second = h.api.last_to(sekretaris.id)
    assert "Sekretaris (atas pendelegasian) (2 dari 2)" in second.text
    await h.tap(sekretaris, second.button("Setujui"), on=second)

    # The Kepala, who grants cuti in the shipped chain, is never asked.
    assert not [c for c in h.api.sent_to(KEPALA.telegram_id) if "Pengajuan #" in c.text]
    async with db.read() as conn:
        async with conn.execute(
                "SELECT s.position, s.title, a.nip FROM approval_steps s "
                "JOIN approval_step_actors a USING (subject_id, position) "
                "JOIN approval_subjects j ON j.id = s.subject_id AND j.kind = 'request' "
                "ORDER BY s.position") as cursor:
            steps = [tuple(r) for r in await cursor.fetchall()]
        async with conn.execute("SELECT status, agenda_number FROM requests") as cursor:
            status = tuple(await cursor.fetchone())
    assert steps == [(0, "Atasan Langsung", KABID.nip),
                     (1, "Sekretaris (atas pendelegasian)", SEKRETARIS.nip)]
    assert status == ("disetujui", "851/1/DISKOMINFO/2026")
