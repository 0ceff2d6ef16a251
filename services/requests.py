"""Requests (izin, sakit, dinas luar, cuti) and their approval: the service layer.

Handlers call one function each; the functions gather facts from SQLite, apply the pure rules
(`request_rules`, `leave_balance`, `approval_chain`) and write inside one transaction, with an
audit row for every state change. Decisions are conditional UPDATEs that re-check status,
step, round and actor, so a second tap or a competing approver changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import aiosqlite

from services import acting, agenda, audit, cuti_answers, employees, outbox, step_moves, text_limits
from services import approval_chain as chains
from services import leave_balance as leave
from services import leave_rights as rights
from services import location as presensi_lokasi
from services import request_notices as notices
from services import request_rules as rules
from services import usulan_phase as usulan
from services.approval import model as engine
from services.approval import store as approvals
from services.approval.store import Card
from services.calendar import OfficeCalendar
from services.cuti_answers import CutiAnswer
from services.employees import Employee
from services.errors import DomainError, NotFound
from services.nip import service_start
from services.office import Office
from services.request_policy import RequestPolicy
from services.request_types import RequestType, request_type
from services.storage import Database

MENUNGGU = "menunggu"
DIKEMBALIKAN = "dikembalikan"
DISETUJUI = "disetujui"
DITOLAK = "ditolak"
DIBATALKAN = "dibatalkan"
# Not stored in requests.status (that stays "menunggu"): a CLTN or the Kepala's own cuti whose
# office steps are done and whose SK has not been recorded yet (services.usulan_phase).
DIUSULKAN = "diusulkan"
# Cuti only: the pejabat berwenang proposed other dates (the applicant accepts or withdraws),
# or postponed it.
PERUBAHAN = "perubahan"
DITANGGUHKAN = "ditangguhkan"
OPEN_STATUSES = (MENUNGGU, DIKEMBALIKAN)
# Statuses that hold their dates: nothing else may be filed over them.
HOLDING_STATUSES = (MENUNGGU, DIKEMBALIKAN, PERUBAHAN, DISETUJUI)
STATUS_LABELS = {MENUNGGU: "menunggu keputusan", DIKEMBALIKAN: "dikembalikan untuk diperbaiki",
                 DISETUJUI: "disetujui", DITOLAK: "ditolak", DIBATALKAN: "dibatalkan",
                 DIUSULKAN: "menunggu keputusan PPK",
                 PERUBAHAN: "menunggu jawaban pemohon atas perubahan tanggal",
                 DITANGGUHKAN: "ditangguhkan"}
ENTITY = "request"

# A requests row: as read, or as a write returned it and the same transaction changed it since.
Row = aiosqlite.Row | Mapping[str, Any]


# The request's own status after the engine moved its subject.
_STATUS_AFTER = {engine.RUNNING: MENUNGGU, engine.RETURNED: DIKEMBALIKAN,
                 engine.DONE: DISETUJUI, engine.REFUSED: DITOLAK, engine.CANCELLED: DIBATALKAN,
                 engine.PROPOSED: PERUBAHAN, engine.POSTPONED: DITANGGUHKAN}
CLOSED_STATUSES = (DISETUJUI, DITOLAK, DITANGGUHKAN)


class DecisionRefused(DomainError):
    """A tap that must change nothing: not this person's turn, already decided, stale."""


@dataclass(frozen=True)
class Attachment:
    file_id: str
    kind: str          # "photo" (sent as a photo) or "pdf" (sent as a file, even a JPEG)
    name: str
    size: int


@dataclass(frozen=True)
class Draft:
    type_key: str
    start: dt.date
    end: dt.date
    reason: str
    attachment: Attachment | None = None
    # Dinas luar: where the activity is, a site for presensi lokasi on the request's days.
    activity_location: presensi_lokasi.ActivityLocation | None = None
    # Part-day permits: the expected arrival (arrive_late) or departure (leave_early).
    expected_time: dt.time | None = None
    ground: str | None = None      # see services.leave_rights: the ground a cuti is filed on


@dataclass(frozen=True)
class StepView:
    position: int
    title: str
    actions: tuple[str, ...]
    actors: tuple[Employee, ...]
    outcome: str | None
    decided_by: Employee | None
    decided_at: dt.datetime | None
    note: str | None
    # Set when the decider acted in the place of another official (Plh/Plt, or an atasan
    # standing in): that official, and "Plh."/"Plt." for a delegation.
    on_behalf_of: Employee | None = None
    acting_prefix: str | None = None


@dataclass(frozen=True)
class RequestView:
    id: int
    applicant: Employee
    kind: RequestType
    start: dt.date
    end: dt.date
    part: str
    working_days: int
    reason: str
    attachment: Attachment | None
    status: str
    current_step: int
    round: int
    agenda_number: str | None
    created_at: dt.datetime
    closed_at: dt.datetime | None
    steps: tuple[StepView, ...]
    expected_time: dt.time | None = None
    withdrawal_asked: bool = False
    ground: str | None = None
    usulan: usulan.Usulan | None = None   # proposed to the PPK / the Kepala's superior
    answer: CutiAnswer | None = None   # the pejabat's perubahan or penangguhan, if any

    @property
    def status_label(self) -> str:
        """The status in words; a cuti the pejabat did not approve is "tidak disetujui", as
        on the form."""
        if self.status == DITOLAK and self.kind.is_cuti and self.steps and \
                self.steps[-1].outcome == chains.TIDAK_DISETUJUI:
            return "tidak disetujui"
        return STATUS_LABELS[self.status]

    @property
    def has_letter(self) -> bool:
        """An approved request has its letter; a cuti the pejabat postponed or did not
        approve has a notice with the form's boxes."""
        return self.status == DISETUJUI or (self.kind.is_cuti and (
            self.status == DITANGGUHKAN or self.status_label == "tidak disetujui"))

    @property
    def ground_label(self) -> str | None:
        return rights.ground_label(self.ground)

    @property
    def proposed_above(self) -> bool:
        """Granted outside the office (CLTN, the Kepala's own cuti): its last step proposes."""
        return usulan.basis_for(self.kind.key, self.kind.is_cuti,
                                self.applicant.peran) is not None

    @property
    def current(self) -> StepView | None:
        if self.status != MENUNGGU or self.current_step >= len(self.steps):
            return None
        return self.steps[self.current_step]

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def deciders(self) -> tuple[Employee, ...]:
        return tuple(s.decided_by for s in self.steps if s.decided_by is not None)


@dataclass(frozen=True)
class DatesCheck:
    working_days: int
    attachment_needed: bool
    balance: leave.LeaveBalance | None
    type_key: str = ""               # the type it is filed as (sakit > 1 day: cuti_sakit)
    attachment_label: str = ""
    ground: str | None = None        # the ground as filed (a cuti sakit past one year:
    notes: tuple[str, ...] = field(default=())   # the tim penguji letter), and why it changed

    @property
    def converted(self) -> bool:
        return bool(self.notes)


@dataclass(frozen=True)
class Decision:
    request: RequestView
    action: str
    position: int
    final: bool            # the request is closed (approved, refused) or returned


# --- reading ---------------------------------------------------------------------------------

def _attachment(row: Row) -> Attachment | None:
    if row["attachment_file_id"] is None:
        return None
    return Attachment(row["attachment_file_id"], row["attachment_kind"],
                      row["attachment_name"] or "", row["attachment_size"] or 0)


