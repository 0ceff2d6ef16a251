"""`presensi sync`, `presensi device ...` and `presensi simulate-device`."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.commands.common import run_on_db
from bot.config.machines import MachineSettings, load_machine_settings
from device.config import AdmsMachine, DeviceConfig
from device.zkwire import FIRMWARES
from handlers.texts import devices as texts
from services import devices as state
from services.clock import SystemClock
from services.errors import DomainError
from services.storage import Database

if TYPE_CHECKING:
    from device.client import MachineError
    from device.sync import SyncReport

# The pyzk client, the sync, the ADMS command queue, the employees and the simulator are
# imported by the handlers that use them: `presensi sync` runs many times a day and loads only
# the pull and the punch storage; `presensi --help` loads none of them.

# Machine privileges as the firmware counts them.
USER = 0
ADMIN = 14


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    sync = subparsers.add_parser(
        "sync", help="tarik data presensi dari mesin sekali",
        description="Menarik seluruh catatan dari setiap mesin [[devices]] lalu menyimpan yang "
                    "belum tersimpan. Log mesin tidak dihapus.")
    sync.add_argument("--device", help="nama mesin (bawaan: semua mesin)")
    sync.set_defaults(handler=handle_sync)

    device = subparsers.add_parser("device", help="kelola mesin presensi sidik jari/wajah")
    actions = device.add_subparsers(dest="device_command", required=True, metavar="TINDAKAN")
    users = actions.add_parser("users", help="daftar pengguna yang tersimpan di mesin")
    users.add_argument("--device", help="nama mesin (bawaan: semua mesin)")
    users.set_defaults(handler=handle_users)
    push = actions.add_parser(
        "push-users", help="tulis data pegawai (nama, device_user_id) ke mesin",
        description="Menulis setiap pegawai aktif yang memiliki device_user_id ke mesin, sehingga "
                    "nama tidak perlu diketik di papan tombol mesin.")
    push.add_argument("--device", help="nama mesin (bawaan: semua mesin)")
    push.add_argument("--prune", action="store_true",
                      help="hapus juga pengguna mesin yang bukan pegawai aktif (beserta sidik "
                           "jarinya; hanya mesin tarik)")
    push.add_argument("--admin", action="append", default=[], metavar="USER_ID",
                      help="jadikan pengguna ini admin mesin (boleh diulang)")
    push.set_defaults(handler=handle_push_users)
    set_time = actions.add_parser("set-time", help="samakan jam mesin dengan jam server")
    set_time.add_argument("--device", help="nama mesin (bawaan: semua mesin)")
    set_time.set_defaults(handler=handle_set_time)
    clear = actions.add_parser(
        "clear-log", help="kosongkan log presensi mesin (setelah semua tersimpan)",
        description="Menarik seluruh log, menyimpannya, memastikan setiap catatan sudah ada di "
                    "basis data, baru kemudian mengosongkan log mesin.")
    clear.add_argument("--device", required=True, help="nama mesin (wajib, satu mesin)")
    clear.set_defaults(handler=handle_clear_log)
    listing = actions.add_parser(
        "list", help="daftar mesin: firmware, versi push, kontak terakhir, selisih jam",
        description="Setiap mesin tarik [[devices]] dan mesin ADMS [adms] dengan keadaan "
                    "terakhir yang tercatat di basis data.")
    listing.set_defaults(handler=handle_list)
    unknown = actions.add_parser("unknown-users",
                                 help="catatan presensi yang user_id-nya bukan milik pegawai")
    unknown.set_defaults(handler=handle_unknown_users)

    sim = subparsers.add_parser(
        "simulate-device", help="jalankan simulator mesin ZKTeco (untuk uji coba)",
        description="Mesin tiruan yang berbicara protokol ZKTeco di 127.0.0.1, berisi pengguna "
                    "dan catatan presensi buatan. Berjalan sampai Ctrl-C.")
    sim.add_argument("--port", type=int, default=4370)
    sim.add_argument("--udp", action="store_true", help="UDP (bawaan: TCP)")
    sim.add_argument("--users", type=int, default=50)
    sim.add_argument("--days", type=int, default=30)
    sim.add_argument("--password", type=int, default=0, help="comm key mesin (0: tanpa)")
    sim.add_argument("--serial", default="SIM0000000001")
    sim.add_argument("--firmware", choices=FIRMWARES,
                     help="format data (bawaan: zk8 untuk TCP, zk6 untuk UDP)")
    sim.add_argument("--timezone", default="Asia/Jakarta")
    sim.add_argument("--seed", type=int, default=1)
    sim.set_defaults(handler=handle_simulate)


def _run(args: argparse.Namespace,
         work: Callable[[MachineSettings, Database], Awaitable[int]]) -> int:
    settings = load_machine_settings(args.config)
    return run_on_db(settings, settings.database.path, work)


def _machines(settings: MachineSettings, name: str | None) -> list[DeviceConfig]:
    machines = list(settings.devices.machines)
    if not machines:
        raise DomainError(texts.NO_MACHINES)
    if name is None:
        return machines
    chosen = settings.devices.machine(name)
    if chosen is None:
        raise DomainError(texts.UNKNOWN_MACHINE.format(
            name=name, names=", ".join(m.name for m in machines)))
    return [chosen]


def _both(settings: MachineSettings,
          name: str | None) -> tuple[list[DeviceConfig], list[AdmsMachine]]:
    """Pull and ADMS machines a command is for: all, or the one named (name or serial)."""
    pull = list(settings.devices.machines)
    pushing = list(settings.devices.adms.machines)
    if not pull and not pushing:
        raise DomainError(texts.NO_MACHINES)
    if name is None:
        return pull, pushing
    pull = [m for m in pull if m.name == name]
    pushing = [m for m in pushing if name in (m.name, m.serial)]
    if not pull and not pushing:
        names = [m.name for m in settings.devices.machines] + [
            m.name for m in settings.devices.adms.machines]
        raise DomainError(texts.UNKNOWN_MACHINE.format(name=name, names=", ".join(names)))
    return pull, pushing


def _clock(settings: MachineSettings) -> SystemClock:
    return SystemClock(settings.office.timezone)


def _local_now(clock: SystemClock, zone: ZoneInfo) -> Callable[[], dt.datetime]:
    """The machine's wall clock as the server sees it, read when the machine is set."""
    return lambda: clock.now().astimezone(zone).replace(tzinfo=None, microsecond=0)


