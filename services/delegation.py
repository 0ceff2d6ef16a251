"""Plh / Plt delegations: who acts for an official during a period (BKN SE 1/2021).

A Pelaksana Harian stands in while the official is temporarily away (cuti, dinas luar); a
Pelaksana Tugas while the post is vacant. Either is designated by a Surat Perintah for a
period. The pure rules say which delegation is in force on a day and who is the effective
actor for a NIP (a Plh of a Plh follows on); the service stores designations, revokes them and
starts/ends them, moving the waiting steps (services.step_moves) in the same transaction, with
the outbox rows that tell everyone concerned (services.move_notices).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

import aiosqlite

from services import audit, employees, move_notices, outbox, step_moves
from services.employees import Employee
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.nip import nip_problem
from services.storage import Database
from services.workflows.model import DESIGNATION, Catalogue

PLH = "plh"
PLT = "plt"
KINDS = (PLH, PLT)
PREFIXES = step_moves.PREFIXES
NAMES = {PLH: "Pelaksana Harian", PLT: "Pelaksana Tugas"}
DESIGNATOR_ROLES = frozenset({"kepala", "admin", "kasubbag"})
MAX_SP_LENGTH = 100
MAX_PERIOD_DAYS = 366
ENTITY = "delegation"


@dataclass(frozen=True)
class Delegation:
    id: int
    official_nip: str
    delegate_nip: str
    kind: str
    sp_number: str
    start: dt.date
    end: dt.date
    designated_by: str | None
    workflow_file_id: int | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    ended_at: dt.datetime | None
    revoked_at: dt.datetime | None

    @property
    def prefix(self) -> str:
        return PREFIXES[self.kind]

    @property
    def started(self) -> bool:
        """Its steps are with the delegate now."""
        return self.started_at is not None and self.ended_at is None

    def in_force(self, day: dt.date) -> bool:
        return self.revoked_at is None and self.start <= day <= self.end


# --- pure rules ----------------------------------------------------------------------------

def in_force_for(nip: str, day: dt.date, delegations: Iterable[Delegation]) -> Delegation | None:
    return next((d for d in delegations if d.official_nip == nip and d.in_force(day)), None)


def effective_actor(nip: str, day: dt.date, delegations: Iterable[Delegation]) -> str:
    """Who acts for `nip` on `day`: the delegate in force, followed on when the delegate is
    away too (a Plh of the Plh), never round in a circle."""
    pool = list(delegations)
    seen = {nip}
    current = nip
    while (found := in_force_for(current, day, pool)) is not None \
            and found.delegate_nip not in seen:
        current = found.delegate_nip
        seen.add(current)
    return current


def due(delegations: Iterable[Delegation], day: dt.date
        ) -> tuple[list[Delegation], list[Delegation]]:
    """What the job must do today: (delegations to start, delegations to end)."""
    start, end = [], []
    for d in delegations:
        if d.started and not d.in_force(day):
            end.append(d)
        elif d.started_at is None and d.in_force(day):
            start.append(d)
    return start, end


def period_problem(start: dt.date, end: dt.date, today: dt.date) -> str | None:
    if end < start:
        return "Tanggal selesai tidak boleh sebelum tanggal mulai."
    if end < today:
        return "Masa penugasan sudah berakhir; tidak ada yang perlu dialihkan."
    if start > today + dt.timedelta(days=MAX_PERIOD_DAYS):
        return "Tanggal mulai terlalu jauh ke depan (paling lama satu tahun dari hari ini)."
    if (end - start).days >= MAX_PERIOD_DAYS:
        return "Masa penugasan paling lama satu tahun; perpanjang dengan Surat Perintah baru."
    return None


def sp_problem(sp_number: str) -> str | None:
    text = sp_number.strip()
    if len(text) < 3:
        return "Nomor Surat Perintah terlalu singkat."
    if len(text) > MAX_SP_LENGTH:
        return f"Nomor Surat Perintah terlalu panjang (maksimal {MAX_SP_LENGTH} karakter)."
    return None


def may_designate(employee: Employee) -> bool:
    return employee.peran in DESIGNATOR_ROLES


# --- storage -------------------------------------------------------------------------------

_COLUMNS = ("id, official_nip, delegate_nip, kind, sp_number, start_date, end_date, "
            "designated_by, workflow_file_id, created_at, started_at, ended_at, revoked_at")


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _delegation(row: aiosqlite.Row) -> Delegation:
    created = _time(row["created_at"])
    assert created is not None
    return Delegation(
        id=row["id"], official_nip=row["official_nip"], delegate_nip=row["delegate_nip"],
        kind=row["kind"], sp_number=row["sp_number"],
        start=dt.date.fromisoformat(row["start_date"]),
        end=dt.date.fromisoformat(row["end_date"]), designated_by=row["designated_by"],
        workflow_file_id=row["workflow_file_id"], created_at=created,
        started_at=_time(row["started_at"]), ended_at=_time(row["ended_at"]),
        revoked_at=_time(row["revoked_at"]))


async def _select(conn: aiosqlite.Connection, where: str, *args: object) -> list[Delegation]:
    async with conn.execute(f"SELECT {_COLUMNS} FROM delegations WHERE {where} "
                            "ORDER BY start_date, id", args) as cursor:
        return [_delegation(r) for r in await cursor.fetchall()]


async def by_id(conn: aiosqlite.Connection, delegation_id: int) -> Delegation | None:
    found = await _select(conn, "id = ?", delegation_id)
    return found[0] if found else None


async def acting_at(conn: aiosqlite.Connection, delegate_nip: str,
                    at: dt.datetime) -> list[Delegation]:
    """Delegations under which `delegate_nip` was acting at `at` (for printed signatures)."""
    found = await _select(conn, "delegate_nip = ? AND started_at IS NOT NULL", delegate_nip)
    return [d for d in found if d.started_at is not None and d.started_at <= at
            and (d.ended_at is None or d.ended_at > at)]


@dataclass(frozen=True)
class DelegationView:
    delegation: Delegation
    official: Employee
    delegate: Employee


@dataclass(frozen=True)
class Designated:
    """A stored designation, and the steps moved if it took effect at once."""

    view: DelegationView
    moves: tuple[step_moves.Move, ...]


async def _view(conn: aiosqlite.Connection, delegation: Delegation) -> DelegationView:
    official = await employees.by_nip(conn, delegation.official_nip)
    delegate = await employees.by_nip(conn, delegation.delegate_nip)
    assert official is not None and delegate is not None
    return DelegationView(delegation, official, delegate)


async def get(db: Database, delegation_id: int) -> DelegationView | None:
    """A designation with both people, as it stands (for the messages about it)."""
    async with db.read() as conn:
        found = await by_id(conn, delegation_id)
        return await _view(conn, found) if found is not None else None


async def current(db: Database, today: dt.date) -> list[DelegationView]:
    """Delegations in force or still to come, for /delegasi."""
    async with db.read() as conn:
        found = await _select(conn, "revoked_at IS NULL AND end_date >= ?", today.isoformat())
        return [await _view(conn, d) for d in found]


async def person(db: Database, nip: str) -> Employee:
    """An active employee by the NIP typed into the form."""
    nip = nip.strip()
    if problem := nip_problem(nip):
        raise DomainError(problem)
    async with db.read() as conn:
        found = await employees.by_nip(conn, nip)
    if found is None or not found.active:
        raise NotFound(f"Pegawai dengan NIP {nip} tidak terdaftar atau tidak aktif.")
    return found


@dataclass(frozen=True)
class Designation:
    official_nip: str
    delegate_nip: str
    kind: str
    sp_number: str
    start: dt.date
    end: dt.date


async def _check(conn: aiosqlite.Connection, order: Designation, today: dt.date) -> None:
    if order.kind not in KINDS:
        raise DomainError("Jenis penugasan harus Plh atau Plt.")
    if order.official_nip == order.delegate_nip:
        raise DomainError("Pejabat tidak dapat ditunjuk sebagai Plh/Plt bagi dirinya sendiri.")
    if problem := sp_problem(order.sp_number) or period_problem(order.start, order.end, today):
        raise DomainError(problem)
    for nip in (order.official_nip, order.delegate_nip):
        found = await employees.by_nip(conn, nip)
        if found is None or not found.active:
            raise NotFound(f"Pegawai dengan NIP {nip} tidak terdaftar atau tidak aktif.")
    overlapping = await _select(
        conn, "official_nip = ? AND revoked_at IS NULL AND ended_at IS NULL "
        "AND start_date <= ? AND end_date >= ?",
        order.official_nip, order.end.isoformat(), order.start.isoformat())
    if overlapping:
        other = overlapping[0]
        raise Conflict(f"Pejabat ini sudah memiliki {other.prefix} untuk "
                       f"{other.start:%d-%m-%Y} s.d. {other.end:%d-%m-%Y} "
                       f"(Surat Perintah {other.sp_number}). Cabut dahulu bila perlu diganti.")


async def designate_in(conn: aiosqlite.Connection, order: Designation,
                       *, now: dt.datetime, by: audit.Actor,
                       workflow_file_id: int | None = None) -> Designated:
    """Store a designation inside the caller's transaction; one in force today starts now."""
    await _check(conn, order, now.date())
    cursor = await conn.execute(
        "INSERT INTO delegations (official_nip, delegate_nip, kind, sp_number, start_date, "
        "end_date, designated_by, workflow_file_id, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (order.official_nip, order.delegate_nip, order.kind, order.sp_number.strip(),
         order.start.isoformat(), order.end.isoformat(), by.nip, workflow_file_id,
         now.isoformat()))
    delegation_id = cursor.lastrowid
    assert delegation_id is not None
    await audit.record(conn, at=now, actor=by, action="delegation.designate", entity=ENTITY,
                       entity_id=delegation_id,
                       detail={"official": order.official_nip, "delegate": order.delegate_nip,
                               "kind": order.kind, "sp_number": order.sp_number.strip(),
                               "start": order.start, "end": order.end,
                               "workflow_file": workflow_file_id})
    stored = await by_id(conn, delegation_id)
    assert stored is not None
    await outbox.enqueue(conn, move_notices.designated(delegation_id, order.official_nip,
                                                       order.delegate_nip), now=now)
    moves: tuple[step_moves.Move, ...] = ()
    if stored.in_force(now.date()):
        stored, moves = await _start(conn, stored, now)
    return Designated(await _view(conn, stored), moves)