def _time(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


async def _employee(conn: aiosqlite.Connection, nip: str,
                    cache: dict[str, Employee]) -> Employee:
    if nip not in cache:
        found = await employees.by_nip(conn, nip)
        if found is None:
            raise NotFound(f"Pegawai dengan NIP {nip} tidak ditemukan.")
        cache[nip] = found
    return cache[nip]


async def _views(conn: aiosqlite.Connection, rows: list[aiosqlite.Row],
                 cache: dict[str, Employee],
                 subjects: dict[int, approvals.Subject] | None = None) -> list[RequestView]:
    ids = [r["id"] for r in rows]
    if subjects is None:
        subjects = await approvals.load_many(conn, approvals.REQUEST, ids)
    proposals = await usulan.load_many(conn, ids)
    answers = await cuti_answers.load_many(conn, ids)
    return [await _view(conn, row, subjects[row["id"]], cache, proposals.get(row["id"]),
                        answers.get(row["id"]))
            for row in rows]


async def _view(conn: aiosqlite.Connection, row: Row, subject: approvals.Subject,
                cache: dict[str, Employee], proposal: usulan.Usulan | None = None,
                answer: CutiAnswer | None = None) -> RequestView:
    request_id = row["id"]
    behalf = await step_moves.on_behalf(conn, approvals.REQUEST, request_id)
    steps = []
    for s in subject.steps:
        actors = tuple([await _employee(conn, nip, cache) for nip in s.actors])
        decided = subject.decision(s.position)
        stood_in = behalf.get((s.position, decided.actor_nip)) if decided else None
        steps.append(StepView(
            position=s.position, title=s.title, actions=s.actions, actors=actors,
            outcome=decided.action if decided else None,
            decided_by=await _employee(conn, decided.actor_nip, cache) if decided else None,
            decided_at=decided.acted_at if decided else None,
            note=decided.note if decided else None,
            on_behalf_of=(await _employee(conn, stood_in.official_nip, cache)
                          if stood_in else None),
            acting_prefix=step_moves.PREFIXES.get(stood_in.kind or "") if stood_in else None))
    kind = request_type(row["type"])
    assert kind is not None, f"unknown request type {row['type']!r} in the database"
    created = _time(row["created_at"])
    assert created is not None
    status = row["status"]
    if status == MENUNGGU and proposal is not None and not proposal.decided:
        status = DIUSULKAN
    return RequestView(
        id=request_id, applicant=await _employee(conn, row["nip"], cache), kind=kind,
        start=dt.date.fromisoformat(row["start_date"]), end=dt.date.fromisoformat(row["end_date"]),
        part=row["part"], working_days=row["working_days"], reason=row["reason"],
        attachment=_attachment(row), status=status,
        current_step=subject.state.position, round=subject.state.round,
        agenda_number=row["agenda_number"], created_at=created,
        closed_at=_time(row["closed_at"]), steps=tuple(steps),
        expected_time=dt.time.fromisoformat(row["expected_time"]) if row["expected_time"]
        else None, ground=row["ground"],
        withdrawal_asked=row["withdrawal_asked_at"] is not None, usulan=proposal,
        answer=answer)


async def _load(conn: aiosqlite.Connection, request_id: int,
                cache: dict[str, Employee] | None = None) -> RequestView:
    return (await _load_subject(conn, request_id, cache))[0]


async def _load_subject(conn: aiosqlite.Connection, request_id: int,
                        cache: dict[str, Employee] | None = None
                        ) -> tuple[RequestView, approvals.Subject]:
    """The request's view and the approval state it was built from (a decision acts on it).
    `cache` holds employees already read in the same transaction (and takes those read here):
    a write that loads the request again after changing it does not read them again."""
    async with conn.execute("SELECT * FROM requests WHERE id = ?", (request_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise NotFound(f"Pengajuan #{request_id} tidak ditemukan.")
    subjects = await approvals.load_many(conn, approvals.REQUEST, [request_id])
    return ((await _views(conn, [row], {} if cache is None else cache, subjects))[0],
            subjects[request_id])


async def get(db: Database, request_id: int) -> RequestView:
    # The view the last write of this request built (a decision's messages are rendered from
    # it right after the decision), unless anything was committed since.
    kept = db.kept((ENTITY, request_id))
    if isinstance(kept, RequestView):
        return kept
    async with db.read() as conn:
        return await _load(conn, request_id)


async def history(db: Database, nip: str, *, limit: int = 10) -> list[RequestView]:
    """The employee's latest requests, newest first."""
    async with db.read() as conn:
        async with conn.execute(
            "SELECT * FROM requests WHERE nip = ? ORDER BY id DESC LIMIT ?", (nip, limit)
        ) as cursor:
            rows = await cursor.fetchall()
        return await _views(conn, list(rows), {})


async def waiting_for(db: Database, nip: str, *, limit: int = 20) -> list[RequestView]:
    """Requests whose current step this employee may decide, oldest first."""
    async with db.read() as conn:
        ids = await approvals.waiting_ref_ids(conn, approvals.REQUEST, nip, limit=limit)
        marks = ", ".join("?" * len(ids))
        async with conn.execute(
            f"SELECT * FROM requests WHERE id IN ({marks}) AND status = ? ORDER BY id",
            (*ids, MENUNGGU)
        ) as cursor:
            rows = await cursor.fetchall()
        return await _views(conn, list(rows), {})


async def running(db: Database) -> list[tuple[RequestView, approvals.Subject]]:
    """Every request waiting on a step, with its engine subject (the step's clock and SLA
    marks), longest-waiting first: for /pantau and the time-standard watch."""
    async with db.read() as conn:
        ids = await approvals.running_ref_ids(conn, approvals.REQUEST)
        subjects = await approvals.load_many(conn, approvals.REQUEST, ids)
        rows: list[aiosqlite.Row] = []
        for first in range(0, len(ids), 500):
            chunk = ids[first:first + 500]
            marks = ", ".join("?" * len(chunk))
            async with conn.execute(
                f"SELECT * FROM requests WHERE id IN ({marks}) AND status = ?",
                (*chunk, MENUNGGU),
            ) as cursor:
                rows += await cursor.fetchall()
        by_id = {r["id"]: r for r in rows}
        cache: dict[str, Employee] = {}
        return [(await _view(conn, by_id[i], subjects[i], cache), subjects[i])
                for i in ids if i in by_id]


# --- checks ----------------------------------------------------------------------------------

def _kind(type_key: str) -> RequestType:
    kind = request_type(type_key)
    if kind is None:
        raise rules.RequestRefused("Jenis pengajuan tidak dikenal.")
    return kind


def offered_types(employee: Employee) -> tuple[RequestType, ...]:
    """The types the /izin form offers this employee (by status)."""
    return rights.offered_types(employee.status, employee.gender)


def _before_one_year(employee: Employee, day: dt.date) -> bool:
    return day < leave.eligible_from(service_start(employee.nip))


def check_type(employee: Employee, type_key: str) -> RequestType:
    """The type, if this employee may take it at all; RequestRefused (the rule) otherwise."""
    kind = _kind(type_key)
    if refusal := rights.employee_refusal(kind, employee.status, employee.gender):
        raise rules.RequestRefused(refusal)
    return kind


def form_grounds(employee: Employee, type_key: str, *, today: dt.date
                 ) -> tuple[rights.Ground, ...]:
    """The grounds the form asks the employee to choose from for this type (may be none)."""
    kind = check_type(employee, type_key)
    return rights.grounds(kind, employee.status, employee.gender,
                          before_one_year=_before_one_year(employee, today))


def check_ground(employee: Employee, type_key: str, ground: str | None, *,
                 today: dt.date) -> None:
    kind = check_type(employee, type_key)
    if refusal := rights.ground_refusal(kind, employee.status, employee.gender, ground,
                                        before_one_year=_before_one_year(employee, today)):
        raise rules.RequestRefused(refusal)


async def _open_spans(conn: aiosqlite.Connection, nip: str, start: dt.date,
                      end: dt.date) -> list[rules.Span]:
    async with conn.execute(
        "SELECT id, type, start_date, end_date, part FROM requests WHERE nip = ? "
        "AND status IN (?, ?, ?, ?) AND end_date >= ? AND start_date <= ?",
        (nip, *HOLDING_STATUSES, start.isoformat(), end.isoformat()),
    ) as cursor:
        rows = await cursor.fetchall()
    spans = []
    for r in rows:
        kind = request_type(r["type"])
        spans.append(rules.Span(r["id"], kind.label if kind else r["type"],
                                dt.date.fromisoformat(r["start_date"]),
                                dt.date.fromisoformat(r["end_date"]), r["part"]))
    return spans


async def _spans_of_type(conn: aiosqlite.Connection, nip: str, type_key: str,
                         ignore_id: int | None) -> list[tuple[int, dt.date, dt.date]]:
    """Approved or waiting requests of one type, earliest first."""
    async with conn.execute(
        "SELECT id, start_date, end_date FROM requests WHERE nip = ? AND type = ? "
        "AND status IN (?, ?, ?, ?) ORDER BY start_date", (nip, type_key, *HOLDING_STATUSES)
    ) as cursor:
        rows = await cursor.fetchall()
    return [(r["id"], dt.date.fromisoformat(r["start_date"]), dt.date.fromisoformat(r["end_date"]))
            for r in rows if r["id"] != ignore_id]


def _date(day: dt.date) -> str:
    return day.strftime("%d-%m-%Y")


async def _sick_spell_start(conn: aiosqlite.Connection, calendar: OfficeCalendar,
                            employee: Employee, start: dt.date, ignore_id: int | None) -> dt.date:
    """Where the spell of cuti sakit that `start` continues began: earlier cuti sakit that
    end right before it (nothing but days off in between) count with it."""
    spell = start
    for _, earlier_start, earlier_end in reversed(
            await _spans_of_type(conn, employee.nip, rights.CUTI_SAKIT, ignore_id)):
        if earlier_end < spell and calendar.next_working_day(earlier_end) >= spell:
            spell = earlier_start
    return spell


async def _check_sick_spell(conn: aiosqlite.Connection, calendar: OfficeCalendar,
                            employee: Employee, start: dt.date, end: dt.date,
                            ignore_id: int | None) -> str | None:
    """Refuse a cuti sakit past the cumulative limit; return the ground it needs (the tim
    penguji kesehatan letter past one year) or None."""
    spell = await _sick_spell_start(conn, calendar, employee, start, ignore_id)
    if employee.is_pppk:
        if end >= rules.add_months(spell, rights.PPPK_SICK_MONTHS):
            last = rules.add_months(spell, rights.PPPK_SICK_MONTHS) - dt.timedelta(days=1)
            raise rules.RequestRefused(
                f"Cuti sakit PPPK paling lama 1 bulan (PP 49/2018), dihitung bersama cuti sakit "
                f"sebelumnya sejak {_date(spell)}: paling lambat sampai dengan {_date(last)}.")
        return None
    if end < rules.add_months(spell, rights.SICK_MONTHS):
        return None
    limit = rules.add_months(spell, rights.SICK_MONTHS_EXTENDED)
    if end >= limit:
        raise rules.RequestRefused(
            f"Cuti sakit paling lama 1 tahun dan dapat ditambah paling lama 6 bulan dengan surat "
            f"keterangan tim penguji kesehatan, dihitung bersama cuti sakit sebelumnya sejak "
            f"{_date(spell)}: paling lambat sampai dengan {_date(limit - dt.timedelta(days=1))}.")
    return rights.SAKIT_TIM_PENGUJI


async def _check_besar_set_off(conn: aiosqlite.Connection, calendar: OfficeCalendar,
                               employee: Employee, kind: RequestType, start: dt.date,
                               days: list[dt.date]) -> None:
    """Cuti tahunan taken in the year shortens a cuti besar by as many working days."""
    taken = await leave.taken_days(conn, employee.nip, start.year, calendar)
    if not taken:
        return
    window = calendar.working_days(
        start, rules.add_months(start, kind.max_months or 3) - dt.timedelta(days=1))
    allowed = max(0, len(window) - taken)
    if len(days) > allowed:
        until = f" (sampai dengan {_date(window[allowed - 1])})" if allowed else ""
        raise rules.RequestRefused(
            f"Cuti tahunan yang sudah diambil pada tahun {start.year} ({taken} hari kerja) "
            f"mengurangi cuti besar: paling lama {allowed} hari kerja{until}.")


async def _check_early_annual(conn: aiosqlite.Connection, calendar: OfficeCalendar,
                              employee: Employee, start: dt.date, working_days: int,
                              ignore_id: int | None) -> None:
    eligible = leave.eligible_from(service_start(employee.nip))
    taken = sum(len(calendar.working_days(s, min(e, eligible - dt.timedelta(days=1))))
                for _, s, e in await _spans_of_type(conn, employee.nip, rights.CUTI_TAHUNAN,
                                                    ignore_id) if s < eligible)
    if refusal := rights.early_annual_refusal(working_days, taken):
        raise rules.RequestRefused(refusal)


async def _check_dates(conn: aiosqlite.Connection, policy: RequestPolicy,
                       calendar: OfficeCalendar, employee: Employee, kind: RequestType,
                       start: dt.date, end: dt.date, today: dt.date,
                       ignore_id: int | None, ground: str | None = None) -> DatesCheck:
    if refusal := rights.employee_refusal(kind, employee.status, employee.gender):
        raise rules.RequestRefused(refusal)
    days = calendar.working_days(start, end)
    notes: list[str] = []
    if kind.key == rights.SAKIT and len(days) > 1:
        # One day of sakit is a note to the atasan; more is cuti sakit, decided by the pejabat
        # berwenang (Peraturan BKN 7/2021 III.C.2).
        kind, ground = _kind(rights.CUTI_SAKIT), None
        notes.append("sakit_as_cuti")
    limited = replace(kind, max_months=rights.max_months(kind, employee.status))
    rules.check_dates(limited, start, end, today=today, backdate_days=policy.backdate_days,
                      max_ahead_days=policy.max_ahead_days)
    rules.check_working_days(len(days))
    before_one_year = _before_one_year(employee, start)
    if kind.key != rights.CUTI_SAKIT and (refusal := rights.ground_refusal(
            kind, employee.status, employee.gender, ground, before_one_year=before_one_year)):
        raise rules.RequestRefused(refusal)
    early = (kind.key == rights.CUTI_TAHUNAN and before_one_year
             and rights.waives_service(kind, ground))
    if not rights.waives_service(kind, ground):
        rules.check_service(kind, service_start(employee.nip), start)
    rules.check_overlap(start, end, kind.part, await _open_spans(conn, employee.nip, start, end),
                        ignore_id=ignore_id)
    label = kind.attachment_label
    if kind.key == rights.CUTI_SAKIT:
        ground = await _check_sick_spell(conn, calendar, employee, start, end, ignore_id)
        if ground == rights.SAKIT_TIM_PENGUJI:
            label = "surat keterangan tim penguji kesehatan"
            notes.append("sick_extension")
    if kind.key == rights.CUTI_BESAR:
        await _check_besar_set_off(conn, calendar, employee, kind, start, days)
    balance = None
    if early:
        await _check_early_annual(conn, calendar, employee, start, len(days), ignore_id)
    elif kind.uses_annual_balance:
        for year, count in sorted(leave.days_by_year(days).items()):
            year_balance = await leave.balance(conn, employee.nip, year, calendar=calendar,
                                               policy=policy.leave, exclude_id=ignore_id)
            if year_balance.besar is not None:
                raise rules.RequestRefused(
                    f"Anda mengambil cuti besar pada tahun {year} (pengajuan "
                    f"#{year_balance.besar.request_id}), sehingga tidak berhak atas cuti tahunan "
                    "pada tahun itu (PP 11/2017).")
            rules.check_balance(kind, count, year_balance.remaining)
            balance = balance or year_balance
    return DatesCheck(len(days), rules.attachment_needed(kind), balance, type_key=kind.key,
                      attachment_label=label, ground=ground, notes=tuple(notes))


async def check_dates(db: Database, policy: RequestPolicy, calendar: OfficeCalendar,
                      employee: Employee, type_key: str, start: dt.date, end: dt.date, *,
                      today: dt.date, ignore_id: int | None = None,
                      ground: str | None = None) -> DatesCheck:
    """Check chosen dates while the employee is still filling in the request."""
    kind = _kind(type_key)
    async with db.read() as conn:
        return await _check_dates(conn, policy, calendar, employee, kind, start, end, today,
                                  ignore_id, ground)


async def annual_balance(db: Database, policy: RequestPolicy, calendar: OfficeCalendar,
                         nip: str, year: int) -> leave.LeaveBalance:
    async with db.read() as conn:
        return await leave.balance(conn, nip, year, calendar=calendar, policy=policy.leave)


def check_attachment(policy: RequestPolicy, *, mime_type: str | None, size: int | None,
                     is_photo: bool) -> str:
    """"photo" or "pdf" (sent as a file) for an acceptable upload; RequestRefused otherwise."""
    return rules.attachment_kind(mime_type, size, is_photo=is_photo,
                                 max_bytes=policy.max_attachment_bytes)


async def first_deciders(db: Database, policy: RequestPolicy, employee: Employee,
                         type_key: str) -> tuple[str, tuple[Employee, ...]] | None:
    """Who would receive the request first (step title and people), for the summary."""
    kind = _kind(type_key)
    async with db.read() as conn:
        resolved = await _resolve(conn, policy, kind, employee)
    if not resolved.steps:
        return None
    first = resolved.steps[0]
    return first.step.title, tuple(resolved.people[n] for n in first.actors)


def proposed_to(policy: RequestPolicy, office: Office, employee: Employee,
                type_key: str) -> str | None:
    """Whom the request will be proposed to once the office's steps are done (CLTN, the
    Kepala's own cuti), for the summary; None when the office grants it."""
    kind = _kind(type_key)
    basis = usulan.basis_for(kind.key, kind.is_cuti, employee.peran)
    if basis is None:
        return None
    return usulan.addressee(basis, office, ppk=policy.usulan_ppk,
                            kepala_superior=policy.usulan_kepala_superior)


# --- submitting ------------------------------------------------------------------------------

def _person(e: Employee) -> chains.Person:
    return chains.Person(e.nip, e.peran, e.atasan_nip, e.active)


async def _candidates(conn: aiosqlite.Connection, chain: chains.Chain,
                      applicant: Employee) -> list[Employee]:
    """Only the employees the chain's steps can name (not the whole office): the atasan,
    holders of the perans it uses, and the NIPs it names."""
    found: dict[str, Employee] = {}
    for step in chain.steps:
        if step.actor.kind == chains.PERAN:
            found.update((e.nip, e) for e in await employees.by_role(conn, step.actor.value))
            continue
        nip = applicant.atasan_nip if step.actor.kind == chains.ATASAN_LANGSUNG \
            else step.actor.value
        if nip and nip not in found and (person := await employees.by_nip(conn, nip)):
            found[nip] = person
    return list(found.values())


@dataclass(frozen=True)
class _Resolved:
    steps: list[chains.ResolvedStep]
    people: dict[str, Employee]
    # (position, stand-in): who acts for whom from the start
    delegated: list[tuple[int, acting.StandIn]]


async def _resolve(conn: aiosqlite.Connection, policy: RequestPolicy, kind: RequestType,
                   applicant: Employee) -> _Resolved:
    """The chain for this applicant, with every official who has a Plh/Plt in force replaced
    by who acts for them."""
    chain = policy.chain_for(kind.key)
    staff = await _candidates(conn, chain, applicant)
    substitutes = await acting.load(conn)
    steps, delegated = [], []
    for step in chains.resolve(chain, _person(applicant), [_person(e) for e in staff]):
        delegated += [(step.position, s)
                      for s in substitutes.stand_ins(step.actors, applicant=applicant.nip)]
        steps.append(replace(step, actors=substitutes.apply(step.actors,
                                                            applicant=applicant.nip)))
    people = {e.nip: e for e in staff}
    for step in steps:
        for nip in step.actors:
            if nip not in people and (person := await employees.by_nip(conn, nip)):
                people[nip] = person
    return _Resolved(steps, people, delegated)


async def _validate(conn: aiosqlite.Connection, policy: RequestPolicy, calendar: OfficeCalendar,
                    employee: Employee, draft: Draft, today: dt.date,
                    ignore_id: int | None) -> tuple[RequestType, str, DatesCheck]:
    reason = rules.check_reason(draft.reason)
    checked = await _check_dates(conn, policy, calendar, employee, _kind(draft.type_key),
                                 draft.start, draft.end, today, ignore_id, draft.ground)
    kind = _kind(checked.type_key)
    rules.check_attachment_present(kind, draft.attachment is not None, checked.attachment_label)
    rules.check_part_time(kind.part, draft.expected_time)
    return kind, reason, checked


def _time_column(draft: Draft) -> str | None:
    return draft.expected_time.strftime("%H:%M") if draft.expected_time else None


def _attachment_columns(draft: Draft) -> tuple[object, ...]:
    a = draft.attachment
    return (a.file_id, a.kind, a.name, a.size) if a else (None, None, None, None)


async def submit(db: Database, policy: RequestPolicy, calendar: OfficeCalendar,
                 employee: Employee, draft: Draft, *, at: dt.datetime,
                 telegram_user_id: int | None, office: Office | None = None) -> RequestView:
    """File a request: validate, resolve the approval chain, store it, audit it.

    The Kepala's own cuti usually has no step in the office at all (nobody above him is
    registered): it is proposed to his superior at once, the usulan letter signed by himself.
    `office` (the letterhead and the default addressees) is needed for that case only.
    """
    async with db.transaction() as conn:
        kind, reason, checked = await _validate(conn, policy, calendar, employee, draft,
                                                at.date(), None)
        working_days = checked.working_days
        resolved = await _resolve(conn, policy, kind, employee)
        steps = resolved.steps
        basis = usulan.basis_for(kind.key, kind.is_cuti, employee.peran)
        direct = not steps and basis is not None and employee.peran == usulan.KEPALA_ROLE
        if direct and office is None:
            raise ValueError("the Kepala's own cuti is proposed at once: pass the office")
        # A chain left with only the atasan's pertimbangan (no pejabat berwenang in the
        # registry) has nobody to decide: a pertimbangan must never grant a cuti.
        if (not steps and not direct) or (steps and chains.SETUJUI not in
                                          steps[-1].step.actions):
            raise rules.RequestRefused(
                "Belum ada pejabat yang dapat memproses pengajuan Anda (atasan langsung atau "
                "pejabat berwenang belum tercatat). Hubungi pengelola kepegawaian.")
        async with conn.execute(
            "INSERT INTO requests (nip, type, start_date, end_date, part, working_days, reason, "
            "attachment_file_id, attachment_kind, attachment_name, attachment_size, status, "
            "created_at, updated_at, expected_time, ground) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING *",
            (employee.nip, kind.key, draft.start.isoformat(), draft.end.isoformat(), kind.part,
             working_days, reason, *_attachment_columns(draft), MENUNGGU, at.isoformat(),
             at.isoformat(), _time_column(draft), checked.ground)) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        request_id: int = row["id"]
        subject = await approvals.open_subject(
            conn, kind=approvals.REQUEST, ref_id=request_id,
            definition=policy.chain_for(kind.key).key, applicant_nip=employee.nip,
            steps=[approvals.NewStep(s.step.key, s.step.title, s.step.actions, s.actors)
                   for s in steps], now=at, state=engine.DONE if direct else engine.RUNNING)
        if draft.activity_location is not None and kind.code == "DL":
            await presensi_lokasi.save_activity_location(conn, request_id,
                                                         draft.activity_location)
        for position, stand_in in resolved.delegated:
            await acting.record_stand_in(conn, approvals.REQUEST, request_id, position,
                                         stand_in, at)
        await audit.record(conn, at=at, actor=audit.Actor(employee.nip, telegram_user_id),
                           action="request.submit", entity=ENTITY, entity_id=request_id,
                           detail={"type": kind.key, "start": draft.start, "end": draft.end,
                                   "working_days": working_days, "ground": checked.ground,
                                   "chain": [list(s.actors) for s in steps]})
        if direct:
            assert office is not None and basis is not None
            pending = await _load(conn, request_id)
            await _number(conn, policy, office, pending, at)
            await _propose(conn, policy, office, request_id, basis, signer=employee.nip,
                           at=at, telegram_user_id=telegram_user_id)
            view = await _load(conn, request_id)
            await outbox.enqueue(conn, notices.proposed(view, await _admin_nips(conn)), now=at)
            return view
        # The row and the subject are as written; a new request has no usulan nor cuti answer
        # yet (requests are never deleted, so no such row of an earlier id is left over). The
        # chain's people were read in this transaction.
        view = await _view(conn, row, subject, dict(resolved.people))
        db.keep((ENTITY, request_id), view)
        await outbox.enqueue(conn, notices.after_submit(view), now=at)
        return view


async def resubmit(db: Database, policy: RequestPolicy, calendar: OfficeCalendar,
                   employee: Employee, request_id: int, draft: Draft, *, at: dt.datetime,
                   telegram_user_id: int | None) -> RequestView:
    """Send a returned request back into its chain, corrected; the chain starts again."""
    async with db.transaction() as conn:
        current = await _load(conn, request_id)
        if current.applicant.nip != employee.nip:
            raise DecisionRefused("Pengajuan ini bukan milik Anda.")
        if current.status != DIKEMBALIKAN:
            raise DecisionRefused(f"Pengajuan #{request_id} tidak sedang dikembalikan "
                                  f"(status: {STATUS_LABELS[current.status]}).")
        draft = replace(draft, type_key=current.kind.key)
        kind, reason, checked = await _validate(conn, policy, calendar, employee, draft,
                                                at.date(), request_id)
        if kind.key != current.kind.key:
            # The chain was resolved for the type as filed; another type needs a new request.
            raise rules.RequestRefused(
                f"Perbaikan tidak dapat mengubah jenis pengajuan ({current.kind.label}); "
                "batalkan pengajuan ini dan ajukan yang baru.")
        working_days = checked.working_days
        cursor = await conn.execute(
            "UPDATE requests SET start_date = ?, end_date = ?, working_days = ?, reason = ?, "
            "attachment_file_id = ?, attachment_kind = ?, attachment_name = ?, "
            "attachment_size = ?, status = ?, updated_at = ?, expected_time = ?, ground = ? "
            "WHERE id = ? AND status = ?",
            (draft.start.isoformat(), draft.end.isoformat(), working_days, reason,
             *_attachment_columns(draft), MENUNGGU, at.isoformat(), _time_column(draft),
             checked.ground, request_id, DIKEMBALIKAN))
        if cursor.rowcount != 1:
            raise DecisionRefused(f"Pengajuan #{request_id} sudah berubah; muat ulang /riwayat.")
        subject = await approvals.load(conn, approvals.REQUEST, request_id)
        assert subject is not None
        try:
            await approvals.resubmit(conn, subject, now=at, restart=engine.FROM_FIRST)
        except approvals.Stale:
            raise DecisionRefused(f"Pengajuan #{request_id} sudah berubah; muat ulang "
                                  "/riwayat.") from None
        if draft.activity_location is not None and current.kind.code == "DL":
            await presensi_lokasi.save_activity_location(conn, request_id,
                                                         draft.activity_location)
        await audit.record(conn, at=at, actor=audit.Actor(employee.nip, telegram_user_id),
                           action="request.resubmit", entity=ENTITY, entity_id=request_id,
                           detail={"start": draft.start, "end": draft.end,
                                   "working_days": working_days, "round": current.round + 1})
        view = await _load(conn, request_id)
        db.keep((ENTITY, request_id), view)
        await outbox.enqueue(conn, notices.after_submit(view), now=at)
        return view


def _cancel_refusal(view: RequestView, employee: Employee) -> DecisionRefused | None:
    if view.applicant.nip != employee.nip:
        return DecisionRefused("Anda tidak berwenang: pengajuan ini bukan milik Anda.")
    if view.status not in OPEN_STATUSES:
        return DecisionRefused(f"Pengajuan #{view.id} tidak dapat dibatalkan karena "
                               f"sudah {STATUS_LABELS[view.status]}.")
    return None


async def check_cancellable(db: Database, request_id: int, employee: Employee) -> RequestView:
    """The request the applicant asks to cancel, before asking "Yakin?"; refused as cancel
    would refuse it."""
    view = await get(db, request_id)
    refusal = _cancel_refusal(view, employee)
    if refusal is not None:
        raise refusal
    return view


async def cancel(db: Database, request_id: int, employee: Employee, *, at: dt.datetime,
                 telegram_user_id: int | None) -> RequestView:
    """The applicant withdraws a request that is not decided yet."""
    async with db.transaction() as conn:
        before = await _load(conn, request_id)
        if before.status == DIUSULKAN:
            # Stored as "menunggu", but the usulan is out of the office's hands.
            raise _cancel_refusal(before, employee) or DecisionRefused(
                "Pengajuan ini tidak dapat dibatalkan sekarang.")
        cursor = await conn.execute(
            "UPDATE requests SET status = ?, updated_at = ?, closed_at = ? "
            "WHERE id = ? AND nip = ? AND status IN (?, ?)",
            (DIBATALKAN, at.isoformat(), at.isoformat(), request_id, employee.nip,
             *OPEN_STATUSES))
        if cursor.rowcount != 1:
            refusal = _cancel_refusal(await _load(conn, request_id), employee)
            raise refusal or DecisionRefused("Pengajuan ini tidak dapat dibatalkan sekarang.")
        subject = await approvals.load(conn, approvals.REQUEST, request_id)
        assert subject is not None
        await approvals.close(conn, subject, state=engine.CANCELLED, now=at)
        await audit.record(conn, at=at, actor=audit.Actor(employee.nip, telegram_user_id),
                           action="request.cancel", entity=ENTITY, entity_id=request_id)
        view = await _load(conn, request_id)
        if before.status == MENUNGGU:
            # Cards of a returned request were closed when it was returned.
            listed = await approvals.cards(conn, approvals.REQUEST, request_id,
                                           before.current_step, before.round)
            await outbox.enqueue(conn, notices.after_cancel(view, before.current_step,
                                                            before.round, listed), now=at)
        return view


# --- withdrawing an approved request ---------------------------------------------------------

def last_approver(view: RequestView) -> Employee | None:
    """Who gave the final approval: the one who confirms a withdrawal."""
    return view.steps[-1].decided_by if view.steps else None


def _withdraw_refusal(view: RequestView, employee: Employee,
                      today: dt.date) -> DecisionRefused | None:
    if view.applicant.nip != employee.nip:
        return DecisionRefused("Pengajuan ini bukan milik Anda.")
    if view.status != DISETUJUI:
        return DecisionRefused(f"Pengajuan #{view.id} tidak dapat ditarik karena "
                               f"{STATUS_LABELS[view.status]}.")
    if view.usulan is not None:
        return DecisionRefused(f"Pengajuan #{view.id} diputuskan dengan SK "
                               f"{view.usulan.sk_number or '-'}; pembatalannya hanya melalui "
                               "pejabat yang menetapkan SK tersebut.")
    if view.start <= today:
        return DecisionRefused(f"Pengajuan #{view.id} sudah dimulai; hanya pengajuan yang "
                               "belum dimulai yang dapat ditarik.")
    if view.withdrawal_asked:
        return DecisionRefused(f"Penarikan pengajuan #{view.id} sudah diminta dan menunggu "
                               "konfirmasi.")
    return None


async def check_withdrawable(db: Database, request_id: int, employee: Employee, *,
                             today: dt.date) -> RequestView:
    """The approved request the applicant asks to withdraw, before asking "Yakin?"."""
    view = await get(db, request_id)
    refusal = _withdraw_refusal(view, employee, today)
    if refusal is not None:
        raise refusal
    return view


async def ask_withdrawal(db: Database, request_id: int, employee: Employee, *,
                         at: dt.datetime, telegram_user_id: int | None) -> RequestView:
    """The applicant asks to withdraw an approved request that has not started; the last
    approver gets a card to confirm it."""
    async with db.transaction() as conn:
        view = await _load(conn, request_id)
        refusal = _withdraw_refusal(view, employee, at.date())
        approver = last_approver(view)
        if refusal is not None:
            raise refusal
        if approver is None:
            raise DecisionRefused("Pengajuan ini tidak memiliki pejabat yang menyetujuinya.")
        cursor = await conn.execute(
            "UPDATE requests SET withdrawal_asked_at = ?, updated_at = ? "
            "WHERE id = ? AND status = ? AND withdrawal_asked_at IS NULL",
            (at.isoformat(), at.isoformat(), request_id, DISETUJUI))
        if cursor.rowcount != 1:
            raise DecisionRefused("Pengajuan ini baru saja berubah; muat ulang /riwayat.")
        await audit.record(conn, at=at, actor=audit.Actor(employee.nip, telegram_user_id),
                           action="request.withdraw_ask", entity=ENTITY, entity_id=request_id)
        await outbox.enqueue(conn, notices.withdrawal_asked(view, approver), now=at)
        return await _load(conn, request_id)


async def confirm_withdrawal(db: Database, request_id: int, approver: Employee, *,
                             at: dt.datetime, telegram_user_id: int | None) -> RequestView:
    """The last approver confirms: the request is withdrawn, its absence days are removed (so
    the cuti balance is whole again), and everyone who decided it is told."""
    async with db.transaction() as conn:
        view = await _load(conn, request_id)
        decider = last_approver(view)
        if decider is None or decider.nip != approver.nip:
            raise DecisionRefused("Anda tidak berwenang mengonfirmasi penarikan pengajuan ini.")
        if view.status != DISETUJUI or not view.withdrawal_asked:
            raise DecisionRefused(f"Pengajuan #{request_id} sudah {STATUS_LABELS[view.status]}; "
                                  "tidak ada yang diubah.")
        if view.start <= at.date():
            raise DecisionRefused(f"Pengajuan #{request_id} sudah dimulai sehingga tidak dapat "
                                  "ditarik lagi.")
        cursor = await conn.execute(
            "UPDATE requests SET status = ?, closed_at = ?, updated_at = ? "
            "WHERE id = ? AND status = ? AND withdrawal_asked_at IS NOT NULL",
            (DIBATALKAN, at.isoformat(), at.isoformat(), request_id, DISETUJUI))
        if cursor.rowcount != 1:
            raise DecisionRefused("Pengajuan ini baru saja berubah; tidak ada yang diubah.")
        await conn.execute("DELETE FROM absence_days WHERE request_id = ?", (request_id,))
        await audit.record(conn, at=at, actor=audit.Actor(approver.nip, telegram_user_id),
                           action="request.withdraw", entity=ENTITY, entity_id=request_id)
        after = await _load(conn, request_id)
        await outbox.enqueue(conn, notices.withdrawn(after, approver), now=at)
        return after


# --- deciding --------------------------------------------------------------------------------

def _refusal(view: RequestView, position: int, round_: int, nip: str,
             action: str | None = None) -> DecisionRefused:
    """Why a decision tap changed nothing. Authority first: someone who may not decide this
    step learns nothing about the request's state."""
    step = view.steps[position] if 0 <= position < len(view.steps) else None
    if step is None or nip not in {a.nip for a in step.actors}:
        return DecisionRefused("Anda tidak berwenang memutuskan pengajuan ini.")
    if view.status != MENUNGGU:
        return DecisionRefused(f"Pengajuan #{view.id} sudah {view.status_label}; "
                               "tidak ada yang diubah.")
    if round_ != view.round or position != view.current_step:
        return DecisionRefused("Tombol ini sudah tidak berlaku; keputusan pada tahap ini sudah "
                               "diberikan.")
    if action is not None and action not in step.actions:
        return DecisionRefused("Tindakan ini tidak tersedia pada tahap ini.")
    return DecisionRefused("Pengajuan ini tidak dapat diputuskan sekarang.")


async def check_turn(db: Database, request_id: int, position: int, round_: int, nip: str,
                     action: str) -> RequestView:
    """Whether `nip` may take `action` now; used before asking for a typed reason."""
    async with db.read() as conn:
        view = await _load(conn, request_id)
    step = view.current
    if (step is None or view.round != round_ or view.current_step != position
            or nip not in {a.nip for a in step.actors}):
        raise _refusal(view, position, round_, nip)
    if action not in step.actions:
        raise DecisionRefused("Tindakan ini tidak tersedia pada tahap ini.")
    if refusal := _answer_refusal(view, action):
        raise refusal
    return view


@dataclass(frozen=True)
class Answer:
    """What the pejabat's perubahan or tangguhkan carries besides the reason: the dates
    proposed, or the first day the postponed cuti may be taken."""

    start: dt.date | None = None
    end: dt.date | None = None
    postponed_until: dt.date | None = None


# A postponement lasts at most one year (PP 11/2017).
POSTPONE_MONTHS = 12


def postpone_window(view: RequestView, today: dt.date) -> tuple[dt.date, dt.date]:
    """The days a postponed cuti may be allowed from: after the day asked for (and after
    today), within a year of it."""
    earliest = max(view.start, today) + dt.timedelta(days=1)
    return earliest, rules.add_months(view.start, POSTPONE_MONTHS)


def granted_outside(view: RequestView) -> bool:
    """CLTN and the Kepala's own cuti are granted by the PPK (or the Kepala's superior): the
    office proposes them as filed, so its pejabat cannot change the dates nor postpone."""
    return _usulan_basis(view) is not None


def may_postpone(view: RequestView) -> bool:
    return (view.kind.is_cuti and rights.may_postpone(view.kind, view.ground)
            and not granted_outside(view))


def may_change(view: RequestView) -> bool:
    return not granted_outside(view)


def _answer_refusal(view: RequestView, action: str) -> DecisionRefused | None:
    """Why this cuti does not take this answer at all (whatever its dates), or None."""
    if action == chains.PERUBAHAN and not may_change(view):
        return DecisionRefused(f"{view.kind.label} ini diputuskan oleh PPK: pejabat di kantor "
                               "mengusulkannya sebagaimana diajukan, tanpa perubahan tanggal.")
    if action in (chains.TANGGUHKAN, engine.PERTIMBANGAN_TANGGUHKAN) and not may_postpone(view):
        return DecisionRefused(f"{view.kind.label} ini tidak dapat ditangguhkan"
                               + (" (cuti besar untuk persalinan anak ke-4 menggantikan cuti "
                                  "melahirkan)." if view.kind.key == rights.CUTI_BESAR
                                  else "."))
    return None


def _check_answer(view: RequestView, action: str, answer: Answer | None,
                  today: dt.date) -> None:
    if refusal := _answer_refusal(view, action):
        raise refusal
    if action == chains.TANGGUHKAN:
        until = answer.postponed_until if answer else None
        if until is None:
            raise DecisionRefused("Tanggal cuti dapat diambil wajib diisi.")
        earliest, latest = postpone_window(view, today)
        if not earliest <= until <= latest:
            raise DecisionRefused(
                f"Cuti yang ditangguhkan dapat diambil paling cepat {_date(earliest)} dan paling "
                f"lambat {_date(latest)} (penangguhan paling lama 1 tahun).")
    if action == chains.PERUBAHAN:
        if answer is None or answer.start is None or answer.end is None:
            raise DecisionRefused("Tanggal perubahan wajib diisi.")
        if (answer.start, answer.end) == (view.start, view.end):
            raise DecisionRefused("Tanggal yang diusulkan sama dengan yang diajukan.")


async def decide(db: Database, policy: RequestPolicy, calendar: OfficeCalendar, office: Office,
                 *, request_id: int, position: int, round_: int, action: str, nip: str,
                 note: str | None, at: dt.datetime, telegram_user_id: int | None,
                 answer: Answer | None = None) -> Decision:
    """Apply one approver's decision on the step they were shown, atomically. A cuti's
    perubahan carries the proposed dates (checked as the form checks them, for the
    applicant) and tangguhkan the first day it may be taken, in `answer`."""
    spec = engine.action(action)
    if spec is None:
        raise DecisionRefused("Tindakan tidak dikenal.")
    if spec.needs_reason and not (note and note.strip()):
        raise DecisionRefused("Alasan wajib diisi.")
    if note:
        note = text_limits.check_note(note)
    async with db.transaction() as conn:
        # Employees are not written by a decision: those the view read serve the one after it.
        people: dict[str, Employee] = {}
        view, subject = await _load_subject(conn, request_id, people)
        try:
            move = await approvals.act(conn, subject, position=position, round_=round_,
                                       actor_nip=nip, action=action,
                                       note=note.strip() if note else None, now=at)
        except (approvals.Stale, engine.TransitionRefused):
            raise _refusal(view, position, round_, nip, action) from None
        # Authority and staleness first (above); a refused answer rolls the action back.
        _check_answer(view, action, answer, at.date())
        status = _STATUS_AFTER.get(move.after.state, MENUNGGU)
        basis = _usulan_basis(view) if status == DISETUJUI else None
        if basis is not None:
            # The office's steps are done, but the grant is not the office's: the request
            # waits (status "menunggu") for the SK the admin records.
            status = MENUNGGU
        async with conn.execute(
            "UPDATE requests SET status = ?, updated_at = ?, closed_at = ? WHERE id = ? "
            "RETURNING *",
            (status, at.isoformat(),
             at.isoformat() if status in CLOSED_STATUSES else None, request_id)) as cursor:
            written = await cursor.fetchone()
        assert written is not None
        row: dict[str, Any] = dict(zip(written.keys(), written, strict=True))
        detail: dict[str, object] = {"position": position, "round": round_}
        if note:
            detail["note"] = note.strip()
        if status == PERUBAHAN:
            assert answer is not None and answer.start and answer.end
            detail |= await _propose_change(conn, policy, calendar, view, answer.start,
                                            answer.end, position=position, round_=round_,
                                            nip=nip, at=at)
        if status == DITANGGUHKAN:
            assert answer is not None and answer.postponed_until
            await cuti_answers.record(conn, CutiAnswer(
                request_id, cuti_answers.TANGGUHKAN, position, round_, nip, at, view.start,
                view.end, view.working_days, postponed_until=answer.postponed_until))
            detail["postponed_until"] = answer.postponed_until
        if status == DISETUJUI or basis is not None:
            detail["agenda_number"] = row["agenda_number"] = await _number(
                conn, policy, office, view, at)
        if status == DISETUJUI:
            await _write_absence_days(conn, view, calendar)
        await audit.record(conn, at=at, actor=audit.Actor(nip, telegram_user_id),
                           action=f"request.{action}", entity=ENTITY, entity_id=request_id,
                           detail=detail)
        if basis is not None:
            await _propose(conn, policy, office, request_id, basis, signer=nip, at=at,
                           telegram_user_id=telegram_user_id)
        if basis is None and status not in (PERUBAHAN, DITANGGUHKAN):
            # Nothing but the row and the subject changed, and both are at hand as written.
            decided = await _view(conn, row, move.subject, people, view.usulan, view.answer)
        else:
            decided = await _load(conn, request_id, people)
        db.keep((ENTITY, request_id), decided)
        listed = await approvals.cards(conn, approvals.REQUEST, request_id, position, round_)
        sent = notices.after_decision(decided, position, round_, listed)
        if decided.status == DIUSULKAN:
            sent += notices.proposed(decided, await _admin_nips(conn))
        await outbox.enqueue(conn, sent, now=at)
    return Decision(decided, action, position, final=decided.status != MENUNGGU)


async def _admin_nips(conn: aiosqlite.Connection) -> list[str]:
    """Who records the SK: every active admin (services.employees.ADMIN_ROLES)."""
    found: list[str] = []
    for role in sorted(employees.ADMIN_ROLES):
        found += [e.nip for e in await employees.by_role(conn, role)]
    return found


def _usulan_basis(view: RequestView) -> str | None:
    return usulan.basis_for(view.kind.key, view.kind.is_cuti, view.applicant.peran)


async def _number(conn: aiosqlite.Connection, policy: RequestPolicy, office: Office,
                  view: RequestView, at: dt.datetime) -> str:
    """The request's letter number (the surat izin/cuti, or the usulan letter)."""
    kind = view.kind
    number = await agenda.next_number(
        conn, policy.agenda_registers[kind.letter], policy.agenda_formats[kind.letter],
        unit=office.unit_code, day=at.date())
    await conn.execute("UPDATE requests SET agenda_number = ? WHERE id = ?", (number, view.id))
    return number


async def _propose(conn: aiosqlite.Connection, policy: RequestPolicy, office: Office,
                   request_id: int, basis: str, *, signer: str, at: dt.datetime,
                   telegram_user_id: int | None) -> None:
    """Enter the "diusulkan" phase: the addressee is fixed now, as the letter prints it."""
    addressed_to = usulan.addressee(basis, office, ppk=policy.usulan_ppk,
                                    kepala_superior=policy.usulan_kepala_superior)
    await usulan.open_usulan(conn, request_id=request_id, basis=basis,
                             addressed_to=addressed_to, proposed_by=signer, at=at)
    await audit.record(conn, at=at, actor=audit.Actor(signer, telegram_user_id),
                       action="request.usulan", entity=ENTITY, entity_id=request_id,
                       detail={"basis": basis, "kepada": addressed_to})


async def _propose_change(conn: aiosqlite.Connection, policy: RequestPolicy,
                          calendar: OfficeCalendar, view: RequestView, start: dt.date,
                          end: dt.date, *, position: int, round_: int, nip: str,
                          at: dt.datetime) -> dict[str, object]:
    """Perubahan: the proposed dates pass the form's checks for the applicant (working days,
    overlap, balance, the type's limits) and take the request's place, holding its days; the
    dates as filed are kept."""
    try:
        checked = await _check_dates(conn, policy, calendar, view.applicant, view.kind, start,
                                     end, at.date(), view.id, view.ground)
    except DomainError as error:
        raise DecisionRefused(f"Tanggal perubahan tidak dapat dipakai: {error.message}") \
            from None
    if checked.type_key != view.kind.key:
        raise DecisionRefused("Tanggal perubahan mengubah jenis cuti; pilih tanggal lain.")
    await conn.execute(
        "UPDATE requests SET start_date = ?, end_date = ?, working_days = ? WHERE id = ?",
        (start.isoformat(), end.isoformat(), checked.working_days, view.id))
    await cuti_answers.record(conn, CutiAnswer(
        view.id, cuti_answers.PERUBAHAN, position, round_, nip, at, view.start, view.end,
        view.working_days, proposed_start=start, proposed_end=end,
        proposed_days=checked.working_days))
    return {"asked": [view.start, view.end], "proposed": [start, end],
            "working_days": checked.working_days}


async def check_change(db: Database, policy: RequestPolicy, calendar: OfficeCalendar, *,
                       request_id: int, position: int, round_: int, nip: str, start: dt.date,
                       end: dt.date, today: dt.date) -> DatesCheck:
    """The pejabat's proposed dates, checked before the reason is asked (decide checks them
    again)."""
    view = await check_turn(db, request_id, position, round_, nip, chains.PERUBAHAN)
    _check_answer(view, chains.PERUBAHAN, Answer(start, end), today)
    async with db.read() as conn:
        try:
            return await _check_dates(conn, policy, calendar, view.applicant, view.kind, start,
                                      end, today, view.id, view.ground)
        except DomainError as error:
            raise DecisionRefused(f"Tanggal perubahan tidak dapat dipakai: {error.message}") \
                from None


async def check_postponement(db: Database, *, request_id: int, position: int, round_: int,
                             nip: str, until: dt.date, today: dt.date) -> RequestView:
    view = await check_turn(db, request_id, position, round_, nip, chains.TANGGUHKAN)
    _check_answer(view, chains.TANGGUHKAN, Answer(postponed_until=until), today)
    return view


# --- the applicant's answer to a perubahan -------------------------------------------------

async def answer_change(db: Database, policy: RequestPolicy, calendar: OfficeCalendar,
                        office: Office, request_id: int, employee: Employee, *, accept: bool,
                        at: dt.datetime, telegram_user_id: int | None) -> RequestView:
    """The applicant accepts the proposed dates (the cuti is approved for them, in one tap)
    or withdraws the request; the pejabat and whoever decided before are told."""
    async with db.transaction() as conn:
        view = await _load(conn, request_id)
        if view.applicant.nip != employee.nip:
            raise DecisionRefused("Pengajuan ini bukan milik Anda.")
        proposal = view.answer
        if view.status != PERUBAHAN or proposal is None or not proposal.awaiting_reply:
            raise DecisionRefused(f"Pengajuan #{request_id} sudah {view.status_label}; "
                                  "tidak ada yang diubah.")
        if accept:
            try:
                await _check_dates(conn, policy, calendar, employee, view.kind, view.start,
                                   view.end, at.date(), view.id, view.ground)
            except DomainError as error:
                raise DecisionRefused(f"Perubahan tidak dapat diterima lagi: {error.message} "
                                      "Tarik pengajuan ini dan ajukan yang baru.") from None
        subject = await approvals.load(conn, approvals.REQUEST, request_id)
        assert subject is not None
        if not await cuti_answers.record_reply(
                conn, request_id, cuti_answers.DITERIMA if accept else cuti_answers.DITARIK, at):
            raise DecisionRefused("Perubahan ini sudah dijawab; tidak ada yang diubah.")
        try:
            await approvals.settle(conn, subject, accepted=accept, now=at)
        except (approvals.Stale, engine.TransitionRefused):
            raise DecisionRefused("Pengajuan ini baru saja berubah; muat ulang /riwayat.") \
                from None
        detail: dict[str, object] = {"start": view.start, "end": view.end}
        if accept:
            await conn.execute(
                "UPDATE requests SET status = ?, updated_at = ?, closed_at = ? WHERE id = ?",
                (DISETUJUI, at.isoformat(), at.isoformat(), request_id))
            detail["agenda_number"] = await _number(conn, policy, office, view, at)
            await _write_absence_days(conn, view, calendar)
        else:
            # Withdrawn: the request ends as filed, and the proposed days are free again.
            await conn.execute(
                "UPDATE requests SET status = ?, start_date = ?, end_date = ?, working_days = ?,"
                " updated_at = ?, closed_at = ? WHERE id = ?",
                (DIBATALKAN, proposal.asked_start.isoformat(), proposal.asked_end.isoformat(),
                 proposal.asked_days, at.isoformat(), at.isoformat(), request_id))
        await audit.record(conn, at=at, actor=audit.Actor(employee.nip, telegram_user_id),
                           action="request.change_accept" if accept
                           else "request.change_withdraw", entity=ENTITY,
                           entity_id=request_id, detail=detail)
        after = await _load(conn, request_id)
        await outbox.enqueue(conn, notices.change_answered(after), now=at)
        return after


async def _write_absence_days(conn: aiosqlite.Connection, view: RequestView,
                              calendar: OfficeCalendar) -> None:
    # The approved request is the authoritative explanation of those days, so it replaces a
    # code entered earlier for the same day and part.
    await conn.executemany(
        "INSERT INTO absence_days (nip, day, part, code, request_id, part_time) "
        "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (nip, day, part) DO UPDATE SET "
        "code = excluded.code, request_id = excluded.request_id, part_time = excluded.part_time",
        [(view.applicant.nip, day.isoformat(), view.part, view.kind.code, view.id,
          view.expected_time.strftime("%H:%M") if view.expected_time else None)
         for day in calendar.working_days(view.start, view.end)])


# --- cards -----------------------------------------------------------------------------------

async def record_card(db: Database, request_id: int, position: int, round_: int, nip: str,
                      chat_id: int, message_id: int) -> None:
    async with db.transaction() as conn:
        await approvals.record_card(conn, approvals.REQUEST, request_id, position, round_, nip,
                                    chat_id, message_id)


async def cards(db: Database, request_id: int, position: int, round_: int) -> list[Card]:
    async with db.read() as conn:
        return await approvals.cards(conn, approvals.REQUEST, request_id, position, round_)