def _reason(error: MachineError) -> str:
    return texts.FAILURE_REASONS.get(error.kind, error.kind)


def print_reports(reports: list[SyncReport], drift_limit: int) -> None:
    print(texts.SYNC_HEADER)
    for r in reports:
        if not r.ok:
            print(texts.SYNC_FAILED.format(
                machine=r.machine, attempts=r.attempts,
                reason=texts.FAILURE_REASONS.get(r.error_kind or "", r.error_kind),
                detail=r.error_detail))
            continue
        print(texts.SYNC_ROW.format(machine=r.machine, serial=r.serial, seen=r.seen, new=r.new,
                                    duplicates=r.duplicates, errors=r.errors))
        if r.drift_exceeded and r.clock_drift_seconds is not None:
            print(texts.SYNC_DRIFT.format(
                direction=texts.AHEAD if r.clock_drift_seconds > 0 else texts.BEHIND,
                amount=texts.duration(r.clock_drift_seconds), limit=drift_limit))


def handle_sync(args: argparse.Namespace) -> int:
    from device.sync import sync_all

    async def work(settings: MachineSettings, db: Database) -> int:
        _machines(settings, args.device)
        reports = await sync_all(db, settings.devices, _clock(settings), only=args.device,
                                 track_problems=False)
        print_reports(reports, settings.devices.sync.drift_threshold_seconds)
        return 0 if all(r.ok for r in reports) else 1
    return _run(args, work)


