"""Berkas: a file that an employee submits and that moves through a workflow's steps.

Every change happens in one transaction that re-reads the file, checks its `version` against
the one the button carried, checks that the person may act, writes the new state, a step
record and an audit row. The messages the change causes are written to the outbox in that
transaction (services.workflows.notices); functions also return the notices decided, for
the caller to inspect, and never send anything themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from services import acting, agenda, audit, employees, outbox
from services import approval_chain as chains
from services.approval import model as engine
from services.approval import store as approvals
from services.employees import Employee
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.storage import Database
from services.workflows import notices as outbox_notices
from services.workflows.model import (
    DESIGNATION,
    MOVING_ACTIONS,
    Catalogue,
    Document,
    Step,
    Workflow,
    describe_actor,
)
from services.workflows.sla import OfficeTime

log = logging.getLogger(__name__)

DRAFT = "draf"
RUNNING = "berjalan"
RETURNED = "dikembalikan"
DONE = "selesai"
REFUSED = "ditolak"
CANCELLED = "dibatalkan"
OPEN_STATUSES = (DRAFT, RUNNING, RETURNED)
EDITABLE_STATUSES = (DRAFT, RETURNED)

_MIME_TYPES = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png",
               "application/msword": "doc", "application/vnd.ms-excel": "xls"}


@dataclass(frozen=True)
class WorkflowEnv:
    """What every workflow service needs besides the database."""

    catalogue: Catalogue
    time: OfficeTime
    unit_code: str = ""


@dataclass(frozen=True)
class Upload:
    telegram_file_id: str
    kind: str             # "document" | "photo"
    file_name: str
    mime_type: str
    size: int


@dataclass(frozen=True)
class StoredDocument:
    doc_key: str
    telegram_file_id: str
    kind: str
    file_name: str
    size: int


@dataclass(frozen=True)
class StepRecord:
    step_index: int
    step_key: str
    actor_nip: str
    actor_name: str
    action: str
    note: str | None
    output: str | None
    standard_minutes: int
    elapsed_minutes: float
    acted_at: str


@dataclass(frozen=True)
class FileView:
    id: int
    workflow: Workflow
    applicant: Employee
    status: str
    step_index: int | None
    step_started_at: dt.datetime | None
    version: int
    agenda_number: str | None
    return_reason: str | None
    documents: tuple[StoredDocument, ...]
    history: tuple[StepRecord, ...]
    reminded: bool = False    # the current step's SLA reminder went out
    escalated: bool = False   # the current step's SLA escalation went out
    actors: tuple[Employee, ...] = ()  # who may act on the current step (resolved, stored)

    @property
    def step(self) -> Step | None:
        if self.step_index is None or not 0 <= self.step_index < len(self.workflow.steps):
            return None
        return self.workflow.steps[self.step_index]

    @property
    def missing(self) -> list[Document]:
        have = {d.doc_key for d in self.documents}
        return [d for d in self.workflow.documents if d.key not in have]

    def notes(self) -> list[StepRecord]:
        return [h for h in self.history if h.note]


@dataclass(frozen=True)
class Notice:
    """A message the change causes: `kind` picks the text, `to` the recipient (written to
    the outbox by services.workflows.notices)."""

    kind: str  # "tugas", "diproses", "dikembalikan", "ditolak", "selesai", "tanpa_pelaksana",
    #            "catat_penunjukan" (record the Plh/Plt designation the file approved)
    to: Employee
    file: FileView


@dataclass(frozen=True)
class Outcome:
    file: FileView
    notices: tuple[Notice, ...] = ()


# --- pure rules ----------------------------------------------------------------------------

def upload_type(upload: Upload) -> str:
    """The file type of an upload as the definitions name it (jpeg counts as jpg)."""
    if upload.kind == "photo":
        return "jpg"
    suffix = upload.file_name.rsplit(".", 1)[-1].lower() if "." in upload.file_name else ""
    kind = suffix or _MIME_TYPES.get(upload.mime_type, "")
    return "jpg" if kind == "jpeg" else kind


def upload_problem(document: Document, upload: Upload) -> str | None:
    """Why `upload` cannot serve as `document`, in Indonesian, or None."""
    accepted = {"jpg" if t == "jpeg" else t for t in document.types}
    kind = upload_type(upload)
    if kind not in accepted:
        shown = ", ".join(t.upper() for t in document.types)
        return (f"Jenis berkas {('.' + kind) if kind else 'ini'} tidak diterima untuk "
                f"{document.name}. Jenis yang diterima: {shown}.")
    if upload.size > document.max_bytes:
        return (f"Ukuran berkas {_mb(upload.size)} melebihi batas {_mb(document.max_bytes)} "
                f"untuk {document.name}.")
    return None


def _mb(size: int) -> str:
    value = size / 1024 / 1024
    shown = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
    return f"{shown.replace('.', ',')} MB"


def _person(employee: Employee) -> chains.Person:
    return chains.Person(employee.nip, employee.peran, employee.atasan_nip, employee.active)


class Staff:
    """The active employees, with the resolver's view of them built once per transaction
    (the SLA watch resolves actors for every open file). With `substitutes`, a step whose
    actor has a Plh/Plt in force resolves to who acts in their place."""

    def __init__(self, people: Iterable[Employee],
                 substitutes: acting.Substitutes | None = None) -> None:
        self.all = list(people)
        self.by_nip = {e.nip: e for e in self.all}
        self._persons = [_person(e) for e in self.all]
        self._substitutes = substitutes or acting.Substitutes()

    def actors(self, step: Step, applicant: Employee) -> list[Employee]:
        """Who may act on `step` for this applicant (never the applicant), by the requests
        feature's own resolver."""
        nips = chains.actors_for(step.chain_step, _person(applicant), self._persons)
        return [self.by_nip[nip] for nip in self._substitutes.apply(nips, applicant=applicant.nip)
                if nip in self.by_nip]

    def stand_ins(self, step: Step, applicant: Employee) -> list[acting.StandIn]:
        """The officials of `step` whom a delegate replaces in `actors`."""
        nips = chains.actors_for(step.chain_step, _person(applicant), self._persons)
        return self._substitutes.stand_ins(nips, applicant=applicant.nip)


