"""Watching time standards: SLA reminders and escalations, the /pantau table, and the monthly
compliance figures per SOP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import aiosqlite

from services import audit, outbox, requests
from services.approval import store as approvals
from services.employees import Employee
from services.requests import RequestView
from services.storage import Database
from services.workflows.files import FileView, WorkflowEnv, active_staff, open_files
from services.workflows.sla import ESCALATED, ON_TIME, Compliance, compliance, sla_level

REMINDER = "pengingat"
ESCALATION = "eskalasi"

# Outbox kinds of the SLA messages (rendered by handlers/sla_notify.py) and of the monthly
# compliance PDF (drawn at send time by handlers/pantau.py).
FILE_SLA = "workflow.sla"
REQUEST_SLA = "request.sla"
SLA_REPORT = "workflow.sla_report"


@dataclass(frozen=True)
class OpenFile:
    file: FileView
    actors: tuple[Employee, ...]
    elapsed_minutes: float
    standard_minutes: int

    @property
    def level(self) -> str:
        return sla_level(self.elapsed_minutes, self.standard_minutes)


@dataclass(frozen=True)
class SlaNotice:
    kind: str               # REMINDER (to the actor) | ESCALATION (to the actor's atasan)
    to: Employee
    about: Employee         # the actor who is late
    item: OpenFile


async def watch(db: Database, env: WorkflowEnv, now: dt.datetime) -> list[OpenFile]:
    """Every file held by a step, with its actors and working time spent against the standard."""
    files = await open_files(db, env)
    result = []
    for file in files:
        step = file.step
        if step is None or file.step_started_at is None:
            continue
        result.append(OpenFile(
            file=file, actors=file.actors,
            elapsed_minutes=env.time.elapsed(file.step_started_at, now),
            standard_minutes=env.time.standard(step.time_standard)))
    return result


async def due_notices(db: Database, env: WorkflowEnv, now: dt.datetime) -> list[SlaNotice]:
    """Reminders (past 1× the standard) and escalations (past 2×), each once per step visit.

    The mark and the notices' outbox rows are one transaction: a reminder is neither lost nor
    repeated every few minutes. The marks leave `version` alone: the actor's
    buttons stay valid.
    """
    items = [i for i in await watch(db, env, now)
             if (i.level != ON_TIME and not i.file.reminded)
             or (i.level == ESCALATED and not i.file.escalated)]
    notices: list[SlaNotice] = []
    async with db.transaction() as conn:
        staff = (await active_staff(conn)).by_nip
        subjects = await approvals.load_many(conn, approvals.WORKFLOW_FILE,
                                             [i.file.id for i in items])
        for item in items:
            file = item.file
            subject = subjects.get(file.id)
            if subject is None:
                continue
            if await approvals.mark_sla(conn, subject, "reminded_at", now):
                notices += [SlaNotice(REMINDER, a, a, item) for a in item.actors]
                await _audit(conn, now, item, REMINDER, [a.nip for a in item.actors])
            if item.level != ESCALATED:
                continue
            if not await approvals.mark_sla(conn, subject, "escalated_at", now):
                continue
            bosses = _escalation_targets(item.actors, staff)
            notices += [SlaNotice(ESCALATION, boss, actor, item) for boss, actor in bosses]
            await _audit(conn, now, item, ESCALATION, sorted(boss.nip for boss, _ in bosses))
        await outbox.enqueue(conn, [_file_notice(n) for n in notices], now=now)
    return notices


def _escalation_targets(actors: Iterable[Employee],
                        staff: Mapping[str, Employee]) -> list[tuple[Employee, Employee]]:
    """(atasan, actor) for each actor's atasan, each atasan once: who hears of a step past
    twice its time standard."""
    targets: dict[str, tuple[Employee, Employee]] = {}
    for actor in actors:
        boss = staff.get(actor.atasan_nip or "")
        if boss is not None and boss.nip not in targets:
            targets[boss.nip] = (boss, actor)
    return list(targets.values())


async def _audit(conn: aiosqlite.Connection, now: dt.datetime, item: OpenFile, kind: str,
                 recipients: list[str]) -> None:
    step = item.file.step
    assert step is not None
    await audit.record(conn, at=now, actor=audit.Actor.system(), action=f"workflow.sla_{kind}",
                       entity="workflow_file", entity_id=item.file.id,
                       detail={"step": step.key, "elapsed_minutes": round(item.elapsed_minutes),
                               "standard_minutes": item.standard_minutes, "to": recipients})


@dataclass(frozen=True)
class WaitingRequest:
    """An izin or cuti waiting on a step, timed against izin.yaml / cuti.yaml."""

    request: RequestView
    subject: approvals.Subject
    actors: tuple[Employee, ...]
    elapsed_minutes: float
    standard_minutes: int
    standard: str                    # as the SOP writes it: "1 hari"

    @property
    def level(self) -> str:
        return sla_level(self.elapsed_minutes, self.standard_minutes)


@dataclass(frozen=True)
class RequestSlaNotice:
    kind: str               # REMINDER (to the approver) | ESCALATION (to the approver's atasan)
    to: Employee
    about: Employee
    item: WaitingRequest


async def watch_requests(db: Database, env: WorkflowEnv,
                         now: dt.datetime) -> list[WaitingRequest]:
    """Every waiting izin/cuti with its approvers and working time spent against the step's
    time standard in its chain's definition."""
    result = []
    for view, subject in await requests.running(db):
        step = subject.current
        workflow = (env.catalogue.get(subject.definition)
                    or env.catalogue.for_request_type(view.kind.key))
        defined = workflow.get_step(step.key) if workflow and step else None
        current = view.current
        if defined is None or current is None or subject.step_started_at is None:
            continue
        result.append(WaitingRequest(
            request=view, subject=subject, actors=tuple(a for a in current.actors if a.active),
            elapsed_minutes=env.time.elapsed(subject.step_started_at, now),
            standard_minutes=env.time.standard(defined.time_standard),
            standard=defined.time_standard.describe()))
    return result


