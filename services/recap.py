"""The monthly attendance recap: build the draft, carry it through the paraf chain, sign, archive.

Every step re-reads the recap inside the write transaction and changes it with a conditional
UPDATE on (id, rev, state), so a double tap, a stale button or a second reviewer of the same
role find the row already changed and are refused. Each step writes the messages it causes
(services/recap_notices.py) to the outbox in its own transaction; results carry who must act
next, for the reply to the person who acted. PDF rendering (reportlab) runs in a worker thread.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import hashlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import aiosqlite

from services import (
    acting,
    agenda,
    audit,
    employees,
    outbox,
    recap_files,
    recap_flow,
    recap_notices,
    recap_snapshot,
)
from services.approval import model as engine
from services.approval import store as approvals
from services.attendance import day_statuses, month_attendance
from services.attendance_model import PRESENT_CODES, DayStatus, MonthAttendance
from services.attendance_policy import AttendancePolicy
from services.calendar import OfficeCalendar
from services.clock import Clock
from services.delegation import PREFIXES
from services.delegation import acting_at as delegation_of
from services.employees import Employee
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.indonesian_dates import month_year
from services.office import Office
from services.recap_document import ParafMark, RecapDocument, Signatory
from services.recap_flow import DRAFT, KASUBBAG, KEPALA, SEKRETARIS, SIGNED
from services.recap_settings import RecapSettings
from services.storage import Database
from services.storage.files import write_private
from services.workflows.loader import load_catalogue
from services.workflows.model import Workflow

log = logging.getLogger(__name__)

AGENDA_REGISTER = "rekap_kehadiran"
READER_ROLES = recap_flow.OPERATOR_ROLES | {SEKRETARIS, KEPALA}


@functools.cache
def _shipped_chain() -> Workflow:
    return load_catalogue().recap_chain()


@dataclass(frozen=True)
class RecapEnv:
    """What building and signing a recap needs besides the database and the clock.

    The renderers are blocking (reportlab, openpyxl) and belong to reports/, which the domain
    does not import: the wiring supplies them, and the workflow runs them in a thread."""

    office: Office
    policy: AttendancePolicy
    calendar: OfficeCalendar
    settings: RecapSettings
    render_pdf: Callable[[RecapDocument], bytes]
    render_xlsx: Callable[[Office, MonthAttendance], bytes]
    # The paraf chain as the SOP catalogue defines it (rekap_kehadiran.yaml).
    chain: Workflow = field(default_factory=lambda: _shipped_chain())


@dataclass(frozen=True)
class Recap:
    id: int
    year: int
    month: int
    state: str
    rev: int
    version: int
    operator_nip: str | None
    built_at: dt.datetime
    kasubbag_nip: str | None
    kasubbag_at: dt.datetime | None
    sekretaris_nip: str | None
    sekretaris_at: dt.datetime | None
    kepala_nip: str | None
    signed_at: dt.datetime | None
    returned_reason: str | None
    returned_by: str | None
    agenda_number: str | None
    sha256: str | None
    archive_path: str | None
    updated_at: dt.datetime | None = None

    @property
    def period(self) -> str:
        return month_year(self.year, self.month)

    @property
    def filename(self) -> str:
        suffix = "" if self.state == SIGNED else f"-draf-v{self.version}"
        return f"rekap-kehadiran-{self.year}-{self.month:02d}{suffix}.pdf"


@dataclass(frozen=True)
class Outcome:
    """The recap after a step, its current PDF, and whom the handlers must tell."""

    recap: Recap
    pdf: bytes
    action: str
    actor: Employee | None
    notify: tuple[Employee, ...]        # must act next: the PDF with the step's buttons
    copies: tuple[Employee, ...] = ()   # informed only (the signed document)
    spreadsheet: bool = False           # a fresh build: the operator gets its spreadsheet too
    employees: int = 0                  # of a fresh build: rows and working days
    working_days: int = 0


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _standing(subject: approvals.Subject | None
              ) -> tuple[dict[str, approvals.ActionRecord], approvals.ActionRecord | None]:
    """The paraf and signature that stand, by step (= role), and the return of this round.

    A mark stands on a step the recap has moved past in the current round: a step returned to
    must initial again, and a resubmission starts a new round with no marks."""
    if subject is None:
        return {}, None
    current = subject.state
    stands = {}
    for step in subject.steps:
        decided = subject.decision(step.position)
        if decided is not None and decided.action == engine.SETUJUI and (
                current.state == engine.DONE
                or (current.state == engine.RUNNING and step.position < current.position)):
            stands[step.key] = decided
    returned = None
    for record in subject.history:
        if record.round == current.round and record.action == engine.KEMBALIKAN:
            returned = record
    return stands, returned


def _recap(row: aiosqlite.Row, subject: approvals.Subject | None) -> Recap:
    stands, returned = _standing(subject)
    kasubbag, sekretaris, kepala = (stands.get(k) for k in (KASUBBAG, SEKRETARIS, KEPALA))
    return Recap(
        id=row["id"], year=row["year"], month=row["month"], state=row["state"], rev=row["rev"],
        version=row["version"], operator_nip=row["operator_nip"],
        built_at=dt.datetime.fromisoformat(row["built_at"]),
        kasubbag_nip=kasubbag.actor_nip if kasubbag else None,
        kasubbag_at=kasubbag.acted_at if kasubbag else None,
        sekretaris_nip=sekretaris.actor_nip if sekretaris else None,
        sekretaris_at=sekretaris.acted_at if sekretaris else None,
        kepala_nip=kepala.actor_nip if kepala else None, signed_at=_time(row["signed_at"]),
        returned_reason=returned.note if returned else None,
        returned_by=returned.actor_nip if returned else None,
        agenda_number=row["agenda_number"], sha256=row["sha256"],
        archive_path=row["archive_path"], updated_at=_time(row["updated_at"]))


_COLUMNS = ("id, year, month, state, rev, version, operator_nip, built_at, signed_at, "
            "agenda_number, sha256, archive_path, updated_at")


async def _recaps(conn: aiosqlite.Connection, rows: list[aiosqlite.Row]) -> list[Recap]:
    subjects = await approvals.load_many(conn, approvals.RECAP, [r["id"] for r in rows])
    return [_recap(r, subjects.get(r["id"])) for r in rows]


async def _get(conn: aiosqlite.Connection, recap_id: int) -> Recap | None:
    async with conn.execute(f"SELECT {_COLUMNS} FROM recaps WHERE id = ?", (recap_id,)) as cur:
        row = await cur.fetchone()
    return (await _recaps(conn, [row]))[0] if row else None


async def find(conn: aiosqlite.Connection, year: int, month: int) -> Recap | None:
    async with conn.execute(f"SELECT {_COLUMNS} FROM recaps WHERE year = ? AND month = ?",
                            (year, month)) as cur:
        row = await cur.fetchone()
    return (await _recaps(conn, [row]))[0] if row else None


async def _chain_steps(conn: aiosqlite.Connection, env: RecapEnv) -> list[approvals.NewStep]:
    """The definition's steps with today's holders of each role."""
    return [approvals.NewStep(step.key, step.title, step.actions,
                              tuple(e.nip for e in await employees.by_role(conn, step.key)))
            for step in env.chain.steps]


async def _act(conn: aiosqlite.Connection, env: RecapEnv, recap_id: int, actor: Employee,
               action: str, note: str | None, now: dt.datetime) -> engine.Move:
    """The engine's step for the recap. The role was checked by recap_flow (with delegations
    and stand-ins), so someone who took the role up after submission (a new Kasubbag, a Plh)
    stands on the step."""
    subject = await approvals.load(conn, approvals.RECAP, recap_id)
    if subject is None or subject.current is None:
        raise _changed()
    if actor.nip not in subject.current.actors:
        await approvals.set_actors(conn, subject, [*subject.current.actors, actor.nip])
        subject = await approvals.load(conn, approvals.RECAP, recap_id)
        assert subject is not None
    try:
        return await approvals.act(conn, subject, position=subject.state.position,
                                   round_=subject.state.round, actor_nip=actor.nip,
                                   action=action, note=note, now=now,
                                   return_rule=env.chain.return_rule)
    except (approvals.Stale, engine.TransitionRefused):
        raise _changed() from None


async def _blob(conn: aiosqlite.Connection, recap_id: int, column: str) -> bytes:
    assert column in ("snapshot", "pdf")
    async with conn.execute(f"SELECT {column} FROM recaps WHERE id = ?", (recap_id,)) as cur:
        row = await cur.fetchone()
    assert row is not None
    return bytes(row[0])


async def get(db: Database, recap_id: int) -> Recap:
    async with db.read() as conn:
        recap = await _get(conn, recap_id)
    if recap is None:
        raise NotFound("Rekapitulasi tersebut tidak ditemukan.")
    return recap


def _actor(employee: Employee | None) -> audit.Actor:
    if employee is None:
        return audit.Actor.system()
    return audit.Actor(employee.nip, employee.telegram_user_id)



@dataclass(frozen=True)
class _Box:
    """Who a paraf or signature box names, and for whom when they act as Plh/Plt."""

    person: Employee | None
    official: Employee | None = None
    prefix: str | None = None

    def title(self, role: str) -> str:
        named = self.official or self.person
        title = named.jabatan if named and named.jabatan else recap_flow.ROLE_TITLES[role]
        return f"{self.prefix} {title}" if self.prefix else title


async def _holder(conn: aiosqlite.Connection, nip: str | None, at: dt.datetime | None,
                  role: str) -> _Box:
    """Who a box names: the person who acted (as Plh/Plt when they acted for the role's
    holder then), else who holds the role now, a delegation in force included."""
    if nip:
        person = await employees.by_nip(conn, nip)
        if person is None or person.peran == role or at is None:
            return _Box(person)
        for delegation in await delegation_of(conn, nip, at):
            official = await employees.by_nip(conn, delegation.official_nip)
            if official is not None and official.peran == role:
                return _Box(person, official, delegation.prefix)
        return _Box(person)
    holders = await employees.by_role(conn, role)
    if not holders:
        return _Box(None)
    substitutes = await acting.load(conn)
    stand_in = substitutes.actor(holders[0].nip)
    if stand_in == holders[0].nip:
        return _Box(holders[0])
    kind = substitutes.by_official[holders[0].nip].kind
    return _Box(await employees.by_nip(conn, stand_in), holders[0], PREFIXES[kind])


async def _document(conn: aiosqlite.Connection, env: RecapEnv, recap: Recap,
                    attendance: MonthAttendance, today: dt.date, *,
                    export: bool = False) -> RecapDocument:
    parafs = []
    for role, nip, at in ((KASUBBAG, recap.kasubbag_nip, recap.kasubbag_at),
                          (SEKRETARIS, recap.sekretaris_nip, recap.sekretaris_at)):
        box = await _holder(conn, nip, at, role)
        parafs.append(ParafMark(box.title(role), box.person.nama if box.person else "-", at))
    signer = await _holder(conn, recap.kepala_nip, recap.signed_at, KEPALA)
    kepala = signer.person
    signatory = (Signatory(kepala.nama, kepala.nip, recap.signed_at, signer.prefix)
                 if kepala else None)
    place_date = recap.signed_at.date() if recap.signed_at else today
    return RecapDocument(office=env.office, attendance=attendance, place_date=place_date,
                         kepala=signatory, parafs=tuple(parafs),
                         agenda_number=recap.agenda_number,
                         version=None if export else recap.version)


async def _operators(conn: aiosqlite.Connection, recap: Recap) -> tuple[Employee, ...]:
    """The operator who built it, or every pengelola kepegawaian for an automatic draft."""
    if recap.operator_nip:
        person = await employees.by_nip(conn, recap.operator_nip)
        if person is not None and person.active:
            return (person,)
    return tuple(await employees.by_role(conn, "admin"))


async def _role_holders(conn: aiosqlite.Connection, state: str, recap: Recap
                        ) -> tuple[Employee, ...]:
    """Who acts on the recap in `state`: the role's holders, or who stands in for them (a
    Plh/Plt in force, the atasan of a holder on cuti)."""
    if state == DRAFT:
        return await _operators(conn, recap)
    holders = [e.nip for e in await employees.by_role(conn, state)]
    substitutes = await acting.load(conn)
    # A substitution holds for the visit of the state it was made in.
    visit = recap.updated_at if recap.state == state else None
    nips = substitutes.apply(holders, applicant="", entity="recap", entity_id=recap.id,
                             step=state, visit_started=visit)
    people = [await employees.by_nip(conn, nip) for nip in nips]
    return tuple(p for p in people if p is not None and p.active)


async def _acting_peran(db: Database, recap: Recap, actor: Employee) -> str:
    """The role `actor` takes on this recap: its current step's when they are one of the
    step's actors (as holder or stand-in), else their own; a holder whose steps are with a
    Plh/Plt takes none."""
    if recap.state not in recap_flow.CHAIN:
        return actor.peran
    async with db.read() as conn:
        holders = await _role_holders(conn, recap.state, recap)
    if actor.nip in {h.nip for h in holders}:
        return recap.state
    return "" if actor.peran == recap.state else actor.peran


def auto_build_due(settings: RecapSettings, calendar: OfficeCalendar,
                   today: dt.date) -> tuple[int, int] | None:
    """The month to draft automatically today: the previous one, on the configured n-th
    working day of this month; None on every other day."""
    if not settings.auto_build_enabled or not calendar.is_working_day(today):
        return None
    first = today.replace(day=1)
    if calendar.count_working_days(first, today) != settings.auto_build_day:
        return None
    return recap_flow.parse_period("", today)


# --- building and submitting --------------------------------------------------------------

async def _compute(db: Database, env: RecapEnv, year: int, month: int,
                   now: dt.datetime) -> MonthAttendance:
    return await month_attendance(db, env.policy, env.calendar, year, month, today=now.date(),
                                  now=now)


async def _drafted(db: Database, env: RecapEnv, recap: Recap,
                   now: dt.datetime) -> recap_files.DraftFiles:
    """The month from current data, its PDF and its snapshot, computed, drawn and encoded in
    the compute process: seconds to a minute of CPU for a province, away from the chat."""
    async with db.read() as conn:
        document = await _document(conn, env, recap,
                                   recap_files.pending(recap.year, recap.month), now.date())
    return await db.compute(recap_files.draft, env.policy, env.calendar, document, now,
                            env.render_pdf)


async def build_draft(db: Database, env: RecapEnv, clock: Clock, year: int, month: int, *,
                      actor: Employee | None) -> Outcome:
    """Build (or rebuild from current data) the month's draft for the operator to check."""
    now = clock.now()
    if (year, month) > (now.year, now.month):
        raise DomainError(f"Bulan {month_year(year, month)} belum berjalan; rekapitulasi "
                          "belum dapat disusun.")
    peran = actor.peran if actor else "admin"
    async with db.read() as conn:
        existing = await find(conn, year, month)
    recap_flow.require_operator(peran)
    if existing is not None:
        recap_flow.can_rebuild(existing.state, peran)
    version = existing.version + 1 if existing else 1
    draft = Recap(0, year, month, DRAFT, 0, version, actor.nip if actor else None, now,
                  None, None, None, None, None, None,
                  existing.returned_reason if existing else None,
                  existing.returned_by if existing else None, None, None, None)
    files = await _drafted(db, env, draft, now)
    pdf, snapshot = files.pdf, files.snapshot
    async with db.transaction() as conn:
        if existing is None:
            cursor = await conn.execute(
                "INSERT INTO recaps (year, month, state, operator_nip, built_at, snapshot, pdf, "
                "updated_at) VALUES (?, ?, 'draft', ?, ?, ?, ?, ?) "
                "ON CONFLICT (year, month) DO NOTHING",
                (year, month, draft.operator_nip, now.isoformat(), snapshot, pdf,
                 now.isoformat()))
            recap_id = cursor.lastrowid if cursor.rowcount == 1 else None
        else:
            cursor = await conn.execute(
                "UPDATE recaps SET version = version + 1, rev = rev + 1, operator_nip = ?, "
                "built_at = ?, snapshot = ?, pdf = ?, updated_at = ? "
                "WHERE id = ? AND rev = ? AND state = 'draft'",
                (draft.operator_nip, now.isoformat(), snapshot, pdf, now.isoformat(),
                 existing.id, existing.rev))
            recap_id = existing.id if cursor.rowcount == 1 else None
        if recap_id is None:
            raise Conflict("Rekapitulasi bulan tersebut baru saja diubah oleh orang lain. "
                           "Silakan ulangi perintah Anda.")
        await audit.record(conn, at=now, actor=_actor(actor), action="recap.build",
                           entity="recap", entity_id=recap_id,
                           detail={"period": f"{year}-{month:02d}", "version": version,
                                   "employees": files.employees})
        recap = await _get(conn, recap_id)
        assert recap is not None
        notify = (actor,) if actor else await _operators(conn, recap)
        outcome = Outcome(recap, pdf, "recap.build", actor, notify, spreadsheet=True,
                          employees=files.employees, working_days=files.working_days)
        await outbox.enqueue(conn, recap_notices.for_outcome(outcome), now=now)
    log.info("recap.build id=%s period=%s-%02d version=%s", recap.id, year, month, version)
    return outcome


