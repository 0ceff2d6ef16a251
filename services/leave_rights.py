"""Which requests an employee may file, by status (PNS, CPNS, PPPK), and the special grounds
some cuti are filed on. Pure rules; every refusal is one Indonesian sentence naming the rule.

- PNS (PP 11/2017 as amended by PP 17/2020; Peraturan BKN 24/2017 as amended by 7/2021): every
  cuti. CPNS: no cuti besar and no CLTN, both of which need five years as a PNS.
- PPPK (PP 49/2018; Peraturan BKN 7/2022): cuti tahunan, cuti sakit (at most one month),
  cuti melahirkan and cuti bersama only; before one year of service cuti tahunan up to 6 days
  for a family member's illness or death or a first marriage.
- Cuti besar before five years of service for religious purposes, or for a fourth or later
  child (female employees; it then replaces cuti melahirkan and cannot be postponed).
- Cuti melahirkan for female employees, for the first three children born while a PNS; the
  employee states which child it is.
- Cuti sakit: one year, six months more on a tim penguji kesehatan letter, counted over the
  whole spell of sickness (services.requests checks the spell).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.employees import CPNS, PNS, PPPK
from services.request_rules import add_months
from services.request_types import REQUEST_TYPES, RequestType

CUTI_TAHUNAN = "cuti_tahunan"
CUTI_BESAR = "cuti_besar"
CUTI_SAKIT = "cuti_sakit"
CUTI_MELAHIRKAN = "cuti_melahirkan"
CUTI_CAP = "cuti_alasan_penting"
CUTI_CLTN = "cuti_cltn"
SAKIT = "sakit"

PPPK_CUTI = frozenset({CUTI_TAHUNAN, CUTI_SAKIT, CUTI_MELAHIRKAN})
CPNS_EXCLUDED = frozenset({CUTI_BESAR, CUTI_CLTN})
PPPK_SICK_MONTHS = 1
SICK_MONTHS = 12
SICK_MONTHS_EXTENDED = 18        # + 6 months on a tim penguji kesehatan letter
PPPK_EARLY_ANNUAL_DAYS = 6
FEMALE = "P"

# Grounds (the form asks for one after the type when the type has any for the employee).
BESAR_BIASA = "biasa"
BESAR_AGAMA = "agama"
BESAR_ANAK_KEEMPAT = "anak4"
SAKIT_TIM_PENGUJI = "penguji"   # set by the service when a spell of cuti sakit passes a year
ANAK = ("anak1", "anak2", "anak3", "anak4")
EARLY_KELUARGA_SAKIT = "klg_sakit"
EARLY_KELUARGA_MENINGGAL = "klg_wafat"
EARLY_PERKAWINAN = "nikah1"


@dataclass(frozen=True)
class Ground:
    key: str
    label: str           # button text and the line in the letter


_BESAR_GROUNDS = (
    Ground(BESAR_BIASA, "Cuti besar (masa kerja 5 tahun)"),
    Ground(BESAR_AGAMA, "Keperluan agama (ibadah haji pertama)"),
    Ground(BESAR_ANAK_KEEMPAT, "Persalinan anak ke-4 atau seterusnya"),
)
_SICK_EXTENSION = Ground(SAKIT_TIM_PENGUJI, "Perpanjangan cuti sakit lebih dari 1 tahun atas "
                         "surat keterangan tim penguji kesehatan")
_CHILD_GROUNDS = (
    Ground("anak1", "Anak ke-1"), Ground("anak2", "Anak ke-2"), Ground("anak3", "Anak ke-3"),
    Ground("anak4", "Anak ke-4 atau seterusnya"),
)
_EARLY_GROUNDS = (
    Ground(EARLY_KELUARGA_SAKIT, "Anggota keluarga sakit keras"),
    Ground(EARLY_KELUARGA_MENINGGAL, "Anggota keluarga meninggal dunia"),
    Ground(EARLY_PERKAWINAN, "Melangsungkan perkawinan pertama"),
)
ALL_GROUNDS = {g.key: g for g in (*_BESAR_GROUNDS, _SICK_EXTENSION, *_CHILD_GROUNDS,
                                  *_EARLY_GROUNDS)}


def ground_label(key: str | None) -> str | None:
    return ALL_GROUNDS[key].label if key in ALL_GROUNDS else None


def type_refusal(kind: RequestType, status: str) -> str | None:
    """Why an employee of `status` may not take `kind` at all, or None."""
    if not kind.is_cuti:
        return None
    if status == PPPK and kind.key not in PPPK_CUTI:
        return (f"{kind.label} tidak diberikan kepada PPPK: PPPK berhak atas cuti tahunan, cuti "
                "sakit, cuti melahirkan dan cuti bersama (PP 49/2018).")
    if status == CPNS and kind.key in CPNS_EXCLUDED:
        return (f"{kind.label} hanya dapat diberikan kepada PNS dengan masa kerja paling singkat "
                "5 tahun, sehingga belum dapat diambil oleh CPNS (PP 11/2017).")
    return None


def employee_refusal(kind: RequestType, status: str, gender: str) -> str | None:
    """type_refusal, and cuti melahirkan for female employees only."""
    if refusal := type_refusal(kind, status):
        return refusal
    if kind.key == CUTI_MELAHIRKAN and gender != FEMALE:
        return "Cuti melahirkan hanya diberikan kepada pegawai perempuan."
    return None


def offered_types(status: str, gender: str) -> tuple[RequestType, ...]:
    """The request types the /izin form offers an employee, in catalogue order."""
    return tuple(t for t in REQUEST_TYPES if employee_refusal(t, status, gender) is None)


def max_months(kind: RequestType, status: str) -> int | None:
    if kind.key == CUTI_SAKIT and status == PPPK:
        return PPPK_SICK_MONTHS
    return kind.max_months


def grounds(kind: RequestType, status: str, gender: str, *, before_one_year: bool
            ) -> tuple[Ground, ...]:
    """The grounds the form offers for `kind`; empty when the type is filed without one."""
    if kind.key == CUTI_BESAR and status == PNS:
        return tuple(g for g in _BESAR_GROUNDS
                     if g.key != BESAR_ANAK_KEEMPAT or gender == FEMALE)
    if kind.key == CUTI_MELAHIRKAN:
        return _CHILD_GROUNDS
    if kind.key == CUTI_TAHUNAN and status == PPPK and before_one_year:
        return _EARLY_GROUNDS
    return ()


def ground_refusal(kind: RequestType, status: str, gender: str, ground: str | None,
                   *, before_one_year: bool) -> str | None:
    """Why `ground` cannot be used for `kind` by this employee, or None. A type that takes a
    ground and was sent without one (an old form) is refused too."""
    if kind.key == CUTI_MELAHIRKAN and gender != FEMALE:
        return "Cuti melahirkan hanya diberikan kepada pegawai perempuan."
    offered = grounds(kind, status, gender, before_one_year=before_one_year)
    if kind.key == CUTI_BESAR and ground == BESAR_ANAK_KEEMPAT and gender != FEMALE:
        return "Cuti besar untuk persalinan anak ke-4 hanya diberikan kepada pegawai perempuan."
    if not offered or (kind.key == CUTI_TAHUNAN and ground is None):
        # Cuti tahunan without a ground is the ordinary one (the service rule says when).
        return None if ground is None else "Keterangan jenis cuti ini tidak dikenal."
    if ground not in {g.key for g in offered}:
        return f"Pilih keterangan {kind.label.lower()} terlebih dahulu."
    if kind.key == CUTI_MELAHIRKAN and ground == "anak4" and status != PPPK:
        return ("Cuti melahirkan PNS diberikan untuk anak pertama sampai ketiga; untuk anak "
                "keempat dan seterusnya ajukan cuti besar dengan keterangan persalinan anak "
                "ke-4 (PP 11/2017).")
    return None


def waives_service(kind: RequestType, ground: str | None) -> bool:
    """Whether the ground lifts the service requirement of the type."""
    if kind.key == CUTI_BESAR:
        return ground in (BESAR_AGAMA, BESAR_ANAK_KEEMPAT)
    if kind.key == CUTI_TAHUNAN:
        return ground in (EARLY_KELUARGA_SAKIT, EARLY_KELUARGA_MENINGGAL, EARLY_PERKAWINAN)
    return False


def may_postpone(kind: RequestType, ground: str | None) -> bool:
    """A cuti besar for a fourth child replaces cuti melahirkan and cannot be postponed; CLTN
    is decided outside the office."""
    if kind.key == CUTI_CLTN:
        return False
    return not (kind.key == CUTI_BESAR and ground == BESAR_ANAK_KEEMPAT)


def early_annual_refusal(working_days: int, taken_before: int) -> str | None:
    """PPPK before one year of service: at most 6 working days on these grounds."""
    if working_days + taken_before > PPPK_EARLY_ANNUAL_DAYS:
        left = max(0, PPPK_EARLY_ANNUAL_DAYS - taken_before)
        return (f"Sebelum masa kerja 1 tahun, PPPK dapat mengambil cuti tahunan paling banyak "
                f"{PPPK_EARLY_ANNUAL_DAYS} hari kerja karena keluarga sakit atau meninggal atau "
                f"perkawinan pertama; yang masih dapat diambil {left} hari kerja.")
    return None


def pppk_carry_over(status: str, service_start: dt.date, contract_end: dt.date | None,
                    *, years: int) -> bool:
    """Whether a PPPK's unused cuti tahunan may carry over `years` (1: to 18 days, 2: to 24):
    only when the contract runs longer than 2 (resp. 3) years. PNS and CPNS always may."""
    if status != PPPK:
        return True
    if contract_end is None:
        return False
    return contract_end >= add_months(service_start, 12 * (years + 1))