async def due_request_notices(db: Database, env: WorkflowEnv,
                              now: dt.datetime) -> list[RequestSlaNotice]:
    """As `due_notices`, for izin and cuti: remind the approver past 1× the standard, tell
    their atasan past 2×, each once per step visit (marked before sending)."""
    items = [i for i in await watch_requests(db, env, now)
             if (i.level != ON_TIME and i.subject.reminded_at is None)
             or (i.level == ESCALATED and i.subject.escalated_at is None)]
    notices: list[RequestSlaNotice] = []
    async with db.transaction() as conn:
        staff = (await active_staff(conn)).by_nip
        for item in items:
            if await approvals.mark_sla(conn, item.subject, "reminded_at", now):
                notices += [RequestSlaNotice(REMINDER, a, a, item) for a in item.actors]
                await _audit_request(conn, now, item, REMINDER, [a.nip for a in item.actors])
            if item.level != ESCALATED:
                continue
            if not await approvals.mark_sla(conn, item.subject, "escalated_at", now):
                continue
            bosses = _escalation_targets(item.actors, staff)
            notices += [RequestSlaNotice(ESCALATION, boss, actor, item) for boss, actor in bosses]
            await _audit_request(conn, now, item, ESCALATION,
                                 sorted(boss.nip for boss, _ in bosses))
        await outbox.enqueue(conn, [_request_notice(n) for n in notices], now=now)
    return notices


async def _audit_request(conn: aiosqlite.Connection, now: dt.datetime, item: WaitingRequest,
                         kind: str, recipients: list[str]) -> None:
    step = item.subject.current
    assert step is not None
    await audit.record(conn, at=now, actor=audit.Actor.system(), action=f"request.sla_{kind}",
                       entity="request", entity_id=item.request.id,
                       detail={"step": step.key, "elapsed_minutes": round(item.elapsed_minutes),
                               "standard_minutes": item.standard_minutes, "to": recipients})


