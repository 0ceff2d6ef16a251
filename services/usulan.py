"""The admin's side of the "diusulkan" phase (services.usulan_phase): what waits for an SK, and
recording the SK that came back from the PPK or the Kepala's superior.

The SK is typed in steps (result; for a perubahan the dates it grants; number, date; then
Simpan), each kept in usulan_sk_drafts
so a restart between them loses nothing. Every step re-reads the admin's role and the request:
a tap from someone who is no longer admin, or on a request whose SK was recorded meanwhile,
changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import aiosqlite

from services import audit, employees, outbox
from services import request_notices as notices
from services import request_rules as rules
from services import requests as svc
from services import usulan_phase as phase
from services.calendar import OfficeCalendar
from services.employees import Employee
from services.errors import DomainError
from services.request_policy import RequestPolicy
from services.requests import DecisionRefused, RequestView
from services.storage import Database

NUMBER_MAX = 100
_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
_PERIOD = re.compile(r"^(\S+)\s*(?:s\.?\s?d\.?|s/d|sampai(?: dengan)?|-|–)\s*(\S+)$",
                     re.IGNORECASE)


class BadInput(DomainError):
    """A typed SK number or date that cannot be used; the question stays open."""


@dataclass(frozen=True)
class SkDraft:
    id: int
    request: RequestView
    result: str
    number: str | None
    day: dt.date | None
    start: dt.date | None = None     # perubahan: the dates the SK grants
    end: dt.date | None = None

    @property
    def complete(self) -> bool:
        dated = self.result != phase.PERUBAHAN or (self.start is not None
                                                   and self.end is not None)
        return self.number is not None and self.day is not None and dated


async def _admin(conn: aiosqlite.Connection, nip: str) -> Employee:
    person = await employees.by_nip(conn, nip)
    if person is None or not person.active or not person.is_admin:
        raise DecisionRefused("Hanya admin kepegawaian yang dapat mencatat SK atas usulan cuti.")
    return person


def _waiting_refusal(view: RequestView) -> DecisionRefused | None:
    if view.usulan is None:
        return DecisionRefused(f"Pengajuan #{view.id} tidak diusulkan kepada PPK; keputusannya "
                               "diberikan di kantor.")
    if view.status != svc.DIUSULKAN:
        sk = (f" dengan SK {view.usulan.sk_number}" if view.usulan.sk_number else "")
        return DecisionRefused(f"Keputusan atas usulan #{view.id} sudah dicatat{sk} "
                               f"(status: {svc.STATUS_LABELS[view.status]}); tidak ada yang "
                               "diubah.")
    return None


async def _waiting_view(conn: aiosqlite.Connection, request_id: int) -> RequestView:
    view = await svc._load(conn, request_id)
    if refusal := _waiting_refusal(view):
        raise refusal
    return view


async def waiting(db: Database, admin_nip: str, *, limit: int = 30) -> list[RequestView]:
    """Usulan waiting for their SK, oldest first (for /usulan)."""
    async with db.read() as conn:
        await _admin(conn, admin_nip)
        ids = await phase.waiting_ids(conn, limit=limit)
        return [await svc._load(conn, i) for i in ids]


async def check_waiting(db: Database, request_id: int, admin_nip: str) -> RequestView:
    """The usulan an admin is about to record an SK for."""
    async with db.read() as conn:
        await _admin(conn, admin_nip)
        return await _waiting_view(conn, request_id)


async def _draft(conn: aiosqlite.Connection, draft_id: int, admin_nip: str) -> SkDraft:
    async with conn.execute("SELECT * FROM usulan_sk_drafts WHERE id = ? AND nip = ?",
                            (draft_id, admin_nip)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise DecisionRefused("Pencatatan SK ini sudah tidak berlaku; mulai lagi dari /usulan.")
    view = await _waiting_view(conn, row["request_id"])
    return SkDraft(row["id"], view, row["result"], row["sk_number"], _day(row["sk_date"]),
                   _day(row["sk_start"]), _day(row["sk_end"]))


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


async def start(db: Database, request_id: int, admin_nip: str, result: str, *,
                at: dt.datetime) -> SkDraft:
    """The admin chose the SK's result: a new draft (replacing their older one for it)."""
    if result not in phase.RESULTS:
        raise DecisionRefused("Hasil keputusan tidak dikenal.")
    async with db.transaction() as conn:
        await _admin(conn, admin_nip)
        await _waiting_view(conn, request_id)
        await conn.execute("DELETE FROM usulan_sk_drafts WHERE request_id = ? AND nip = ?",
                           (request_id, admin_nip))
        async with conn.execute(
            "INSERT INTO usulan_sk_drafts (request_id, nip, result, created_at) "
            "VALUES (?, ?, ?, ?) RETURNING id", (request_id, admin_nip, result, at.isoformat()),
        ) as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return await _draft(conn, row[0], admin_nip)


