"""Import of opening cuti tahunan balances from CSV or XLSX: the paper-era leave card of an
office that starts using the bot part-way.

One row per employee for the opening year (the first tracked year, [requests]
leave_tracking_from): `nip,tahun,sisa_n2,sisa_n1,terpakai` — days carried in from N-2 and N-1
and days of cuti tahunan already taken in the year before the bot. Like the employee import,
every bad row is reported with its line and left out, and the good rows are written in one
transaction; a re-import updates an employee's figures, never adds a second set.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import aiosqlite

from services import audit
from services import leave_balance as leave
from services.calendar import OfficeCalendar
from services.employee_import import ImportResult, RowError, read_table
from services.nip import nip_problem, service_start
from services.storage import Database

HEADER = ("nip", "tahun", "sisa_n2", "sisa_n1", "terpakai")
ENTITY = "leave_opening"
_WHOLE = re.compile(r"^\d+$")


@dataclass(frozen=True)
class OpeningRow:
    line: int
    nip: str
    opening: leave.Opening


def _days(raw: str, label: str) -> int | str:
    """A whole number of days (a blank cell is 0), or the reason it is not."""
    text = raw.strip() or "0"
    if not _WHOLE.match(text):
        return f"{label} {raw!r} bukan bilangan bulat hari kerja (0 atau lebih)"
    return int(text)


def parse_row(line: int, raw: dict[str, str], opening_year: int) -> OpeningRow | RowError:
    """Check one row on its own: NIP, year, numbers and the legal caps."""
    nip = raw["nip"].replace(" ", "")
    if nip == "#ANGKA":
        return RowError(line, "", "NIP tersimpan sebagai angka di Excel sehingga digit terakhirnya "
                        "hilang; format kolom NIP sebagai teks")
    if problem := nip_problem(nip):
        return RowError(line, nip, problem)
    year_text = raw["tahun"].strip()
    if not _WHOLE.match(year_text):
        return RowError(line, nip, f"tahun {raw['tahun']!r} tidak valid")
    if int(year_text) != opening_year:
        return RowError(line, nip, f"tahun {year_text} bukan tahun awal pencatatan cuti di bot "
                        f"({opening_year}, [requests] leave_tracking_from); saldo awal hanya "
                        "diisi untuk tahun itu")
    figures: list[int] = []
    for column in ("sisa_n2", "sisa_n1", "terpakai"):
        value = _days(raw[column], column)
        if isinstance(value, str):
            return RowError(line, nip, value)
        figures.append(value)
    opening = leave.Opening(opening_year, *figures)
    if problem := leave.opening_problem(opening, leave.eligible_from(service_start(nip))):
        return RowError(line, nip, problem)
    return OpeningRow(line, nip, opening)


def without_duplicates(rows: list[OpeningRow]) -> tuple[list[OpeningRow], list[RowError]]:
    """The first row of a NIP counts; a later one is an error naming the first."""
    first_line: dict[str, int] = {}
    good: list[OpeningRow] = []
    errors: list[RowError] = []
    for row in rows:
        if row.nip in first_line:
            errors.append(RowError(row.line, row.nip, "NIP ganda dalam berkas (sudah ada di "
                                   f"baris {first_line[row.nip]})"))
        else:
            first_line[row.nip] = row.line
            good.append(row)
    return good, errors


async def _registry_problem(conn: aiosqlite.Connection, row: OpeningRow, known: set[str],
                            calendar: OfficeCalendar) -> str | None:
    if row.nip not in known:
        return "NIP tidak terdaftar; impor data pegawai terlebih dahulu"
    opening = row.opening
    recorded = await leave.approved_days(conn, row.nip, opening.year, calendar)
    entitled = leave.ANNUAL_DAYS + opening.carried
    if opening.used_before + recorded > entitled:
        # Usually the paper figure already counts leave the bot approved.
        return (f"terpakai {opening.used_before} ditambah cuti tahunan yang sudah disetujui "
                f"lewat bot pada tahun {opening.year} ({recorded} hari kerja) melebihi hak "
                f"({entitled} hari kerja); terpakai hanya berisi cuti sebelum memakai bot")
    return None


def _figures(opening: leave.Opening) -> dict[str, int]:
    values = asdict(opening)
    del values["year"]
    return values


async def import_leave_openings(db: Database, path: Path, *, opening_year: int,
                                calendar: OfficeCalendar, at: dt.datetime) -> ImportResult:
    """Import the file; `opening_year` is the policy's first tracked year."""
    parsed = [parse_row(line, raw, opening_year) for line, raw in read_table(path, HEADER)]
    errors = [p for p in parsed if isinstance(p, RowError)]
    rows, duplicates = without_duplicates([p for p in parsed if isinstance(p, OpeningRow)])
    errors += duplicates
    created = updated = unchanged = 0
    async with db.transaction() as conn:
        async with conn.execute("SELECT nip FROM employees") as cursor:
            known = {r["nip"] for r in await cursor.fetchall()}
        async with conn.execute(
            "SELECT nip, year, carried_n2, carried_n1, used_before FROM leave_openings "
            "WHERE year = ?", (opening_year,),
        ) as cursor:
            current = {r["nip"]: leave.Opening(r["year"], r["carried_n2"], r["carried_n1"],
                                               r["used_before"])
                       for r in await cursor.fetchall()}
        stamp = at.isoformat()
        for row in rows:
            if problem := await _registry_problem(conn, row, known, calendar):
                errors.append(RowError(row.line, row.nip, problem))
                continue
            before = current.get(row.nip)
            if before == row.opening:
                unchanged += 1
                continue
            values = {"nip": row.nip, **asdict(row.opening), "source": path.name, "at": stamp}
            if before is None:
                created += 1
                await conn.execute(
                    "INSERT INTO leave_openings (nip, year, carried_n2, carried_n1, used_before,"
                    " source, updated_at) VALUES (:nip, :year, :carried_n2, :carried_n1,"
                    " :used_before, :source, :at)", values)
            else:
                updated += 1
                await conn.execute(
                    "UPDATE leave_openings SET carried_n2 = :carried_n2, carried_n1 = :carried_n1,"
                    " used_before = :used_before, source = :source, updated_at = :at"
                    " WHERE nip = :nip AND year = :year", values)
            await audit.record(conn, at=at, actor=audit.Actor.system(),
                               action="leave_opening.import", entity=ENTITY, entity_id=row.nip,
                               detail={"line": row.line, "file": path.name, "year": opening_year,
                                       "before": _figures(before) if before else None,
                                       "after": _figures(row.opening)})
    errors.sort(key=lambda e: e.line)
    return ImportResult(created, updated, unchanged, errors)
