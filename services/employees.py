"""The employee registry: lookups, the hierarchy and binding a Telegram account to a NIP."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

import aiosqlite

from services import audit
from services.errors import Conflict, DomainError, NotFound
from services.nip import gender as nip_gender
from services.nip import nip_problem
from services.phone import normalize_telegram_phone
from services.storage import Database

ROLES = ("pegawai", "admin", "kasubbag", "sekretaris", "kepala")
PNS, CPNS, PPPK = "PNS", "CPNS", "PPPK"
STATUSES = (PNS, CPNS, PPPK)
# Roles that administer the office's data (recap drafts, imports, monitoring).
ADMIN_ROLES = frozenset({"admin", "kasubbag"})


@dataclass(frozen=True)
class Employee:
    nip: str
    nama: str
    jabatan: str
    golongan: str
    unit: str
    atasan_nip: str | None
    telepon: str | None
    device_user_id: str | None
    peran: str
    telegram_user_id: int | None
    telegram_chat_id: int | None
    telegram_blocked: bool
    active: bool
    deactivated_on: dt.date | None = None   # first day no longer active
    status: str = PNS
    akhir_kontrak: dt.date | None = None   # end of a PPPK contract, when the registry has it
    jenis_kelamin: str | None = None       # L/P from the registry; None: the NIP tells

    @property
    def gender(self) -> str:
        """"L" or "P": the registry's entry, else the NIP's gender digit."""
        return self.jenis_kelamin or nip_gender(self.nip)

    @property
    def is_pppk(self) -> bool:
        return self.status == PPPK

    @property
    def is_admin(self) -> bool:
        return self.peran in ADMIN_ROLES

    @property
    def reachable(self) -> bool:
        """Whether the bot can send to this employee at all."""
        return self.telegram_chat_id is not None and not self.telegram_blocked and self.active


_COLUMNS = ("nip, nama, jabatan, golongan, unit, atasan_nip, telepon, device_user_id, peran, "
            "telegram_user_id, telegram_chat_id, telegram_blocked_at, active, deactivated_on, "
            "status, akhir_kontrak, jenis_kelamin")


def _employee(row: aiosqlite.Row | sqlite3.Row) -> Employee:
    return Employee(
        nip=row["nip"], nama=row["nama"], jabatan=row["jabatan"], golongan=row["golongan"],
        unit=row["unit"], atasan_nip=row["atasan_nip"], telepon=row["telepon"],
        device_user_id=row["device_user_id"], peran=row["peran"],
        telegram_user_id=row["telegram_user_id"], telegram_chat_id=row["telegram_chat_id"],
        telegram_blocked=row["telegram_blocked_at"] is not None, active=bool(row["active"]),
        deactivated_on=(dt.date.fromisoformat(row["deactivated_on"])
                        if row["deactivated_on"] else None),
        status=row["status"],
        akhir_kontrak=dt.date.fromisoformat(row["akhir_kontrak"]) if row["akhir_kontrak"]
        else None,
        jenis_kelamin=row["jenis_kelamin"],
    )


async def _one(conn: aiosqlite.Connection, where: str, *args: object) -> Employee | None:
    async with conn.execute(f"SELECT {_COLUMNS} FROM employees WHERE {where}", args) as cursor:
        row = await cursor.fetchone()
    return _employee(row) if row else None


async def _many(conn: aiosqlite.Connection, where: str, *args: object) -> list[Employee]:
    async with conn.execute(
        f"SELECT {_COLUMNS} FROM employees WHERE {where} ORDER BY unit, nama", args
    ) as cursor:
        return [_employee(row) for row in await cursor.fetchall()]


async def by_nip(conn: aiosqlite.Connection, nip: str) -> Employee | None:
    return await _one(conn, "nip = ?", nip)


async def by_telegram_user(conn: aiosqlite.Connection, telegram_user_id: int) -> Employee | None:
    return await _one(conn, "telegram_user_id = ? AND active = 1", telegram_user_id)


async def by_phone(conn: aiosqlite.Connection, phone: str) -> Employee | None:
    return await _one(conn, "telepon = ?", phone)


async def by_device_user_id(conn: aiosqlite.Connection, device_user_id: str) -> Employee | None:
    return await _one(conn, "device_user_id = ?", device_user_id)


async def by_role(conn: aiosqlite.Connection, peran: str) -> list[Employee]:
    return await _many(conn, "peran = ? AND active = 1", peran)


async def subordinates(conn: aiosqlite.Connection, atasan_nip: str) -> list[Employee]:
    return await _many(conn, "atasan_nip = ? AND active = 1", atasan_nip)


async def all_active(conn: aiosqlite.Connection) -> list[Employee]:
    return await _many(conn, "active = 1")


async def active_during(conn: aiosqlite.Connection, start: dt.date) -> list[Employee]:
    """Everyone active on some day from `start` on: the active and those who left after it."""
    return await _many(conn, "active = 1 OR deactivated_on > ?", start.isoformat())


def _many_in(conn: sqlite3.Connection, where: str, *args: object) -> list[Employee]:
    return [_employee(row) for row in conn.execute(
        f"SELECT {_COLUMNS} FROM employees WHERE {where} ORDER BY unit, nama", args)]


def active_in(conn: sqlite3.Connection, nips: set[str] | None = None,
              leavers_since: dt.date | None = None) -> list[Employee]:
    """all_active inside a Database.snapshot (plain sqlite3, in a worker thread); `nips` limits
    them (looked up by key: a personal view must not load the whole province), and with
    `leavers_since` those who left after that day are included (active_during)."""
    where, args = "active = 1", []
    if leavers_since is not None:
        where, args = "(active = 1 OR deactivated_on > ?)", [leavers_since.isoformat()]
    if nips is not None:
        where += f" AND nip IN ({', '.join('?' * len(nips))})"
        args += sorted(nips)
    return _many_in(conn, where, *args)


async def status_counts(conn: aiosqlite.Connection) -> dict[str, int]:
    """Active employees per status, every status present (0 when none)."""
    counts = dict.fromkeys(STATUSES, 0)
    async with conn.execute(
        "SELECT status, COUNT(*) FROM employees WHERE active = 1 GROUP BY status"
    ) as cursor:
        for status, count in await cursor.fetchall():
            counts[status] = count
    return counts


async def has_subordinates(conn: aiosqlite.Connection, nip: str) -> bool:
    async with conn.execute(
        "SELECT 1 FROM employees WHERE atasan_nip = ? AND active = 1 LIMIT 1", (nip,)
    ) as cursor:
        return await cursor.fetchone() is not None


async def mark_blocked(conn: aiosqlite.Connection, nip: str, at: dt.datetime | None) -> None:
    """Record that the user blocked the bot (at) or unblocked it (None)."""
    await conn.execute("UPDATE employees SET telegram_blocked_at = ? WHERE nip = ?",
                       (at.isoformat() if at else None, nip))


async def bind_telegram(db: Database, *, nip: str, telegram_user_id: int,
                        chat_id: int | None, at: dt.datetime, actor: audit.Actor,
                        via: str, telegram_phone: str | None = None) -> Employee:
    """Bind a Telegram account to an employee. One account per employee and vice versa."""
    async with db.transaction() as conn:
        employee = await by_nip(conn, nip)
        if employee is None or not employee.active:
            raise NotFound(f"Pegawai dengan NIP {nip} tidak terdaftar.")
        if employee.telegram_user_id not in (None, telegram_user_id):
            raise Conflict("Pegawai ini sudah terhubung dengan akun Telegram lain. "
                           "Hubungi pengelola kepegawaian bila Anda berganti akun.")
        other = await _one(conn, "telegram_user_id = ? AND nip <> ?", telegram_user_id, nip)
        if other is not None:
            raise Conflict("Akun Telegram ini sudah terhubung dengan pegawai lain "
                           f"(NIP {other.nip}).")
        await conn.execute(
            "UPDATE employees SET telegram_user_id = ?, telegram_chat_id = ?, "
            "telegram_phone = ?, telegram_blocked_at = NULL, updated_at = ? WHERE nip = ?",
            (telegram_user_id, chat_id if chat_id is not None else telegram_user_id,
             telegram_phone, at.isoformat(), nip),
        )
        await audit.record(conn, at=at, actor=actor, action="telegram.bind", entity="employee",
                           entity_id=nip, detail={"telegram_user_id": telegram_user_id, "via": via})
        bound = await by_nip(conn, nip)
    assert bound is not None
    return bound


class ForeignContact(DomainError):
    pass


async def register_by_contact(db: Database, *, sender_id: int, chat_id: int,
                              contact_user_id: int | None, phone_number: str,
                              at: dt.datetime) -> Employee:
    """Bind the sender to the employee whose registered phone is the shared contact's number.

    Only the sender's own contact counts: Telegram sets the contact's user_id to the sender's id
    when it comes from the "share my phone number" button; a forwarded card carries another id
    or none, and anyone could type someone else's number into a contact card.
    """
    if contact_user_id != sender_id:
        raise ForeignContact("Nomor yang dikirim bukan nomor akun Telegram Anda sendiri. "
                             "Gunakan tombol \"Bagikan Nomor Telepon\" di bawah.")
    phone = normalize_telegram_phone(phone_number)
    employee = None
    if phone is not None:
        async with db.read() as conn:
            employee = await by_phone(conn, phone)
    if employee is None or not employee.active:
        raise NotFound("Nomor telepon Anda belum terdaftar di data kepegawaian kantor. "
                       "Silakan hubungi pengelola kepegawaian (admin) untuk didaftarkan.")
    return await bind_telegram(db, nip=employee.nip, telegram_user_id=sender_id,
                               chat_id=chat_id, at=at,
                               actor=audit.Actor(employee.nip, sender_id), via="contact",
                               telegram_phone=phone)


# Telegram user ids are positive and have at most 52 significant bits; groups are negative.
TELEGRAM_USER_ID_MAX = 2**52 - 1


def telegram_user_id_problem(telegram_user_id: int) -> str | None:
    if telegram_user_id < 0:
        return (f"{telegram_user_id} adalah id grup atau kanal, bukan id akun Telegram "
                "seseorang.")
    if not 1 <= telegram_user_id <= TELEGRAM_USER_ID_MAX:
        return (f"{telegram_user_id} bukan id akun Telegram yang valid "
                f"(1 sampai {TELEGRAM_USER_ID_MAX}).")
    return None


async def link_by_operator(db: Database, *, nip: str, telegram_user_id: int,
                           at: dt.datetime) -> Employee:
    problem = nip_problem(nip) or telegram_user_id_problem(telegram_user_id)
    if problem:
        raise DomainError(problem)
    return await bind_telegram(db, nip=nip, telegram_user_id=telegram_user_id, chat_id=None,
                               at=at, actor=audit.Actor.system(), via="operator")
