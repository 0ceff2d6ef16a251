"""Berkas: a file that an employee submits and that moves through a workflow's steps.

Every change happens in one transaction that re-reads the file, checks its `version` against
the one the button carried, checks that the person may act, writes the new state, a step
record and an audit row. Functions return what happened together with the notices the
handlers must send (cosmicpython style), never sending anything themselves.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import aiosqlite

from services import agenda, audit, employees
from services import approval_chain as chains
from services.employees import Employee
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.storage import Database
from services.workflows.model import (
    MOVING_ACTIONS,
    REASONED_ACTIONS,
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
    """A message the handlers must send: `kind` picks the text, `to` the recipient."""

    kind: str  # "tugas", "diproses", "dikembalikan", "ditolak", "selesai", "tanpa_pelaksana"
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
    (the SLA watch resolves actors for every open file)."""

    def __init__(self, people: Iterable[Employee]) -> None:
        self.all = list(people)
        self.by_nip = {e.nip: e for e in self.all}
        self._persons = [_person(e) for e in self.all]

    def actors(self, step: Step, applicant: Employee) -> list[Employee]:
        """Who may act on `step` for this applicant (never the applicant), by the requests
        feature's own resolver."""
        nips = chains.actors_for(step.chain_step, _person(applicant), self._persons)
        return [self.by_nip[nip] for nip in nips]


async def active_staff(conn: aiosqlite.Connection) -> Staff:
    return Staff(await employees.all_active(conn))


def next_step(workflow: Workflow, after: int, applicant: Employee,
              staff: Staff) -> int | None:
    """The index of the next step that applies after `after` (-1: the first); None: done.

    A step nobody can take is skipped only where the definition allows it
    (lewati_bila_kosong); otherwise the file waits there and /pantau shows it.
    """
    index = after + 1
    while index < len(workflow.steps):
        step = workflow.steps[index]
        if staff.actors(step, applicant) or not step.skip_if_unresolved:
            return index
        index += 1
    return None


def unresolved_steps(workflow: Workflow, applicant: Employee,
                     staff: Staff) -> list[Step]:
    return [s for s in workflow.steps
            if not s.skip_if_unresolved and not staff.actors(s, applicant)]


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
    history: dict[int, list[StepRecord]] = {}
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
        async with conn.execute(
            "SELECT s.*, e.nama FROM workflow_steps s JOIN employees e ON e.nip = s.actor_nip "
            f"WHERE s.file_id IN ({marks}) ORDER BY s.id", ids,
        ) as cur:
            for r in await cur.fetchall():
                history.setdefault(r["file_id"], []).append(StepRecord(
                    r["step_index"], r["step_key"], r["actor_nip"], r["nama"], r["action"],
                    r["note"], r["output"], r["standard_minutes"], r["elapsed_minutes"],
                    r["acted_at"]))
    applicants: dict[str, Employee] = {}
    views = []
    for row in rows:
        workflow = env.catalogue.get(row["workflow_key"])
        if workflow is None:
            raise NotFound(f"Layanan {row['workflow_name']} tidak lagi tersedia dalam katalog "
                           "layanan. Hubungi pengelola kepegawaian.")
        nip = row["applicant_nip"]
        if nip not in applicants:
            found = await employees.by_nip(conn, nip)
            assert found is not None
            applicants[nip] = found
        order = [d.key for d in workflow.documents]
        stored = sorted(documents.get(row["id"], []), key=lambda d: (
            order.index(d.doc_key) if d.doc_key in order else len(order)))
        started = row["step_started_at"]
        views.append(FileView(
            id=row["id"], workflow=workflow, applicant=applicants[nip], status=row["status"],
            step_index=row["step_index"],
            step_started_at=dt.datetime.fromisoformat(started) if started else None,
            version=row["version"], agenda_number=row["agenda_number"],
            return_reason=row["return_reason"], documents=tuple(stored),
            history=tuple(history.get(row["id"], [])),
            reminded=row["reminded_at"] is not None,
            escalated=row["escalated_at"] is not None))
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
        async with conn.execute(
            "SELECT * FROM workflow_files WHERE status = ? ORDER BY step_started_at, id",
            (RUNNING,),
        ) as cur:
            rows = await cur.fetchall()
        return await _views(conn, env, [r for r in rows if env.catalogue.get(r["workflow_key"])])


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