def handle_users(args: argparse.Namespace) -> int:
    from device.client import MachineError, ZkMachine
    from services import employees

    async def work(settings: MachineSettings, db: Database) -> int:
        failed = False
        for machine in _machines(settings, args.device):
            try:
                serial, users = await ZkMachine(
                    machine, settings.devices.sync.timeout_seconds).users()
            except MachineError as error:
                print(texts.SYNC_FAILED.format(machine=machine.name, attempts=1,
                                               reason=_reason(error), detail=error.detail))
                failed = True
                continue
            async with db.read() as conn:
                names = {u.user_id: (await employees.by_device_user_id(conn, u.user_id))
                         for u in users}
            print(texts.USERS_HEADER)
            for u in users:
                person = names[u.user_id]
                print(texts.USERS_ROW.format(
                    uid=u.uid, user_id=u.user_id, name=u.name,
                    employee=f"{person.nip} {person.nama}" if person
                    else texts.USERS_NOT_REGISTERED))
            print(texts.USERS_SUMMARY.format(count=len(users), machine=machine.name,
                                             serial=serial))
        return 1 if failed else 0
    return _run(args, work)


def handle_push_users(args: argparse.Namespace) -> int:
    from device.client import MachineError, ZkMachine
    from device.commands import queue_user_push
    from services import employees

    async def work(settings: MachineSettings, db: Database) -> int:
        machines, pushing = _both(settings, args.device)
        async with db.read() as conn:
            people = [e for e in await employees.all_active(conn) if e.device_user_id]
        if not people:
            print(texts.PUSH_NOTHING)
            return 1
        wanted = [(e.device_user_id or "", e.nama) for e in people]
        admins = frozenset(args.admin)
        failed = False
        if pushing:
            users = [(user_id, name, ADMIN if user_id in admins else USER)
                     for user_id, name in wanted]
            for adms_machine in pushing:
                ids = await queue_user_push(db, adms_machine, users, _clock(settings).now())
                print(texts.ADMS_QUEUED.format(machine=adms_machine.name, count=len(ids)))
        for machine in machines:
            try:
                result = await ZkMachine(machine, settings.devices.sync.timeout_seconds
                                         ).push_users(wanted, prune=args.prune, admins=admins)
            except MachineError as error:
                print(texts.SYNC_FAILED.format(machine=machine.name, attempts=1,
                                               reason=_reason(error), detail=error.detail))
                failed = True
                continue
            print(texts.PUSH_DONE.format(machine=machine.name, written=len(result.written),
                                         removed=len(result.removed),
                                         failed=len(result.failed)))
            for user_id, reason in result.failed.items():
                print(texts.PUSH_FAILED_ROW.format(user_id=user_id, reason=reason))
            failed = failed or bool(result.failed)
        return 1 if failed else 0
    return _run(args, work)


def handle_set_time(args: argparse.Namespace) -> int:
    from device.client import MachineError, ZkMachine
    from device.commands import queue_set_time

    async def work(settings: MachineSettings, db: Database) -> int:
        clock, failed = _clock(settings), False
        machines, pushing = _both(settings, args.device)
        if pushing:
            for adms_machine in pushing:
                await queue_set_time(db, adms_machine, clock.now())
                print(texts.ADMS_QUEUED.format(machine=adms_machine.name, count=1))
        for machine in machines:
            try:
                done = await ZkMachine(machine, settings.devices.sync.timeout_seconds).set_time(
                    _local_now(clock, machine.timezone))
            except MachineError as error:
                print(texts.SYNC_FAILED.format(machine=machine.name, attempts=1,
                                               reason=_reason(error), detail=error.detail))
                failed = True
                continue
            print(texts.SET_TIME_DONE.format(machine=machine.name, time=done.after.isoformat(" "),
                                             zone=machine.timezone.key))
        return 1 if failed else 0
    return _run(args, work)


