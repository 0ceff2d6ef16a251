"""Pulling every configured machine into `punches`.

Per machine and cycle: download the whole log (retrying an offline, slow or garbled machine
with back-off), then store it in one transaction with INSERT OR IGNORE, so a read that breaks
half-way stores nothing and a re-download stores nothing twice. Machines are pulled side by
side; one failing machine does not hold up the others. A machine that fails is reported once
(an open row in device_problems), and its recovery once; the same goes for a clock that drifts
beyond the threshold. The report carries these notices, and when the caller names the admin
chat they are also written to the outbox in the transaction that opens or closes the problem, so
a crash can neither lose an alert nor send it twice.
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import logging
import time
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import aiosqlite

from device.client import UNVERIFIED, Download, MachineError, ZkMachine
from device.config import DeviceConfig, DeviceSettings, SyncSettings
from services import audit, outbox
from services import devices as state
from services.clock import Clock
from services.punches import count_stored, insert_punches, prepare_punches
from services.storage import Database

log = logging.getLogger(__name__)

Sleep = Callable[[float], Awaitable[None]]

# Notice kinds (texts in handlers/texts/devices.py).
FAILING = "failing"
RECOVERED = "recovered"
DRIFT = "drift"
DRIFT_FIXED = "drift_fixed"
LEFT_DISABLED = "left_disabled"
REENABLED = "reenabled"

# The outbox kind of a machine's problem or recovery for the admin chat (renderer:
# handlers/device_notices.py).
ALERT = "device.alert"


@dataclass(frozen=True)
class Notice:
    kind: str
    machine: str
    detail: str = ""
    drift_seconds: float | None = None


@dataclass(frozen=True)
class SyncReport:
    machine: str
    serial: str | None
    ok: bool
    seen: int = 0
    new: int = 0
    duplicates: int = 0
    errors: int = 0
    attempts: int = 0
    error_kind: str | None = None
    error_detail: str | None = None
    clock_drift_seconds: float | None = None
    drift_exceeded: bool = False
    notices: tuple[Notice, ...] = ()
    download_seconds: float = 0.0     # the pyzk session, retries included
    store_seconds: float = 0.0        # preparing rows and the one transaction
    oldest: dt.datetime | None = None  # the oldest record on the machine (its wall clock)
    cleared: int | None = None        # records cleared from the machine after this pull


async def sync_all(db: Database, devices: DeviceSettings, clock: Clock, *,
                   sleep: Sleep = asyncio.sleep, only: str | None = None,
                   track_problems: bool = True,
                   admin_chat_id: int | None = None) -> list[SyncReport]:
    """Pull every configured machine (or only the one named) once; [] when none is set up.

    With `track_problems` (the scheduled pull) problems are opened and closed and the reports
    carry the notices, written for `admin_chat_id` to the outbox when it is given; a manual
    run shows its results on the console instead and leaves that bookkeeping, and so the
    admin chat, to the scheduler.
    """
    machines = [m for m in devices.machines if only is None or m.name == only]
    return list(await asyncio.gather(
        *(sync_machine(db, m, devices.sync, clock, sleep=sleep, track_problems=track_problems,
                       admin_chat_id=admin_chat_id)
          for m in machines)))


def alert(notice: Notice, admin_chat_id: int, interval_minutes: int) -> outbox.Notice:
    """The outbox row telling the admin chat about a machine (plain facts, rendered later)."""
    return outbox.Notice(ALERT, None, admin_chat_id,
                         {"kind": notice.kind, "machine": notice.machine,
                          "detail": notice.detail, "drift_seconds": notice.drift_seconds,
                          "interval_minutes": interval_minutes})


async def _tell_admin(conn: aiosqlite.Connection, notices: tuple[Notice, ...] | list[Notice],
                      admin_chat_id: int | None, sync: SyncSettings, now: dt.datetime) -> None:
    if admin_chat_id is not None and notices:
        await outbox.enqueue(conn, [alert(n, admin_chat_id, sync.interval_minutes)
                                    for n in notices], now=now)


async def download_with_retry(client: ZkMachine, sync: SyncSettings, clock: Clock, *,
                              sleep: Sleep) -> tuple[Download | None, MachineError | None, int]:
    machine = client.config
    error: MachineError | None = None
    for attempt in range(1, sync.retry_attempts + 1):
        try:
            return await client.download(clock.now), None, attempt
        except MachineError as failure:
            error = failure
            log.warning("device.pull_failed machine=%s attempt=%d kind=%s detail=%s",
                        machine.name, attempt, failure.kind, failure.detail)
            if not failure.retryable or attempt == sync.retry_attempts:
                return None, error, attempt
            await sleep(sync.retry_backoff_seconds * 2 ** (attempt - 1))
    return None, error, sync.retry_attempts


async def _track_success(conn: aiosqlite.Connection, name: str, now: dt.datetime, drift: float,
                         drift_exceeded: bool) -> list[Notice]:
    """Close a reported failure, open or close a clock drift problem; the notices to send."""
    notices = []
    if await state.resolve_problem(conn, machine=name, kind=state.FAILURE, at=now):
        notices.append(Notice(RECOVERED, name))
    if drift_exceeded:
        if await state.open_problem(conn, machine=name, kind=state.CLOCK_DRIFT,
                                    detail=f"{drift:.0f}", at=now):
            notices.append(Notice(DRIFT, name, drift_seconds=drift))
    elif await state.resolve_problem(conn, machine=name, kind=state.CLOCK_DRIFT, at=now):
        notices.append(Notice(DRIFT_FIXED, name, drift_seconds=drift))
    return notices


def clock_drift(download: Download, machine: DeviceConfig) -> float:
    """Seconds the machine's clock is ahead of the server's (negative: behind)."""
    server_local = download.server_time.astimezone(machine.timezone).replace(tzinfo=None)
    return (download.machine_time - server_local).total_seconds()


# Machines serve one session at a time; the scheduled pull and the morning job's fresh pull
# may meet, so each machine is pulled by one coroutine at a time (per event loop).
_MACHINE_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, asyncio.Lock]] = (
    weakref.WeakKeyDictionary())


def machine_lock(name: str) -> asyncio.Lock:
    locks = _MACHINE_LOCKS.setdefault(asyncio.get_running_loop(), {})
    return locks.setdefault(name, asyncio.Lock())


async def sync_machine(db: Database, machine: DeviceConfig, sync: SyncSettings, clock: Clock, *,
                       sleep: Sleep = asyncio.sleep, track_problems: bool = True,
                       admin_chat_id: int | None = None) -> SyncReport:
    """Pull one machine; a caller arriving while it is being pulled waits, then pulls afresh."""
    async with machine_lock(machine.name):
        report = await _pull_and_store(db, machine, sync, clock, sleep=sleep,
                                       track_problems=track_problems,
                                       admin_chat_id=admin_chat_id)
    if track_problems and report.ok and report.oldest is not None and _clear_due(
            report.oldest, machine, sync, clock):
        try:
            cleared = await clear_machine_log(db, machine, sync, clock)
        except MachineError as error:
            # Nothing is lost: the log stays on the machine and the next pull tries again.
            log.warning("device.clear_skipped machine=%s kind=%s detail=%s", machine.name,
                        error.kind, error.detail)
        else:
            report = dataclasses.replace(report, cleared=cleared.records)
    return report


def _clear_due(oldest: dt.datetime, machine: DeviceConfig, sync: SyncSettings,
               clock: Clock) -> bool:
    """Machines can only empty their whole log, so it is emptied once its oldest record is
    older than [sync] clear_after_days; every record is verified stored first."""
    if sync.clear_after_days is None:
        return False
    local_now = clock.now().astimezone(machine.timezone).replace(tzinfo=None)
    return oldest < local_now - dt.timedelta(days=sync.clear_after_days)


async def _pull_and_store(db: Database, machine: DeviceConfig, sync: SyncSettings, clock: Clock,
                          *, sleep: Sleep, track_problems: bool,
                          admin_chat_id: int | None) -> SyncReport:
    started = time.perf_counter()
    client = ZkMachine(machine, sync.timeout_seconds)
    download, error, attempts = await download_with_retry(client, sync, clock, sleep=sleep)
    downloaded = time.perf_counter()
    now = clock.now()
    if download is None:
        assert error is not None
        async with db.transaction() as conn:
            await state.remember_machine(conn, name=machine.name, source="pull", serial=None,
                                         at=now)
            await state.record_failure(conn, name=machine.name, at=now, error=error.kind)
            first = track_problems and await state.open_problem(
                conn, machine=machine.name, kind=state.FAILURE, detail=error.kind, at=now)
            locked = client.left_disabled and await state.mark_left_disabled(
                conn, name=machine.name, at=now)
            told = ((Notice(FAILING, machine.name, error.kind),) if first else ()) + (
                (Notice(LEFT_DISABLED, machine.name),) if locked else ())
            await _tell_admin(conn, told, admin_chat_id, sync, now)
        return SyncReport(machine.name, None, False, attempts=attempts, error_kind=error.kind,
                          error_detail=error.detail, notices=told,
                          download_seconds=downloaded - started)

    prepared = prepare_punches(download.serial, machine.timezone, download.punches,
                               source="pull", received_at=now)
    drift = clock_drift(download, machine)
    drift_exceeded = abs(drift) > sync.drift_threshold_seconds
    notices: list[Notice] = []
    async with db.transaction() as conn:
        new = await insert_punches(conn, prepared)
        await state.remember_machine(conn, name=machine.name, source="pull",
                                     serial=download.serial, at=now)
        await state.remember_identity(conn, name=machine.name, firmware=download.firmware,
                                      push_version=None)
        await state.record_success(conn, name=machine.name, at=now, seen=len(download.punches),
                                   new=new, drift_seconds=drift)
        if track_problems:
            notices = await _track_success(conn, machine.name, now, drift, drift_exceeded)
            await _tell_admin(conn, notices, admin_chat_id, sync, now)
    seen = len(download.punches)
    report = SyncReport(machine.name, download.serial, True, seen=seen, new=new,
                        duplicates=seen - prepared.errors - new, errors=prepared.errors,
                        attempts=attempts, clock_drift_seconds=drift,
                        drift_exceeded=drift_exceeded, notices=tuple(notices),
                        download_seconds=downloaded - started,
                        store_seconds=time.perf_counter() - downloaded,
                        oldest=min((p.at for p in download.punches), default=None))
    log.info("device.synced machine=%s serial=%s seen=%d new=%d duplicates=%d errors=%d "
             "drift=%.0f", machine.name, download.serial, seen, new, report.duplicates,
             report.errors, drift)
    return report


async def enable_locked_machines(db: Database, devices: DeviceSettings, clock: Clock, *,
                                 admin_chat_id: int | None = None) -> list[Notice]:
    """Enable every machine an interrupted read left disabled, as soon as it answers.

    Run every 30 seconds by the bot: a locked machine means nobody can clock in on it.
    """
    async with db.read() as conn:
        locked = {s.name for s in await state.machine_statuses(conn) if s.left_disabled_at}
    notices = []
    for machine in devices.machines:
        if machine.name not in locked:
            continue
        async with machine_lock(machine.name):
            try:
                await ZkMachine(machine, devices.sync.timeout_seconds).enable()
            except MachineError as error:
                log.warning("device.still_locked machine=%s kind=%s", machine.name, error.kind)
                continue
            notice = Notice(REENABLED, machine.name)
            async with db.transaction() as conn:
                await state.clear_left_disabled(conn, name=machine.name)
                await _tell_admin(conn, [notice], admin_chat_id, devices.sync, clock.now())
        log.info("device.reenabled machine=%s at=%s", machine.name, clock.now().isoformat())
        notices.append(notice)
    return notices


async def verify_stored(db: Database, machine: DeviceConfig, download: Download,
                        at: dt.datetime) -> int:
    """Store a download and check every record is in the table; returns how many are new."""
    prepared = prepare_punches(download.serial, machine.timezone, download.punches,
                               source="pull", received_at=at)
    async with db.transaction() as conn:
        new = await insert_punches(conn, prepared)
    async with db.read() as conn:
        stored = await count_stored(conn, prepared)
    distinct = len({(r[1], r[2]) for r in prepared.rows})
    if stored != distinct or prepared.errors:
        raise MachineError(UNVERIFIED, f"{stored} of {len(download.punches)} stored")
    return new


@dataclass(frozen=True)
class ClearReport:
    machine: str
    serial: str
    records: int
    new: int


async def clear_machine_log(db: Database, machine: DeviceConfig, sync: SyncSettings,
                            clock: Clock) -> ClearReport:
    """Empty a machine's attendance log, only once every record on it is stored and verified.

    Only ever run on the operator's explicit request (`presensi device clear-log`).
    """
    client = ZkMachine(machine, sync.timeout_seconds)
    new: list[int] = []

    async def confirm(download: Download) -> None:
        new.append(await verify_stored(db, machine, download, clock.now()))

    async with machine_lock(machine.name):
        download = await client.clear_log(clock.now, confirm)
    async with db.transaction() as conn:
        await audit.record(conn, at=clock.now(), actor=audit.Actor.system(),
                           action="device.clear_log", entity="device", entity_id=machine.name,
                           detail={"serial": download.serial, "records": len(download.punches)})
    log.warning("device.log_cleared machine=%s serial=%s records=%d", machine.name,
                download.serial, len(download.punches))
    return ClearReport(machine.name, download.serial, len(download.punches), new[0])