async def _approving_file(conn: aiosqlite.Connection, catalogue: Catalogue,
                         file_id: int) -> str:
    """The agenda number of a finished Plt/Plh file not recorded yet (the Surat Perintah)."""
    async with conn.execute(
        "SELECT workflow_key, status, agenda_number FROM workflow_files WHERE id = ?",
        (file_id,)
    ) as cursor:
        row = await cursor.fetchone()
    workflow = catalogue.get(row["workflow_key"]) if row else None
    if row is None or workflow is None or workflow.outcome != DESIGNATION:
        raise NotFound("Berkas tersebut bukan persetujuan penetapan Plh/Plt.")
    if row["status"] != "selesai" or not row["agenda_number"]:
        raise Conflict("Berkas ini belum selesai disetujui.")
    if await _select(conn, "workflow_file_id = ?", file_id):
        raise Conflict(f"Penunjukan dari berkas #{file_id} sudah dicatat sebelumnya.")
    return str(row["agenda_number"])


async def from_file(db: Database, catalogue: Catalogue, file_id: int, *,
                    by: Employee) -> str:
    """Before the form: the Surat Perintah number an approved Plt/Plh file gives."""
    if not may_designate(by):
        raise NotAllowed("Maaf, penunjukan Plh/Plt hanya dapat dilakukan oleh Kepala atau "
                         "pengelola kepegawaian.")
    async with db.read() as conn:
        return await _approving_file(conn, catalogue, file_id)


