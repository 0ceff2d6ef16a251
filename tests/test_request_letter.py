"""The approval letter (reports.request_letter) read back with pypdf, for every kind of letter:
the text in reading order and complete, where each string is drawn (and how far it reaches,
word spacing included), long texts wrapped within the margins and flowing onto further pages,
markup characters and other scripts printed as typed, and the same bytes from warm caches as
from a fresh interpreter."""

from __future__ import annotations

import io
import itertools
import pickle
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports import fonts
from reports.request_letter import build_letter
from tests.support import letters as kinds
from tests.support.letters import (
    APPLICANT,
    KABID,
    KEPALA,
    LONG_REASON,
    MARKUP,
    NON_LATIN,
    VERY_LONG_REASON,
    letters,
)

ROOT = Path(__file__).resolve().parents[1]
PAGE_WIDTH, PAGE_HEIGHT = A4
# The text column: the margins (left 2.5 cm, right 2 cm, top 1.5 cm, bottom 2 cm) less 6 pt.
LEFT, RIGHT = 2.5 * cm + 6, PAGE_WIDTH - 2 * cm - 6
TOP, BOTTOM = PAGE_HEIGHT - 1.5 * cm - 6, 2 * cm + 6


@dataclass(frozen=True)
class Shown:
    page: int
    text: str
    x: float
    y: float               # the baseline
    font: str
    size: float
    word_space: float

    @property
    def right(self) -> float:
        """Where the string ends, stretched or shrunk by the word spacing it was drawn with."""
        return self.x + stringWidth(self.text, self.font, self.size) \
            + self.word_space * self.text.count(" ")


def shown(pdf: bytes) -> list[Shown]:
    """Every string the letter draws, in the order drawn."""
    found: list[Shown] = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages):
        word_space = [0.0]

        def operator(op: bytes, args: list[object], *_: object,
                     word_space: list[float] = word_space) -> None:
            if op == b"Tw":
                word_space[0] = float(args[0])  # type: ignore[arg-type]

        def visit(text: str, cm_: list[float], tm: list[float], font: dict[str, object],
                  size: float, number: int = number,
                  word_space: list[float] = word_space) -> None:
            if not text.strip():
                return
            name = str(font["/BaseFont"]).split("+", 1)[1]
            assert name in (fonts.REGULAR, fonts.BOLD), name
            found.append(Shown(number, text.strip(), tm[4] * cm_[0] + cm_[4],
                               tm[5] * cm_[3] + cm_[5], name, size, word_space[0]))

        page.extract_text(visitor_text=visit, visitor_operand_before=operator)
    return found


def words(pdf: bytes) -> list[str]:
    return " ".join(s.text for s in shown(pdf)).split()


def in_order(pdf: bytes, *phrases: str) -> None:
    """Each phrase is in the letter (line breaks read as spaces), each after the one before."""
    text, at = " ".join(words(pdf)), 0
    for phrase in phrases:
        found = text.find(" ".join(phrase.split()), at)
        assert found >= 0, (phrase, text[at:at + 300])
        at = found + len(phrase)


