"""Import of the employee registry from CSV or XLSX.

Every row is checked on its own and against the rest of the registry (existing rows overlaid
with the file's). Bad rows are reported with their line number and left out; the good rows are
written in one transaction, so a crash leaves the registry exactly as it was.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path

from services import audit, move_notices, step_moves
from services.accounts import deactivate_in
from services.employees import PNS, PPPK, ROLES, STATUSES, all_active
from services.errors import DomainError
from services.nip import nip_problem
from services.outbox import Notice
from services.phone import normalize_imported_phone
from services.storage import Database
from services.workflows.model import Catalogue

HEADER = ("nip", "nama", "jabatan", "golongan", "unit", "atasan_nip", "telepon",
          "device_user_id", "peran")
# Columns a file may add after `peran`; files from before they existed still import, and a
# column left out keeps what the registry holds.
OPTIONAL_COLUMNS = ("status", "akhir_kontrak", "jenis_kelamin")
FULL_HEADER = (*HEADER, *OPTIONAL_COLUMNS)
# PNS and CPNS golongan carry a ruang letter (III/a); PPPK golongan are I–XVII alone.
_GOLONGAN_PNS = re.compile(r"^(I|II|III|IV)/[a-e]$")
_GOLONGAN_PPPK = re.compile(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X|XI|XII|XIII|XIV|XV|XVI|XVII)$")
_DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S")


class ImportFileError(DomainError):
    """The file as a whole cannot be read (wrong header, unknown format)."""


@dataclass(frozen=True)
class EmployeeRow:
    line: int
    nip: str
    nama: str
    jabatan: str
    golongan: str
    unit: str
    atasan_nip: str | None
    telepon: str | None
    device_user_id: str | None
    peran: str
    status: str | None = None          # None: the column is not in the file
    akhir_kontrak: str | None = None   # ISO date
    jenis_kelamin: str | None = None
    given: frozenset[str] = frozenset()  # the optional columns the file has


@dataclass(frozen=True)
class RowError:
    line: int
    nip: str
    reason: str


@dataclass(frozen=True)
class DeactivatedEmployee:
    nip: str
    nama: str
    notice: Notice | None


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    errors: list[RowError]
    deactivated: list[DeactivatedEmployee] = field(default_factory=list)
    # Waiting steps moved from an old atasan to the new one the file names.
    moves: list[step_moves.Move] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_table(path: Path, header: tuple[str, ...] = HEADER
               ) -> list[tuple[int, dict[str, str]]]:
    """Rows of the file as (line number, {column: text}); blank rows are skipped. Other
    imports pass their own `header`."""
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        rows = _xlsx_rows(path)
    elif suffix in (".csv", ".txt"):
        rows = _csv_rows(path)
    else:
        raise ImportFileError("Format berkas tidak dikenal; gunakan .csv atau .xlsx.")
    return _with_header(rows, header)


def _csv_rows(path: Path) -> Iterable[tuple[int, list[str]]]:
    text = path.read_bytes().decode("utf-8-sig")
    first = text.splitlines()[0] if text else ""
    # Spreadsheets set to the Indonesian locale save CSV with semicolons.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    for row in reader:
        yield reader.line_num, row


def _xlsx_rows(path: Path) -> Iterable[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = []
            for value in values:
                if isinstance(value, float) and value >= 1e15:
                    # An 18-digit NIP typed into a numeric cell has already lost its last digits.
                    cells.append("#ANGKA")
                else:
                    cells.append(_cell(value))
            yield number, cells
    finally:
        workbook.close()


def _with_header(rows: Iterable[tuple[int, list[str]]], expected: tuple[str, ...]
                 ) -> list[tuple[int, dict[str, str]]]:
    iterator = iter(rows)
    try:
        _, header = next(iterator)
    except StopIteration:
        raise ImportFileError("Berkas kosong.") from None
    names = [h.strip().lower() for h in header]
    missing = [column for column in expected if column not in names]
    if missing:
        raise ImportFileError("Kolom berikut tidak ada di baris judul: " + ", ".join(missing)
                              + ". Judul yang benar: " + ",".join(expected))
    result = []
    for line, values in iterator:
        if not any(v.strip() for v in values):
            continue
        padded = values + [""] * (len(names) - len(values))
        result.append((line, {name: padded[i].strip() for i, name in enumerate(names)}))
    return result


# Longest text each column may hold: a real name or jabatan fits with room to spare, and the
# recap, letters and Telegram cards stay readable (a 2,400-character jabatan is an error).
FIELD_LIMITS = {"nip": 18, "nama": 120, "jabatan": 200, "golongan": 8, "unit": 150,
                "atasan_nip": 18, "telepon": 20, "device_user_id": 24, "peran": 16}


def _too_long(raw: dict[str, str]) -> str | None:
    for column, limit in FIELD_LIMITS.items():
        value = raw.get(column) or ""
        if len(value) > limit:
            return f"{column} terlalu panjang ({len(value)} karakter, maksimal {limit})"
    return None


def parse_row(line: int, raw: dict[str, str]) -> EmployeeRow | RowError:
    """Check one row on its own."""
    too_long = _too_long({k: v.replace(" ", "") if k in ("nip", "atasan_nip") else v
                          for k, v in raw.items()})
    if too_long:
        nip = raw["nip"].replace(" ", "")
        return RowError(line, nip if len(nip) <= FIELD_LIMITS["nip"] else "", too_long)
    nip = raw["nip"].replace(" ", "")
    if nip == "#ANGKA":
        return RowError(line, "", "NIP tersimpan sebagai angka di Excel sehingga digit terakhirnya "
                        "hilang; format kolom NIP sebagai teks")
    problem = nip_problem(nip)
    if problem:
        return RowError(line, nip, problem)
    if not raw["nama"]:
        return RowError(line, nip, "nama kosong")
    peran = (raw["peran"] or "pegawai").lower()
    if peran not in ROLES:
        return RowError(line, nip, f"peran {raw['peran']!r} tidak dikenal (pilihan: "
                        + ", ".join(ROLES) + ")")
    golongan = raw["golongan"]
    if golongan and not (_GOLONGAN_PNS.match(golongan) or _GOLONGAN_PPPK.match(golongan)):
        return RowError(line, nip, f"golongan {golongan!r} tidak valid (contoh: III/a, IX)")
    given = frozenset(c for c in OPTIONAL_COLUMNS if c in raw)
    status = None
    if "status" in given:
        status = (raw["status"] or PNS).upper()
        if status not in STATUSES:
            return RowError(line, nip, f"status {raw['status']!r} tidak dikenal (pilihan: "
                            + ", ".join(STATUSES) + "; kosong berarti PNS)")
        if problem := golongan_problem(golongan, status):
            return RowError(line, nip, problem)
    akhir_kontrak = None
    if raw.get("akhir_kontrak"):
        parsed = _parse_date(raw["akhir_kontrak"])
        if parsed is None:
            return RowError(line, nip, f"akhir_kontrak {raw['akhir_kontrak']!r} bukan tanggal "
                            "(format DD-MM-YYYY)")
        if status not in (None, PPPK):
            return RowError(line, nip, "akhir_kontrak hanya diisi untuk PPPK")
        akhir_kontrak = parsed.isoformat()
    jenis_kelamin = None
    if raw.get("jenis_kelamin"):
        jenis_kelamin = raw["jenis_kelamin"].upper()
        if jenis_kelamin not in ("L", "P"):
            return RowError(line, nip, f"jenis_kelamin {raw['jenis_kelamin']!r} harus L atau P")
    atasan = raw["atasan_nip"].replace(" ", "") or None
    if atasan == "#ANGKA":
        return RowError(line, nip, "NIP atasan tersimpan sebagai angka di Excel; "
                        "format kolom sebagai teks")
    if atasan == nip:
        return RowError(line, nip, "atasan tidak boleh dirinya sendiri (siklus atasan)")
    telepon = None
    if raw["telepon"]:
        telepon = normalize_imported_phone(raw["telepon"])
        if telepon is None:
            return RowError(line, nip, f"nomor telepon {raw['telepon']!r} bukan nomor seluler "
                            "Indonesia yang valid")
    return EmployeeRow(line=line, nip=nip, nama=raw["nama"], jabatan=raw["jabatan"],
                       golongan=golongan, unit=raw["unit"], atasan_nip=atasan, telepon=telepon,
                       device_user_id=raw["device_user_id"] or None, peran=peran,
                       status=status, akhir_kontrak=akhir_kontrak, jenis_kelamin=jenis_kelamin,
                       given=given)


def golongan_problem(golongan: str, status: str) -> str | None:
    """Why `golongan` cannot belong to an employee of `status` (Indonesian), or None."""
    if not golongan:
        return None
    if status == PPPK and not _GOLONGAN_PPPK.match(golongan):
        return (f"golongan {golongan} adalah golongan PNS, tidak cocok dengan status PPPK "
                "(golongan PPPK: I sampai XVII)")
    if status != PPPK and not _GOLONGAN_PNS.match(golongan):
        return (f"golongan {golongan} adalah golongan PPPK, tidak cocok dengan status {status} "
                "(contoh golongan PNS: III/a)")
    return None


def inferred_status(golongan: str, stored: str | None) -> str:
    """The status of a row from a file without the `status` column: what the registry holds,
    unless the golongan says otherwise (as the migration set it)."""
    if _GOLONGAN_PPPK.match(golongan):
        return PPPK
    if _GOLONGAN_PNS.match(golongan) and stored == PPPK:
        return PNS
    return stored or PNS


def _parse_date(text: str) -> dt.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            continue
    return None


@dataclass
class _Existing:
    atasan_nip: str | None
    telepon: str | None
    device_user_id: str | None


def check_rows(rows: list[EmployeeRow], existing: dict[str, _Existing]
               ) -> tuple[list[EmployeeRow], list[RowError]]:
    """Check rows against each other and the registry; return (good rows, errors)."""
    errors: list[RowError] = []
    good: list[EmployeeRow] = []
    seen: set[str] = set()
    for row in rows:
        if row.nip in seen:
            errors.append(RowError(row.line, row.nip, "NIP ganda dalam berkas"))
        else:
            seen.add(row.nip)
            good.append(row)

    changed = True
    while changed:
        changed = False
        rejected = _conflicts(good, existing)
        if rejected:
            errors.extend(rejected.values())
            good = [row for row in good if row.line not in rejected]
            changed = True
    errors.sort(key=lambda e: e.line)
    return good, errors


def _conflicts(rows: list[EmployeeRow], existing: dict[str, _Existing]) -> dict[int, RowError]:
    """Errors of the first kind found in one pass; rejecting them may reveal more.

    A phone number or device user id belongs first to registry rows the file does not touch,
    then to the file's rows in line order; a later claimant is the bad row.
    """
    in_file = {row.nip for row in rows}
    rejected: dict[int, RowError] = {}
    for attr, label in (("telepon", "nomor telepon"), ("device_user_id", "device_user_id")):
        claimed = {getattr(entry, attr): nip for nip, entry in existing.items()
                   if nip not in in_file and getattr(entry, attr)}
        for row in rows:
            value = getattr(row, attr)
            if not value or row.line in rejected:
                continue
            owner = claimed.setdefault(value, row.nip)
            if owner != row.nip:
                rejected[row.line] = RowError(row.line, row.nip,
                                              f"{label} {value} ganda (juga milik NIP {owner})")
    if rejected:
        return rejected

    state = dict(existing)
    for row in rows:
        state[row.nip] = _Existing(row.atasan_nip, row.telepon, row.device_user_id)
    for row in rows:
        if row.atasan_nip and row.atasan_nip not in state:
            rejected[row.line] = RowError(row.line, row.nip,
                                          f"atasan {row.atasan_nip} tidak dikenal")
    if rejected:
        return rejected

    by_nip = {row.nip: row for row in rows}
    for row in rows:
        cycle = _cycle_from(row.nip, state)
        for nip in cycle or []:
            if nip in by_nip:
                member = by_nip[nip]
                rejected[member.line] = RowError(member.line, nip,
                                                 "siklus atasan: " + " → ".join(cycle or []))
    return rejected


def _cycle_from(start: str, state: dict[str, _Existing]) -> list[str] | None:
    path: list[str] = []
    position: dict[str, int] = {}
    nip: str | None = start
    while nip is not None and nip in state:
        if nip in position:
            return [*path[position[nip]:], nip]
        position[nip] = len(path)
        path.append(nip)
        nip = state[nip].atasan_nip
    return None


class _Previewed(Exception):
    """Rolls a preview's transaction back, carrying what the import would have done."""

    def __init__(self, result: ImportResult) -> None:
        super().__init__("preview")
        self.result = result