async def submit(db: Database, env: RecapEnv, clock: Clock, recap_id: int, rev: int, *,
                 actor: Employee) -> Outcome:
    """Send the draft to the Kasubbag, regenerated from current data (corrections included)."""
    recap_flow.require_participant(actor.peran)
    recap = await get(db, recap_id)
    if recap.rev != rev:
        raise _changed()
    recap_flow.submit(recap.state, actor.peran)
    now = clock.now()
    fresh = replace(recap, version=recap.version + 1, operator_nip=actor.nip, built_at=now,
                    kasubbag_nip=None, kasubbag_at=None, sekretaris_nip=None,
                    sekretaris_at=None)
    files = await _drafted(db, env, fresh, now)
    pdf, snapshot = files.pdf, files.snapshot
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE recaps SET state = 'kasubbag', rev = rev + 1, version = version + 1, "
            "operator_nip = ?, built_at = ?, snapshot = ?, pdf = ?, updated_at = ? "
            "WHERE id = ? AND rev = ? AND state = 'draft'",
            (actor.nip, now.isoformat(), snapshot, pdf,
             now.isoformat(), recap_id, rev))
        if cursor.rowcount != 1:
            raise _changed()
        subject = await approvals.load(conn, approvals.RECAP, recap_id)
        steps = await _chain_steps(conn, env)
        if subject is None:
            await approvals.open_subject(conn, kind=approvals.RECAP, ref_id=recap_id,
                                         definition=env.chain.key, applicant_nip=actor.nip,
                                         steps=steps, now=now)
        else:
            try:
                await approvals.resubmit(conn, subject, now=now, restart=engine.FROM_FIRST,
                                         steps=steps)
            except approvals.Stale:
                raise _changed() from None
        await audit.record(conn, at=now, actor=_actor(actor), action="recap.submit",
                           entity="recap", entity_id=recap_id,
                           detail={"version": fresh.version, "to": KASUBBAG})
        updated = await _get(conn, recap_id)
        assert updated is not None
        notify = await _role_holders(conn, KASUBBAG, updated)
        outcome = Outcome(updated, pdf, "recap.submit", actor, notify)
        await outbox.enqueue(conn, recap_notices.for_outcome(outcome), now=now)
    log.info("recap.submit id=%s version=%s", recap_id, fresh.version)
    return outcome