def test_each_kind_of_letter_reads_in_order() -> None:
    built = {name: build_letter(office, view) for name, (office, view) in letters().items()}
    kop = ("PEMERINTAH KOTA CONTOH", "DINAS KOMUNIKASI DAN INFORMATIKA",
           "Jl. Merdeka No. 1, Kota Contoh")
    identity = ("Nama", ":", APPLICANT.nama, "NIP", ":", APPLICANT.nip, "Pangkat/Golongan", ":",
                "III/b", "Jabatan", ":", "Pranata Komputer", "Unit Kerja", ":",
                "Bidang Aplikasi")
    signed_izin = ("Kota Contoh, 5 Oktober 2026", "Kepala Bidang Aplikasi", KABID.nama,
                   f"NIP {KABID.nip}", "Ditetapkan secara elektronik melalui layanan presensi "
                   "dan perizinan pegawai. Jejak persetujuan:",
                   f"Atasan Langsung: disetujui oleh {KABID.nama} (NIP {KABID.nip}) pada "
                   "5 Oktober 2026 pukul 09.30")
    in_order(built["izin"], *kop, "SURAT IZIN", "Nomor: 800/1/DISKOMINFO/2026",
             "Diberikan izin kepada Pegawai Negeri Sipil:", *identity,
             "untuk izin tidak masuk kerja pada hari Selasa, 6 Oktober 2026, dengan alasan: "
             "keperluan keluarga yang mendesak.",
             "Demikian surat izin ini dibuat untuk dapat dipergunakan sebagaimana mestinya.",
             *signed_izin)
    in_order(built["izin_range"], "selama 3 hari kerja, terhitung mulai tanggal 6 Oktober "
             "2026 sampai dengan tanggal 8 Oktober 2026, dengan alasan:")
    in_order(built["izin_no_city"], "Nomor: -", "Demikian", "5 Oktober 2026",
             "Kepala Bidang Aplikasi")
    assert "Kota Contoh," not in " ".join(words(built["izin_no_city"]))

    boxes = ("DISETUJUI", "PERUBAHAN", "DITANGGUHKAN", "TIDAK DISETUJUI")
    pertimbangan = ("PERTIMBANGAN ATASAN LANGSUNG", *boxes, "✓",
                    "Catatan: tidak ada keberatan",
                    f"{KABID.nama} (NIP {KABID.nip}), 5 Oktober 2026")
    keputusan = ("KEPUTUSAN PEJABAT YANG BERWENANG MEMBERIKAN CUTI", *boxes, "✓")
    trail = ("Jejak persetujuan:", f"Atasan Langsung: pertimbangan disetujui oleh {KABID.nama}",
             f"Pejabat yang Berwenang: {{}} oleh {KEPALA.nama} (NIP {KEPALA.nip}) pada "
             "5 Oktober 2026 pukul 10.30")
    in_order(built["cuti"], *kop, "SURAT IZIN CUTI TAHUNAN", "Nomor: 850/7/DISKOMINFO/2026",
             "Diberikan cuti kepada Pegawai Negeri Sipil:", *identity,
             "untuk cuti tahunan selama 5 hari kerja", "mengunjungi orang tua di kampung "
             "halaman.", *pertimbangan, *keputusan, "Catatan: -",
             f"{KEPALA.nama} (NIP {KEPALA.nip}), 5 Oktober 2026",
             "Demikian surat cuti ini dibuat", "Kota Contoh, 5 Oktober 2026", "Kepala Dinas",
             KEPALA.nama, f"NIP {KEPALA.nip}", *trail[:2], trail[2].format("disetujui"))
    in_order(built["cuti_perubahan"], "untuk cuti tahunan",
             "Tanggal tersebut merupakan perubahan oleh pejabat yang berwenang atas permintaan "
             "cuti tanggal 5 Oktober 2026 sampai dengan 9 Oktober 2026 (5 hari kerja), yang "
             "diterima oleh pegawai yang bersangkutan pada 5 Oktober 2026.", *pertimbangan,
             *keputusan, "Catatan: kebutuhan dinas", "Demikian surat cuti",
             trail[2].format("perubahan tanggal"))
    in_order(built["ditangguhkan"], *kop, "PEMBERITAHUAN PENANGGUHAN CUTI TAHUNAN",
             "Kepada pegawai:", *identity,
             "Permintaan cuti tahunan Saudara selama 4 hari kerja, terhitung mulai tanggal 21 "
             "Desember 2026 sampai dengan tanggal 24 Desember 2026, dengan alasan: mengunjungi "
             "orang tua di kampung halaman, ditangguhkan oleh pejabat yang berwenang karena "
             "beban kerja akhir tahun. Cuti tersebut dapat diambil mulai tanggal 1 Februari "
             "2027. Hak cuti tahunan yang ditangguhkan ditambahkan pada hak tahun 2027, paling "
             "banyak 24 hari kerja termasuk hak tahun berjalan (PP 11/2017).", *pertimbangan,
             *keputusan, "Catatan: beban kerja akhir tahun",
             "Demikian pemberitahuan ini disampaikan untuk menjadi perhatian.", "Kepala Dinas",
             trail[2].format("ditangguhkan"))
    in_order(built["tidak_disetujui"], "PEMBERITAHUAN CUTI TAHUNAN TIDAK DISETUJUI",
             "Kepada pegawai:", *identity, "dengan alasan: mengunjungi orang tua di kampung "
             "halaman, tidak disetujui oleh pejabat yang berwenang karena kebutuhan dinas yang "
             "mendesak.", *pertimbangan, *keputusan, "Demikian pemberitahuan ini",
             trail[2].format("tidak disetujui"))
    for name in ("ditangguhkan", "tidak_disetujui"):
        assert "Nomor:" not in words(built[name])
    # The decision in bold, the rest of the sentence not.
    decided = [s for s in shown(built["ditangguhkan"]) if s.font == fonts.BOLD]
    assert "ditangguhkan" in " ".join(s.text for s in decided)
    assert not any("karena" in s.text for s in decided)
    # A Plh signs with "Plh." before the official's title; the trail names who decided.
    in_order(built["plh"], "Kota Contoh, 5 Oktober 2026", "Plh. Kepala Dinas",
             kinds.SEKRETARIS.nama, f"NIP {kinds.SEKRETARIS.nip}",
             f"Pejabat yang Berwenang: disetujui oleh {kinds.SEKRETARIS.nama}")