def _values(row: EmployeeRow, before: dict[str, object] | None) -> dict[str, object]:
    """The registry columns for `row`; an optional column the file leaves out keeps the value
    the registry holds."""
    values: dict[str, object] = {f.name: getattr(row, f.name) for f in fields(row)
                                 if f.name not in ("line", "given")}
    for column in ("akhir_kontrak", "jenis_kelamin"):
        if column not in row.given:
            values[column] = before[column] if before else None
    if row.status is None:
        stored = before["status"] if before else None
        values["status"] = inferred_status(row.golongan, stored if isinstance(stored, str)
                                           else None)
    if values["status"] != PPPK:
        values["akhir_kontrak"] = None
    return values


async def import_employees(db: Database, path: Path, *, at: dt.datetime,
                           deactivate_missing: bool = False,
                           preview: bool = False,
                           catalogue: Catalogue | None = None,
                           actor: audit.Actor | None = None) -> ImportResult:
    """Write the file's good rows. With `deactivate_missing`, active employees whose NIP the
    file does not name at all (a refused row still names its NIP) are deactivated from today.
    With `preview`, everything is done and then rolled back: the report is exactly what the
    import would do, and nothing is written. With the workflow `catalogue` (which says which
    steps are the atasan langsung's), an employee whose atasan changed has the old atasan's
    waiting steps moved to the new one. `actor` is who imports (the operator in chat); the
    console's import is the system's."""
    try:
        return await _import(db, path, at=at, deactivate_missing=deactivate_missing,
                             preview=preview, catalogue=catalogue,
                             actor=actor or audit.Actor.system())
    except _Previewed as previewed:
        return previewed.result