def _changed() -> Conflict:
    # Checked before the role: a double tap or an old button says so, not "wrong person".
    return Conflict("Rekapitulasi ini sudah diproses sebelumnya (tombol ini tidak berlaku lagi).")


# --- the chain ------------------------------------------------------------------------------

async def _locked(conn: aiosqlite.Connection, recap_id: int) -> Recap:
    recap = await _get(conn, recap_id)
    if recap is None:
        raise NotFound("Rekapitulasi tersebut tidak ditemukan.")
    return recap


def _archive_file(folder: Path, recap: Recap, pdf: bytes) -> Path:
    return write_private(folder / f"rekap-kehadiran-{recap.year}-{recap.month:02d}.pdf", pdf)


async def _prepare(db: Database, env: RecapEnv, recap_id: int, rev: int,
                   marks: Callable[[Recap], Recap], today: dt.date
                   ) -> tuple[Recap, Recap, _Marked]:
    """Read the recap and its snapshot and build the marked document, outside the write lock:
    rendering a large office takes a second, and the one connection must not wait for it.
    The caller's conditional UPDATE on (id, rev, state) catches any change in between."""
    async with db.read() as conn:
        recap = await _locked(conn, recap_id)
        if recap.rev != rev:
            raise _changed()
        marked = marks(recap)
        snapshot = await _blob(conn, recap_id, "snapshot")
        document = await _document(conn, env, marked,
                                   recap_files.pending(recap.year, recap.month), today)
    return recap, marked, _Marked(document, snapshot)


