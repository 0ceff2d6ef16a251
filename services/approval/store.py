"""The approval engine's storage: subjects, their resolved steps and actors, the actions
taken, and the cards sent. Functions take the caller's connection and never commit: the
domain service (requests, SOP files, recaps) is the unit of work and commits once.

Every action goes through one conditional UPDATE that re-checks state, step, round and actor
under the write lock, so of two racing taps exactly one passes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, replace

import aiosqlite

from services import audit
from services.approval import model
from services.approval.model import Move, State

REQUEST = "request"
WORKFLOW_FILE = "workflow_file"
RECAP = "recap"
KINDS = (REQUEST, WORKFLOW_FILE, RECAP)


class Stale(Exception):
    """The action does not match the subject as stored (decided meanwhile, old button,
    not this person's step): nothing was changed."""


@dataclass(frozen=True)
class NewStep:
    key: str
    title: str
    actions: tuple[str, ...]
    actors: tuple[str, ...]          # NIPs


@dataclass(frozen=True)
class Step:
    position: int
    key: str
    title: str
    actions: tuple[str, ...]
    actors: tuple[str, ...]


@dataclass(frozen=True)
class ActionRecord:
    position: int
    round: int
    step_key: str
    actor_nip: str
    action: str
    note: str | None
    output: str | None
    standard_minutes: int | None
    elapsed_minutes: float | None
    started_at: dt.datetime | None
    acted_at: dt.datetime


@dataclass(frozen=True)
class Subject:
    id: int
    kind: str
    ref_id: int
    definition: str
    applicant_nip: str | None
    state: State
    step_started_at: dt.datetime | None
    reminded_at: dt.datetime | None
    escalated_at: dt.datetime | None
    steps: tuple[Step, ...]
    history: tuple[ActionRecord, ...]

    @property
    def current(self) -> Step | None:
        if self.state.state != model.RUNNING or not 0 <= self.state.position < len(self.steps):
            return None
        return self.steps[self.state.position]

    def decision(self, position: int, round_: int | None = None) -> ActionRecord | None:
        """The latest action on a step in a round (default: the current round)."""
        wanted = self.state.round if round_ is None else round_
        found = None
        for record in self.history:
            if record.position == position and record.round == wanted:
                found = record
        return found


@dataclass(frozen=True)
class Acted(Move):
    """What an action did, and the subject as load() would now read it: the caller that shows
    the outcome in the same transaction needs not read it again."""

    subject: Subject


@dataclass(frozen=True)
class Card:
    nip: str
    chat_id: int
    message_id: int


@dataclass(frozen=True)
class Reassigned:
    """A waiting step that moved from one actor to another (for the notices)."""

    kind: str
    ref_id: int
    position: int
    round: int
    step_key: str
    step_title: str
    applicant_nip: str | None
    from_nip: str
    to_nip: str


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _stored(value: dt.datetime | None) -> dt.datetime | None:
    """A time as it reads back once written (its ISO 8601 text parsed again)."""
    return _time(value.isoformat()) if value else None


def _stored_steps(steps: Sequence[NewStep]) -> tuple[Step, ...]:
    """The steps as load_many reads back what _write_steps wrote (actors once each, by NIP)."""
    return tuple(Step(i, s.key, s.title, tuple(",".join(s.actions).split(",")),
                      tuple(sorted(dict.fromkeys(s.actors))))
                 for i, s in enumerate(steps))


_CHUNK = 500  # well under SQLite's limit of host parameters per statement


async def load_many(conn: aiosqlite.Connection, kind: str,
                    ref_ids: Sequence[int]) -> dict[int, Subject]:
    """Subjects of one kind with their steps, actors and history, in a few queries."""
    found: dict[int, Subject] = {}
    for first in range(0, len(ref_ids), _CHUNK):
        chunk = list(ref_ids[first:first + _CHUNK])
        marks = ", ".join("?" * len(chunk))
        async with conn.execute(
            f"SELECT * FROM approval_subjects WHERE kind = ? AND ref_id IN ({marks})",
            (kind, *chunk),
        ) as cursor:
            rows = await cursor.fetchall()
        if not rows:
            continue
        ids = [r["id"] for r in rows]
        id_marks = ", ".join("?" * len(ids))
        # Steps with their actors in one statement: a row per actor (one with none for a
        # step nobody holds), the actors of a step by NIP.
        rows_of: dict[tuple[int, int], tuple[aiosqlite.Row, list[str]]] = {}
        async with conn.execute(
            f"SELECT s.subject_id, s.position, s.step_key, s.title, s.actions, a.nip "
            f"FROM approval_steps s LEFT JOIN approval_step_actors a "
            f"ON a.subject_id = s.subject_id AND a.position = s.position "
            f"WHERE s.subject_id IN ({id_marks}) ORDER BY s.subject_id, s.position, a.nip",
            ids,
        ) as cursor:
            for s in await cursor.fetchall():
                _, actors = rows_of.setdefault((s["subject_id"], s["position"]), (s, []))
                if s["nip"] is not None:
                    actors.append(s["nip"])
        steps: dict[int, list[Step]] = {}
        for (subject_id, position), (s, actors) in rows_of.items():
            steps.setdefault(subject_id, []).append(Step(
                position, s["step_key"], s["title"], tuple(s["actions"].split(",")),
                tuple(actors)))
        history: dict[int, list[ActionRecord]] = {}
        async with conn.execute(
            f"SELECT * FROM approval_actions WHERE subject_id IN ({id_marks}) ORDER BY id", ids,
        ) as cursor:
            for h in await cursor.fetchall():
                acted = _time(h["acted_at"])
                assert acted is not None
                history.setdefault(h["subject_id"], []).append(ActionRecord(
                    h["position"], h["round"], h["step_key"], h["actor_nip"], h["action"],
                    h["note"], h["output"], h["standard_minutes"], h["elapsed_minutes"],
                    _time(h["started_at"]), acted))
        for r in rows:
            found[r["ref_id"]] = Subject(
                id=r["id"], kind=r["kind"], ref_id=r["ref_id"], definition=r["definition"],
                applicant_nip=r["applicant_nip"],
                state=State(r["state"], r["position"], r["round"]),
                step_started_at=_time(r["step_started_at"]),
                reminded_at=_time(r["reminded_at"]), escalated_at=_time(r["escalated_at"]),
                steps=tuple(steps.get(r["id"], ())), history=tuple(history.get(r["id"], ())))
    return found


async def load(conn: aiosqlite.Connection, kind: str, ref_id: int) -> Subject | None:
    return (await load_many(conn, kind, [ref_id])).get(ref_id)


async def _write_steps(conn: aiosqlite.Connection, subject_id: int,
                       steps: Sequence[NewStep]) -> None:
    await conn.executemany(
        "INSERT INTO approval_steps (subject_id, position, step_key, title, actions) "
        "VALUES (?, ?, ?, ?, ?)",
        [(subject_id, i, s.key, s.title, ",".join(s.actions)) for i, s in enumerate(steps)])
    await conn.executemany(
        "INSERT INTO approval_step_actors (subject_id, position, nip) VALUES (?, ?, ?)",
        [(subject_id, i, nip) for i, s in enumerate(steps) for nip in dict.fromkeys(s.actors)])


def _check_steps(steps: Sequence[NewStep]) -> None:
    for step in steps:
        unknown = [a for a in step.actions if model.action(a) is None]
        if unknown:
            raise ValueError(f"step {step.key!r} names unknown actions {unknown}")


async def open_subject(conn: aiosqlite.Connection, *, kind: str, ref_id: int, definition: str,
                       applicant_nip: str | None, steps: Sequence[NewStep],
                       now: dt.datetime, state: str = model.RUNNING) -> Subject:
    """Start a subject on its first step (or, with state RETURNED, waiting for its drafter;
    with state DONE and no steps, a subject with nothing to decide in the office: the Kepala's
    own cuti, proposed above him at once). Returns it as load() would now read it."""
    assert kind in KINDS and (steps or state == model.DONE)
    _check_steps(steps)
    cursor = await conn.execute(
        "INSERT INTO approval_subjects (kind, ref_id, definition, applicant_nip, state, "
        "position, round, step_started_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, 1, ?, ?)",
        (kind, ref_id, definition, applicant_nip, state,
         now.isoformat() if state == model.RUNNING else None, now.isoformat()))
    assert cursor.lastrowid is not None
    await _write_steps(conn, cursor.lastrowid, steps)
    return Subject(id=cursor.lastrowid, kind=kind, ref_id=ref_id, definition=definition,
                   applicant_nip=applicant_nip, state=State(state, 0, 1),
                   step_started_at=_stored(now) if state == model.RUNNING else None,
                   reminded_at=None, escalated_at=None, steps=_stored_steps(steps), history=())


async def act(conn: aiosqlite.Connection, subject: Subject, *, position: int, round_: int,
              actor_nip: str, action: str, note: str | None, now: dt.datetime,
              return_rule: str = model.TO_APPLICANT, output: str | None = None,
              standard_minutes: int | None = None,
              elapsed_minutes: float | None = None) -> Acted:
    """One actor's action on the step they were shown. Raises Stale when it no longer
    applies; TransitionRefused for an action the machine does not know. `subject` must be
    as loaded in this transaction: the subject returned is it with the action applied."""
    move = model.transition(State(subject.state.state, position, round_), len(subject.steps),
                            action, return_rule=return_rule)
    after = move.after
    moved_on = after.state == model.RUNNING
    cursor = await conn.execute(
        "UPDATE approval_subjects SET state = ?, position = ?, step_started_at = ?, "
        "reminded_at = NULL, escalated_at = NULL, updated_at = ? "
        "WHERE id = ? AND state = ? AND position = ? AND round = ? AND EXISTS ("
        "  SELECT 1 FROM approval_step_actors a JOIN approval_steps s "
        "  ON s.subject_id = a.subject_id AND s.position = a.position "
        "  WHERE a.subject_id = ? AND a.position = ? AND a.nip = ? "
        "  AND (',' || s.actions || ',') LIKE ?)",
        (after.state, after.position, now.isoformat() if moved_on else None, now.isoformat(),
         subject.id, model.RUNNING, position, round_, subject.id, position, actor_nip,
         f"%,{action},%"))
    if cursor.rowcount != 1:
        raise Stale()
    step = subject.steps[position]
    started = subject.step_started_at
    await conn.execute(
        "INSERT INTO approval_actions (subject_id, position, round, step_key, actor_nip, action,"
        " note, output, standard_minutes, elapsed_minutes, started_at, acted_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (subject.id, position, round_, step.key, actor_nip, action, note, output,
         standard_minutes, elapsed_minutes, started.isoformat() if started else None,
         now.isoformat()))
    acted_at = _stored(now)
    assert acted_at is not None
    record = ActionRecord(position, round_, step.key, actor_nip, action, note, output,
                          standard_minutes, elapsed_minutes, _stored(started), acted_at)
    # The UPDATE above leaves the round as it was (it matched round_).
    stored = replace(subject, state=State(after.state, after.position, round_),
                     step_started_at=acted_at if moved_on else None, reminded_at=None,
                     escalated_at=None, history=(*subject.history, record))
    return Acted(move.before, move.after, move.spec, stored)