async def start_draft(db: Database, env: WorkflowEnv, applicant: Employee, workflow_key: str,
                      now: dt.datetime, telegram_user_id: int | None = None) -> FileView:
    """Open a draft for a service; an earlier unfinished draft is cancelled (one at a time)."""
    workflow = env.catalogue.get(workflow_key)
    if workflow is None or workflow.kind != "layanan":
        raise NotFound("Layanan tersebut tidak tersedia.")
    if not workflow.may_submit(applicant.peran):
        raise NotAllowed(f"Layanan {workflow.name} tidak dapat Anda ajukan.")
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
        raise NotAllowed("Berkas ini bukan milik Anda.")
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


async def submit(db: Database, env: WorkflowEnv, file_id: int, version: int,
                 applicant: Employee, now: dt.datetime,
                 telegram_user_id: int | None = None) -> Outcome:
    """Send a complete draft to its first step, or a fixed returned file back to the step
    that returned it."""
    async with db.transaction() as conn:
        file = await _locked(conn, env, file_id)
        _require_editable(file, applicant)
        if file.version != version:
            raise Conflict("Tombol ini sudah kedaluwarsa; berkas telah berubah. "
                           "Buka kembali melalui /layanan.")
        if file.missing:
            raise DomainError("Kelengkapan belum lengkap: "
                              + ", ".join(d.name for d in file.missing) + ".")
        staff = await active_staff(conn)
        _require_resolvable(file.workflow, applicant, staff)
        resubmitted = file.status == RETURNED
        target = file.step_index if resubmitted else next_step(file.workflow, -1, applicant,
                                                               staff)
        assert target is not None  # a chain has at least one step that applies
        await _bump(conn, file_id, status=RUNNING, step_index=target,
                    step_started_at=now.isoformat(), reminded_at=None, escalated_at=None,
                    return_reason=None, submitted_at=now.isoformat())
        await audit.record(conn, at=now, actor=_actor(applicant, telegram_user_id),
                           action="workflow.resubmit" if resubmitted else "workflow.submit",
                           entity="workflow_file", entity_id=file_id,
                           detail={"step": file.workflow.steps[target].key})
        moved = await _locked(conn, env, file_id)
        return Outcome(moved, _arrival_notices(moved, staff))


def _arrival_notices(file: FileView, staff: Staff) -> tuple[Notice, ...]:
    step = file.step
    assert step is not None
    actors = staff.actors(step, file.applicant)
    if not actors:
        log.warning("workflow.no_actor file=%s step=%s", file.id, step.key)
        admins = [e for e in staff.all if e.is_admin and e.nip != file.applicant.nip]
        return tuple(Notice("tanpa_pelaksana", a, file) for a in admins)
    return tuple(Notice("tugas", a, file) for a in actors)


def needs_note(step: Step, action: str) -> bool:
    return action in REASONED_ACTIONS or (step.requires_note and action in MOVING_ACTIONS)


def _check_act(file: FileView, version: int, actor: Employee, action: str,
               staff: Staff, *, any_action: bool = False) -> Step:
    step = file.step
    if file.status != RUNNING or step is None or file.version != version:
        raise Conflict("Berkas ini sudah diproses atau telah berubah; tombol ini tidak "
                       "berlaku lagi.")
    if actor.nip not in {e.nip for e in staff.actors(step, file.applicant)}:
        raise NotAllowed("Anda bukan pelaksana langkah ini.")
    if not any_action and action not in step.actions:
        raise NotAllowed("Aksi tersebut tidak tersedia pada langkah ini.")
    return step


async def tasks_of(db: Database, env: WorkflowEnv, actor: Employee) -> list[FileView]:
    """The files whose current step waits for this employee."""
    files = await open_files(db, env)
    async with db.read() as conn:
        staff = await active_staff(conn)
    return [f for f in files if f.step is not None
            and actor.nip in {e.nip for e in staff.actors(f.step, f.applicant)}]


