"""An employee's account over time: unbinding Telegram, leaving the office and coming back.

Each change is one transaction with its audit row and the notice for the person (an outbox row
to the chat they were bound to, if any), and returns what changed, so the console and /pegawai
call the same functions and the running bot delivers the notice whoever made the change.
Nothing is deleted: an inactive employee keeps their history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

from services import audit, outbox
from services.employees import Employee, by_nip
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.nip import nip_problem
from services.outbox import Notice
from services.phone import normalize_imported_phone, normalize_telegram_phone
from services.storage import Database

UNLINKED = "account.unlinked"
DEACTIVATED = "account.deactivated"
ACTIVATED = "account.activated"


@dataclass(frozen=True)
class AccountChange:
    employee: Employee
    notice: Notice | None    # written to the outbox; None: the person has no chat to be told in


async def _employee(conn: aiosqlite.Connection, nip: str) -> Employee:
    problem = nip_problem(nip)
    if problem:
        raise DomainError(problem)
    employee = await by_nip(conn, nip)
    if employee is None:
        raise NotFound(f"Pegawai dengan NIP {nip} tidak terdaftar.")
    return employee


async def _tell(conn: aiosqlite.Connection, kind: str, employee: Employee, chat_id: int | None,
                at: dt.datetime) -> Notice | None:
    """The person's notice, written to the outbox in the change's transaction. It names the
    chat it goes to: after an unlink the employee has none, yet the old chat is told."""
    if chat_id is None or employee.telegram_blocked:
        return None
    notice = Notice(kind, employee.nip, chat_id, {"nama": employee.nama})
    await outbox.enqueue(conn, [notice], now=at)
    return notice


def require_operator(employee: Employee) -> None:
    """Only the office's administrators (pengelola kepegawaian, Kasubbag) change accounts."""
    if not employee.is_admin:
        raise NotAllowed("Anda tidak berwenang: perintah ini hanya untuk pengelola "
                         "kepegawaian.")


async def lookup(db: Database, nip: str, *, operator: Employee) -> Employee:
    """The employee an operator asks about, for the account card in chat."""
    require_operator(operator)
    async with db.read() as conn:
        return await _employee(conn, nip.replace(" ", ""))


async def unlink(db: Database, *, nip: str, at: dt.datetime,
                 actor: audit.Actor) -> AccountChange:
    """Unbind the Telegram account of `nip` (lost or sold phone, wrong binding)."""
    async with db.transaction() as conn:
        employee = await _employee(conn, nip)
        if employee.telegram_user_id is None:
            raise Conflict(f"{employee.nama} (NIP {nip}) tidak terhubung dengan akun Telegram.")
        await conn.execute(
            "UPDATE employees SET telegram_user_id = NULL, telegram_chat_id = NULL, "
            "telegram_phone = NULL, telegram_blocked_at = NULL, updated_at = ? WHERE nip = ?",
            (at.isoformat(), nip))
        await audit.record(conn, at=at, actor=actor, action="telegram.unlink",
                           entity="employee", entity_id=nip,
                           detail={"telegram_user_id": employee.telegram_user_id})
        notice = await _tell(conn, UNLINKED, employee, employee.telegram_chat_id, at)
        after = await by_nip(conn, nip)
    assert after is not None
    return AccountChange(after, notice)


async def deactivate_in(conn: aiosqlite.Connection, employee: Employee, *, at: dt.datetime,
                        actor: audit.Actor, reason: str) -> Notice | None:
    """Deactivate inside the caller's transaction (the console, a re-import)."""
    await conn.execute(
        "UPDATE employees SET active = 0, deactivated_on = ?, updated_at = ? WHERE nip = ?",
        (at.date().isoformat(), at.isoformat(), employee.nip))
    await audit.record(conn, at=at, actor=actor, action="employee.deactivate",
                       entity="employee", entity_id=employee.nip,
                       detail={"reason": reason, "from": at.date().isoformat()})
    return await _tell(conn, DEACTIVATED, employee, employee.telegram_chat_id, at)


async def deactivate(db: Database, *, nip: str, at: dt.datetime,
                     actor: audit.Actor) -> AccountChange:
    """The employee left: they can do and get nothing from today on; their history stays."""
    async with db.transaction() as conn:
        employee = await _employee(conn, nip)
        if not employee.active:
            raise Conflict(f"{employee.nama} (NIP {nip}) sudah nonaktif.")
        notice = await deactivate_in(conn, employee, at=at, actor=actor, reason="operator")
        after = await by_nip(conn, nip)
    assert after is not None
    return AccountChange(after, notice)


async def activate(db: Database, *, nip: str, at: dt.datetime,
                   actor: audit.Actor) -> AccountChange:
    async with db.transaction() as conn:
        employee = await _employee(conn, nip)
        if employee.active:
            raise Conflict(f"{employee.nama} (NIP {nip}) sudah aktif.")
        await conn.execute(
            "UPDATE employees SET active = 1, deactivated_on = NULL, updated_at = ? "
            "WHERE nip = ?", (at.isoformat(), nip))
        await audit.record(conn, at=at, actor=actor, action="employee.activate",
                           entity="employee", entity_id=nip,
                           detail={"was_inactive_from": employee.deactivated_on})
        after = await by_nip(conn, nip)
        assert after is not None
        notice = await _tell(conn, ACTIVATED, after, after.telegram_chat_id, at)
    return AccountChange(after, notice)


@dataclass(frozen=True)
class BindingProblem:
    employee: Employee
    reason: str     # Indonesian, shown as is


async def binding_problems(db: Database) -> list[BindingProblem]:
    """Bound accounts whose number would not bind today.

    The registered number must be an Indonesian mobile, and an account that bound itself by
    contact must have reported exactly that number. Bindings made by contact before the
    reported number was kept cannot be re-checked and are listed too.
    """
    async with db.read() as conn:
        async with conn.execute(
            "SELECT e.nip, e.telegram_phone, "
            "  (SELECT json_extract(a.detail, '$.via') FROM audit_log a "
            "   WHERE a.entity = 'employee' AND a.entity_id = e.nip "
            "     AND a.action = 'telegram.bind' ORDER BY a.id DESC LIMIT 1) AS via "
            "FROM employees e WHERE e.telegram_user_id IS NOT NULL ORDER BY e.unit, e.nama"
        ) as cursor:
            rows = await cursor.fetchall()
        found = []
        for row in rows:
            employee = await by_nip(conn, row["nip"])
            assert employee is not None
            reason = _binding_problem(employee, row["telegram_phone"], row["via"])
            if reason:
                found.append(BindingProblem(employee, reason))
    return found


def _binding_problem(employee: Employee, reported: str | None, via: str | None) -> str | None:
    registered = normalize_imported_phone(employee.telepon) if employee.telepon else None
    if via == "operator":
        return None
    if registered is None:
        return (f"nomor terdaftar {employee.telepon or '-'} bukan nomor seluler Indonesia "
                "yang valid")
    if reported is None:
        return "nomor kontak saat pendaftaran tidak tercatat (terdaftar sebelum pemeriksaan ini)"
    if normalize_telegram_phone(reported) != registered:
        return f"nomor akun Telegram +{reported} tidak sama dengan nomor terdaftar +{registered}"
    return None
