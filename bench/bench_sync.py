"""Pull sync against the simulator: raw pyzk against `presensi sync` as a whole command.

Times pyzk's raw get_attendance() alone, our full sync inside the process (download + store in
SQLite), and `presensi sync` as the operator runs it (a fresh process: start-up, config,
opening the database, download, store, exit), in the same run, and prints the ratios to raw pyzk
(goals: 20,000 records <= 1.5, 100,000 <= 1.0, 200,000 <= 0.3). The command runs as it does
day to day: on a database whose schema is current (created by an untimed `presensi migrate`)
and with the bytecode of its modules cached, as an installed package has it (a checkout run
with PYTHONDONTWRITEBYTECODE would compile every module on every run; the bench keeps the
cache in its temporary folder). Its CPU time is printed next to the wall time. Then it re-syncs
the unchanged machine (new rows must be 0). The generated log may hold the same (user, time)
twice, as machines do when a finger is pressed twice within a second; those are one record in
`punches`, so the expected count is the number of distinct (user, time) pairs. The simulator
runs in its own process so it does not share the GIL with pyzk. Raw reads and syncs alternate
for a few rounds (each into a fresh database) and medians are compared.

    .venv/bin/python bench/bench_sync.py [--records 100000] [--rounds 3] [--udp]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from zk import ZK

from bot.config.devices import parse_devices
from bot.config.reader import Section
from device.machine_data import generate_punches, generate_users
from device.simulator import Machine, serve_in_thread
from device.sync import sync_all
from services.clock import SystemClock
from services.storage import open_database

WIB = ZoneInfo("Asia/Jakarta")


def build_machine(records: int) -> Machine:
    clock = SystemClock(WIB)
    users = generate_users(max(records // 85, 1), seed=7)
    machine = Machine("BENCH0000001", users, WIB, clock.now)
    punches = generate_punches(users, 60, until=machine.now(), seed=7)
    while len(punches) < records:
        punches += generate_punches(users, 60, until=machine.now(), seed=len(punches))
    machine.add_punches(punches[-records:])
    return machine


def serve(records: int, udp: bool, pipe: Connection) -> None:
    machine = build_machine(records)
    machine.attendance_table()          # build the image before the clock starts
    distinct = len({(p.user_id, p.at) for p in machine.punches})
    with serve_in_thread(machine, udp=udp) as sim:
        pipe.send((sim.port, len(machine.punches), distinct))
        pipe.recv()                     # until the benchmark is done


def command_env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
    return env


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def whole_command(port: int, udp: bool, folder: Path, name: str) -> tuple[float, float, int]:
    """`presensi sync` in a fresh process, as the operator runs it, on a database already at
    the current schema; (seconds, CPU seconds, rows stored)."""
    config = folder / f"{name}.toml"
    config.write_text(
        f'[database]\npath = "{name}.sqlite3"\n\n[office]\nname = "Bench"\n'
        'government = "Bench"\ntimezone = "Asia/Jakarta"\naddress = "-"\ncity = "-"\n'
        'unit_code = "B"\n\n[[devices]]\nname = "Bench"\nhost = "127.0.0.1"\n'
        f'port = {port}\nprotocol = "{"udp" if udp else "tcp"}"\n\n'
        '[sync]\ntimeout_seconds = 120\nretry_attempts = 1\n', encoding="utf-8")
    presensi = Path(sys.executable).with_name("presensi")
    env = command_env(folder)
    subprocess.run([str(presensi), "--config", str(config), "migrate"], capture_output=True,
                   check=True, env=env)
    cpu = children_cpu()
    started = time.perf_counter()
    done = subprocess.run([str(presensi), "--config", str(config), "--log-level", "WARNING",
                           "sync"], capture_output=True, text=True, check=False, env=env)
    elapsed = time.perf_counter() - started
    cpu = children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"presensi sync failed: {done.stdout}{done.stderr}")
    with sqlite3.connect(folder / f"{name}.sqlite3") as conn:
        stored = conn.execute("SELECT COUNT(*) FROM punches").fetchone()[0]
    return elapsed, cpu, stored


def raw_pyzk(port: int, udp: bool) -> tuple[float, int]:
    conn = ZK("127.0.0.1", port=port, timeout=120, force_udp=udp, ommit_ping=True).connect()
    try:
        conn.disable_device()
        started = time.perf_counter()
        records = conn.get_attendance()
        elapsed = time.perf_counter() - started
        conn.enable_device()
    finally:
        conn.disconnect()
    return elapsed, len(records)


async def full_sync(port: int, udp: bool, database: Path,
                    runs: int) -> list[tuple[float, int, int, float]]:
    devices = parse_devices(Section({
        "office": {"timezone": "Asia/Jakarta"},
        "devices": [{"name": "Bench", "host": "127.0.0.1", "port": port,
                     "protocol": "udp" if udp else "tcp"}],
        "sync": {"timeout_seconds": 120, "retry_attempts": 1}}, ""))
    db = await open_database(database)
    clock = SystemClock(WIB)
    results = []
    try:
        for _ in range(runs):
            started = time.perf_counter()
            [report] = await sync_all(db, devices, clock)
            elapsed = time.perf_counter() - started
            if not report.ok:
                raise SystemExit(f"sync failed: {report.error_kind} {report.error_detail}")
            results.append((elapsed, report.seen, report.new, report.store_seconds))
    finally:
        await db.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--udp", action="store_true")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    ours, theirs = multiprocessing.Pipe()
    child = multiprocessing.Process(target=serve, args=(args.records, args.udp, theirs))
    child.start()
    try:
        port, count, distinct = ours.recv()
        print(f"simulator: {count:,} records ({distinct:,} distinct user/time pairs), "
              f"{'UDP' if args.udp else 'TCP'} port {port}")
        raws: list[float] = []
        syncs: list[float] = []
        stores: list[float] = []
        commands: list[float] = []
        command_cpus: list[float] = []
        with tempfile.TemporaryDirectory() as folder:
            whole_command(port, args.udp, Path(folder), "warm-up")   # fills the bytecode cache
            for round_no in range(1, args.rounds + 1):
                raw, raw_count = raw_pyzk(port, args.udp)
                last = round_no == args.rounds
                # The last round's database is synced twice: the second time is the re-sync.
                runs = asyncio.run(full_sync(port, args.udp, Path(folder) / f"r{round_no}.db",
                                             2 if last else 1))
                first, seen, new, store = runs[0]
                command, command_cpu, stored = whole_command(port, args.udp, Path(folder),
                                                             f"c{round_no}")
                raws.append(raw)
                syncs.append(first)
                stores.append(store)
                commands.append(command)
                command_cpus.append(command_cpu)
                print(f"round {round_no}: raw get_attendance() {raw:6.2f} s ({raw_count:,}), "
                      f"in-process sync {first:6.2f} s of which storing {store:4.2f} s "
                      f"(seen {seen:,}, new {new:,}), `presensi sync` {command:6.2f} s "
                      f"(CPU {command_cpu:4.2f} s, {stored:,} stored)")
                if raw_count != count or seen != count or new != distinct or stored != distinct:
                    raise SystemExit("unexpected row counts")
            again, seen2, new2, _store = runs[1]
        raw_median, sync_median = statistics.median(raws), statistics.median(syncs)
        command_median = statistics.median(commands)
        goal = {20_000: 1.5, 100_000: 1.0, 200_000: 0.3}.get(args.records)
        print(f"pyzk get_attendance() alone  : {raw_median:7.2f} s  (median)")
        print(f"in-process sync              : {sync_median:7.2f} s  (median), "
              f"ratio {sync_median / raw_median:5.2f}")
        print(f"`presensi sync` whole command: {command_median:7.2f} s  (median), "
              f"ratio {command_median / raw_median:5.2f}"
              + (f"  (goal <= {goal})" if goal else "")
              + f", CPU {statistics.median(command_cpus):4.2f} s (median)")
        print(f"storing 100% new rows        : {statistics.median(stores):7.2f} s  (median)")
        print(f"re-sync of unchanged machine : {again:7.2f} s  (seen {seen2:,}, new {new2:,})")
        print(f"load average                 : {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        if new2 != 0:
            raise SystemExit("the re-sync stored rows again")
    finally:
        ours.send("stop")
        child.join()


if __name__ == "__main__":
    main()