@dataclass(frozen=True)
class StepCompliance:
    title: str
    activity: str
    standard: str
    figures: Compliance


@dataclass(frozen=True)
class SopCompliance:
    workflow_key: str
    name: str
    files_closed: int
    figures: Compliance
    steps: tuple[StepCompliance, ...]


async def monthly_compliance(db: Database, env: WorkflowEnv, year: int,
                             month: int) -> list[SopCompliance]:
    """Steps acted on in the month, per SOP and per step, against their time standards."""
    start = dt.date(year, month, 1)
    end = dt.date(year + month // 12, month % 12 + 1, 1)
    async with db.read() as conn:
        async with conn.execute(
            "SELECT s.definition AS workflow_key, a.step_key, a.standard_minutes, "
            "a.elapsed_minutes FROM approval_actions a "
            "JOIN approval_subjects s ON s.id = a.subject_id "
            "WHERE s.kind = ? AND substr(a.acted_at, 1, 10) >= ? "
            "AND substr(a.acted_at, 1, 10) < ?",
            (approvals.WORKFLOW_FILE, start.isoformat(), end.isoformat()),
        ) as cur:
            rows = await cur.fetchall()
        async with conn.execute(
            "SELECT workflow_key, count(*) AS n FROM workflow_files WHERE status IN "
            "('selesai', 'ditolak') AND substr(closed_at, 1, 10) >= ? "
            "AND substr(closed_at, 1, 10) < ? GROUP BY workflow_key",
            (start.isoformat(), end.isoformat()),
        ) as cur:
            closed = {r["workflow_key"]: r["n"] for r in await cur.fetchall()}
    result = []
    for workflow in env.catalogue.services():
        mine = [r for r in rows if r["workflow_key"] == workflow.key]
        steps = []
        for step in workflow.steps:
            samples = [(r["elapsed_minutes"], r["standard_minutes"]) for r in mine
                       if r["step_key"] == step.key]
            steps.append(StepCompliance(step.title, step.activity,
                                        step.time_standard.describe(), compliance(samples)))
        result.append(SopCompliance(
            workflow.key, workflow.name, closed.get(workflow.key, 0),
            compliance([(r["elapsed_minutes"], r["standard_minutes"]) for r in mine]),
            tuple(steps)))
    return result


def _file_notice(notice: SlaNotice) -> outbox.Notice:
    file, step = notice.item.file, notice.item.file.step
    assert step is not None
    return outbox.Notice(FILE_SLA, notice.to.nip, None, {
        "kind": notice.kind, "file": file.id, "name": file.workflow.name, "title": step.title,
        "elapsed": notice.item.elapsed_minutes, "standard": step.time_standard.describe(),
        "about_nama": notice.about.nama, "about_jabatan": notice.about.jabatan})


def _request_notice(notice: RequestSlaNotice) -> outbox.Notice:
    view, step = notice.item.request, notice.item.request.current
    assert step is not None
    return outbox.Notice(REQUEST_SLA, notice.to.nip, None, {
        "kind": notice.kind, "request": view.id, "jenis": view.kind.label,
        "nama": view.applicant.nama, "tahap": step.title, "elapsed": notice.item.elapsed_minutes,
        "standard": notice.item.standard, "about_nama": notice.about.nama,
        "about_jabatan": notice.about.jabatan})


async def request_report(db: Database, year: int, month: int, *, to: Employee, chat_id: int,
                         now: dt.datetime) -> None:
    """Queue the month's compliance PDF for the person who asked, in the chat they asked in:
    drawn when it is sent and delivered at least once, like every other document."""
    async with db.transaction() as conn:
        await outbox.enqueue(conn, [outbox.Notice(
            SLA_REPORT, to.nip, chat_id, {"year": year, "month": month},
            dedupe_key=f"{SLA_REPORT}:{year:04d}{month:02d}:{to.nip}:{now.isoformat()}")],
            now=now)