async def active_staff(conn: aiosqlite.Connection) -> Staff:
    return Staff(await employees.all_active(conn), await acting.load(conn))


def applicable_steps(workflow: Workflow, applicant: Employee, staff: Staff,
                     keep: int | None = None) -> list[tuple[int, approvals.NewStep]]:
    """The chain the engine runs for this applicant: (workflow step index, resolved step).

    A step nobody can take is left out only where the definition allows it
    (lewati_bila_kosong); otherwise the file waits there and /pantau shows it. `keep` is a
    step index kept whatever (the step a migrated file was on).
    """
    chain = []
    for index, step in enumerate(workflow.steps):
        actors = tuple(e.nip for e in staff.actors(step, applicant))
        if actors or not step.skip_if_unresolved or index == keep:
            chain.append((index, approvals.NewStep(step.key, step.title, step.actions, actors)))
    return chain


def unresolved_steps(workflow: Workflow, applicant: Employee,
                     staff: Staff) -> list[Step]:
    return [s for s in workflow.steps
            if not s.skip_if_unresolved and not staff.actors(s, applicant)]


async def adopt_migrated(db: Database, catalogue: Catalogue) -> int:
    """Resolve the remaining chain of files that were in flight when migration 0011 moved
    them to the engine (SQL cannot read the YAML definitions). Runs at start-up; returns how
    many files it resolved."""
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT id, definition, applicant_nip, position FROM approval_subjects s "
            "WHERE kind = ? AND state IN (?, ?) AND NOT EXISTS ("
            "  SELECT 1 FROM approval_steps st WHERE st.subject_id = s.id)",
            (approvals.WORKFLOW_FILE, *engine.OPEN_STATES),
        ) as cur:
            rows = await cur.fetchall()
        if not rows:
            return 0
        staff = await active_staff(conn)
        adopted = 0
        for row in rows:
            workflow = catalogue.get(row["definition"])
            applicant = await employees.by_nip(conn, row["applicant_nip"])
            if workflow is None or applicant is None or row["position"] >= len(workflow.steps):
                log.warning("workflow.migrated_unresolved subject=%s definition=%s",
                            row["id"], row["definition"])
                continue
            chain = applicable_steps(workflow, applicant, staff, keep=row["position"])
            position = next(i for i, (index, _) in enumerate(chain) if index == row["position"])
            await approvals.adopt_steps(conn, row["id"], [step for _, step in chain], position)
            adopted += 1
        return adopted


