"""Cuti the office does not grant itself: CLTN (granted by the PPK after approval from the
Kepala BKN, never delegated: PP 11/2017, Peraturan BKN 24/2017) and the Kepala OPD's own cuti
(decided above him). Their office steps end at "diusulkan": an usulan letter goes to the PPK
or the Kepala's superior, and the admin later records the SK that came back.

This module is the storage and the rules of that phase; services.requests enters it when the
chain runs out, services.usulan records the SK.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

from services.leave_rights import CUTI_CLTN
from services.office import Office

CLTN = "cltn"
KEPALA = "kepala"
KEPALA_ROLE = "kepala"

DISETUJUI = "disetujui"
PERUBAHAN = "perubahan"          # granted, for the dates the SK sets
TIDAK_DISETUJUI = "tidak_disetujui"
RESULTS = (DISETUJUI, PERUBAHAN, TIDAK_DISETUJUI)
GRANTED = (DISETUJUI, PERUBAHAN)
RESULT_LABELS = {DISETUJUI: "disetujui", PERUBAHAN: "disetujui dengan perubahan",
                 TIDAK_DISETUJUI: "tidak disetujui"}

_CHUNK = 500


@dataclass(frozen=True)
class Usulan:
    basis: str                     # CLTN | KEPALA
    addressed_to: str              # "Wali Kota Contoh", as printed on the letter
    proposed_by: str | None        # NIP of who signs the usulan letter
    proposed_at: dt.datetime
    sk_result: str | None = None
    sk_number: str | None = None
    sk_date: dt.date | None = None
    recorded_by: str | None = None
    recorded_at: dt.datetime | None = None
    # Set when the SK granted other dates: the dates proposed (the request now has the SK's).
    proposed_start: dt.date | None = None
    proposed_end: dt.date | None = None

    @property
    def decided(self) -> bool:
        return self.sk_result is not None


def basis_for(type_key: str, is_cuti: bool, applicant_role: str) -> str | None:
    """Why a request ends at "diusulkan", or None when the office grants it."""
    if type_key == CUTI_CLTN:
        return CLTN
    if is_cuti and applicant_role == KEPALA_ROLE:
        return KEPALA
    return None


def _region(office: Office) -> str:
    government = office.government.strip()
    for prefix in ("Pemerintah ", "PEMERINTAH "):
        if government.startswith(prefix):
            return government[len(prefix):].strip()
    return government


def default_ppk(office: Office) -> str:
    """The PPK of a daerah, from [office] government ("Pemerintah Kota Contoh" → "Wali Kota
    Contoh")."""
    region = _region(office)
    for kind, title in (("Kabupaten ", "Bupati "), ("Kota ", "Wali Kota "),
                        ("Provinsi ", "Gubernur ")):
        if region.startswith(kind):
            return title + region[len(kind):]
    return "Pejabat Pembina Kepegawaian"


def default_kepala_superior(office: Office) -> str:
    """Whom the Kepala OPD's own cuti is proposed to: the Sekretaris Daerah, who coordinates
    the perangkat daerah for the PPK."""
    region = _region(office)
    return f"Sekretaris Daerah {region}" if region else "Sekretaris Daerah"


def addressee(basis: str, office: Office, *, ppk: str, kepala_superior: str) -> str:
    """The letter's addressee; empty configured names fall back to the defaults above."""
    if basis == CLTN:
        return ppk or default_ppk(office)
    return kepala_superior or default_kepala_superior(office)


async def open_usulan(conn: aiosqlite.Connection, *, request_id: int, basis: str,
                      addressed_to: str, proposed_by: str | None, at: dt.datetime) -> None:
    await conn.execute(
        "INSERT INTO request_usulan (request_id, basis, addressed_to, proposed_by, proposed_at) "
        "VALUES (?, ?, ?, ?, ?)", (request_id, basis, addressed_to, proposed_by, at.isoformat()))


async def record_sk(conn: aiosqlite.Connection, *, request_id: int, result: str, number: str,
                    day: dt.date, by: str, at: dt.datetime,
                    proposed: tuple[dt.date, dt.date] | None = None) -> bool:
    """Write the SK once (with the dates proposed, when the SK changed them); False if it was
    recorded meanwhile."""
    cursor = await conn.execute(
        "UPDATE request_usulan SET sk_result = ?, sk_number = ?, sk_date = ?, recorded_by = ?, "
        "recorded_at = ?, proposed_start = ?, proposed_end = ? "
        "WHERE request_id = ? AND sk_result IS NULL",
        (result, number, day.isoformat(), by, at.isoformat(),
         proposed[0].isoformat() if proposed else None,
         proposed[1].isoformat() if proposed else None, request_id))
    return cursor.rowcount == 1


def _usulan(row: aiosqlite.Row) -> Usulan:
    return Usulan(
        basis=row["basis"], addressed_to=row["addressed_to"], proposed_by=row["proposed_by"],
        proposed_at=dt.datetime.fromisoformat(row["proposed_at"]),
        sk_result=row["sk_result"], sk_number=row["sk_number"],
        sk_date=dt.date.fromisoformat(row["sk_date"]) if row["sk_date"] else None,
        recorded_by=row["recorded_by"],
        recorded_at=dt.datetime.fromisoformat(row["recorded_at"]) if row["recorded_at"]
        else None,
        proposed_start=dt.date.fromisoformat(row["proposed_start"]) if row["proposed_start"]
        else None,
        proposed_end=dt.date.fromisoformat(row["proposed_end"]) if row["proposed_end"]
        else None)


async def load_many(conn: aiosqlite.Connection, request_ids: Sequence[int]) -> dict[int, Usulan]:
    found: dict[int, Usulan] = {}
    for first in range(0, len(request_ids), _CHUNK):
        chunk = list(request_ids[first:first + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        async with conn.execute(
            f"SELECT * FROM request_usulan WHERE request_id IN ({marks})", chunk,
        ) as cursor:
            for row in await cursor.fetchall():
                found[row["request_id"]] = _usulan(row)
    return found


async def waiting_ids(conn: aiosqlite.Connection, *, limit: int) -> list[int]:
    """Requests proposed and waiting for their SK, oldest proposal first."""
    async with conn.execute(
        "SELECT u.request_id FROM request_usulan u JOIN requests r ON r.id = u.request_id "
        "WHERE u.sk_result IS NULL AND r.status = 'menunggu' "
        "ORDER BY u.proposed_at, u.request_id LIMIT ?", (limit,),
    ) as cursor:
        return [r[0] for r in await cursor.fetchall()]