def handle_clear_log(args: argparse.Namespace) -> int:
    from device.client import MachineError
    from device.sync import clear_machine_log

    async def work(settings: MachineSettings, db: Database) -> int:
        [machine] = _machines(settings, args.device)
        try:
            report = await clear_machine_log(db, machine, settings.devices.sync,
                                             _clock(settings))
        except MachineError as error:
            print(texts.CLEAR_REFUSED.format(machine=machine.name,
                                             reason=f"{_reason(error)} ({error.detail})"))
            return 1
        print(texts.CLEAR_DONE.format(machine=report.machine, serial=report.serial,
                                      records=report.records, new=report.new))
        return 0
    return _run(args, work)


def handle_list(args: argparse.Namespace) -> int:
    async def work(settings: MachineSettings, db: Database) -> int:
        async with db.read() as conn:
            known = {s.name: s for s in await state.machine_statuses(conn)}
            waiting = {m.serial: await state.waiting_commands(conn, m.serial)
                       for m in settings.devices.adms.machines}
        rows = [(m.name, "tarik", None) for m in settings.devices.machines] + [
            (m.name, "ADMS", m.serial) for m in settings.devices.adms.machines]
        if not rows:
            print(texts.NO_MACHINES)
            return 0
        print(texts.LIST_HEADER)
        for name, kind, serial in rows:
            status = known.get(name)
            drift = status.clock_drift_seconds if status else None
            print(texts.LIST_ROW.format(
                machine=name, kind=kind, serial=(status.serial if status else None) or serial
                or "-", firmware=(status.firmware if status else None) or "-",
                push=(status.push_version if status else None) or "-",
                contact=(status.last_seen_at or "-")[:19].replace("T", " ") if status else "-",
                drift="-" if drift is None else f"{drift:+.0f} d"))
            if status and status.left_disabled_at:
                print(texts.LIST_LOCKED)
            if serial and waiting.get(serial):
                print(texts.LIST_WAITING.format(count=waiting[serial]))
        return 0
    return _run(args, work)


def handle_unknown_users(args: argparse.Namespace) -> int:
    from services.punches import unknown_user_punches

    async def work(settings: MachineSettings, db: Database) -> int:
        async with db.read() as conn:
            unknown = await unknown_user_punches(conn)
        if not unknown:
            print(texts.UNKNOWN_NONE)
            return 0
        print(texts.UNKNOWN_HEADER)
        for u in unknown:
            print(texts.UNKNOWN_ROW.format(machine=u.machine or "-", serial=u.device_serial,
                                           user_id=u.device_user_id, count=u.punches,
                                           first=u.first_at, last=u.last_at))
        print(texts.UNKNOWN_FOOTER)
        return 0
    return _run(args, work)


def handle_simulate(args: argparse.Namespace) -> int:
    from device.machine_data import generate_punches, generate_users
    from device.simulator import Machine, Simulator

    tz = ZoneInfo(args.timezone)
    firmware = args.firmware or ("zk6" if args.udp else "zk8")
    users = generate_users(args.users, seed=args.seed)
    clock = SystemClock(tz)
    machine = Machine(serial=args.serial, users=users, tz=tz, clock=clock.now,
                      password=args.password, firmware=firmware)
    machine.add_punches(generate_punches(users, args.days, until=machine.now(), seed=args.seed))

    async def serve() -> None:
        stop = asyncio.Event()
        # Ctrl-C arrives as KeyboardInterrupt; a service manager stops us with SIGTERM.
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
        async with Simulator(machine, udp=args.udp, port=args.port) as sim:
            print(texts.SIMULATOR_RUNNING.format(
                port=sim.port, transport="UDP" if args.udp else "TCP", serial=machine.serial,
                users=len(machine.users), records=len(machine.punches)), flush=True)
            await stop.wait()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
    print(texts.SIMULATOR_STOPPED)
    return 0


