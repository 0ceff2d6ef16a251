"""The device commands (`presensi sync`, `presensi device ...`, `presensi simulate-device`) and
the scheduled pull / ADMS server inside the running bot."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest
from zk import ZK

from bot.cli import main
from bot.config import load_settings
from bot.context import SERVICES_KEY
from bot.jobs.devices import ADMS_KEY, JOB_NAME
from device.simulator import Simulator, serve_in_thread
from services.clock import FixedClock, SystemClock
from services.storage import open_database
from tests.conftest import BASE_CONFIG
from tests.support.harness import Harness
from tests.support.machines import WIB, device_toml, free_port, make_machine
from tests.support.office import PEOPLE, seed_office

ADMIN_CHAT = -100500
DAYS = [dt.date(2026, 10, 1), dt.date(2026, 10, 2)]
FAST_RETRY = "\n[sync]\nretry_attempts = 1\nretry_backoff_seconds = 0\ntimeout_seconds = 3\n"


def _write_config(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "presensi.toml"
    path.write_text(BASE_CONFIG + extra, encoding="utf-8")
    return path


def _run(path: Path, *argv: str) -> int:
    return main(["--config", str(path), *argv])


def test_sync_command_prints_per_machine_counts(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    machine = make_machine("SN-CLI", SystemClock(WIB), ids=["0001", "0077"], days=DAYS)
    offline = free_port()
    with serve_in_thread(machine) as sim:
        path = _write_config(tmp_path, device_toml("Lobi", sim.port)
                             + device_toml("Gudang", offline) + FAST_RETRY)
        assert _run(path, "sync") == 1                     # one machine failed
        first = capsys.readouterr().out
        assert _run(path, "sync", "--device", "Lobi") == 0
        second = capsys.readouterr().out
    row = next(line for line in first.splitlines() if line.startswith("Lobi"))
    assert row.split() == ["Lobi", "SN-CLI", "8", "8", "0", "0"]
    assert "Gudang" in first and "GAGAL" in first and "tidak dapat dihubungi" in first
    assert next(line for line in second.splitlines() if line.startswith("Lobi")).split() == [
        "Lobi", "SN-CLI", "8", "0", "8", "0"]
    assert "Gudang" not in second

    async def bookkeeping() -> tuple[list[tuple[object, ...]], int]:
        db = await open_database(load_settings(str(path)).database.path)
        async with db.read() as conn:
            async with conn.execute("SELECT name, last_error, consecutive_failures"
                                    " FROM device_sync_state ORDER BY name") as cursor:
                state = [tuple(r) for r in await cursor.fetchall()]
            async with conn.execute("SELECT COUNT(*) FROM device_problems") as cursor:
                problems = (await cursor.fetchone())[0]
        await db.close()
        return state, problems
    # A manual run records the results but leaves reporting (device_problems) to the scheduler.
    assert asyncio.run(bookkeeping()) == ([("Gudang", "offline", 1), ("Lobi", None, 0)], 0)


def test_device_commands_users_push_time_unknown_and_clear(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    machine = make_machine("SN-OPS", SystemClock(WIB), ids=["0001", "0077"], days=DAYS)
    machine.clock_offset = dt.timedelta(minutes=9)
    with serve_in_thread(machine) as sim:
        path = _write_config(tmp_path, device_toml("Lobi", sim.port) + FAST_RETRY)
        settings = load_settings(str(path))

        async def seed() -> None:
            db = await open_database(settings.database.path)
            await seed_office(db, tmp_path, dt.datetime.now(WIB), bind=False)
            await db.close()
        asyncio.run(seed())

        assert _run(path, "device", "users") == 0
        listing = capsys.readouterr().out
        assert "Dr. Budi Santoso" in listing and "(tidak terdaftar)" in listing

        assert _run(path, "device", "push-users") == 0
        assert "8 pengguna ditulis, 0 dihapus, 0 gagal" in capsys.readouterr().out
        by_id = {u.user_id: u for u in machine.users}
        assert by_id["0003"].name == "Ahmad Fauzi, S.E."
        assert by_id["0001"].uid == 1 and "0077" in by_id      # kept, not pruned
        assert _run(path, "device", "push-users", "--prune") == 0
        assert "0077" not in {u.user_id for u in machine.users}

        assert _run(path, "device", "set-time") == 0
        assert abs(machine.clock_offset.total_seconds()) < 5

        assert _run(path, "sync") == 0
        capsys.readouterr()
        assert _run(path, "device", "unknown-users") == 0
        unknown = capsys.readouterr().out
        assert "0077" in unknown and "0001 " not in unknown

        assert _run(path, "device", "clear-log", "--device", "Lobi") == 0
        assert "dikosongkan setelah 8 catatan" in capsys.readouterr().out
        assert machine.punches == () and machine.enabled
    async def check() -> tuple[int, list[str]]:
        db = await open_database(settings.database.path)
        async with db.read() as conn:
            async with conn.execute("SELECT COUNT(*) FROM punches") as cursor:
                count = (await cursor.fetchone())[0]
            async with conn.execute("SELECT action FROM audit_log WHERE entity = 'device'"
                                    ) as cursor:
                actions = [r[0] for r in await cursor.fetchall()]
        await db.close()
        return count, actions
    assert asyncio.run(check()) == (8, ["device.clear_log"])


def test_clear_log_needs_a_named_machine(tmp_path: Path) -> None:
    path = _write_config(tmp_path, device_toml("Lobi", free_port()))
    with pytest.raises(SystemExit):
        _run(path, "device", "clear-log")


def test_simulate_device_command_serves_pyzk(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "simulate-device", "--port", "0", "--users", "7",
         "--days", "10", "--password", "55", "--serial", "SIMCLI1"],
        stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1],
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert "SIMCLI1" in line and "TCP" in line
        port = int(line.split("127.0.0.1:")[1].split(" ")[0])
        conn = ZK("127.0.0.1", port=port, timeout=5, password=55, ommit_ping=True).connect()
        try:
            assert len(conn.get_users()) == 7 and conn.get_serialnumber() == "SIMCLI1"
        finally:
            conn.disconnect()
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_simulate_device_stops_on_sigterm() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "simulate-device", "--port", "0", "--udp", "--users", "3",
         "--days", "2"], stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parents[1],
        env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    assert "UDP" in process.stdout.readline()
    process.terminate()
    assert process.wait(timeout=10) == 0
    assert "dihentikan" in process.stdout.read()


async def test_scheduled_pull_reports_to_admin_once_and_recovery(
        tmp_path: Path, clock: FixedClock) -> None:
    good = make_machine("SN-JOB", clock, ids=["0001"], days=DAYS)
    offline = free_port()
    async with Simulator(good) as sim:
        settings = load_settings(str(_write_config(
            tmp_path, device_toml("Lobi", sim.port) + device_toml("Gudang", offline)
            + FAST_RETRY)))
        harness = await Harness.start(settings, clock)
        try:
            app = harness.application
            [job] = app.job_queue.get_jobs_by_name(JOB_NAME)
            await job.run(app)
            await job.run(app)
            await harness.deliver()
            sent = harness.api.sent_to(ADMIN_CHAT)
            assert len(sent) == 1
            assert "Gudang" in sent[0].text and "tidak dapat dihubungi" in sent[0].text
            back = make_machine("SN-GUDANG", clock, ids=["0002"], days=DAYS)
            async with Simulator(back, port=offline):
                await job.run(app)
            await harness.deliver()
            sent = harness.api.sent_to(ADMIN_CHAT)
            assert len(sent) == 2 and "kembali berhasil" in sent[1].text
            db = app.bot_data[SERVICES_KEY].db
            async with db.read() as conn, conn.execute(
                    "SELECT device_serial, COUNT(*) FROM punches GROUP BY 1 ORDER BY 1") as cur:
                assert [tuple(r) for r in await cur.fetchall()] == [("SN-GUDANG", 4),
                                                                    ("SN-JOB", 4)]
            assert good.enabled and back.enabled
        finally:
            await harness.stop()
        assert app.job_queue.get_jobs_by_name(JOB_NAME) == ()


async def test_adms_server_runs_with_the_bot(tmp_path: Path, clock: FixedClock) -> None:
    adms = ('\n[adms]\nenabled = true\nhost = "127.0.0.1"\nport = 0\n'
            '[[adms.machines]]\nserial = "ADMS0001"\nname = "Pintu Depan"\n')
    settings = load_settings(str(_write_config(tmp_path, adms)))
    harness = await Harness.start(settings, clock)
    app = harness.application
    try:
        server = app.bot_data[ADMS_KEY]
        async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http:
            async with http.post("/iclock/cdata.aspx",
                                 params={"SN": "ADMS0001", "table": "ATTLOG", "Stamp": "1"},
                                 data=f"{PEOPLE[0].device_user_id}\t2026-10-05 07:02:03\t0\t1\n"
                                 ) as answer:
                assert await answer.text() == "OK:1"
            for _ in range(2):
                async with http.get("/iclock/cdata", params={"SN": "STRANGER"}) as answer:
                    assert answer.status == 403
        await harness.deliver()
        [report] = harness.api.sent_to(ADMIN_CHAT)
        assert "STRANGER" in report.text
    finally:
        await harness.stop()
    assert ADMS_KEY not in app.bot_data


ADMS_TOML = """
[adms]
enabled = false
host = "127.0.0.1"
port = 0