@dataclass(frozen=True)
class _Marked:
    """A document still without its month, and the stored snapshot that holds it."""

    document: RecapDocument
    snapshot: bytes

    async def render(self, db: Database, env: RecapEnv, *,
                     agenda_number: str | None = None) -> bytes:
        """Decoded and drawn in the compute process (a province's month is seconds of CPU to
        decode, up to a minute to draw); `agenda_number` replaces the document's."""
        document = self.document if agenda_number is None else replace(
            self.document, agenda_number=agenda_number)
        return await db.offload(recap_files.rendered, self.snapshot, document, env.render_pdf)


async def _expected_number(db: Database, env: RecapEnv, day: dt.date) -> str:
    async with db.read() as conn, conn.execute(
        "SELECT last_seq FROM agenda_sequences WHERE register = ? AND year = ?",
        (AGENDA_REGISTER, day.year),
    ) as cursor:
        row = await cursor.fetchone()
    return agenda.render(env.settings.agenda_format, seq=(row[0] if row else 0) + 1,
                         unit=env.office.unit_code, day=day)


async def approve(db: Database, env: RecapEnv, clock: Clock, recap_id: int, rev: int, *,
                  actor: Employee) -> Outcome:
    """Paraf (Kasubbag, Sekretaris) or signature (Kepala) of the recap the button was for."""
    recap_flow.require_participant(actor.peran)
    now = clock.now()
    expected = await _expected_number(db, env, now.date())
    peran = await _acting_peran(db, await get(db, recap_id), actor)

    def marks(recap: Recap) -> Recap:
        step = recap_flow.approve(recap.state, peran)
        if step.state == SIGNED:
            return replace(recap, state=SIGNED, kepala_nip=actor.nip, signed_at=now,
                           agenda_number=expected)
        if recap.state == KASUBBAG:
            return replace(recap, state=step.state, kasubbag_nip=actor.nip, kasubbag_at=now)
        return replace(recap, state=step.state, sekretaris_nip=actor.nip, sekretaris_at=now)

    recap, marked, document = await _prepare(db, env, recap_id, rev, marks, now.date())
    step = recap_flow.approve(recap.state, peran)
    pdf = await document.render(db, env)
    async with db.transaction() as conn:
        digest = archive = None
        if step.state == SIGNED:
            number = await agenda.next_number(conn, AGENDA_REGISTER, env.settings.agenda_format,
                                              unit=env.office.unit_code, day=now.date())
            if number != marked.agenda_number:
                # Another month was signed meanwhile: draw the number actually taken.
                log.info("recap.sign_renumbered id=%s expected=%s taken=%s", recap_id,
                         marked.agenda_number, number)
                marked = replace(marked, agenda_number=number)
                pdf = await document.render(db, env, agenda_number=number)
            digest = hashlib.sha256(pdf).hexdigest()
            # Inside the transaction: if the copy cannot be written, nothing is signed.
            archive = str(await asyncio.to_thread(_archive_file, env.settings.archive_dir,
                                                  marked, pdf))
        cursor = await conn.execute(
            "UPDATE recaps SET state = ?, rev = rev + 1, pdf = ?, signed_at = ?, "
            "agenda_number = ?, sha256 = ?, archive_path = ?, updated_at = ? "
            "WHERE id = ? AND rev = ? AND state = ?",
            (marked.state, pdf, _iso(marked.signed_at), marked.agenda_number, digest, archive,
             now.isoformat(), recap_id, rev, recap.state))
        if cursor.rowcount != 1:
            raise _changed()
        await _act(conn, env, recap_id, actor, engine.SETUJUI, None, now)
        detail: dict[str, object] = {"from": recap.state, "to": marked.state,
                                     "version": recap.version}
        if digest:
            detail.update(agenda_number=marked.agenda_number, sha256=digest, archive=archive)
        await audit.record(conn, at=now, actor=_actor(actor), action=step.action,
                           entity="recap", entity_id=recap_id, detail=detail)
        updated = await _get(conn, recap_id)
        assert updated is not None
        if step.state == SIGNED:
            operators = await _operators(conn, updated)
            copies = (actor, *(p for p in operators if p.nip != actor.nip))
            notify: tuple[Employee, ...] = ()
        else:
            copies = ()
            notify = await _role_holders(conn, step.state, updated)
        outcome = Outcome(updated, pdf, step.action, actor, notify, copies)
        await outbox.enqueue(conn, recap_notices.for_outcome(outcome), now=now)
    log.info("%s id=%s by=%s", step.action, recap_id, actor.nip)
    return outcome


