"""NIP (PNS) and NI PPPK: 18 digits, birth date, a year, gender digit, sequence.

Only the length, the birth date, the year and the gender digit are checked; the rest of the
number carries no rule that can be verified offline.
"""

from __future__ import annotations

import datetime as dt

NIP_LENGTH = 18


def nip_problem(nip: str) -> str | None:
    """Why `nip` is not a valid NIP, in Indonesian, or None if it is valid."""
    if len(nip) != NIP_LENGTH or not nip.isdigit():
        return f"NIP harus {NIP_LENGTH} digit angka"
    try:
        birth = dt.date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return "tanggal lahir dalam NIP (digit 1–8) tidak valid"
    if not 1940 <= birth.year <= 2010:
        return "tahun lahir dalam NIP (digit 1–4) tidak wajar"
    year = int(nip[8:12])
    if not birth.year + 15 <= year <= 2100:
        return "tahun pengangkatan dalam NIP (digit 9–12) tidak valid"
    if nip[14] not in "12":
        return "digit jenis kelamin dalam NIP (digit 15) harus 1 atau 2"
    return None


def service_start(nip: str) -> dt.date:
    """Start of service as far as the NIP tells: TMT CPNS (yyyymm) for PNS, January of the
    appointment year for PPPK, whose digits 13–14 are not a month."""
    year, month = int(nip[8:12]), int(nip[12:14])
    return dt.date(year, month if 1 <= month <= 12 else 1, 1)


def gender(nip: str) -> str:
    return "L" if nip[14] == "1" else "P"