def _tick_column(pdf: bytes, heading: str) -> str:
    """The box ticked in the form part under `heading`: the label the tick is centred under."""
    strings = shown(pdf)
    at = next(i for i, s in enumerate(strings) if s.text == heading)
    labels = strings[at + 1:at + 5]
    tick = strings[at + 5]
    assert tick.text == "✓" and all(label.y > tick.y for label in labels)
    centre = (tick.x + tick.right) / 2
    return min(labels, key=lambda label: abs((label.x + label.right) / 2 - centre)).text


@pytest.mark.parametrize(("kind", "decided"), [
    ("cuti", "DISETUJUI"), ("cuti_perubahan", "PERUBAHAN"), ("ditangguhkan", "DITANGGUHKAN"),
    ("tidak_disetujui", "TIDAK DISETUJUI")])
def test_the_form_ticks_the_box_of_each_answer(kind: str, decided: str) -> None:
    pdf = build_letter(*letters()[kind])
    assert _tick_column(pdf, "PERTIMBANGAN ATASAN LANGSUNG") == "DISETUJUI"
    assert _tick_column(pdf, "KEPUTUSAN PEJABAT YANG BERWENANG MEMBERIKAN CUTI") == decided
    # No tick beyond the two.
    assert [s.text for s in shown(pdf)].count("✓") == 2


def test_an_izin_letter_has_no_form() -> None:
    assert "PERTIMBANGAN" not in words(build_letter(*letters()["izin"]))


def _reason_lines(pdf: bytes, first: str, last: str) -> list[Shown]:
    strings = shown(pdf)
    start = next(i for i, s in enumerate(strings) if s.text.startswith(first))
    end = next(i for i, s in enumerate(strings) if i >= start and s.text.endswith(last))
    return strings[start:end + 1]


def test_a_long_reason_wraps_justified_within_the_margins() -> None:
    pdf = build_letter(*letters()["long_reason"])
    lines = _reason_lines(pdf, "untuk izin", "inti.")
    assert len(lines) >= 3
    assert " ".join(s.text for s in lines).split() == (
        "untuk izin tidak masuk kerja pada hari Selasa, 6 Oktober 2026, dengan alasan: "
        f"{LONG_REASON}.").split()
    assert all(s.x == pytest.approx(LEFT) for s in lines)
    # Lines one leading apart; every one but the last stretched to the right margin exactly.
    assert [round(a.y - b.y, 6) for a, b in itertools.pairwise(lines)] == \
        [14] * (len(lines) - 1)
    assert all(s.right == pytest.approx(RIGHT, abs=0.01) for s in lines[:-1])
    assert lines[-1].word_space == 0 and lines[-1].right < RIGHT
    for s in shown(pdf):
        assert s.right <= PAGE_WIDTH - 2 * cm + 0.01, s


def test_long_names_and_jabatan_wrap_in_the_value_column() -> None:
    office, view = letters()["long_name"]
    pdf = build_letter(office, view)
    strings = shown(pdf)
    nama = next(i for i, s in enumerate(strings) if s.text == "Nama")
    nip = next(i for i, s in enumerate(strings) if s.text == "NIP")
    value = strings[nama + 2:nip]
    assert len(value) >= 2 and len({s.x for s in value}) == 1
    assert value[0].y == strings[nama].y
    assert " ".join(s.text for s in value).split() == view.applicant.nama.split()
    assert strings[nip].y < value[-1].y
    jabatan = next(i for i, s in enumerate(strings) if s.text == "Jabatan")
    unit = next(i for i, s in enumerate(strings) if s.text == "Unit Kerja")
    assert " ".join(s.text for s in strings[jabatan + 2:unit]).split() == \
        view.applicant.jabatan.split()
    for s in strings:
        assert s.right <= RIGHT + 0.01, s


def test_an_unbroken_word_longer_than_a_line_is_broken_at_the_margin() -> None:
    office, _ = letters()["izin"]
    word = "X" * 200
    pdf = build_letter(office, kinds.izin(reason=f"alasan {word} selesai"))
    strings = shown(pdf)
    assert word in "".join(s.text.replace(" ", "") for s in strings)
    assert "selesai." in words(pdf)
    for s in strings:
        assert s.right <= RIGHT + 0.01, s