async def check_step(db: Database, recap_id: int, rev: int, *, actor: Employee,
                     action: str) -> Recap:
    """Whether `actor` may submit ("ajukan") or approve ("setujui") the recap now: the cheap
    check made before the tap is answered and the slow step (a PDF) runs, which checks again."""
    recap_flow.require_participant(actor.peran)
    recap = await get(db, recap_id)
    if recap.rev != rev:
        raise _changed()
    if action == "ajukan":
        recap_flow.submit(recap.state, actor.peran)
    else:
        recap_flow.approve(recap.state, await _acting_peran(db, recap, actor))
    return recap


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


async def check_return(db: Database, recap_id: int, rev: int, *, actor: Employee) -> Recap:
    """Whether `actor` may return this recap now (asked before typing the reason)."""
    recap_flow.require_participant(actor.peran)
    recap = await get(db, recap_id)
    if recap.rev != rev:
        raise _changed()
    recap_flow.send_back(recap.state, await _acting_peran(db, recap, actor))
    return recap


async def send_back(db: Database, env: RecapEnv, clock: Clock, recap_id: int, rev: int, *,
                    actor: Employee, reason: str) -> Outcome:
    """Return the recap one step with the reason; the step returned to must initial again."""
    recap_flow.require_participant(actor.peran)
    problem = recap_flow.reason_problem(reason)
    if problem:
        raise DomainError(problem)
    reason = reason.strip()
    now = clock.now()
    peran = await _acting_peran(db, await get(db, recap_id), actor)

    def marks(recap: Recap) -> Recap:
        target = recap_flow.send_back(recap.state, peran).state
        cleared = replace(recap, state=target)
        if target in (DRAFT, KASUBBAG):
            cleared = replace(cleared, kasubbag_nip=None, kasubbag_at=None)
        return replace(cleared, sekretaris_nip=None, sekretaris_at=None)

    recap, cleared, document = await _prepare(db, env, recap_id, rev, marks, now.date())
    pdf = await document.render(db, env)
    async with db.transaction() as conn:
        cursor = await conn.execute(
            "UPDATE recaps SET state = ?, rev = rev + 1, pdf = ?, updated_at = ? "
            "WHERE id = ? AND rev = ? AND state = ?",
            (cleared.state, pdf, now.isoformat(), recap_id, rev, recap.state))
        if cursor.rowcount != 1:
            raise _changed()
        await _act(conn, env, recap_id, actor, engine.KEMBALIKAN, reason, now)
        await audit.record(conn, at=now, actor=_actor(actor), action="recap.return",
                           entity="recap", entity_id=recap_id,
                           detail={"from": recap.state, "to": cleared.state, "reason": reason})
        updated = await _get(conn, recap_id)
        assert updated is not None
        notify = await _role_holders(conn, cleared.state, updated)
        outcome = Outcome(updated, pdf, "recap.return", actor, notify)
        await outbox.enqueue(conn, recap_notices.for_outcome(outcome), now=now)
    log.info("recap.return id=%s from=%s to=%s", recap_id, recap.state, cleared.state)
    return outcome