# --- reading -------------------------------------------------------------------------------

async def _row(conn: aiosqlite.Connection, file_id: int) -> aiosqlite.Row | None:
    async with conn.execute("SELECT * FROM workflow_files WHERE id = ?", (file_id,)) as cur:
        return await cur.fetchone()


_CHUNK = 500  # well under SQLite's limit of host parameters per statement


async def _views(conn: aiosqlite.Connection, env: WorkflowEnv,
                 rows: list[aiosqlite.Row]) -> list[FileView]:
    """Files with their applicant, documents and history, loaded in a few queries whatever
    their number (the SLA job and /pantau read every open file)."""
    documents: dict[int, list[StoredDocument]] = {}
    for first in range(0, len(rows), _CHUNK):
        ids = [r["id"] for r in rows[first:first + _CHUNK]]
        marks = ", ".join("?" * len(ids))
        async with conn.execute(
            "SELECT file_id, doc_key, telegram_file_id, kind, file_name, size "
            f"FROM workflow_documents WHERE file_id IN ({marks})", ids,
        ) as cur:
            for r in await cur.fetchall():
                documents.setdefault(r["file_id"], []).append(StoredDocument(
                    r["doc_key"], r["telegram_file_id"], r["kind"], r["file_name"], r["size"]))
    subjects = await approvals.load_many(conn, approvals.WORKFLOW_FILE, [r["id"] for r in rows])
    people: dict[str, Employee] = {}
    staff: Staff | None = None

    async def person(nip: str) -> Employee:
        if nip not in people:
            found = await employees.by_nip(conn, nip)
            assert found is not None, f"employee {nip} referenced by a file is missing"
            people[nip] = found
        return people[nip]

    views = []
    for row in rows:
        workflow = env.catalogue.get(row["workflow_key"])
        if workflow is None:
            raise NotFound(f"Layanan {row['workflow_name']} tidak lagi tersedia dalam katalog "
                           "layanan. Hubungi pengelola kepegawaian.")
        order = [d.key for d in workflow.documents]
        stored = sorted(documents.get(row["id"], []), key=lambda d: (
            order.index(d.doc_key) if d.doc_key in order else len(order)))
        index_of = {s.key: i for i, s in enumerate(workflow.steps)}
        subject = subjects.get(row["id"])
        applicant = await person(row["applicant_nip"])
        step_index = None
        actors: tuple[Employee, ...] = ()
        history: list[StepRecord] = []
        started = None
        if subject is not None:
            position = subject.state.position
            if 0 <= position < len(subject.steps):
                step_index = index_of.get(subject.steps[position].key)
            if subject.current is not None:
                # Someone who left the office meanwhile no longer holds the step; a step
                # left with nobody goes to whoever the definition names now (a new holder
                # of the peran), as it would have on arrival.
                actors = tuple([p for n in subject.current.actors
                                if (p := await person(n)).active])
                current = workflow.get_step(subject.current.key)
                if not actors and current is not None:
                    if staff is None:
                        staff = await active_staff(conn)
                    actors = tuple(staff.actors(current, applicant))
                started = subject.step_started_at
            for h in subject.history:
                history.append(StepRecord(
                    index_of.get(h.step_key, h.position), h.step_key, h.actor_nip,
                    (await person(h.actor_nip)).nama, h.action, h.note, h.output,
                    h.standard_minutes or 0, h.elapsed_minutes or 0.0, h.acted_at.isoformat()))
        views.append(FileView(
            id=row["id"], workflow=workflow, applicant=applicant,
            status=row["status"], step_index=step_index, step_started_at=started,
            version=row["version"], agenda_number=row["agenda_number"],
            return_reason=row["return_reason"], documents=tuple(stored),
            history=tuple(history),
            reminded=subject is not None and subject.reminded_at is not None,
            escalated=subject is not None and subject.escalated_at is not None,
            actors=actors))
    return views