async def resubmit(conn: aiosqlite.Connection, subject: Subject, *, now: dt.datetime,
                   restart: str = model.FROM_FIRST,
                   steps: Sequence[NewStep] | None = None) -> State:
    """Send a returned subject again in a new round; `steps` re-resolves the chain."""
    after = model.resubmission(subject.state, restart=restart)
    cursor = await conn.execute(
        "UPDATE approval_subjects SET state = ?, position = ?, round = ?, step_started_at = ?, "
        "reminded_at = NULL, escalated_at = NULL, updated_at = ? "
        "WHERE id = ? AND state = ? AND round = ?",
        (after.state, after.position, after.round, now.isoformat(), now.isoformat(),
         subject.id, model.RETURNED, subject.state.round))
    if cursor.rowcount != 1:
        raise Stale()
    if steps is not None:
        _check_steps(steps)
        await conn.execute("DELETE FROM approval_step_actors WHERE subject_id = ?", (subject.id,))
        await conn.execute("DELETE FROM approval_steps WHERE subject_id = ?", (subject.id,))
        await _write_steps(conn, subject.id, steps)
    return after


async def adopt_steps(conn: aiosqlite.Connection, subject_id: int, steps: Sequence[NewStep],
                      position: int) -> None:
    """Give a subject migrated without steps its resolved chain and its place in it."""
    _check_steps(steps)
    await _write_steps(conn, subject_id, steps)
    await conn.execute("UPDATE approval_subjects SET position = ? WHERE id = ?",
                       (position, subject_id))