def check_number(text: str) -> str:
    number = " ".join(text.split())
    if not 3 <= len(number) <= NUMBER_MAX or not any(c.isdigit() for c in number):
        raise BadInput("Nomor SK tidak dikenali: tuliskan nomor sebagaimana tertera pada SK "
                       f"(3–{NUMBER_MAX} karakter dan memuat angka), misalnya "
                       "800.1.6.4/123/BKPSDM/2026.")
    return number


def _parse_date(text: str) -> dt.date | None:
    match = _DATE.match(text.strip())
    try:
        return dt.date(int(match[3]), int(match[2]), int(match[1])) if match else None
    except ValueError:
        return None


def check_date(text: str, *, today: dt.date, proposed: dt.date) -> dt.date:
    day = _parse_date(text)
    if day is None:
        raise BadInput("Tanggal SK tidak dikenali: tuliskan dengan format HH-BB-TTTT, "
                       "misalnya 15-10-2026.")
    if day > today:
        raise BadInput("Tanggal SK tidak boleh sesudah hari ini.")
    if day < proposed:
        raise BadInput(f"Tanggal SK tidak boleh sebelum tanggal usulan "
                       f"({proposed:%d-%m-%Y}).")
    return day


async def set_number(db: Database, draft_id: int, admin_nip: str, text: str) -> SkDraft:
    number = check_number(text)
    async with db.transaction() as conn:
        await _admin(conn, admin_nip)
        await _draft(conn, draft_id, admin_nip)
        await conn.execute("UPDATE usulan_sk_drafts SET sk_number = ? WHERE id = ?",
                           (number, draft_id))
        return await _draft(conn, draft_id, admin_nip)


def parse_period(text: str) -> tuple[dt.date, dt.date]:
    """"12-10-2026 s.d. 14-10-2026" (one day: a single date)."""
    cleaned = " ".join(text.split())
    match = _PERIOD.match(cleaned)
    first, last = (_parse_date(match[1]), _parse_date(match[2])) if match else (
        _parse_date(cleaned),) * 2
    if first is None or last is None:
        raise BadInput("Tanggal cuti menurut SK tidak dikenali: tuliskan tanggal mulai dan "
                       "selesai, misalnya 12-10-2026 s.d. 14-10-2026.")
    if last < first:
        raise BadInput("Tanggal selesai tidak boleh sebelum tanggal mulai.")
    return first, last


async def _check_period(conn: aiosqlite.Connection, policy: RequestPolicy,
                        calendar: OfficeCalendar, view: RequestView, start: dt.date,
                        end: dt.date, today: dt.date) -> None:
    """The SK's dates, checked as the form checks dates (working days, overlap, balance),
    this request itself set aside."""
    if (start, end) == (view.start, view.end):
        raise BadInput("Tanggal menurut SK sama dengan yang diusulkan; pilih hasil "
                       "Disetujui.")
    try:
        await svc._check_dates(conn, policy, calendar, view.applicant, view.kind, start, end,
                               today, view.id, view.ground)
    except rules.RequestRefused as refused:
        raise BadInput(refused.message) from None


async def set_period(db: Database, policy: RequestPolicy, calendar: OfficeCalendar,
                     draft_id: int, admin_nip: str, text: str, *, today: dt.date) -> SkDraft:
    """Perubahan: the dates the SK grants."""
    start_day, end_day = parse_period(text)
    async with db.transaction() as conn:
        await _admin(conn, admin_nip)
        draft = await _draft(conn, draft_id, admin_nip)
        if draft.result != phase.PERUBAHAN:
            raise DecisionRefused("Tanggal baru hanya dicatat untuk SK dengan perubahan.")
        await _check_period(conn, policy, calendar, draft.request, start_day, end_day, today)
        await conn.execute("UPDATE usulan_sk_drafts SET sk_start = ?, sk_end = ? WHERE id = ?",
                           (start_day.isoformat(), end_day.isoformat(), draft_id))
        return await _draft(conn, draft_id, admin_nip)