async def _view(conn: aiosqlite.Connection, env: WorkflowEnv, row: aiosqlite.Row) -> FileView:
    return (await _views(conn, env, [row]))[0]


async def get_file(db: Database, env: WorkflowEnv, file_id: int) -> FileView:
    async with db.read() as conn:
        row = await _row(conn, file_id)
        if row is None:
            raise NotFound("Berkas tidak ditemukan.")
        return await _view(conn, env, row)


async def files_of(db: Database, env: WorkflowEnv, nip: str, *, limit: int = 10
                   ) -> list[FileView]:
    """The applicant's open files and the most recent closed ones."""
    async with db.read() as conn:
        async with conn.execute(
            "SELECT * FROM workflow_files WHERE applicant_nip = ? AND status <> ? "
            "ORDER BY (status IN ('draf', 'berjalan', 'dikembalikan')) DESC, id DESC LIMIT ?",
            (nip, CANCELLED, limit),
        ) as cur:
            rows = await cur.fetchall()
        return await _views(conn, env, [r for r in rows if env.catalogue.get(r["workflow_key"])])


async def open_files(db: Database, env: WorkflowEnv) -> list[FileView]:
    """Every file currently held by a step, oldest first (for /pantau and the SLA job)."""
    async with db.read() as conn:
        return await _open_files(conn, env)


async def _open_files(conn: aiosqlite.Connection, env: WorkflowEnv) -> list[FileView]:
    ids = await approvals.running_ref_ids(conn, approvals.WORKFLOW_FILE)
    return await _files(conn, env, ids, only_running=True)


async def _files(conn: aiosqlite.Connection, env: WorkflowEnv, ids: list[int], *,
                 only_running: bool = False) -> list[FileView]:
    """The files with these ids, in that order, leaving out those of withdrawn services."""
    rows: dict[int, aiosqlite.Row] = {}
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first:first + _CHUNK]
        marks = ", ".join("?" * len(chunk))
        async with conn.execute(
            f"SELECT * FROM workflow_files WHERE id IN ({marks})", chunk,
        ) as cur:
            rows.update((r["id"], r) for r in await cur.fetchall())
    wanted = [rows[i] for i in ids if i in rows and env.catalogue.get(rows[i]["workflow_key"])
              and (not only_running or rows[i]["status"] == RUNNING)]
    return await _views(conn, env, wanted)


# --- changes -------------------------------------------------------------------------------

async def _locked(conn: aiosqlite.Connection, env: WorkflowEnv, file_id: int) -> FileView:
    row = await _row(conn, file_id)
    if row is None:
        raise NotFound("Berkas tidak ditemukan.")
    return await _view(conn, env, row)


async def _bump(conn: aiosqlite.Connection, file_id: int, **columns: object) -> None:
    sets = ", ".join(f"{name} = ?" for name in columns)
    await conn.execute(
        f"UPDATE workflow_files SET {sets}{', ' if sets else ''}version = version + 1 "
        "WHERE id = ?", (*columns.values(), file_id))


def _actor(employee: Employee, telegram_user_id: int | None) -> audit.Actor:
    return audit.Actor(employee.nip, telegram_user_id)