async def set_actors(conn: aiosqlite.Connection, subject: Subject,
                     nips: Sequence[str]) -> None:
    """Replace who may act on the current step (its stored actors have all left)."""
    position = subject.state.position
    await conn.execute("DELETE FROM approval_step_actors WHERE subject_id = ? AND position = ?",
                       (subject.id, position))
    await conn.executemany(
        "INSERT INTO approval_step_actors (subject_id, position, nip) VALUES (?, ?, ?)",
        [(subject.id, position, nip) for nip in dict.fromkeys(nips)])


async def close(conn: aiosqlite.Connection, subject: Subject, *, state: str,
                now: dt.datetime) -> None:
    """End an open subject outside the chain (the applicant cancels it)."""
    cursor = await conn.execute(
        "UPDATE approval_subjects SET state = ?, step_started_at = NULL, updated_at = ? "
        "WHERE id = ? AND state IN (?, ?)",
        (state, now.isoformat(), subject.id, *model.OPEN_STATES))
    if cursor.rowcount != 1:
        raise Stale()


async def settle(conn: aiosqlite.Connection, subject: Subject, *, accepted: bool,
                 now: dt.datetime) -> State:
    """The applicant accepts or withdraws the dates proposed to them (model.settle_proposal);
    Stale if the subject is no longer waiting for that answer."""
    after = model.settle_proposal(subject.state, accepted=accepted)
    cursor = await conn.execute(
        "UPDATE approval_subjects SET state = ?, updated_at = ? "
        "WHERE id = ? AND state = ? AND round = ?",
        (after.state, now.isoformat(), subject.id, model.PROPOSED, subject.state.round))
    if cursor.rowcount != 1:
        raise Stale()
    return after