async def designate(db: Database, order: Designation, *, by: Employee, now: dt.datetime,
                    file: tuple[Catalogue, int] | None = None) -> Designated:
    """The Kepala or the pengelola kepegawaian designates a Plh/Plt in chat; with `file`,
    the designation an approved Plt/Plh SOP file approved, numbered as that file."""
    if not may_designate(by):
        raise NotAllowed("Maaf, penunjukan Plh/Plt hanya dapat dilakukan oleh Kepala atau "
                         "pengelola kepegawaian.")
    async with db.transaction() as conn:
        file_id = None
        if file is not None:
            catalogue, file_id = file
            order = replace(order, sp_number=await _approving_file(conn, catalogue, file_id))
        return await designate_in(conn, order, now=now,
                                  by=audit.Actor(by.nip, by.telegram_user_id),
                                  workflow_file_id=file_id)


async def revoke(db: Database, delegation_id: int, *, by: Employee,
                 now: dt.datetime) -> Designated:
    """Withdraw a designation; its steps go back to the official at once."""
    if not may_designate(by):
        raise NotAllowed("Maaf, pencabutan Plh/Plt hanya dapat dilakukan oleh Kepala atau "
                         "pengelola kepegawaian.")
    async with db.transaction() as conn:
        found = await by_id(conn, delegation_id)
        if found is None:
            raise NotFound("Penunjukan Plh/Plt tersebut tidak ditemukan.")
        if found.revoked_at is not None or found.ended_at is not None:
            raise Conflict("Penunjukan ini sudah berakhir atau dicabut sebelumnya.")
        await conn.execute("UPDATE delegations SET revoked_at = ?, revoked_by = ? WHERE id = ?",
                           (now.isoformat(), by.nip, delegation_id))
        actor = audit.Actor(by.nip, by.telegram_user_id)
        await audit.record(conn, at=now, actor=actor, action="delegation.revoke",
                           entity=ENTITY, entity_id=delegation_id)
        moves: tuple[step_moves.Move, ...] = ()
        revoked = await by_id(conn, delegation_id)
        assert revoked is not None
        if found.started:
            revoked, moves = await _end(conn, revoked, now)
        return Designated(await _view(conn, revoked), moves)