def _service(env: WorkflowEnv, applicant: Employee, workflow_key: str) -> Workflow:
    workflow = env.catalogue.get(workflow_key)
    if workflow is None or workflow.kind != "layanan":
        raise NotFound("Layanan tersebut tidak tersedia.")
    if not workflow.may_submit(applicant.peran):
        raise NotAllowed(f"Layanan {workflow.name} tidak dapat Anda ajukan.")
    return workflow


async def check_may_start(db: Database, env: WorkflowEnv, applicant: Employee,
                          workflow_key: str) -> None:
    """The checks of `start_draft` without writing: before the tap is answered."""
    workflow = _service(env, applicant, workflow_key)
    async with db.read() as conn:
        _require_resolvable(workflow, applicant, await active_staff(conn))


async def start_draft(db: Database, env: WorkflowEnv, applicant: Employee, workflow_key: str,
                      now: dt.datetime, telegram_user_id: int | None = None) -> FileView:
    """Open a draft for a service; an earlier unfinished draft is cancelled (one at a time)."""
    workflow = _service(env, applicant, workflow_key)
    async with db.transaction() as conn:
        staff = await active_staff(conn)
        _require_resolvable(workflow, applicant, staff)
        async with conn.execute(
            "SELECT id FROM workflow_files WHERE applicant_nip = ? AND status = ?",
            (applicant.nip, DRAFT),
        ) as cur:
            earlier = await cur.fetchone()
        if earlier is not None:
            await _bump(conn, earlier["id"], status=CANCELLED, closed_at=now.isoformat())
            await audit.record(conn, at=now, actor=_actor(applicant, telegram_user_id),
                               action="workflow.draft_replaced", entity="workflow_file",
                               entity_id=earlier["id"])
        cursor = await conn.execute(
            "INSERT INTO workflow_files (workflow_key, workflow_name, applicant_nip, status, "
            "created_at) VALUES (?, ?, ?, ?, ?)",
            (workflow.key, workflow.name, applicant.nip, DRAFT, now.isoformat()))
        file_id = cursor.lastrowid
        assert file_id is not None
        await audit.record(conn, at=now, actor=_actor(applicant, telegram_user_id),
                           action="workflow.draft", entity="workflow_file", entity_id=file_id,
                           detail={"workflow": workflow.key})
        return await _locked(conn, env, file_id)


def _require_resolvable(workflow: Workflow, applicant: Employee, staff: Staff) -> None:
    missing = unresolved_steps(workflow, applicant, staff)
    if missing:
        step = missing[0]
        raise DomainError(
            f"Layanan {workflow.name} belum dapat diajukan: tidak ada pegawai yang dapat "
            f"melaksanakan langkah \"{step.title}\" ({describe_actor(step.actor)}) untuk berkas "
            "Anda. Silakan hubungi pengelola kepegawaian.")


def _require_editable(file: FileView, applicant: Employee) -> None:
    if file.applicant.nip != applicant.nip:
        raise NotAllowed("Anda tidak berwenang: berkas ini bukan milik Anda.")
    if file.status not in EDITABLE_STATUSES:
        raise Conflict("Berkas ini sudah diajukan dan tidak dapat diubah lagi.")


async def attach_document(db: Database, env: WorkflowEnv, file_id: int, applicant: Employee,
                          upload: Upload, now: dt.datetime,
                          telegram_user_id: int | None = None) -> tuple[FileView, Document]:
    """Attach an upload as the first document still missing; returns the file and the item."""
    async with db.transaction() as conn:
        file = await _locked(conn, env, file_id)
        _require_editable(file, applicant)
        missing = file.missing
        if not missing:
            raise Conflict("Semua kelengkapan sudah terkirim. Tekan tombol Ajukan, atau pilih "
                           "dokumen yang ingin diganti.")
        document = missing[0]
        problem = upload_problem(document, upload)
        if problem:
            raise DomainError(problem)
        await conn.execute(
            "INSERT INTO workflow_documents (file_id, doc_key, telegram_file_id, kind, "
            "file_name, size, uploaded_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (file_id, document.key, upload.telegram_file_id, upload.kind,
             upload.file_name or f"{document.key}.{upload_type(upload)}", upload.size,
             now.isoformat()))
        await _bump(conn, file_id)
        await audit.record(conn, at=now, actor=_actor(applicant, telegram_user_id),
                           action="workflow.document", entity="workflow_file",
                           entity_id=file_id, detail={"document": document.key,
                                                      "name": upload.file_name,
                                                      "size": upload.size})
        return await _locked(conn, env, file_id), document