async def waiting_ref_ids(conn: aiosqlite.Connection, kind: str, nip: str, *,
                          limit: int = 1000) -> list[int]:
    """Subjects of `kind` whose current step this employee may act on, oldest first."""
    async with conn.execute(
        "SELECT s.ref_id FROM approval_subjects s JOIN approval_step_actors a "
        "ON a.subject_id = s.id AND a.position = s.position "
        "WHERE s.kind = ? AND s.state = ? AND a.nip = ? ORDER BY s.ref_id LIMIT ?",
        (kind, model.RUNNING, nip, limit),
    ) as cursor:
        return [r[0] for r in await cursor.fetchall()]


async def running_ref_ids(conn: aiosqlite.Connection, kind: str) -> list[int]:
    """Every subject of `kind` waiting on a step, longest-waiting first."""
    async with conn.execute(
        "SELECT ref_id FROM approval_subjects WHERE kind = ? AND state = ? "
        "ORDER BY step_started_at, ref_id", (kind, model.RUNNING),
    ) as cursor:
        return [r[0] for r in await cursor.fetchall()]


async def mark_sla(conn: aiosqlite.Connection, subject: Subject, column: str,
                   now: dt.datetime) -> bool:
    """Mark the current step visit reminded or escalated; False if it already was (or the
    subject moved meanwhile)."""
    assert column in ("reminded_at", "escalated_at")
    cursor = await conn.execute(
        f"UPDATE approval_subjects SET {column} = ? WHERE id = ? AND state = ? "
        f"AND position = ? AND round = ? AND {column} IS NULL",
        (now.isoformat(), subject.id, model.RUNNING, subject.state.position,
         subject.state.round))
    return cursor.rowcount == 1


# --- cards ----------------------------------------------------------------------------------