[[adms.machines]]
serial = "ADMS0001"
name = "Pintu"
allow_from = ["127.0.0.1"]
"""


def test_users_and_time_go_to_pull_and_adms_machines_and_list_shows_both(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    machine = make_machine("SN-BOTH", SystemClock(WIB), ids=["0001", "0003"], days=DAYS)
    with serve_in_thread(machine) as sim:
        path = _write_config(tmp_path, device_toml("Lobi", sim.port) + FAST_RETRY + ADMS_TOML)
        settings = load_settings(str(path))

        async def seed() -> None:
            db = await open_database(settings.database.path)
            await seed_office(db, tmp_path, dt.datetime.now(WIB), bind=False)
            await db.close()
        asyncio.run(seed())
        assert _run(path, "device", "push-users", "--admin", "0003") == 0
        out = capsys.readouterr().out
        assert "Mesin ADMS Pintu: 8 perintah diantrekan" in out
        assert "8 pengguna ditulis" in out
        privileges = {u.user_id: u.privilege for u in machine.users}
        assert privileges["0003"] == 14 and privileges["0001"] == 0
        assert _run(path, "device", "set-time", "--device", "ADMS0001") == 0
        assert "Mesin ADMS Pintu: 1 perintah diantrekan" in capsys.readouterr().out
        assert _run(path, "sync") == 0
        capsys.readouterr()

        async def machine_polls() -> list[str]:
            from device.adms import AdmsReceiver, AdmsServer
            db = await open_database(settings.database.path)
            server = AdmsServer(AdmsReceiver(db, settings.devices.adms, SystemClock(WIB)),
                                "127.0.0.1", 0)
            await server.start()
            try:
                async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http:
                    async with http.get("/iclock/getrequest", params={"SN": "ADMS0001"}) as r:
                        commands = (await r.text()).splitlines()
                    answers = "".join(f"ID={c.split(':')[1]}&Return=0&CMD=DATA\n"
                                      for c in commands[:5])
                    async with http.post("/iclock/devicecmd", params={"SN": "ADMS0001"},
                                         data=answers.encode()) as r:
                        assert await r.text() == "OK"
            finally:
                await server.stop()
                await db.close()
            return commands
        commands = asyncio.run(machine_polls())
    assert len(commands) == 9
    assert next(c for c in commands if "PIN=0003\t" in c).endswith("Pri=14")
    assert commands[-1].split(":", 2)[2].startswith("SET OPTIONS DateTime=")
    assert _run(path, "device", "list") == 0
    listing = capsys.readouterr().out.splitlines()
    lobby = next(line for line in listing if line.startswith("Lobi"))
    assert "tarik" in lobby and "SN-BOTH" in lobby and "Ver 6.60" in lobby
    door = next(line for line in listing if line.startswith("Pintu"))
    assert "ADMS" in door and "ADMS0001" in door
    assert "  4 perintah ADMS menunggu jawaban mesin" in listing


def _run_in_a_fresh_process(config: Path, args: list[str], heavy: tuple[str, ...]) -> list[str]:
    """`presensi --config CONFIG ARGS` in a new interpreter; the lines it printed, the last
    being its exit code and which of the `heavy` modules it loaded."""
    probe = ("import sys\nfrom bot.cli import main\n"
             f"code = main(['--config', {str(config)!r}, *{args!r}])\n"
             f"print(code, sorted(m for m in {heavy!r} if m in sys.modules))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=Path(__file__).parents[1], check=True)
    return done.stdout.splitlines()


def test_sync_command_loads_only_the_pull_and_the_punch_storage(tmp_path: Path) -> None:
    """`presensi sync` runs many times a day: it reads its own config sections and stores the
    punches, and loads neither the bot, the reports nor any feature's policy or catalogue."""
    machine = make_machine("SN-LEAN", SystemClock(WIB), ids=["0001", "0077"], days=DAYS)
    with serve_in_thread(machine) as sim:
        path = _write_config(tmp_path, device_toml("Lobi", sim.port))
        printed = _run_in_a_fresh_process(
            path, ["sync"], ("telegram", "reportlab", "openpyxl", "aiohttp", "yaml",
                             "phonenumbers", "holidays", "hijridate", "bot.config.settings",
                             "services.workflows", "services.attendance_policy",
                             "services.leave_balance", "services.agenda", "device.simulator",
                             "handlers.import_report"))
    assert printed[-1] == "0 []"
    assert next(line for line in printed
                if line.startswith("Lobi")).split()[:4] == ["Lobi", "SN-LEAN", "8", "8"]