async def task_for(db: Database, env: WorkflowEnv, file_id: int, actor: Employee) -> FileView:
    """A file waiting for this actor, to show its card again."""
    async with db.read() as conn:
        file = await _locked(conn, env, file_id)
        staff = await active_staff(conn)
    _check_act(file, file.version, actor, "", staff, any_action=True)
    return file


async def check_can_act(db: Database, env: WorkflowEnv, file_id: int, version: int,
                        actor: Employee, action: str) -> tuple[FileView, Step]:
    """The checks of `act` without acting: before asking an actor to type a reason."""
    async with db.read() as conn:
        file = await _locked(conn, env, file_id)
        staff = await active_staff(conn)
    return file, _check_act(file, version, actor, action, staff)


async def act(db: Database, env: WorkflowEnv, file_id: int, version: int, actor: Employee,
              action: str, now: dt.datetime, *, note: str | None = None,
              telegram_user_id: int | None = None) -> Outcome:
    """The actor of the current step forwards, approves, refuses or returns the file."""
    note = (note or "").strip() or None
    async with db.transaction() as conn:
        file = await _locked(conn, env, file_id)
        staff = await active_staff(conn)
        step = _check_act(file, version, actor, action, staff)
        if note is None and needs_note(step, action):
            raise DomainError("Alasan atau catatan wajib diisi.")
        assert file.step_started_at is not None and file.step_index is not None
        standard = env.time.standard(step.time_standard)
        elapsed = env.time.elapsed(file.step_started_at, now)
        moving = action in MOVING_ACTIONS
        await conn.execute(
            "INSERT INTO workflow_steps (file_id, workflow_key, step_index, step_key, actor_nip,"
            " action, note, output, standard_minutes, elapsed_minutes, started_at, acted_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (file_id, file.workflow.key, file.step_index, step.key, actor.nip, action, note,
             step.output if moving else None, standard, round(elapsed, 2),
             file.step_started_at.isoformat(), now.isoformat()))
        detail: dict[str, object] = {"step": step.key, "action": action, "note": note}
        columns: dict[str, object] = {}
        if moving and step.assigns_agenda:
            columns["agenda_number"] = await agenda.next_number(
                conn, file.workflow.agenda_register, file.workflow.agenda_format,
                unit=env.unit_code, day=now.date())
            detail["agenda_number"] = columns["agenda_number"]
        if moving:
            target = next_step(file.workflow, file.step_index, file.applicant, staff)
            if target is None:
                columns.update(status=DONE, closed_at=now.isoformat())
            else:
                columns.update(step_index=target, step_started_at=now.isoformat(),
                               reminded_at=None, escalated_at=None)
        elif action == "tolak":
            columns.update(status=REFUSED, closed_at=now.isoformat(), return_reason=note)
        else:
            columns.update(status=RETURNED, return_reason=note)
        await _bump(conn, file_id, **columns)
        await audit.record(conn, at=now, actor=_actor(actor, telegram_user_id),
                           action=f"workflow.{action}", entity="workflow_file",
                           entity_id=file_id, detail=detail)
        moved = await _locked(conn, env, file_id)
    return Outcome(moved, _after_action(moved, actor, staff))


def _after_action(file: FileView, actor: Employee, staff: Staff) -> tuple[Notice, ...]:
    applicant = file.applicant
    if file.status == RUNNING:
        return (Notice("diproses", applicant, file), *_arrival_notices(file, staff))
    kind = {DONE: "selesai", REFUSED: "ditolak", RETURNED: "dikembalikan"}[file.status]
    return (Notice(kind, applicant, file),)


async def cancel(db: Database, env: WorkflowEnv, file_id: int, applicant: Employee,
                 now: dt.datetime, telegram_user_id: int | None = None) -> FileView:
    """The applicant withdraws a draft or a returned file."""
    async with db.transaction() as conn:
        file = await _locked(conn, env, file_id)
        _require_editable(file, applicant)
        await _bump(conn, file_id, status=CANCELLED, closed_at=now.isoformat())
        await audit.record(conn, at=now, actor=_actor(applicant, telegram_user_id),
                           action="workflow.cancel", entity="workflow_file", entity_id=file_id)
        return await _locked(conn, env, file_id)
