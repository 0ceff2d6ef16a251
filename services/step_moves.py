"""Moving waiting approval steps from one person to another, each move audited and recorded.

Three causes: a Plh/Plt delegation starting or ending, an approver on cuti with no Plh, and a
re-import that changed an employee's atasan. Requests and SOP files keep their actors in the
approval engine, which moves them (`reassign_waiting`, audited there); the recap's paraf chain
still resolves its actors when asked (services.acting applies delegations and per-step
substitutions), so for it a move is recorded and audited here. Every move is recorded in
step_substitutions, so a delegation's steps can go back and a document can say on whose
behalf it was decided. Everything runs inside the caller's transaction and returns the moves
for the notices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import aiosqlite

from services import audit, employees
from services.acting import ATASAN, CUTI, DELEGASI
from services.approval import model as engine
from services.approval import store as approvals
from services.approval_chain import ATASAN_LANGSUNG
from services.employees import Employee
from services.workflows.model import Catalogue

REQUEST = approvals.REQUEST
WORKFLOW_FILE = approvals.WORKFLOW_FILE
RECAP = approvals.RECAP
ENGINE_KINDS = (REQUEST, WORKFLOW_FILE)
RECAP_STEPS = ("kasubbag", "sekretaris", "kepala")
PREFIXES = {"plh": "Plh.", "plt": "Plt."}

Due = Callable[[dt.datetime], bool]
Steps = frozenset[tuple[str, int, int]]   # (kind, ref_id, position)


@dataclass(frozen=True)
class Move:
    cause: str               # delegasi | cuti | atasan
    entity: str              # request | workflow_file | recap
    entity_id: int
    step: str                # engine position, or the recap's state
    from_nip: str
    to_nip: str
    applicant_nip: str | None
    waiting: bool            # it is the step holding the item now: the new holder gets it
    delegation_id: int | None = None
    back: bool = False       # a delegation ended: the step returns to the official


async def _record(conn: aiosqlite.Connection, move: Move, now: dt.datetime) -> None:
    await conn.execute(
        "INSERT INTO step_substitutions (cause, delegation_id, entity, entity_id, step, "
        "from_nip, to_nip, moved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (move.cause, move.delegation_id, move.entity, move.entity_id, move.step,
         move.from_nip, move.to_nip, now.isoformat()))


async def _audit(conn: aiosqlite.Connection, move: Move, now: dt.datetime) -> None:
    await audit.record(conn, at=now, actor=audit.Actor.system(), action="approval.reassign",
                       entity=move.entity, entity_id=move.entity_id,
                       detail={"position": move.step, "from": move.from_nip,
                               "to": move.to_nip, "reason": move.cause,
                               "delegation": move.delegation_id, "back": move.back})


# --- requests and SOP files: the engine stores the actors --------------------------------------

async def _engine_moves(conn: aiosqlite.Connection, cause: str, old: str, new: str,
                        now: dt.datetime, *, delegation_id: int | None = None,
                        applicant: str | None = None, upcoming: bool = True,
                        only: Steps | None = None, back: bool = False,
                        record: bool = True) -> list[Move]:
    moves = []
    for kind in ENGINE_KINDS:
        pairs = None if only is None else frozenset((r, p) for k, r, p in only if k == kind)
        if pairs is not None and not pairs:
            continue
        moved = await approvals.reassign_waiting(
            conn, from_nip=old, to_nip=new, applicant_nip=applicant, reason=cause, now=now,
            upcoming=upcoming, kinds=(kind,), only=pairs)
        subjects = await approvals.load_many(conn, kind, sorted({m.ref_id for m in moved}))
        for item in moved:
            subject = subjects.get(item.ref_id)
            current = subject is not None and subject.current is not None \
                and subject.state.position == item.position
            move = Move(cause, kind, item.ref_id, str(item.position), old, new,
                        item.applicant_nip, waiting=current, delegation_id=delegation_id,
                        back=back)
            if record:
                await _record(conn, move, now)
            moves.append(move)
    return moves


@dataclass(frozen=True)
class OnBehalf:
    """A decision taken by a stand-in in place of `official_nip`."""

    official_nip: str
    kind: str | None         # "plh" | "plt" for a delegation; None for other causes


async def on_behalf(conn: aiosqlite.Connection, entity: str, ref_id: int
                    ) -> dict[tuple[int, str], OnBehalf]:
    """(position, stand-in NIP) -> whom they held the step for, for the documents."""
    async with conn.execute(
        "SELECT s.step, s.to_nip, s.from_nip, d.kind FROM step_substitutions s "
        "LEFT JOIN delegations d ON d.id = s.delegation_id "
        "WHERE s.entity = ? AND s.entity_id = ? AND s.returned_at IS NULL ORDER BY s.id",
        (entity, ref_id)
    ) as cursor:
        return {(int(r["step"]), r["to_nip"]): OnBehalf(r["from_nip"], r["kind"])
                for r in await cursor.fetchall()}


async def _engine_back(conn: aiosqlite.Connection, delegation_id: int, official: str,
                       delegate: str, now: dt.datetime) -> list[Move]:
    async with conn.execute(
        "SELECT id, entity, entity_id, step FROM step_substitutions WHERE delegation_id = ? "
        "AND entity <> ? AND returned_at IS NULL", (delegation_id, RECAP)
    ) as cursor:
        rows = await cursor.fetchall()
    by_step = {(r["entity"], r["entity_id"], int(r["step"])): r["id"] for r in rows}
    if not by_step:
        return []
    moves = await _engine_moves(conn, DELEGASI, delegate, official, now,
                                delegation_id=delegation_id, only=frozenset(by_step),
                                back=True, record=False)
    # Steps the delegate decided keep their row, returned_at NULL: the record of acting.
    for move in moves:
        await conn.execute(
            "UPDATE step_substitutions SET returned_at = ? WHERE id = ?",
            (now.isoformat(), by_step[(move.entity, move.entity_id, int(move.step))]))
    return moves


# --- the recap: actors are resolved when asked ------------------------------------------------

def _always(_: dt.datetime) -> bool:
    return True


async def _recap_moves(conn: aiosqlite.Connection, cause: str, official: Employee, old: str,
                       new: str, now: dt.datetime, *, delegation_id: int | None = None,
                       back: bool = False, due: Due = _always) -> list[Move]:
    """Recaps waiting in the official's role. Resolution applies the delegation (or, for
    other causes, the substitution recorded here) from now on."""
    if official.peran not in RECAP_STEPS:
        return []
    async with conn.execute("SELECT id, state, updated_at FROM recaps WHERE state = ?",
                            (official.peran,)) as cursor:
        rows = await cursor.fetchall()
    moves = []
    for row in rows:
        if cause == CUTI and await _recap_moved(conn, row["id"], row["state"], old):
            continue
        if not due(dt.datetime.fromisoformat(row["updated_at"])):
            continue
        move = Move(cause, RECAP, row["id"], row["state"], old, new, None, waiting=True,
                    delegation_id=delegation_id, back=back)
        if not back:
            await _record(conn, move, now)
        await _audit(conn, move, now)
        moves.append(move)
    if back:
        await conn.execute(
            "UPDATE step_substitutions SET returned_at = ? WHERE delegation_id = ? "
            "AND entity = ? AND returned_at IS NULL", (now.isoformat(), delegation_id, RECAP))
    return moves


async def _recap_moved(conn: aiosqlite.Connection, recap_id: int, state: str,
                       from_nip: str) -> bool:
    async with conn.execute(
        "SELECT 1 FROM step_substitutions WHERE entity = ? AND entity_id = ? AND step = ? "
        "AND from_nip = ? AND cause = ? AND returned_at IS NULL",
        (RECAP, recap_id, state, from_nip, CUTI)
    ) as cursor:
        return await cursor.fetchone() is not None


# --- the three causes ------------------------------------------------------------------------

async def _employee(conn: aiosqlite.Connection, nip: str) -> Employee:
    person = await employees.by_nip(conn, nip)
    assert person is not None
    return person


async def to_delegate(conn: aiosqlite.Connection, delegation_id: int, official: str,
                      delegate: str, now: dt.datetime) -> tuple[Move, ...]:
    """A delegation starts: every step waiting for the official goes to the delegate (later
    steps of running items too, so they reach the delegate when their turn comes)."""
    person = await _employee(conn, official)
    return tuple([
        *await _engine_moves(conn, DELEGASI, official, delegate, now,
                             delegation_id=delegation_id),
        *await _recap_moves(conn, DELEGASI, person, official, delegate, now,
                            delegation_id=delegation_id)])


async def back_from_delegate(conn: aiosqlite.Connection, delegation_id: int, official: str,
                             delegate: str, now: dt.datetime) -> tuple[Move, ...]:
    """A delegation ends: what the delegate has not decided goes back to the official."""
    person = await _employee(conn, official)
    return tuple([
        *await _engine_back(conn, delegation_id, official, delegate, now),
        *await _recap_moves(conn, DELEGASI, person, delegate, official, now,
                            delegation_id=delegation_id, back=True)])


async def to_atasan_of_absent(conn: aiosqlite.Connection, absent: Employee, atasan: str,
                              now: dt.datetime, due: Due) -> tuple[Move, ...]:
    """An approver on cuti with no Plh: the steps that have waited for them long enough (`due`
    is given when the step reached them) go to their own atasan."""
    waiting: set[tuple[str, int, int]] = set()
    for kind in ENGINE_KINDS:
        ids = await approvals.waiting_ref_ids(conn, kind, absent.nip)
        for ref, subject in (await approvals.load_many(conn, kind, ids)).items():
            if subject.step_started_at is not None and due(subject.step_started_at):
                waiting.add((kind, ref, subject.state.position))
    moves = await _engine_moves(conn, CUTI, absent.nip, atasan, now, upcoming=False,
                                only=frozenset(waiting)) if waiting else []
    moves += await _recap_moves(conn, CUTI, absent, absent.nip, atasan, now, due=due)
    return tuple(moves)


async def _atasan_steps(conn: aiosqlite.Connection, catalogue: Catalogue, employee_nip: str,
                        holder: str) -> Steps:
    """The employee's waiting steps (current and later) that `holder` holds as their atasan
    langsung, as the definitions say (a step they hold by their peran stays theirs)."""
    found: set[tuple[str, int, int]] = set()
    for kind in ENGINE_KINDS:
        async with conn.execute(
            "SELECT ref_id FROM approval_subjects WHERE kind = ? AND applicant_nip = ? "
            "AND state = ?", (kind, employee_nip, engine.RUNNING)
        ) as cursor:
            ids = [r["ref_id"] for r in await cursor.fetchall()]
        for ref, subject in (await approvals.load_many(conn, kind, ids)).items():
            workflow = catalogue.get(subject.definition)
            if workflow is None:
                continue
            for step in subject.steps[subject.state.position:]:
                defined = workflow.get_step(step.key)
                if holder in step.actors and defined is not None \
                        and defined.actor.kind == ATASAN_LANGSUNG:
                    found.add((kind, ref, step.position))
    return frozenset(found)


async def to_new_atasan(conn: aiosqlite.Connection, catalogue: Catalogue, employee_nip: str,
                        old_atasan: str, new_atasan: str, now: dt.datetime) -> tuple[Move, ...]:
    """A re-import changed `employee_nip`'s atasan: the old atasan's waiting atasan-langsung
    steps for that employee go to the new one."""
    steps = await _atasan_steps(conn, catalogue, employee_nip, old_atasan)
    if not steps:
        return ()
    return tuple(await _engine_moves(conn, ATASAN, old_atasan, new_atasan, now,
                                     applicant=employee_nip, only=steps))