def test_sync_refuses_a_misspelt_key_in_the_sections_it_reads(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write_config(tmp_path, device_toml("Lobi", free_port())
                         + "\n[sync]\nretry_atempts = 1\n")
    assert _run(path, "sync") == 2
    assert capsys.readouterr().err.strip() == (
        "Konfigurasi tidak valid: sync.retry_atempts: kunci tidak dikenal; "
        "maksud Anda sync.retry_attempts?")
    typo = _write_config(tmp_path, device_toml("Lobi", free_port()).replace(
        "protocol", "protokol"))
    assert _run(typo, "device", "list") == 2
    assert "devices[0].protokol: kunci tidak dikenal" in capsys.readouterr().err


def test_device_commands_start_without_telegram_reportlab_or_the_other_commands(
        tmp_path: Path) -> None:
    path = _write_config(tmp_path, "")
    printed = _run_in_a_fresh_process(
        path, ["device", "list"], ("telegram", "reportlab", "openpyxl", "aiohttp",
                                   "bot.demo.run", "bot.commands.recap", "bot.commands.run"))
    assert printed[-1] == "0 []"
    # `presensi --help` still lists every command.
    helped = subprocess.run([sys.executable, "-m", "bot", "--help"], capture_output=True,
                            text=True, cwd=Path(__file__).parents[1], check=True)
    for command in ("run", "sync", "device", "recap", "demo", "import-employees"):
        assert command in helped.stdout
