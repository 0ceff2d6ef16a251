"""/mesin through the real Application: machine status and clocks for the admin, a sync on
demand, users written and clocks set on pull machines (the real pyzk client against the
simulator over TCP and UDP) and on an ADMS machine (the real receiver over real HTTP), each
after a confirmation, with the results delivered through the outbox."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import Callable

import aiohttp
import pytest

from bot.jobs.devices import ADMS_KEY
from device import zkwire
from device.commands import queue_user_push
from device.machine_data import MachinePunch
from device.simulator import Machine, Simulator
from services import audit, devices, outbox
from services.clock import FixedClock
from services.machine_admin import ADMS_RESULT, PULL_RESULT
from services.storage import Database
from tests.conftest import BASE_CONFIG, tg
from tests.support.botapi import ApiCall
from tests.support.harness import Harness, TgUser
from tests.support.machines import WIB, device_toml, free_port, office_users
from tests.support.office import ADMIN, PEOPLE, STAFF_A, STAFF_B

pytestmark = pytest.mark.filterwarnings(
    "ignore:Tasks created via `Application.create_task`:telegram.warnings.PTBUserWarning")

SYNC = "\n[sync]\ntimeout_seconds = 3\nretry_attempts = 1\nretry_backoff_seconds = 0\n"
ADMS_SERIAL = "ADMS0001"
ADMS = (f'\n[adms]\nenabled = true\nhost = "127.0.0.1"\nport = 0\n'
        f'[[adms.machines]]\nserial = "{ADMS_SERIAL}"\nname = "Pintu Samping"\n')


@pytest.fixture
def lobby_port() -> int:
    return free_port()


@pytest.fixture
def config_text(lobby_port: int) -> str:
    return (BASE_CONFIG + device_toml("Lobi", lobby_port)
            + device_toml("Gudang", lobby_port, protocol="udp") + SYNC + ADMS)


async def until(h: Harness, done: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the background work and the outbox run until `done()` holds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not done():
        assert asyncio.get_running_loop().time() < deadline, "timed out"
        await asyncio.sleep(0.05)
        await h.deliver()


def texts_to(h: Harness, user: TgUser) -> list[str]:
    return [c.text for c in h.api.sent_to(user.id) if c.method == "sendMessage"]


def edited(h: Harness) -> ApiCall:
    """The /mesin message as the last tap left it (taps edit it in place)."""
    return h.api.sent("editMessageText")[-1]


async def open_machines(h: Harness, user: TgUser) -> ApiCall:
    await h.send(user, "/mesin")
    return h.api.last_to(user.id)


async def test_operator_sees_machines_and_syncs_now(harness: Harness, db: Database, office,
                                                    clock: FixedClock, lobby_port: int) -> None:
    h = harness
    operator = tg(ADMIN)
    await h.send(tg(STAFF_B), "/mesin")
    assert "tidak berwenang" in h.api.last_to(STAFF_B.telegram_id).text

    machine = Machine(serial="LOBI-01", users=office_users([p.device_user_id for p in PEOPLE]),
                      tz=WIB, clock=clock.now)
    machine.add_punches([MachinePunch(STAFF_A.device_user_id, dt.datetime(2026, 10, 5, 7, 20))])
    # Nothing listens yet: the sync on demand reports each machine's failure in one line.
    status = await open_machines(h, operator)
    await h.tap(operator, status.button("Sinkronkan"), on=status)
    assert "Sinkronisasi mesin dimulai" in h.api.sent("answerCallbackQuery")[-1].params["text"]
    await until(h, lambda: any("Lobi: gagal" in t for t in texts_to(h, operator)))

    async with Simulator(machine, port=lobby_port):
        await h.tap(operator, status.button("Sinkronkan"), on=status)
        await until(h, lambda: any("Lobi: 1 pindaian dibaca, 1 baru disimpan" in t
                                   for t in texts_to(h, operator)))
    shown = (await open_machines(h, operator)).text
    assert "Lobi (tarik, SN LOBI-01)" in shown and "05-10-2026 08:00" in shown
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "device", "*")
    assert [e.action for e in entries] == ["device.sync_manual", "device.sync_manual"]
    assert {e.actor_nip for e in entries} == {ADMIN.nip}


async def test_admin_pushes_users_to_a_pull_machine_after_confirming(
        harness: Harness, db: Database, office, clock: FixedClock, lobby_port: int) -> None:
    h = harness
    operator, staff = tg(ADMIN), tg(STAFF_B)
    # The machine knows two people already; 0003 is its admin and stays one.
    machine = Machine(serial="LOBI-01", users=office_users(["0001", "0003"]), tz=WIB,
                      clock=clock.now)
    machine.users[1].privilege = 14
    status = await open_machines(h, operator)
    assert all(len(b["callback_data"].encode()) <= 64 for b in status.buttons)
    await h.tap(operator, status.button("Kirim pegawai · Lobi"), on=status)
    confirm = edited(h)
    assert "Kirim <b>8</b> pegawai (PIN dan nama) ke mesin <b>Lobi</b>?" in confirm.text
    assert machine.users and len(machine.users) == 2          # nothing written before "Ya"

    # A staff member replaying the admin's button is refused, at every tap.
    await h.tap(staff, confirm.button("Ya, kirim")["callback_data"], on=status)
    assert "tidak berwenang" in h.api.sent("answerCallbackQuery")[-1].params["text"]
    async with Simulator(machine, port=lobby_port):
        await h.tap(operator, confirm.button("Ya, kirim"), on=status)
        answers = h.api.sent("answerCallbackQuery")
        assert "hasilnya dikirim" in answers[-1].params["text"]
        await until(h, lambda: any("pegawai ditulis" in t for t in texts_to(h, operator)))
    assert "✅ Mesin <b>Lobi</b>: 8 pegawai ditulis." in texts_to(h, operator)[-1]
    users = {u.user_id: u for u in machine.users}
    assert sorted(users) == sorted(p.device_user_id for p in PEOPLE)
    assert users["0004"].name == ADMIN.nama[:24] and users["0003"].privilege == 14
    async with db.read() as conn:
        [entry] = await audit.entries_for(conn, "device", "Lobi")
    assert entry.action == "device.users_chat" and entry.actor_nip == ADMIN.nip
    [row] = await outbox.rows(db, kind=PULL_RESULT)
    assert row.status == outbox.SENT and row.payload["written"] == 8


async def test_a_pull_machine_that_is_down_is_reported_and_cancel_writes_nothing(
        harness: Harness, db: Database, office, lobby_port: int) -> None:
    h = harness
    operator = tg(ADMIN)
    status = await open_machines(h, operator)
    await h.tap(operator, status.button("Kirim pegawai · Lobi"), on=status)
    await h.tap(operator, edited(h).button("Batal"), on=status)
    assert "Dibatalkan" in edited(h).text
    assert await outbox.rows(db, kind=PULL_RESULT) == []

    status = await open_machines(h, operator)
    await h.tap(operator, status.button("Atur jam · Lobi"), on=status)
    await h.tap(operator, edited(h).button("Ya, kirim"), on=status)
    await until(h, lambda: any("pengaturan jam gagal" in t for t in texts_to(h, operator)))
    assert "mesin tidak dapat dihubungi" in texts_to(h, operator)[-1]


async def test_admin_sets_the_clock_of_a_udp_machine_and_sees_it_right(
        harness: Harness, db: Database, office, clock: FixedClock, lobby_port: int) -> None:
    h = harness
    operator = tg(ADMIN)
    machine = Machine(serial="GUDANG-01", users=office_users(["0001"]), tz=WIB,
                      clock=clock.now, firmware="zk6")
    machine.clock_offset = dt.timedelta(minutes=-7)
    async with Simulator(machine, udp=True, port=lobby_port):
        status = await open_machines(h, operator)
        await h.tap(operator, status.button("Atur jam · Gudang"), on=status)
        confirm = edited(h)
        assert "Samakan jam mesin <b>Gudang</b> dengan jam server" in confirm.text
        await h.tap(operator, confirm.button("Ya, kirim"), on=status)
        await until(h, lambda: any("Jam mesin <b>Gudang</b> diatur" in t
                                   for t in texts_to(h, operator)))
    assert "Sebelumnya lebih lambat 7 menit." in texts_to(h, operator)[-1]
    assert abs((machine.now() - clock.now().replace(tzinfo=None)).total_seconds()) < 1
    assert "Gudang (tarik): tepat" in (await open_machines(h, operator)).text


async def test_admin_pushes_users_and_the_time_to_an_adms_machine_and_hears_its_answers(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    h = harness
    operator = tg(ADMIN)
    server = h.application.bot_data[ADMS_KEY]
    await report_users(server.port, "OPERLOG", f"USER PIN={STAFF_B.device_user_id}\tName=B\t"
                       "Pri=14\tPasswd=\tCard=\tGrp=1\n"
                       f"FP PIN={STAFF_B.device_user_id}\tFID=6\tSize=1\tValid=1\tTMP=x\n"
                       f"USER PIN={STAFF_A.device_user_id}\tName=A\tPri=0\n")
    status = await open_machines(h, operator)
    assert "Pintu Samping (ADMS): belum diketahui" in status.text
    await h.tap(operator, status.button("Kirim pegawai · Pintu Samping"), on=status)
    confirm = edited(h)
    assert "ke mesin ADMS <b>Pintu Samping</b>" in confirm.text
    assert (f"1 sebagai admin mesin (Pri=14): PIN {STAFF_B.device_user_id}; "
            "7 sebagai pengguna biasa (Pri=0)") in confirm.text
    await h.tap(operator, confirm.button("Ya, kirim"), on=status)
    assert "8 perintah untuk mesin ADMS <b>Pintu Samping</b> diantrekan" in edited(h).text
    status = await open_machines(h, operator)
    assert "8 perintah menunggu jawaban mesin" in status.text
    await h.tap(operator, status.button("Atur jam · Pintu Samping"), on=status)
    await h.tap(operator, edited(h).button("Ya, kirim"), on=status)

    params = {"SN": ADMS_SERIAL}
    async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http:
        async with http.get("/iclock/getrequest", params=params) as answer:
            commands = (await answer.text()).splitlines()
        assert len(commands) == 9
        user_lines = [c for c in commands if "USERINFO" in c or "DATA USER" in c]
        assert any(f"PIN={ADMIN.device_user_id}\tName={ADMIN.nama[:24]}\tPri=0" in c
                   for c in user_lines)
        # The machine's admin stays one.
        assert any(f"PIN={STAFF_B.device_user_id}\tName={STAFF_B.nama[:24]}\tPri=14" in c
                   for c in user_lines)
        # The machine refuses one user; the admin hears once all eight are answered.
        ids = [c.split(":")[1] for c in user_lines]
        refused = next(c.split(":")[1] for c in user_lines if "PIN=0007\t" in c)
        first = "".join(f"ID={i}&Return={-1 if i == refused else 0}&CMD=DATA\n"
                        for i in ids[:5])
        async with http.post("/iclock/devicecmd", params=params, data=first.encode()) as r:
            assert await r.text() == "OK"
        await h.deliver()
        assert await outbox.rows(db, kind=ADMS_RESULT) == []
        rest = "".join(f"ID={i}&Return={-1 if i == refused else 0}&CMD=DATA\n"
                       for i in ids[5:])
        time_line = commands[-1]
        local = clock.now().astimezone(WIB).replace(tzinfo=None)
        assert time_line.endswith(f"SET OPTIONS DateTime={zkwire.encode_time(local)}")
        rest += f"ID={time_line.split(':')[1]}&Return=0&CMD=SET OPTIONS\n"
        async with http.post("/iclock/devicecmd", params=params, data=rest.encode()) as r:
            assert await r.text() == "OK"
        # A resent answer completes nothing twice.
        async with http.post("/iclock/devicecmd", params=params, data=rest.encode()) as r:
            assert await r.text() == "OK"
    await until(h, lambda: len([t for t in texts_to(h, operator) if "Mesin ADMS" in t]) >= 2)
    said = [t for t in texts_to(h, operator) if "Mesin ADMS" in t]
    assert any("menjawab: 7 dari 8 pegawai tersimpan" in t
               and "1 ditolak mesin: PIN 0007 (kode -1)" in t for t in said)
    assert any("telah mengatur jamnya sesuai jam server" in t for t in said)
    assert len(await outbox.rows(db, kind=ADMS_RESULT)) == 2
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "device", "Pintu Samping")
    assert [e.action for e in entries] == ["device.adms_users", "device.adms_time"]


async def report_users(port: int, table: str, body: str, *, path: str = "/iclock/cdata",
                       query: dict[str, str] | None = None) -> str:
    """The ADMS machine uploads its users, as firmware does after a change or to a server
    whose OPERLOG stamp is 0."""
    params = {"SN": ADMS_SERIAL, "table": table, "Stamp": "3", **(query or {})}
    async with aiohttp.ClientSession(f"http://127.0.0.1:{port}") as http, \
            http.post(path, params=params, data=body.encode()) as r:
        assert r.status == 200
        return await r.text()


async def test_a_machine_that_never_reported_its_users_is_not_written_from_chat(
        harness: Harness, db: Database, office) -> None:
    h = harness
    operator = tg(ADMIN)
    status = await open_machines(h, operator)
    await h.tap(operator, status.button("Kirim pegawai · Pintu Samping"), on=status)
    answer = h.api.sent("answerCallbackQuery")[-1].params
    assert answer["show_alert"] and "belum melaporkan daftar penggunanya" in answer["text"]
    assert "--admin" in answer["text"]
    async with db.read() as conn:
        assert await devices.commands_of(conn, ADMS_SERIAL) == []


async def test_privileges_from_userinfo_and_querydata_and_the_cli_are_repeated_from_chat(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    """USERINFO lines without the USER word (push 2.x), a PUSH 3.x user query answer, and a
    command line write with --admin each set what chat writes later; the newest wins."""
    h = harness
    operator = tg(ADMIN)
    server = h.application.bot_data[ADMS_KEY]
    assert await report_users(server.port, "USERINFO",
                              f"\ufeffPIN={STAFF_A.device_user_id}\tName=A\tPri=14\n"
                              f"PIN={STAFF_B.device_user_id}\tName=B\tPri=6\n") == "OK"
    await report_users(server.port, "", f"user uid=3\tcardno=\tpin={STAFF_B.device_user_id}"
                       "\tpassword=\tgroup=1\tname=B\tprivilege=0\tdisable=0\n",
                       path="/iclock/querydata", query={"type": "tabledata",
                                                         "tablename": "user"})
    async with db.read() as conn:
        assert await devices.user_privileges(conn, ADMS_SERIAL) == {
            STAFF_A.device_user_id: 14, STAFF_B.device_user_id: 0}
    # The office admin names a machine admin on the command line (same database).
    [machine] = [m for m in h.settings.devices.adms.machines if m.serial == ADMS_SERIAL]
    await queue_user_push(db, machine, [(ADMIN.device_user_id, ADMIN.nama, 14)], clock.now())
    status = await open_machines(h, operator)
    await h.tap(operator, status.button("Kirim pegawai · Pintu Samping"), on=status)
    confirm = edited(h)
    assert (f"2 sebagai admin mesin (Pri=14): PIN {STAFF_A.device_user_id}, "
            f"{ADMIN.device_user_id}" in confirm.text
            or f"2 sebagai admin mesin (Pri=14): PIN {ADMIN.device_user_id}, "
            f"{STAFF_A.device_user_id}" in confirm.text)
    await h.tap(operator, confirm.button("Ya, kirim"), on=status)
    async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http, \
            http.get("/iclock/getrequest", params={"SN": ADMS_SERIAL}) as answer:
        lines = (await answer.text()).splitlines()
    written = {line.split("PIN=")[1].split("\t")[0]: line.rsplit("Pri=", 1)[1]
               for line in lines if "PIN=" in line}
    assert written[STAFF_A.device_user_id] == "14" and written[ADMIN.device_user_id] == "14"
    assert written[STAFF_B.device_user_id] == "0"
    # The command line's write for ADMIN, then chat's for STAFF_A and ADMIN.
    assert sum(line.endswith("Pri=14") for line in lines) == 3


async def test_adms_clock_drift_is_shown_to_the_admin(harness: Harness, office,
                                                      clock: FixedClock) -> None:
    h = harness
    operator = tg(ADMIN)
    server = h.application.bot_data[ADMS_KEY]
    ahead = clock.now().astimezone(WIB).replace(tzinfo=None) + dt.timedelta(minutes=5)
    line = f"{STAFF_A.device_user_id}\t{ahead:%Y-%m-%d %H:%M:%S}\t0\t1\t0\t0\n"
    params = {"SN": ADMS_SERIAL, "table": "ATTLOG", "Stamp": "1"}
    async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http, \
            http.post("/iclock/cdata", params=params, data=line.encode()) as r:
        assert await r.text() == "OK:1"
    shown = (await open_machines(h, operator)).text
    assert "Pintu Samping (ADMS): lebih cepat 5 menit dari jam server" in shown


async def test_a_button_for_a_machine_no_longer_configured_is_refused(
        harness: Harness, office) -> None:
    h = harness
    operator = tg(ADMIN)
    status = await open_machines(h, operator)
    await h.tap(operator, "mes:do:users:0123456789", on=status)
    assert "tidak lagi ada di konfigurasi" in h.api.sent("answerCallbackQuery")[-1].params["text"]