async def moved_card(conn: aiosqlite.Connection, recap_id: int, to_nip: str,
                     now: dt.datetime) -> list[outbox.Notice]:
    """Inside the move's transaction: the recap as it stands, with its buttons, for the person
    its current step was just moved to (nothing if it no longer waits in the chain)."""
    recap = await _locked(conn, recap_id)
    to = await employees.by_nip(conn, to_nip)
    if recap.state not in recap_flow.CHAIN or to is None:
        return []
    return recap_notices.reassigned(recap, to, now)


# --- what the renderers read when a row is sent ---------------------------------------------

async def current_pdf(db: Database, recap_id: int) -> bytes:
    """The PDF of the recap's current rev (the one its waiting card shows)."""
    async with db.read() as conn:
        await _locked(conn, recap_id)
        return await _blob(conn, recap_id, "pdf")


async def spreadsheet(db: Database, env: RecapEnv, recap_id: int) -> bytes:
    """The operator's spreadsheet of the draft, drawn from the data the draft was built on."""
    async with db.read() as conn:
        await _locked(conn, recap_id)
        snapshot = await _blob(conn, recap_id, "snapshot")
    return await db.offload(recap_files.spreadsheet, snapshot, env.office, env.render_xlsx)


async def by_nips(db: Database, nips: set[str]) -> dict[str, Employee]:
    """The employees a caption names (operator, reviewers, who returned it)."""
    found: dict[str, Employee] = {}
    async with db.read() as conn:
        for nip in nips:
            person = await employees.by_nip(conn, nip)
            if person is not None:
                found[nip] = person
    return found