def test_a_reason_of_thousands_of_characters_flows_over_pages_and_loses_nothing() -> None:
    office, view = letters()["very_long_reason"]
    pdf = build_letter(office, view)
    strings = shown(pdf)
    pages = 1 + strings[-1].page
    assert pages >= 2 and len(PdfReader(io.BytesIO(pdf)).pages) == pages
    lines = _reason_lines(pdf, "untuk cuti tahunan", "inti.")
    assert {s.page for s in lines} == set(range(1 + lines[-1].page))
    assert " ".join(s.text for s in lines).split() == (
        "untuk cuti tahunan selama 5 hari kerja, terhitung mulai tanggal 12 Oktober 2026 "
        "sampai dengan tanggal 16 Oktober 2026, dengan alasan: "
        f"{VERY_LONG_REASON}.").split()
    for s in strings:
        assert BOTTOM - 0.01 <= s.y <= TOP and s.right <= RIGHT + 0.01, s
    # The reason goes on at the top of the column of the next page.
    for page in range(1, 1 + lines[-1].page):
        assert next(s for s in lines if s.page == page).y == pytest.approx(TOP - 10.5)
    # What follows the reason is whole, the signature on one page.
    in_order(pdf, "inti.", "PERTIMBANGAN ATASAN LANGSUNG", "KEPUTUSAN PEJABAT",
             "Demikian surat cuti", "Kepala Dinas", KEPALA.nama, f"NIP {KEPALA.nip}",
             "Jejak persetujuan:", "pukul 10.30")
    signed = [s for s in strings if s.text in ("Kepala Dinas", KEPALA.nama, f"NIP {KEPALA.nip}")]
    assert len(signed) == 3 and len({s.page for s in signed}) == 1


def test_markup_characters_print_as_typed() -> None:
    pdf = build_letter(*letters()["markup"])
    text = " ".join(words(pdf))
    # Name, jabatan, reason, note (in the form and nowhere else) and the city.
    assert text.count(MARKUP) == 5, text
    assert "&amp;amp;" not in text and "&lt;" in text
    in_order(pdf, f"Nama : {MARKUP}", f"Jabatan : {MARKUP}", f"dengan alasan: {MARKUP}.",
             f"Catatan: {MARKUP}", f"{MARKUP}, 5 Oktober 2026")


def test_other_scripts_print_as_typed_in_the_unicode_font() -> None:
    pdf = build_letter(*letters()["non_latin"])
    in_order(pdf, "ДИРЕКЦИЯ ΕΛΈΝΗ NGUYỄN", f"Nama : {NON_LATIN}",
             f"menghadiri pernikahan {NON_LATIN}.")
    used = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    assert all("DejaVuSans" in str(font.get_object()["/BaseFont"]) for font in used.values())


def test_title_and_author_name_the_letter_and_the_office() -> None:
    info = PdfReader(io.BytesIO(build_letter(*letters()["cuti"]))).metadata
    assert info is not None
    assert info["/Title"] == "SURAT IZIN CUTI TAHUNAN 850/7/DISKOMINFO/2026"
    assert info["/Author"] == "Dinas Komunikasi dan Informatika"
    notice = PdfReader(io.BytesIO(build_letter(*letters()["ditangguhkan"]))).metadata
    assert notice is not None and notice["/Title"] == "PEMBERITAHUAN PENANGGUHAN CUTI TAHUNAN"


_FRESH = """
import pickle, sys
from reportlab import rl_config
rl_config.invariant = 1
from reports.request_letter import build_letter
from tests.support.letters import letters
sys.stdout.buffer.write(pickle.dumps({n: build_letter(*v) for n, v in letters().items()}))
"""


def test_letters_from_warm_caches_are_byte_for_byte_those_of_a_fresh_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # Byte for byte: no creation date or random document id.
    monkeypatch.setattr(rl_config, "invariant", 1)
    for _ in range(2):      # the second round from the caches the first one filled
        warm = {name: build_letter(*kind) for name, kind in letters().items()}
    fresh = subprocess.run([sys.executable, "-c", _FRESH], cwd=ROOT, capture_output=True,
                           check=True).stdout
    assert pickle.loads(fresh) == warm
    # Each kind its own letter, not a copy of another.
    assert len(set(warm.values())) == len(warm)
    assert all(re.match(rb"%PDF-1\.\d", pdf) for pdf in warm.values())
