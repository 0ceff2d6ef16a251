"""The admin's side of the "diusulkan" phase (services.usulan_phase): what waits for an SK, and
recording the SK that came back from the PPK or the Kepala's superior.

The SK is typed in steps (result, number, date, then Simpan), each kept in usulan_sk_drafts
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
from services import requests as svc
from services import usulan_phase as phase
from services.calendar import OfficeCalendar
from services.employees import Employee
from services.errors import DomainError
from services.requests import DecisionRefused, RequestView
from services.storage import Database

NUMBER_MAX = 100
_DATE = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")


class BadInput(DomainError):
    """A typed SK number or date that cannot be used; the question stays open."""


@dataclass(frozen=True)
class SkDraft:
    id: int
    request: RequestView
    result: str
    number: str | None
    day: dt.date | None

    @property
    def complete(self) -> bool:
        return self.number is not None and self.day is not None


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
    return SkDraft(row["id"], view, row["result"], row["sk_number"],
                   dt.date.fromisoformat(row["sk_date"]) if row["sk_date"] else None)


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


def check_date(text: str, *, today: dt.date, proposed: dt.date) -> dt.date:
    match = _DATE.match(text.strip())
    try:
        day = dt.date(int(match[3]), int(match[2]), int(match[1])) if match else None
    except ValueError:
        day = None
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


async def record(db: Database, calendar: OfficeCalendar, *, draft_id: int, admin_nip: str,
                 at: dt.datetime, telegram_user_id: int | None) -> RequestView:
    """Simpan: the SK ends the request. Disetujui writes the absence days (and so the cuti
    balance) as any approved cuti; tidak disetujui closes it. The applicant is told."""
    async with db.transaction() as conn:
        await _admin(conn, admin_nip)
        draft = await _draft(conn, draft_id, admin_nip)
        if not draft.complete:
            raise DecisionRefused("Nomor dan tanggal SK belum lengkap; mulai lagi dari /usulan.")
        assert draft.number is not None and draft.day is not None
        view = draft.request
        if not await phase.record_sk(conn, request_id=view.id, result=draft.result,
                                     number=draft.number, day=draft.day, by=admin_nip, at=at):
            raise DecisionRefused(f"Keputusan atas usulan #{view.id} baru saja dicatat; tidak "
                                  "ada yang diubah.")
        status = svc.DISETUJUI if draft.result == phase.DISETUJUI else svc.DITOLAK
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
                                   if view.usulan else None})
        after = await svc._load(conn, view.id)
        await outbox.enqueue(conn, notices.sk_recorded(after), now=at)
        return after