async def _start(conn: aiosqlite.Connection, delegation: Delegation,
                 now: dt.datetime) -> tuple[Delegation, tuple[step_moves.Move, ...]]:
    await conn.execute("UPDATE delegations SET started_at = ? WHERE id = ?",
                       (now.isoformat(), delegation.id))
    await audit.record(conn, at=now, actor=audit.Actor.system(), action="delegation.start",
                       entity=ENTITY, entity_id=delegation.id)
    moves = await step_moves.to_delegate(conn, delegation.id, delegation.official_nip,
                                         delegation.delegate_nip, now)
    await move_notices.enqueue(conn, moves, now=now)
    started = await by_id(conn, delegation.id)
    assert started is not None
    return started, moves


async def _end(conn: aiosqlite.Connection, delegation: Delegation,
               now: dt.datetime) -> tuple[Delegation, tuple[step_moves.Move, ...]]:
    await conn.execute("UPDATE delegations SET ended_at = ? WHERE id = ?",
                       (now.isoformat(), delegation.id))
    await audit.record(conn, at=now, actor=audit.Actor.system(), action="delegation.end",
                       entity=ENTITY, entity_id=delegation.id)
    moves = await step_moves.back_from_delegate(conn, delegation.id, delegation.official_nip,
                                                delegation.delegate_nip, now)
    await move_notices.enqueue(conn, moves, now=now)
    ended = await by_id(conn, delegation.id)
    assert ended is not None
    return ended, moves


async def apply_due(db: Database, now: dt.datetime
                    ) -> list[step_moves.Move]:
    """The periodic job: start the delegations whose period began, end those whose period is
    over, each with its moves, in one transaction."""
    moves: list[step_moves.Move] = []
    async with db.transaction() as conn:
        pending = await _select(conn, "ended_at IS NULL AND start_date <= ?",
                                now.date().isoformat())
        to_start, to_end = due(pending, now.date())
        # Ending first: a new Plh for the same official may begin the day the old one ends.
        for delegation in to_end:
            moves.extend((await _end(conn, delegation, now))[1])
        for delegation in to_start:
            moves.extend((await _start(conn, delegation, now))[1])
    return moves