async def _import(db: Database, path: Path, *, at: dt.datetime, deactivate_missing: bool,
                  preview: bool, catalogue: Catalogue | None,
                  actor: audit.Actor) -> ImportResult:
    table = read_table(path)
    if deactivate_missing and not table:
        raise ImportFileError("Berkas tidak berisi satu pun pegawai; --deactivate-missing "
                              "akan menonaktifkan semua pegawai, jadi impor dibatalkan.")
    named = {raw["nip"].replace(" ", "") for _line, raw in table}
    parsed = [parse_row(line, raw) for line, raw in table]
    errors = [p for p in parsed if isinstance(p, RowError)]
    rows = [p for p in parsed if isinstance(p, EmployeeRow)]
    created = updated = unchanged = 0
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT nip, nama, jabatan, golongan, unit, atasan_nip, telepon, device_user_id, peran,"
            " status, akhir_kontrak, jenis_kelamin FROM employees"
        ) as cursor:
            current = {r["nip"]: dict(r) for r in await cursor.fetchall()}
        existing = {nip: _Existing(r["atasan_nip"], r["telepon"], r["device_user_id"])
                    for nip, r in current.items()}
        good, conflicts = check_rows(rows, existing)
        errors = sorted(errors + conflicts, key=lambda e: e.line)
        stamp = at.isoformat()
        changed_atasan: list[tuple[str, str, str]] = []
        for row in good:
            before = current.get(row.nip)
            values = _values(row, before)
            if before is None:
                created += 1
                await conn.execute(
                    "INSERT INTO employees (nip, nama, jabatan, golongan, unit, atasan_nip, "
                    "telepon, device_user_id, peran, status, akhir_kontrak, jenis_kelamin, "
                    "created_at, updated_at) "
                    "VALUES (:nip, :nama, :jabatan, :golongan, :unit, :atasan_nip, :telepon, "
                    ":device_user_id, :peran, :status, :akhir_kontrak, :jenis_kelamin, :at, :at)",
                    {**values, "at": stamp})
            elif before == values:
                unchanged += 1
                continue
            else:
                updated += 1
                await conn.execute(
                    "UPDATE employees SET nama = :nama, jabatan = :jabatan, golongan = :golongan,"
                    " unit = :unit, atasan_nip = :atasan_nip, telepon = :telepon,"
                    " device_user_id = :device_user_id, peran = :peran, status = :status,"
                    " akhir_kontrak = :akhir_kontrak, jenis_kelamin = :jenis_kelamin,"
                    " updated_at = :at WHERE nip = :nip", {**values, "at": stamp})
            await audit.record(conn, at=at, actor=actor,
                               action="employee.import", entity="employee", entity_id=row.nip,
                               detail={"line": row.line, "file": path.name,
                                       "created": before is None})
            if before is not None and before["atasan_nip"] and row.atasan_nip \
                    and before["atasan_nip"] != row.atasan_nip:
                changed_atasan.append((row.nip, before["atasan_nip"], row.atasan_nip))
        moves: list[step_moves.Move] = []
        if catalogue is not None:
            # After every row is written: the new atasan may be a row of the same file.
            for nip, old, new in changed_atasan:
                moves += await step_moves.to_new_atasan(conn, catalogue, nip, old, new, at)
            await move_notices.enqueue(conn, moves, now=at)
        deactivated = []
        if deactivate_missing:
            for employee in await all_active(conn):
                if employee.nip not in named:
                    notice = await deactivate_in(conn, employee, at=at,
                                                 actor=actor,
                                                 reason=f"import {path.name}")
                    deactivated.append(DeactivatedEmployee(employee.nip, employee.nama, notice))
        result = ImportResult(created, updated, unchanged, errors, deactivated, moves)
        if preview:
            raise _Previewed(result)
    return result