# --- the archive ----------------------------------------------------------------------------

def require_reader(actor: Employee) -> None:
    if actor.peran not in READER_ROLES:
        raise NotAllowed("Maaf, arsip rekapitulasi hanya dapat dibuka oleh pengelola "
                         "kepegawaian, Kasubbag Umum, Sekretaris dan Kepala.")


async def archived(db: Database, *, actor: Employee, limit: int = 24) -> list[Recap]:
    require_reader(actor)
    async with db.read() as conn, conn.execute(
        f"SELECT {_COLUMNS} FROM recaps WHERE state = 'signed' "
        "ORDER BY year DESC, month DESC LIMIT ?", (limit,),
    ) as cursor:
        return await _recaps(conn, list(await cursor.fetchall()))


async def archived_copy(db: Database, recap_id: int, *, actor: Employee) -> tuple[Recap, bytes]:
    """The signed PDF as archived, checked against its recorded SHA-256."""
    require_reader(actor)
    async with db.read() as conn:
        recap = await _get(conn, recap_id)
        if recap is None or recap.state != SIGNED:
            raise NotFound("Arsip rekapitulasi tersebut tidak ditemukan.")
        pdf = await _blob(conn, recap_id, "pdf")
    if hashlib.sha256(pdf).hexdigest() != recap.sha256:
        log.error("recap.archive_corrupt id=%s", recap_id)
        raise DomainError("Berkas arsip tidak cocok dengan sidik (hash) yang tercatat. "
                          "Hubungi pengelola sistem.")
    return recap, pdf


