"""What the admin does to the machines from chat (/mesin): see them, write the employees to
one, set its clock, pull them now.

A machine is named in a button by a short key (a hash of its kind and name), so callback data
stays short whatever the name, and a tap for a machine no longer configured finds nothing.
Every call re-checks that the employee is an admin (services.machine_admin). Pull machines
block, so their work runs in worker threads (ZkMachine) and its result goes out through the
outbox together with its audit row; ADMS machines get queued commands, and their answers
complete the request later (device.adms -> services.machine_admin.finish_answered).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, replace

from device.client import MachineError, ZkMachine
from device.commands import queue_set_time, queue_user_push
from device.config import AdmsMachine, DeviceConfig, DeviceSettings
from device.sync import machine_lock, sync_all
from services import devices as state
from services import machine_admin
from services.clock import Clock
from services.devices import MachineStatus
from services.employees import Employee
from services.errors import DomainError
from services.health import HealthReport, health_report
from services.machine_admin import TIME, USER_PRIVILEGE, USERS, PushUser, Requester
from services.storage import Database

log = logging.getLogger(__name__)

PULL = "pull"
ADMS = "adms"
FAILED_LISTED = machine_admin.FAILED_LISTED

UNKNOWN_MACHINE = "Mesin ini tidak lagi ada di konfigurasi. Kirim /mesin untuk daftar terbaru."
# An ADMS machine is written from chat only once its users' privileges are known: written
# blind, every user would become an ordinary one and the machine could lose its admins.
PRIVILEGES_UNKNOWN = ("Mesin ini belum melaporkan daftar penggunanya, jadi admin mesin belum "
                      "diketahui. Tunggu mesin mengirimnya, atau kirim dari server: presensi "
                      "device push-users --admin PIN")
BUSY = "Mesin ini sedang dikerjakan; tunggu hasil sebelumnya."

# Pull machines with a chat request running: one session per machine at a time.
_running: set[str] = set()


@dataclass(frozen=True)
class Target:
    key: str
    kind: str
    name: str
    pull: DeviceConfig | None = None
    adms: AdmsMachine | None = None


def key_of(kind: str, name: str) -> str:
    return hashlib.sha256(f"{kind}\0{name}".encode()).hexdigest()[:10]


def targets(devices: DeviceSettings) -> list[Target]:
    return ([Target(key_of(PULL, m.name), PULL, m.name, pull=m) for m in devices.machines]
            + [Target(key_of(ADMS, m.serial), ADMS, m.name, adms=m)
               for m in devices.adms.machines])


def find(devices: DeviceSettings, key: str) -> Target:
    found = next((t for t in targets(devices) if t.key == key), None)
    if found is None:
        raise DomainError(UNKNOWN_MACHINE)
    return found


@dataclass(frozen=True)
class MachineView:
    target: Target
    status: MachineStatus | None
    waiting: int                     # ADMS commands not answered yet


@dataclass(frozen=True)
class Overview:
    report: HealthReport
    machines: list[MachineView]
    can_sync: bool                   # there are pull machines to pull now


async def overview(db: Database, devices: DeviceSettings, *, operator: Employee,
                   now: dt.datetime) -> Overview:
    machine_admin.require_admin(operator)
    report = await health_report(db, now)
    async with db.read() as conn:
        statuses = {s.name: s for s in await state.machine_statuses(conn)}
        views = []
        for target in targets(devices):
            waiting = (await state.waiting_commands(conn, target.adms.serial)
                       if target.adms is not None else 0)
            views.append(MachineView(target, statuses.get(target.name), waiting))
    return Overview(report, views, bool(devices.machines))


@dataclass(frozen=True)
class Plan:
    target: Target
    purpose: str
    users: tuple[PushUser, ...] = ()


async def plan(db: Database, devices: DeviceSettings, *, purpose: str, key: str,
               operator: Employee) -> Plan:
    """What a tap asks for, checked against who taps and what is configured now."""
    machine_admin.require_admin(operator)
    target = find(devices, key)
    if purpose == USERS:
        users = await machine_admin.users_to_push(db, operator=operator)
        if target.adms is not None:
            users = await _with_privileges(db, target.adms, users)
        return Plan(target, purpose, tuple(users))
    if purpose == TIME:
        return Plan(target, purpose)
    raise ValueError(f"unknown purpose {purpose!r}")


async def _with_privileges(db: Database, machine: AdmsMachine,
                           users: list[PushUser]) -> list[PushUser]:
    """Each user with the privilege the machine holds for the PIN (an ordinary user for a PIN
    it does not have); raises when the machine never told us its users."""
    async with db.read() as conn:
        known = await state.user_privileges(conn, machine.serial)
    if not known:
        raise DomainError(PRIVILEGES_UNKNOWN)
    return [replace(u, privilege=known.get(u.pin, USER_PRIVILEGE)) for u in users]


async def queue_on_adms(db: Database, request: Plan, requester: Requester,
                        clock: Clock) -> int:
    """Queue the plan's commands for the ADMS machine's next poll; how many were queued."""
    machine = request.target.adms
    assert machine is not None, "queue_on_adms needs an ADMS machine"
    now = clock.now()
    if request.purpose == USERS:
        users = [(u.pin, u.name, u.privilege) for u in request.users]
        return len(await queue_user_push(db, machine, users, now, requester=requester))
    await queue_set_time(db, machine, now, requester=requester)
    return 1


def claim(target: Target) -> bool:
    """Reserve a pull machine for one chat request; False when one is running."""
    if target.key in _running:
        return False
    _running.add(target.key)
    return True


async def run_on_pull(db: Database, request: Plan, requester: Requester, clock: Clock, *,
                      timeout: float) -> None:
    """Do the plan on the pull machine (claimed first) and write its result for the admin."""
    target = request.target
    machine = target.pull
    assert machine is not None, "run_on_pull needs a pull machine"
    payload: dict[str, object] = {"machine": target.name, "purpose": request.purpose}
    detail: dict[str, object] = {}
    drift: float | None = None
    try:
        # The scheduled pull and the morning job take the same lock: one session per machine.
        async with machine_lock(machine.name):
            client = ZkMachine(machine, timeout)
            if request.purpose == USERS:
                result = await client.push_users([(u.pin, u.name) for u in request.users],
                                                 prune=False)
                failed = sorted(result.failed.items())
                payload |= {"ok": True, "written": len(result.written),
                            "failed": [list(f) for f in failed[:FAILED_LISTED]],
                            "failed_count": len(failed)}
                detail = {"written": len(result.written), "failed": len(failed)}
            else:
                zone = machine.timezone
                done = await client.set_time(
                    lambda: clock.now().astimezone(zone).replace(tzinfo=None, microsecond=0))
                drift = (done.after - done.wanted).total_seconds()
                payload |= {"ok": True, "before": done.before.isoformat(),
                            "after": done.after.isoformat(), "drift": done.drift_seconds}
                detail = {"drift_before": done.drift_seconds}
    except MachineError as error:
        log.warning("machines.chat_failed machine=%s purpose=%s kind=%s detail=%s",
                    target.name, request.purpose, error.kind, error.detail)
        payload |= {"ok": False, "error": error.kind}
        detail = {"error": error.kind}
    finally:
        _running.discard(target.key)
    await machine_admin.record_result(
        db, requester=requester, machine=target.name, action=f"device.{request.purpose}_chat",
        detail=detail, kind=machine_admin.PULL_RESULT, payload=payload, at=clock.now(),
        pull_drift_seconds=drift)


async def sync_now(db: Database, devices: DeviceSettings, requester: Requester,
                   clock: Clock) -> None:
    """Pull every pull machine now and write the results for the admin."""
    # The scheduler keeps the problem bookkeeping (and so the admin chat's notices).
    reports = await sync_all(db, devices, clock, track_problems=False)
    log.info("operator.sync nip=%s machines=%d", requester.nip, len(reports))
    results = [{"machine": r.machine, "ok": r.ok, "seen": r.seen, "new": r.new,
                "error": r.error_kind} for r in reports]
    await machine_admin.record_result(
        db, requester=requester, machine="*", action="device.sync_manual",
        detail={r.machine: {"ok": r.ok, "new": r.new} for r in reports},
        kind=machine_admin.SYNC_RESULT, payload={"results": results}, at=clock.now())