async def remove_document(db: Database, env: WorkflowEnv, file_id: int, applicant: Employee,
                          doc_index: int, now: dt.datetime,
                          telegram_user_id: int | None = None) -> tuple[FileView, Document]:
    """Take a document out so the next upload replaces it (fixing a returned file)."""
    async with db.transaction() as conn:
        file = await _locked(conn, env, file_id)
        _require_editable(file, applicant)
        if not 0 <= doc_index < len(file.workflow.documents):
            raise NotFound("Dokumen tersebut tidak ada dalam kelengkapan layanan ini.")
        document = file.workflow.documents[doc_index]
        await conn.execute("DELETE FROM workflow_documents WHERE file_id = ? AND doc_key = ?",
                           (file_id, document.key))
        await _bump(conn, file_id)
        await audit.record(conn, at=now, actor=_actor(applicant, telegram_user_id),
                           action="workflow.document_removed", entity="workflow_file",
                           entity_id=file_id, detail={"document": document.key})
        return await _locked(conn, env, file_id), document


def _require_submittable(file: FileView, version: int, applicant: Employee,
                         staff: Staff) -> None:
    _require_editable(file, applicant)
    if file.version != version:
        raise Conflict("Tombol ini sudah kedaluwarsa; berkas telah berubah. "
                       "Buka kembali melalui /layanan.")
    if file.missing:
        raise DomainError("Kelengkapan belum lengkap: "
                          + ", ".join(d.name for d in file.missing) + ".")
    _require_resolvable(file.workflow, applicant, staff)


async def check_may_submit(db: Database, env: WorkflowEnv, file_id: int, version: int,
                           applicant: Employee) -> None:
    """The checks of `submit` without writing: before the tap is answered."""
    async with db.read() as conn:
        file = await _locked(conn, env, file_id)
        _require_submittable(file, version, applicant, await active_staff(conn))


async def check_editable(db: Database, env: WorkflowEnv, file_id: int,
                         applicant: Employee) -> FileView:
    """The file, if the applicant may still change it (continue, replace, cancel)."""
    async with db.read() as conn:
        file = await _locked(conn, env, file_id)
    _require_editable(file, applicant)
    return file


async def submit(db: Database, env: WorkflowEnv, file_id: int, version: int,
                 applicant: Employee, now: dt.datetime,
                 telegram_user_id: int | None = None) -> Outcome:
    """Send a complete draft to its first step, or a fixed returned file back to the step
    that returned it."""
    async with db.transaction() as conn:
        file = await _locked(conn, env, file_id)
        staff = await active_staff(conn)
        _require_submittable(file, version, applicant, staff)
        resubmitted = file.status == RETURNED
        if resubmitted:
            subject = await _subject(conn, file_id)
            try:
                await approvals.resubmit(conn, subject, now=now,
                                         restart=engine.FROM_RETURNING_STEP)
            except approvals.Stale:
                raise _stale() from None
        else:
            chain = applicable_steps(file.workflow, applicant, staff)
            await approvals.open_subject(
                conn, kind=approvals.WORKFLOW_FILE, ref_id=file_id,
                definition=file.workflow.key, applicant_nip=applicant.nip,
                steps=[step for _, step in chain], now=now)
            for position, (index, _) in enumerate(chain):
                for stand_in in staff.stand_ins(file.workflow.steps[index], applicant):
                    await acting.record_stand_in(conn, approvals.WORKFLOW_FILE, file_id,
                                                 position, stand_in, now)
        await _bump(conn, file_id, status=RUNNING, return_reason=None,
                    submitted_at=now.isoformat())
        moved = await _locked(conn, env, file_id)
        assert moved.step is not None
        await audit.record(conn, at=now, actor=_actor(applicant, telegram_user_id),
                           action="workflow.resubmit" if resubmitted else "workflow.submit",
                           entity="workflow_file", entity_id=file_id,
                           detail={"step": moved.step.key})
        decided = _arrival_notices(moved, staff)
        await outbox.enqueue(conn, outbox_notices.of(moved, decided), now=now)
        return Outcome(moved, decided)