async def record_card(conn: aiosqlite.Connection, kind: str, ref_id: int, position: int,
                      round_: int, nip: str, chat_id: int, message_id: int) -> None:
    await conn.execute(
        "INSERT INTO approval_cards (subject_id, position, round, nip, chat_id, message_id) "
        "SELECT id, ?, ?, ?, ?, ? FROM approval_subjects WHERE kind = ? AND ref_id = ? "
        "ON CONFLICT DO NOTHING", (position, round_, nip, chat_id, message_id, kind, ref_id))


async def cards(conn: aiosqlite.Connection, kind: str, ref_id: int, position: int,
                round_: int) -> list[Card]:
    async with conn.execute(
        "SELECT c.nip, c.chat_id, c.message_id FROM approval_cards c "
        "JOIN approval_subjects s ON s.id = c.subject_id "
        "WHERE s.kind = ? AND s.ref_id = ? AND c.position = ? AND c.round = ?",
        (kind, ref_id, position, round_),
    ) as cursor:
        return [Card(r["nip"], r["chat_id"], r["message_id"]) for r in await cursor.fetchall()]


# --- moving waiting steps (delegation, atasan changes) -------------------------------------

async def reassign_waiting(conn: aiosqlite.Connection, *, from_nip: str, to_nip: str,
                           applicant_nip: str | None = None, reason: str,
                           now: dt.datetime, upcoming: bool = False,
                           kinds: Iterable[str] = KINDS,
                           only: Collection[tuple[int, int]] | None = None) -> list[Reassigned]:
    """Move `from_nip`'s place on waiting steps to `to_nip`, each move audited.

    Only the step currently holding an open subject moves, unless `upcoming` (then every
    later step of running subjects too). `applicant_nip` limits it to one applicant's
    subjects (an atasan change); `only` to some (ref_id, position) steps (what a delegation
    moved, going back). A subject of `to_nip` themself never moves to them: nobody
    decides their own request. Returns what moved, so both people can be told.
    """
    if from_nip == to_nip:
        return []
    wanted = tuple(kinds)
    kind_marks = ", ".join("?" * len(wanted))
    where = "a.position = s.position" if not upcoming else "a.position >= s.position"
    params: list[object] = [from_nip, model.RUNNING, *wanted, to_nip]
    applicant_filter = ""
    if applicant_nip is not None:
        applicant_filter = " AND s.applicant_nip = ?"
        params.append(applicant_nip)
    async with conn.execute(
        "SELECT s.id, s.kind, s.ref_id, s.applicant_nip, s.round, a.position, st.step_key, "
        "st.title FROM approval_step_actors a "
        "JOIN approval_subjects s ON s.id = a.subject_id "
        "JOIN approval_steps st ON st.subject_id = a.subject_id AND st.position = a.position "
        f"WHERE a.nip = ? AND s.state = ? AND {where} AND s.kind IN ({kind_marks}) "
        f"AND (s.applicant_nip IS NULL OR s.applicant_nip <> ?){applicant_filter} "
        "ORDER BY s.id, a.position", params,
    ) as cursor:
        rows = await cursor.fetchall()
    moved = []
    for r in rows:
        if only is not None and (r["ref_id"], r["position"]) not in only:
            continue
        await conn.execute(
            "DELETE FROM approval_step_actors WHERE subject_id = ? AND position = ? AND nip = ?",
            (r["id"], r["position"], from_nip))
        await conn.execute(
            "INSERT INTO approval_step_actors (subject_id, position, nip) VALUES (?, ?, ?) "
            "ON CONFLICT DO NOTHING", (r["id"], r["position"], to_nip))
        item = Reassigned(r["kind"], r["ref_id"], r["position"], r["round"], r["step_key"],
                          r["title"], r["applicant_nip"], from_nip, to_nip)
        await audit.record(conn, at=now, actor=audit.Actor.system(),
                           action="approval.reassign", entity=r["kind"], entity_id=r["ref_id"],
                           detail={"position": r["position"], "step": r["step_key"],
                                   "from": from_nip, "to": to_nip, "reason": reason})
        moved.append(item)
    return moved
