"""The admin's work on fingerprint machines from chat: who may do it, which employees are
written to a machine, and what the admin is told once a machine has done it.

A pull machine answers at once, so its result is written (audit row and the admin's message)
in one transaction right after the call. An ADMS machine only answers the next time it polls:
the commands of one request share a batch, and the answer that completes the batch writes the
admin's message in the same transaction as the answer itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import aiosqlite

from services import accounts, audit, devices, employees, outbox
from services.employees import Employee
from services.errors import DomainError
from services.outbox import Notice
from services.storage import Database

# What an admin asks a machine to do.
USERS = "users"
TIME = "time"
PURPOSES = (USERS, TIME)

# Outbox kinds (rendered by handlers/machines.py).
PULL_RESULT = "machines.pull_result"
ADMS_RESULT = "machines.adms_result"
SYNC_RESULT = "machines.sync_result"

# The failed PINs an ADMS answer lists by name; the rest are counted.
FAILED_LISTED = 20

NO_USERS = "Tidak ada pegawai aktif yang memiliki device_user_id untuk dikirim ke mesin."


def require_admin(employee: Employee) -> None:
    """Machines are the office administrators' business (raises NotAllowed otherwise)."""
    accounts.require_operator(employee)


# An ordinary machine user, as the firmware counts privileges (14 is an admin).
USER_PRIVILEGE = 0


@dataclass(frozen=True)
class PushUser:
    pin: str
    name: str
    # Written to ADMS machines (a pull machine's own is kept by the client, which reads its
    # users first): what the machine last reported, or we last wrote, for this PIN.
    privilege: int = USER_PRIVILEGE


@dataclass(frozen=True)
class Requester:
    """The admin who asked, and the chat the result goes to."""

    nip: str
    telegram_user_id: int | None
    chat_id: int

    @property
    def actor(self) -> audit.Actor:
        return audit.Actor(self.nip, self.telegram_user_id)


async def users_to_push(db: Database, *, operator: Employee) -> list[PushUser]:
    """Every active employee with a machine PIN; raises when there is none."""
    require_admin(operator)
    async with db.read() as conn:
        people = await employees.all_active(conn)
    users = [PushUser(e.device_user_id, e.nama) for e in people if e.device_user_id]
    if not users:
        raise DomainError(NO_USERS)
    return users


async def record_result(db: Database, *, requester: Requester, machine: str, action: str,
                        detail: Mapping[str, Any], kind: str, payload: Mapping[str, Any],
                        at: dt.datetime, pull_drift_seconds: float | None = None) -> None:
    """What a machine did for the admin: the audit row and the admin's message, together;
    `pull_drift_seconds` is a pull machine's clock as it now stands (after a clock set)."""
    async with db.transaction() as conn:
        await audit.record(conn, at=at, actor=requester.actor, action=action, entity="device",
                           entity_id=machine, detail=dict(detail))
        if pull_drift_seconds is not None:
            await devices.remember_machine(conn, name=machine, source="pull", serial=None,
                                           at=at)
            await devices.record_drift(conn, name=machine, drift_seconds=pull_drift_seconds,
                                       at=at)
        await outbox.enqueue(conn, [Notice(kind, requester.nip, requester.chat_id,
                                           dict(payload))], now=at)


async def tag_request(conn: aiosqlite.Connection, *, ids: list[int], purpose: str,
                      subjects: list[str | None], requester: Requester, machine: str,
                      at: dt.datetime) -> int:
    """Mark just-queued ADMS commands as one request from chat; returns its batch id."""
    if purpose not in PURPOSES or not ids or len(subjects) != len(ids):
        raise ValueError("a request needs its purpose and a subject per command")
    batch = ids[0]
    await conn.executemany(
        "UPDATE device_commands SET batch = ?, purpose = ?, subject = ?, requested_by = ?,"
        " reply_chat_id = ? WHERE id = ?",
        [(batch, purpose, subject, requester.nip, requester.chat_id, ident)
         for ident, subject in zip(ids, subjects, strict=True)])
    await audit.record(conn, at=at, actor=requester.actor, action=f"device.adms_{purpose}",
                       entity="device", entity_id=machine,
                       detail={"batch": batch, "commands": len(ids)})
    return batch


async def finish_answered(conn: aiosqlite.Connection, *, command_ids: list[int], machine: str,
                          at: dt.datetime) -> list[int]:
    """After a machine's answers: the admin's message for every request those answers
    completed, written in the caller's transaction. Returns the batches completed."""
    if not command_ids:
        return []
    marks = ",".join("?" * len(command_ids))
    async with conn.execute(f"SELECT DISTINCT batch FROM device_commands WHERE id IN ({marks})"
                            " AND batch IS NOT NULL", command_ids) as cursor:
        batches = [int(r[0]) for r in await cursor.fetchall()]
    done = []
    for batch in batches:
        async with conn.execute(
                "SELECT purpose, subject, return_code, answered_at, requested_by, reply_chat_id"
                " FROM device_commands WHERE batch = ? ORDER BY id", (batch,)) as cursor:
            rows = list(await cursor.fetchall())
        if not rows or any(r["answered_at"] is None for r in rows):
            continue
        failed = [(r["subject"] or "-", int(r["return_code"])) for r in rows
                  if r["return_code"] != 0]
        payload = {"machine": machine, "purpose": rows[0]["purpose"], "total": len(rows),
                   "ok": len(rows) - len(failed), "failed": failed[:FAILED_LISTED],
                   "failed_count": len(failed)}
        notice = Notice(ADMS_RESULT, rows[0]["requested_by"], rows[0]["reply_chat_id"],
                        payload, dedupe_key=f"{ADMS_RESULT}:{batch}")
        await outbox.enqueue(conn, [notice], now=at)
        done.append(batch)
    return done