async def _subject(conn: aiosqlite.Connection, file_id: int) -> approvals.Subject:
    subject = await approvals.load(conn, approvals.WORKFLOW_FILE, file_id)
    assert subject is not None, f"file {file_id} was submitted without an approval subject"
    return subject


def _stale() -> Conflict:
    return Conflict("Berkas ini sudah diproses atau telah berubah; tombol ini tidak "
                    "berlaku lagi.")


def _arrival_notices(file: FileView, staff: Staff) -> tuple[Notice, ...]:
    step = file.step
    assert step is not None
    if not file.actors:
        log.warning("workflow.no_actor file=%s step=%s", file.id, step.key)
        admins = [e for e in staff.all if e.is_admin and e.nip != file.applicant.nip]
        return tuple(Notice("tanpa_pelaksana", a, file) for a in admins)
    return tuple(Notice("tugas", a, file) for a in file.actors)


def needs_note(step: Step, action: str) -> bool:
    spec = engine.action(action)
    return (spec is not None and spec.needs_reason) or (
        step.requires_note and action in MOVING_ACTIONS)


def _check_act(file: FileView, version: int, actor: Employee, action: str, *,
               any_action: bool = False) -> Step:
    step = file.step
    # Authority first: only those with a part in this file learn that a button is stale.
    involved = ({e.nip for e in file.actors} | {r.actor_nip for r in file.history}
                | {file.applicant.nip})
    if actor.nip not in involved:
        raise NotAllowed("Anda tidak berwenang: Anda bukan pelaksana berkas ini.")
    if file.status != RUNNING or step is None or file.version != version:
        raise _stale()
    if actor.nip not in {e.nip for e in file.actors}:
        raise NotAllowed("Anda tidak berwenang: Anda bukan pelaksana langkah ini.")
    if not any_action and action not in step.actions:
        raise NotAllowed("Aksi tersebut tidak tersedia pada langkah ini.")
    return step


async def tasks_of(db: Database, env: WorkflowEnv, actor: Employee) -> list[FileView]:
    """The files whose current step waits for this employee."""
    return [f for f in await open_files(db, env) if actor.nip in {e.nip for e in f.actors}]


async def task_for(db: Database, env: WorkflowEnv, file_id: int, actor: Employee) -> FileView:
    """A file waiting for this actor, to show its card again."""
    async with db.read() as conn:
        file = await _locked(conn, env, file_id)
    _check_act(file, file.version, actor, "", any_action=True)
    return file


async def check_can_act(db: Database, env: WorkflowEnv, file_id: int, version: int,
                        actor: Employee, action: str) -> tuple[FileView, Step]:
    """The checks of `act` without acting: before asking an actor to type a reason."""
    async with db.read() as conn:
        file = await _locked(conn, env, file_id)
    return file, _check_act(file, version, actor, action)


