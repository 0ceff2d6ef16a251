"""Workflow definitions: every shipped file loads; each kind of mistake is named precisely;
the bot refuses to start on an invalid file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli import main
from services import approval_chain
from services.approval_chain import ATASAN_LANGSUNG, PERAN, ActorRef, Chain, ChainStep, Person
from services.request_types import REQUEST_TYPES, TYPE_KEYS
from services.workflows.loader import (
    DefinitionError,
    load_catalogue,
    parse_time_standard,
    shipped_folder,
)
from services.workflows.model import Step, TimeStandard
from tests.conftest import BASE_CONFIG

VALID = """\
kode: cek
nama: Layanan Cek
kelengkapan:
  - kode: surat
    nama: Surat permohonan
    jenis: [pdf]
langkah:
  - kode: periksa
    kegiatan: Memeriksa berkas
    jabatan: Pengelola Kepegawaian
    pelaksana: {peran: admin}
    aksi: [teruskan, kembalikan]
    waktu: 10 menit
    output: Berkas diperiksa
"""


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _error_for(tmp_path: Path, text: str) -> DefinitionError:
    folder = tmp_path / "layanan"
    _write(folder, "cek.yaml", text)
    with pytest.raises(DefinitionError) as caught:
        load_catalogue(folder)
    return caught.value


def test_every_shipped_definition_loads() -> None:
    files = sorted(p.name for p in shipped_folder().glob("*.yaml"))
    catalogue = load_catalogue()
    assert len(catalogue.workflows) == len(files)
    services = {w.key for w in catalogue.services()}
    assert {"kenaikan_gaji_berkala", "kenaikan_pangkat", "ijin_belajar", "pensiun",
            "administrasi_plt_plh", "surat_masuk"} <= services
    for workflow in catalogue.workflows:
        assert workflow.steps, workflow.key
        assert all(isinstance(step, Step) for step in workflow.steps)
        if workflow.kind == "layanan":
            assert workflow.documents, workflow.key
            assert sum(s.assigns_agenda for s in workflow.steps) == 1, workflow.key


def test_seed_time_standards_and_outputs_are_kept() -> None:
    catalogue = load_catalogue()
    kgb = catalogue.get("kenaikan_gaji_berkala")
    assert kgb is not None
    # Seed 001: 10 + 10 + 5 + 10 + 10 minutes after the applicant's own 10.
    assert [s.time_standard.describe() for s in kgb.steps] == [
        "10 menit", "10 menit", "5 menit", "10 menit", "10 menit"]
    assert kgb.submit_time_standard == TimeStandard(10, "menit")
    assert kgb.steps[2].title == "Kabag" and kgb.steps[2].actions == ("setujui", "tolak",
                                                                        "kembalikan")
    assert kgb.steps[3].assigns_agenda

    plt = catalogue.get("administrasi_plt_plh")
    assert plt is not None
    assert [s.title for s in plt.steps] == [
        "Pelaksana", "Pejabat Fungsional", "Pejabat Administrator", "JPTP",
        "Tim Penilai Kinerja PNS", "Pejabat Pembina Kepegawaian", "Pelaksana"]
    assert plt.steps[1].actor.kind == ATASAN_LANGSUNG
    assert plt.steps[0].output == "Verifikasi dokumen layanan administrasi Plt/Plh"
    assert "kembalikan" in plt.steps[0].actions
    masuk = catalogue.get("surat_masuk")
    assert masuk is not None and masuk.steps[0].requires_note
    assert masuk.agenda_register == "surat_masuk"


IZIN_CHAIN = Chain("izin", (
    ChainStep("atasan", "Atasan Langsung", ActorRef(ATASAN_LANGSUNG)),
))
# Cuti: the atasan langsung recommends, the pejabat berwenang (the Kepala, by delegation) grants.
# Both give the form's four answers: the atasan a pertimbangan, the pejabat the decision.
CUTI_CHAIN = Chain("cuti", (
    ChainStep("atasan", "Atasan Langsung", ActorRef(ATASAN_LANGSUNG),
              ("pertimbangan_setuju", "pertimbangan_perubahan", "pertimbangan_tangguhkan",
               "pertimbangan_tidak", "kembalikan")),
    ChainStep("pejabat", "Pejabat yang Berwenang Memberikan Cuti", ActorRef(PERAN, "kepala"),
              ("setujui", "perubahan", "tangguhkan", "tidak_disetujui", "kembalikan")),
))


def test_izin_and_cuti_are_chains_of_the_same_model() -> None:
    catalogue = load_catalogue()
    chains = catalogue.request_chains()
    assert set(chains) == set(TYPE_KEYS)
    for kind in REQUEST_TYPES:
        workflow = catalogue.for_request_type(kind.key)
        assert workflow is not None, kind.key
        assert workflow.kind == "permohonan"
        # The YAML chain is the requests feature's own Chain: every action is one /izin knows.
        assert isinstance(workflow.chain, Chain)
        assert chains[kind.key] == (CUTI_CHAIN if kind.is_cuti else IZIN_CHAIN), kind.key
    cuti = catalogue.for_request_type("cuti_tahunan")
    assert cuti is not None
    # The requests feature's resolver takes it as is.
    staff = [Person("kepala", "kepala", None), Person("kabid", "pegawai", "kepala"),
             Person("staf", "pegawai", "kabid")]
    resolved = approval_chain.resolve(cuti.chain, staff[2], staff)
    assert [r.actors for r in resolved] == [("kabid",), ("kepala",)]
    izin = catalogue.for_request_type("sakit")
    assert izin is not None and izin.key == "izin"
    assert izin.steps[0].time_standard == TimeStandard(10, "menit")
    # Not offered in /layanan: they are served by the requests feature.
    assert "cuti" not in {w.key for w in catalogue.services()}


@pytest.mark.parametrize("raw, expected", [
    ("5 menit", TimeStandard(5, "menit")), ("10 Menit", TimeStandard(10, "menit")),
    ("1 hari", TimeStandard(1, "hari")), ("2 jam", TimeStandard(2, "jam")),
    ("  3jam ", TimeStandard(3, "jam")),
])
def test_time_standards_parse(raw: str, expected: TimeStandard) -> None:
    assert parse_time_standard(raw) == expected


@pytest.mark.parametrize("raw", ["lima menit", "10", 10, "0 menit", "1 minggu", "", None,
                                 "1.5 jam"])
def test_bad_durations_are_refused(raw: object) -> None:
    with pytest.raises(ValueError, match="durasi tidak valid"):
        parse_time_standard(raw)


@pytest.mark.parametrize("old, new, key, problem", [
    ("{peran: admin}", "{peran: bendahara}", "langkah[0].pelaksana.peran",
     "peran 'bendahara' tidak dikenal"),
    ("{peran: admin}", "atasan", "langkah[0].pelaksana", "tidak dikenal 'atasan'"),
    ("{peran: admin}", "{nip: \"123\"}", "langkah[0].pelaksana.nip", "NIP harus 18 digit"),
    ("{peran: admin}", "{jabatan: Kabag}", "langkah[0].pelaksana.jabatan",
     "jenis pelaksana tidak dikenal"),
    ("waktu: 10 menit", "waktu: 10", "langkah[0].waktu", "durasi tidak valid 10"),
    ("waktu: 10 menit", "waktu: sepuluh menit", "langkah[0].waktu", "durasi tidak valid"),
    ("    waktu: 10 menit\n", "", "langkah[0].waktu", "wajib diisi"),
    ("[teruskan, kembalikan]", "[teruskan, tandatangani]", "langkah[0].aksi[1]",
     "aksi 'tandatangani' tidak dikenal"),
    ("[teruskan, kembalikan]", "[kembalikan]", "langkah[0].aksi",
     "harus memiliki aksi teruskan atau setujui"),
    ("    output: Berkas diperiksa\n", "    output: Berkas diperiksa\n    wakt: 5 menit\n",
     "langkah[0].wakt", "kunci tidak dikenal"),
    ("jenis: [pdf]", "jenis: [exe]", "kelengkapan[0].jenis[0]", "jenis berkas 'exe'"),
    ("kode: cek", "kode: Cek Layanan", "kode", "kode 'Cek Layanan' tidak valid"),
    ("nama: Layanan Cek\n", "", "nama", "wajib diisi"),
    ("output: Berkas diperiksa", "output: X\n    penomoran: true", "format_agenda",
     "wajib diisi bila ada langkah dengan penomoran"),
    ("nama: Layanan Cek", "nama: Cek\nformat_agenda: \"800/{nomor}/{year}\"", "format_agenda",
     "kolom tidak dikenal: nomor"),
])
def test_each_mistake_names_file_and_key(tmp_path: Path, old: str, new: str, key: str,
                                         problem: str) -> None:
    assert old in VALID
    error = _error_for(tmp_path, VALID.replace(old, new, 1))
    assert error.file.endswith("cek.yaml")
    assert error.key == key
    assert problem in error.problem


def test_empty_chain_is_refused(tmp_path: Path) -> None:
    text = VALID[:VALID.index("langkah:")] + "langkah: []\n"
    error = _error_for(tmp_path, text)
    assert (error.key, error.problem) == ("langkah", "tidak boleh kosong")
    error = _error_for(tmp_path, VALID[:VALID.index("langkah:")])
    assert error.key == "langkah"


def test_structural_mistakes(tmp_path: Path) -> None:
    error = _error_for(tmp_path, "kode: [\n")
    assert "bukan YAML yang valid" in error.problem
    error = _error_for(tmp_path, "- kode: cek\n")
    assert "harus berupa pemetaan" in error.problem
    twice = VALID + VALID[VALID.index("  - kode: periksa"):]
    assert _error_for(tmp_path, twice).key == "langkah[1].kode"
    agenda = twice.replace("kode: periksa", "kode: satu", 1).replace(
        "output: Berkas diperiksa", "output: X\n    penomoran: true").replace(
        "nama: Layanan Cek", "nama: Cek\nformat_agenda: \"800/{seq}/{year}\"")
    assert _error_for(tmp_path, agenda).problem.startswith("penomoran agenda hanya boleh")
    request = _shipped("izin.yaml").replace("jenis_permohonan: [", "jenis_permohonan: [cuti_haji, ")
    assert _error_for(tmp_path, request).key == "jenis_permohonan[0]"


def test_duplicate_codes_across_office_files(tmp_path: Path) -> None:
    folder = tmp_path / "layanan"
    _write(folder, "a.yaml", VALID)
    _write(folder, "b.yaml", VALID)
    with pytest.raises(DefinitionError, match="sudah dipakai oleh"):
        load_catalogue(folder)


def test_office_folder_adds_replaces_and_withdraws(tmp_path: Path) -> None:
    folder = tmp_path / "layanan"
    _write(folder, "cek.yaml", VALID)
    _write(folder, "pensiun.yaml", VALID.replace("kode: cek", "kode: pensiun").replace(
        "Layanan Cek", "Pensiun Kantor Kami"))
    _write(folder, "slks.yaml", VALID.replace("kode: cek", "kode: slks") + "aktif: false\n")
    catalogue = load_catalogue(folder)
    keys = {w.key for w in catalogue.workflows}
    assert "cek" in keys and "slks" not in keys
    pensiun = catalogue.get("pensiun")
    assert pensiun is not None and pensiun.name == "Pensiun Kantor Kami"
    assert len(pensiun.steps) == 1


def _shipped(name: str) -> str:
    return (shipped_folder() / name).read_text(encoding="utf-8")


_DECIDING = ("aksi: [setujui, perubahan, tangguhkan, tidak_disetujui, kembalikan]\n"
             "    waktu: 1 hari\n    output: Surat")
_CONSIDERING = ("aksi: [pertimbangan_setuju, pertimbangan_perubahan, pertimbangan_tangguhkan,\n"
                "           pertimbangan_tidak, kembalikan]")


@pytest.mark.parametrize("old, new, key, problem", [
    (_DECIDING, "aksi: [teruskan, setujui]\n    waktu: 1 hari\n    output: Surat",
     "langkah[1].aksi[0]", "aksi 'teruskan' tidak berlaku untuk permohonan"),
    (_DECIDING, "aksi: [tolak, kembalikan]\n    waktu: 1 hari\n    output: Surat",
     "langkah[1].aksi", "harus memiliki aksi teruskan atau setujui"),
    ("output: Surat ijin cuti", "output: Surat ijin cuti\n    penomoran: true",
     "langkah[1].penomoran", "hanya untuk jenis: layanan"),
    ("output: Surat ijin cuti", "output: Surat ijin cuti\n    lewati_bila_kosong: false",
     "langkah[1].lewati_bila_kosong", "selalu dilewati"),
    ("pemohon: semua", "pemohon: semua\nformat_agenda: \"851/{seq}/{year}\"", "format_agenda",
     "diatur di [requests]"),
    ("cuti_cltn]", "cuti_cltn, cuti_besar]", "jenis_permohonan", "tertulis dua kali"),
    # The cuti form's answers: a pertimbangan gives all four, never decides, never comes last.
    (_CONSIDERING, "aksi: [pertimbangan_setuju, pertimbangan_tidak, kembalikan]",
     "langkah[0].aksi", "keempat jawaban"),
    (_CONSIDERING, "aksi: [pertimbangan_setuju, pertimbangan_perubahan, "
     "pertimbangan_tangguhkan, pertimbangan_tidak, setujui]", "langkah[0].aksi",
     "tanpa jawaban keputusan"),
    (_DECIDING, _CONSIDERING + "\n    waktu: 1 hari\n    output: Surat", "langkah[1].aksi",
     "tidak dapat menjadi langkah terakhir"),
    ("cuti_cltn]", "cuti_cltn, izin]", "langkah[0].aksi", "melayani cuti saja"),
])
def test_request_chain_mistakes_are_named(tmp_path: Path, old: str, new: str, key: str,
                                          problem: str) -> None:
    text = _shipped("cuti.yaml")
    assert old in text
    folder = tmp_path / "layanan"
    _write(folder, "cuti.yaml", text.replace(old, new, 1))
    with pytest.raises(DefinitionError) as caught:
        load_catalogue(folder)
    assert caught.value.file == f"{folder}/cuti.yaml"
    assert (caught.value.key, problem in caught.value.problem) == (key, True)


def test_every_request_type_needs_exactly_one_chain(tmp_path: Path) -> None:
    folder = tmp_path / "layanan"
    # Withdrawing the izin chain leaves izin, sakit, ... without approvers.
    _write(folder, "izin.yaml", _shipped("izin.yaml") + "aktif: false\n")
    with pytest.raises(DefinitionError) as caught:
        load_catalogue(folder)
    assert caught.value.file == f"{folder}/izin.yaml"
    assert caught.value.key == "jenis_permohonan"
    assert "jenis permohonan 'izin' tidak dilayani definisi aktif" in caught.value.problem

    # A replacement that forgets a type is named the same way.
    _write(folder, "izin.yaml", _shipped("izin.yaml").replace(", izin_pulang_cepat]", "]"))
    with pytest.raises(DefinitionError, match="'izin_pulang_cepat' tidak dilayani"):
        load_catalogue(folder)

    # A second definition claiming a type already served is refused, naming both files.
    (folder / "izin.yaml").unlink()
    _write(folder, "sakit.yaml", _shipped("izin.yaml").replace("kode: izin", "kode: sakit")
           .replace("[izin, sakit, dinas_luar, izin_terlambat, izin_pulang_cepat]", "[sakit]"))
    with pytest.raises(DefinitionError) as caught:
        load_catalogue(folder)
    assert caught.value.file == f"{folder}/sakit.yaml"
    assert caught.value.key == "jenis_permohonan[0]"
    assert "sudah dilayani oleh definisi bawaan izin.yaml" in caught.value.problem


def test_bot_refuses_to_start_on_an_invalid_file(tmp_path: Path, capsys: pytest.CaptureFixture[
        str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESENSI_BOT_TOKEN", "123:abc")
    _write(tmp_path / "layanan", "pangkat.yaml", VALID.replace("waktu: 10 menit",
                                                               "waktu: 1 minggu"))
    config = _write(tmp_path, "presensi.toml", BASE_CONFIG + '\n[workflows]\ndir = "layanan"\n')
    code = main(["--config", str(config), "run"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "pangkat.yaml" in err[0] and "langkah[0].waktu" in err[0]
    assert "durasi tidak valid '1 minggu'" in err[0]

    (tmp_path / "layanan" / "pangkat.yaml").unlink()
    config.write_text(BASE_CONFIG + '\n[workflows]\ndir = "tidak-ada"\n', encoding="utf-8")
    assert main(["--config", str(config), "run"]) == 2
    assert "folder definisi layanan tidak ada" in capsys.readouterr().err


def test_bot_refuses_to_start_without_a_cuti_chain(tmp_path: Path, capsys: pytest.CaptureFixture[
        str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRESENSI_BOT_TOKEN", "123:abc")
    _write(tmp_path / "layanan", "cuti.yaml", _shipped("cuti.yaml") + "aktif: false\n")
    config = _write(tmp_path, "presensi.toml", BASE_CONFIG + '\n[workflows]\ndir = "layanan"\n')
    assert main(["--config", str(config), "run"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "layanan/cuti.yaml" in err[0] and "jenis_permohonan" in err[0]
    assert "'cuti_tahunan' tidak dilayani" in err[0]


def test_cli_shows_the_catalogue(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _write(tmp_path / "layanan", "cek.yaml", VALID)
    config = _write(tmp_path, "presensi.toml", BASE_CONFIG + '\n[workflows]\ndir = "layanan"\n')
    assert main(["--config", str(config), "layanan"]) == 0
    out = capsys.readouterr().out
    assert "Definisi layanan valid" in out
    assert "cek: Layanan Cek [layanan /layanan], total waktu standar 10 menit kerja" in out
    assert "1. Pengelola Kepegawaian (peran admin): 10 menit, teruskan/kembalikan" in out
    assert "cuti: Cuti Pegawai [rantai cuti_tahunan" in out
    # One working day is the span of [workflows] work_start..work_end (07:30-16:00).
    assert "administrasi_plt_plh: Administrasi Pelaksana Tugas/Pelaksana Harian " \
           "[layanan /layanan], total waktu standar 590 menit kerja" in out
