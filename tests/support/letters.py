"""Every kind of letter `reports.request_letter.build_letter` draws, as (office, view) pairs
built from plain data: izin and cuti letters, the cuti notices (ditangguhkan, tidak
disetujui), the form's answer boxes, the perubahan line, a Plh signer, and the texts that test
the layout (long reasons and names, other scripts, markup characters)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from zoneinfo import ZoneInfo

from services.cuti_answers import PERUBAHAN, TANGGUHKAN, CutiAnswer
from services.employees import Employee
from services.office import Office
from services.request_types import request_type
from services.requests import RequestView, StepView

ZONE = ZoneInfo("Asia/Jakarta")
OFFICE = Office(name="Dinas Komunikasi dan Informatika", timezone=ZONE,
                address="Jl. Merdeka No. 1, Kota Contoh", city="Kota Contoh",
                government="Pemerintah Kota Contoh", unit_code="DISKOMINFO")


def person(nip: str, nama: str, jabatan: str = "", golongan: str = "",
           unit: str = "") -> Employee:
    return Employee(nip=nip, nama=nama, jabatan=jabatan, golongan=golongan, unit=unit,
                    atasan_nip=None, telepon=None, device_user_id=None, peran="pegawai",
                    telegram_user_id=None, telegram_chat_id=None, telegram_blocked=False,
                    active=True)


APPLICANT = person("199206062019031006", "Dewi Lestari, S.Kom.", "Pranata Komputer", "III/b",
                   "Bidang Aplikasi")
KABID = person("198105052006041005", "Hendra Gunawan, S.Kom.", "Kepala Bidang Aplikasi",
               "IV/a", "Bidang Aplikasi")
KEPALA = person("197001011995031001", "Dr. Budi Santoso, M.Si.", "Kepala Dinas", "IV/c",
                "Pimpinan")
SEKRETARIS = person("197502022000032002", "Siti Aminah, S.H.", "Sekretaris", "IV/a",
                    "Sekretariat")
AT = dt.datetime(2026, 10, 5, 9, 30, tzinfo=ZONE)


def step(position: int, title: str, outcome: str, by: Employee, note: str | None = None,
         **acting: Employee | str) -> StepView:
    return StepView(position=position, title=title, actions=(outcome,), actors=(by,),
                    outcome=outcome, decided_by=by,
                    decided_at=AT + dt.timedelta(hours=position), note=note,
                    **acting)  # type: ignore[arg-type]


def izin(**changes: object) -> RequestView:
    kind = request_type("izin")
    assert kind is not None
    view = RequestView(
        id=1, applicant=APPLICANT, kind=kind, start=dt.date(2026, 10, 6),
        end=dt.date(2026, 10, 6), part="full", working_days=1,
        reason="keperluan keluarga yang mendesak", attachment=None, status="disetujui",
        current_step=0, round=1, agenda_number="800/1/DISKOMINFO/2026", created_at=AT,
        closed_at=AT + dt.timedelta(hours=1),
        steps=(step(0, "Atasan Langsung", "setujui", KABID),))
    return dataclasses.replace(view, **changes)  # type: ignore[arg-type]


def cuti(status: str = "disetujui", final: str = "setujui", note: str | None = None,
         answer: CutiAnswer | None = None, **changes: object) -> RequestView:
    kind = request_type("cuti_tahunan")
    assert kind is not None
    steps = (step(0, "Atasan Langsung", "pertimbangan_setuju", KABID, "tidak ada keberatan"),
             step(1, "Pejabat yang Berwenang", final, KEPALA, note))
    view = izin(kind=kind, start=dt.date(2026, 10, 12), end=dt.date(2026, 10, 16),
                working_days=5, reason="mengunjungi orang tua di kampung halaman",
                status=status, agenda_number="850/7/DISKOMINFO/2026" if status == "disetujui"
                else None, steps=steps, answer=answer)
    return dataclasses.replace(view, **changes)  # type: ignore[arg-type]


LONG_REASON = ("mendampingi orang tua yang menjalani perawatan lanjutan di rumah sakit rujukan "
               "provinsi, termasuk pemeriksaan laboratorium, konsultasi dokter spesialis dan "
               "pengurusan administrasi jaminan kesehatan yang memerlukan kehadiran langsung "
               "anggota keluarga inti")
# A reason no form accepts today but an old record may hold: some five thousand characters.
VERY_LONG_REASON = " ".join(f"kalimat{n} " + LONG_REASON for n in range(20))
NON_LATIN = "Nguyễn Thị Ánh · Дмитрий Ковалёв · Ελένη · Łukasz Żółć"
MARKUP = "<b>&amp; Tom & Jerry</b> <u>x</u> &lt;"


def letters() -> dict[str, tuple[Office, RequestView]]:
    """Each kind by name."""
    perubahan = CutiAnswer(request_id=1, answer=PERUBAHAN, position=1, round=1,
                           decided_by=KEPALA.nip, decided_at=AT, asked_start=dt.date(2026, 10, 5),
                           asked_end=dt.date(2026, 10, 9), asked_days=5,
                           proposed_start=dt.date(2026, 10, 12),
                           proposed_end=dt.date(2026, 10, 16), proposed_days=5,
                           reply="diterima", replied_at=AT + dt.timedelta(hours=3))
    postponed = CutiAnswer(request_id=1, answer=TANGGUHKAN, position=1, round=1,
                           decided_by=KEPALA.nip, decided_at=AT, asked_start=dt.date(2026, 12, 21),
                           asked_end=dt.date(2026, 12, 24), asked_days=4,
                           postponed_until=dt.date(2027, 2, 1))
    plh = step(1, "Pejabat yang Berwenang", "setujui", SEKRETARIS, on_behalf_of=KEPALA,
               acting_prefix="Plh.")
    long_name = person(APPLICANT.nip, "Raden Mas " + "Hadiningrat Kusumawardhana " * 6 + "S.E.",
                       "Penelaah Teknis Kebijakan " * 5 + "Bidang Aplikasi Informatika", "III/b",
                       "Bidang Aplikasi")
    kop = dataclasses.replace(OFFICE, letterhead=(
        "PEMERINTAH KOTA CONTOH", "DINAS KOMUNIKASI DAN INFORMATIKA",
        "Jl. Merdeka No. 1 Kota Contoh 12345, Telepon (021) 555-0101, "
        "laman https://diskominfo.contoh.go.id, pos-el diskominfo@contoh.go.id — "
        "Gedung Balai Kota Lantai 3, Sayap Timur, Ruang Layanan Terpadu Satu Pintu")
    )
    return {
        "izin": (OFFICE, izin()),
        "izin_no_city": (dataclasses.replace(OFFICE, city=""), izin(agenda_number=None)),
        "izin_range": (OFFICE, izin(end=dt.date(2026, 10, 8), working_days=3)),
        "cuti": (OFFICE, cuti()),
        "cuti_perubahan": (OFFICE, cuti(final="perubahan", note="kebutuhan dinas",
                                        answer=perubahan)),
        "ditangguhkan": (OFFICE, cuti("ditangguhkan", "tangguhkan", "beban kerja akhir tahun",
                                      postponed, start=dt.date(2026, 12, 21),
                                      end=dt.date(2026, 12, 24), working_days=4)),
        "tidak_disetujui": (OFFICE, cuti("ditolak", "tidak_disetujui",
                                         "kebutuhan dinas yang mendesak")),
        "plh": (OFFICE, cuti(steps=(cuti().steps[0], plh))),
        "long_reason": (OFFICE, izin(reason=LONG_REASON)),
        "long_name": (OFFICE, izin(applicant=long_name)),
        "long_kop": (kop, izin()),
        "non_latin": (dataclasses.replace(OFFICE, name="Дирекция Ελένη Nguyễn"),
                      izin(applicant=dataclasses.replace(APPLICANT, nama=NON_LATIN),
                           reason=f"menghadiri pernikahan {NON_LATIN}")),
        "markup": (dataclasses.replace(OFFICE, city=MARKUP),
                   cuti(applicant=dataclasses.replace(APPLICANT, nama=MARKUP,
                                                      jabatan=MARKUP),
                        reason=MARKUP, note=MARKUP)),
        "very_long_reason": (OFFICE, cuti(reason=VERY_LONG_REASON)),
    }