async def act(db: Database, env: WorkflowEnv, file_id: int, version: int, actor: Employee,
              action: str, now: dt.datetime, *, note: str | None = None,
              telegram_user_id: int | None = None) -> Outcome:
    """The actor of the current step forwards, approves, refuses or returns the file."""
    note = (note or "").strip() or None
    async with db.transaction() as conn:
        file = await _locked(conn, env, file_id)
        step = _check_act(file, version, actor, action)
        if note is None and needs_note(step, action):
            raise DomainError("Alasan atau catatan wajib diisi.")
        assert file.step_started_at is not None
        subject = await _subject(conn, file_id)
        current = subject.current
        if current is not None and actor.nip not in current.actors:
            # The stored actors have all left: the step is staffed as the view resolved it.
            await approvals.set_actors(conn, subject, [e.nip for e in file.actors])
            subject = await _subject(conn, file_id)
        moving = action in MOVING_ACTIONS
        try:
            move = await approvals.act(
                conn, subject, position=subject.state.position, round_=subject.state.round,
                actor_nip=actor.nip, action=action, note=note, now=now,
                return_rule=file.workflow.return_rule,
                output=step.output if moving else None,
                standard_minutes=env.time.standard(step.time_standard),
                elapsed_minutes=round(env.time.elapsed(file.step_started_at, now), 2))
        except (approvals.Stale, engine.TransitionRefused):
            raise _stale() from None
        detail: dict[str, object] = {"step": step.key, "action": action, "note": note}
        columns: dict[str, object] = {}
        if moving and step.assigns_agenda:
            columns["agenda_number"] = await agenda.next_number(
                conn, file.workflow.agenda_register, file.workflow.agenda_format,
                unit=env.unit_code, day=now.date())
            detail["agenda_number"] = columns["agenda_number"]
        if move.finished:
            columns.update(status=DONE, closed_at=now.isoformat())
        elif move.after.state == engine.REFUSED:
            columns.update(status=REFUSED, closed_at=now.isoformat(), return_reason=note)
        elif move.returned_to_applicant:
            columns.update(status=RETURNED, return_reason=note)
        elif move.stepped_back:
            columns.update(return_reason=note)
        await _bump(conn, file_id, **columns)
        await audit.record(conn, at=now, actor=_actor(actor, telegram_user_id),
                           action=f"workflow.{action}", entity="workflow_file",
                           entity_id=file_id, detail=detail)
        moved = await _locked(conn, env, file_id)
        decided = _after_action(moved, actor, await active_staff(conn))
        await outbox.enqueue(conn, [outbox_notices.acted(moved, actor.nip, action),
                                    *outbox_notices.of(moved, decided)], now=now)
    return Outcome(moved, decided)


def _after_action(file: FileView, actor: Employee, staff: Staff) -> tuple[Notice, ...]:
    applicant = file.applicant
    if file.status == RUNNING:
        return (Notice("diproses", applicant, file), *_arrival_notices(file, staff))
    kind = {DONE: "selesai", REFUSED: "ditolak", RETURNED: "dikembalikan"}[file.status]
    if file.status == DONE and file.workflow.outcome == DESIGNATION:
        # The approved designation is recorded by the one who finished the file.
        return (Notice(kind, applicant, file), Notice("catat_penunjukan", actor, file))
    return (Notice(kind, applicant, file),)


async def cancel(db: Database, env: WorkflowEnv, file_id: int, applicant: Employee,
                 now: dt.datetime, telegram_user_id: int | None = None) -> FileView:
    """The applicant withdraws a draft or a returned file."""
    async with db.transaction() as conn:
        file = await _locked(conn, env, file_id)
        _require_editable(file, applicant)
        await _bump(conn, file_id, status=CANCELLED, closed_at=now.isoformat())
        subject = await approvals.load(conn, approvals.WORKFLOW_FILE, file_id)
        if subject is not None:  # a draft was never submitted: it has none
            await approvals.close(conn, subject, state=engine.CANCELLED, now=now)
        await audit.record(conn, at=now, actor=_actor(applicant, telegram_user_id),
                           action="workflow.cancel", entity="workflow_file", entity_id=file_id)
        return await _locked(conn, env, file_id)