async def set_date(db: Database, draft_id: int, admin_nip: str, text: str, *,
                   today: dt.date) -> SkDraft:
    async with db.transaction() as conn:
        await _admin(conn, admin_nip)
        draft = await _draft(conn, draft_id, admin_nip)
        assert draft.request.usulan is not None
        day = check_date(text, today=today, proposed=draft.request.usulan.proposed_at.date())
        await conn.execute("UPDATE usulan_sk_drafts SET sk_date = ? WHERE id = ?",
                           (day.isoformat(), draft_id))
        return await _draft(conn, draft_id, admin_nip)


async def discard(db: Database, draft_id: int, admin_nip: str) -> int:
    """Drop the admin's draft; the request it was for."""
    async with db.transaction() as conn, conn.execute(
        "DELETE FROM usulan_sk_drafts WHERE id = ? AND nip = ? RETURNING request_id",
        (draft_id, admin_nip),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        raise DecisionRefused("Pencatatan SK ini sudah tidak berlaku; tidak ada yang diubah.")
    return int(row[0])


async def record(db: Database, policy: RequestPolicy, calendar: OfficeCalendar, *,
                 draft_id: int, admin_nip: str, at: dt.datetime,
                 telegram_user_id: int | None) -> RequestView:
    """Simpan: the SK ends the request. Disetujui writes the absence days (and so the cuti
    balance) as any approved cuti; a perubahan first moves the request to the SK's dates
    (checked again: another request may have taken them meanwhile); tidak disetujui closes
    it. The applicant is told."""
    async with db.transaction() as conn:
        await _admin(conn, admin_nip)
        draft = await _draft(conn, draft_id, admin_nip)
        if not draft.complete:
            raise DecisionRefused("Nomor dan tanggal SK belum lengkap; mulai lagi dari /usulan.")
        assert draft.number is not None and draft.day is not None
        view = draft.request
        proposed = None
        if draft.result == phase.PERUBAHAN:
            assert draft.start is not None and draft.end is not None
            try:
                await _check_period(conn, policy, calendar, view, draft.start, draft.end,
                                    at.date())
            except BadInput as error:
                raise DecisionRefused(f"{error.message} Mulai lagi dari /usulan.") from None
            proposed = (view.start, view.end)
            await conn.execute(
                "UPDATE requests SET start_date = ?, end_date = ?, working_days = ? "
                "WHERE id = ?", (draft.start.isoformat(), draft.end.isoformat(),
                                 len(calendar.working_days(draft.start, draft.end)), view.id))
            view = await svc._load(conn, view.id)
        if not await phase.record_sk(conn, request_id=view.id, result=draft.result,
                                     number=draft.number, day=draft.day, by=admin_nip, at=at,
                                     proposed=proposed):
            raise DecisionRefused(f"Keputusan atas usulan #{view.id} baru saja dicatat; tidak "
                                  "ada yang diubah.")
        status = svc.DISETUJUI if draft.result in phase.GRANTED else svc.DITOLAK
        cursor = await conn.execute(
            "UPDATE requests SET status = ?, updated_at = ?, closed_at = ? "
            "WHERE id = ? AND status = ?",
            (status, at.isoformat(), at.isoformat(), view.id, svc.MENUNGGU))
        if cursor.rowcount != 1:
            raise DecisionRefused(f"Pengajuan #{view.id} baru saja berubah; tidak ada yang "
                                  "diubah.")
        if status == svc.DISETUJUI:
            await svc._write_absence_days(conn, view, calendar)
        await conn.execute("DELETE FROM usulan_sk_drafts WHERE request_id = ?", (view.id,))
        await audit.record(conn, at=at, actor=audit.Actor(admin_nip, telegram_user_id),
                           action="request.sk", entity=svc.ENTITY, entity_id=view.id,
                           detail={"hasil": draft.result, "nomor": draft.number,
                                   "tanggal": draft.day, "kepada": view.usulan.addressed_to
                                   if view.usulan else None,
                                   **({"diusulkan": list(proposed), "mulai": view.start,
                                       "selesai": view.end} if proposed else {})})
        after = await svc._load(conn, view.id)
        await outbox.enqueue(conn, notices.sk_recorded(after), now=at)
        return after