@dataclass(frozen=True)
class Export:
    pdf: bytes
    attendance: MonthAttendance
    signed: Recap | None        # set when the PDF is the archived, signed document


async def export(db: Database, env: RecapEnv, clock: Clock, year: int, month: int) -> Export:
    """The month's recap for the console: the signed archive copy if there is one (with the
    data it was signed on), else a draft printed from current data, outside the chain."""
    async with db.read() as conn:
        existing = await find(conn, year, month)
        if existing is not None and existing.state == SIGNED:
            pdf = await _blob(conn, existing.id, "pdf")
            attendance = recap_snapshot.decode(await _blob(conn, existing.id, "snapshot"))
    if existing is not None and existing.state == SIGNED:
        if hashlib.sha256(pdf).hexdigest() != existing.sha256:
            raise DomainError("Berkas arsip tidak cocok dengan sidik (hash) yang tercatat.")
        return Export(pdf, attendance, existing)
    now = clock.now()
    if (year, month) > (now.year, now.month):
        raise DomainError(f"Bulan {month_year(year, month)} belum berjalan.")
    attendance = await _compute(db, env, year, month, now)
    draft = Recap(0, year, month, DRAFT, 0, 0, None, now, None, None, None, None, None, None,
                  None, None, None, None, None)
    async with db.read() as conn:
        document = await _document(conn, env, draft, attendance, now.date(), export=True)
    return Export(await asyncio.to_thread(env.render_pdf, document), attendance, None)


# --- automatic draft and the Kepala's daily report ---------------------------------------

async def auto_build(db: Database, env: RecapEnv, clock: Clock) -> Outcome | None:
    """On the configured working day, draft last month unless a recap for it exists."""
    due = auto_build_due(env.settings, env.calendar, clock.now().date())
    if due is None:
        return None
    async with db.read() as conn:
        if await find(conn, *due) is not None:
            return None
    try:
        return await build_draft(db, env, clock, *due, actor=None)
    except Conflict:
        return None  # another process drafted it meanwhile


@dataclass(frozen=True)
class AbsenceLine:
    employee: Employee
    status: DayStatus


@dataclass(frozen=True)
class DailyReport:
    day: dt.date
    at: dt.datetime
    total: int
    present: int
    away: tuple[AbsenceLine, ...]       # ordered by code, then unit and name
    recipients: tuple[Employee, ...]


async def daily_report(db: Database, env: RecapEnv, clock: Clock) -> DailyReport | None:
    """Who is not at work today and why, for the Kepala; None on days off."""
    now = clock.now()
    if not env.calendar.is_working_day(now.date()):
        return None
    statuses = await day_statuses(db, env.policy, env.calendar, now.date(), now)
    async with db.read() as conn:
        people = {e.nip: e for e in await employees.all_active(conn)}
        recipients = tuple(await employees.by_role(conn, KEPALA))
    away = []
    present = 0
    for nip, status in statuses.items():
        if set(status.codes) & PRESENT_CODES - {"DL"}:
            present += 1
        elif nip in people:
            away.append(AbsenceLine(people[nip], status))
    away.sort(key=lambda line: (line.status.codes[:1] or ("~",), line.employee.unit,
                                line.employee.nama))
    return DailyReport(now.date(), now, len(statuses), present, tuple(away), recipients)


async def queue_daily_report(db: Database, env: RecapEnv, clock: Clock) -> int | None:
    """Write today's absence report to the outbox for each Kepala the bot can reach, once per
    day and recipient; returns how many were written now (None on days off)."""
    report = await daily_report(db, env, clock)
    if report is None:
        return None
    recipients = [p for p in report.recipients if p.reachable]
    async with db.transaction() as conn:
        written = await outbox.enqueue(conn, recap_notices.daily_report(report, recipients),
                                       now=clock.now())
    log.info("recap.daily_report day=%s away=%d queued=%d", report.day, len(report.away),
             len(written))
    return len(written)
