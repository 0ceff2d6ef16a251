"""Commands for ADMS machines, queued here and handed out by the receiver's getrequest.

The formats follow ZKTeco's PUSH protocol as public servers use it: `C:<id>:<command>` lines,
fields of a user record separated by tabs, `DATA USER` before push 2.4 and `DATA UPDATE
USERINFO` after, and `SET OPTIONS DateTime=<n>` with the machines' packed time (every month
31 days, years from 2000), not a Unix time. No aiohttp here: the command line queues without
loading the server.
"""

from __future__ import annotations

import datetime as dt

from device import zkwire
from device.config import AdmsMachine
from services import devices as state
from services import machine_admin
from services.machine_admin import Requester
from services.storage import Database

SET_TIME = "SET OPTIONS DateTime=NOW"


def render_command(command: str, machine: AdmsMachine, now: dt.datetime) -> str:
    """Commands that carry the current time get it when handed out, not when queued."""
    if command == SET_TIME:
        local = now.astimezone(machine.timezone).replace(tzinfo=None)
        return f"SET OPTIONS DateTime={zkwire.encode_time(local)}"
    return command


def user_command(pin: str, name: str, privilege: int, push_version: str | None) -> str:
    # Push firmware before 2.4 knows only "DATA USER"; later firmware "DATA UPDATE USERINFO".
    clean = name.replace("\t", " ").replace("\n", " ").replace("\r", " ")[:24]
    if _version(push_version) < (2, 4):
        return f"DATA USER PIN={pin}\tName={clean}\tPri={privilege}"
    return f"DATA UPDATE USERINFO PIN={pin}\tName={clean}\tPri={privilege}"


def _version(text: str | None) -> tuple[int, ...]:
    parts = []
    for piece in (text or "").split("."):
        if not piece.isdigit():
            break
        parts.append(int(piece))
    return tuple(parts) or (0,)


async def queue_user_push(db: Database, machine: AdmsMachine,
                          users: list[tuple[str, str, int]], at: dt.datetime, *,
                          requester: Requester | None = None) -> list[int]:
    """Queue (PIN, name, privilege) writes for the machine's next getrequest poll; with a
    `requester`, the admin is told the machine's answers when all have come back. The
    privileges are remembered, so a later write from chat repeats them."""
    async with db.transaction() as conn:
        status = next((s for s in await state.machine_statuses(conn)
                       if s.serial == machine.serial), None)
        version = status.push_version if status else None
        ids = await state.queue_commands(
            conn, serial=machine.serial, at=at,
            commands=[user_command(pin, name, privilege, version)
                      for pin, name, privilege in users])
        await state.remember_privileges(conn, serial=machine.serial, source=state.PUSHED, at=at,
                                        privileges={pin: p for pin, _n, p in users})
        if requester is not None and ids:
            await machine_admin.tag_request(conn, ids=ids, purpose=machine_admin.USERS,
                                            subjects=[pin for pin, _n, _p in users],
                                            requester=requester, machine=machine.name, at=at)
    return ids


async def queue_set_time(db: Database, machine: AdmsMachine, at: dt.datetime, *,
                         requester: Requester | None = None) -> int:
    async with db.transaction() as conn:
        [ident] = await state.queue_commands(conn, serial=machine.serial, commands=[SET_TIME],
                                             at=at)
        if requester is not None:
            await machine_admin.tag_request(conn, ids=[ident], purpose=machine_admin.TIME,
                                            subjects=[None], requester=requester,
                                            machine=machine.name, at=at)
    return ident
