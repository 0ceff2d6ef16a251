"""The unmodified pyzk client against the simulator, over real TCP and UDP sockets."""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import struct

import pytest
from zk import ZK
from zk.exception import ZKError, ZKErrorResponse

from device import zkwire as w
from device.machine_data import MachinePunch, generate_punches, generate_users
from device.simulator import Machine, Simulator
from services.clock import FixedClock
from tests.support.machines import WIB, make_machine

DAYS = [dt.date(2026, 10, 1), dt.date(2026, 10, 2)]
IDS = ["0001", "0002", "0010", "A7"]


def _pyzk(sim: Simulator, *, password: int = 0, timeout: float = 5) -> ZK:
    return ZK("127.0.0.1", port=sim.port, timeout=timeout, password=password,
              force_udp=sim.udp, ommit_ping=True)


async def _in_thread(work, *args):  # type: ignore[no-untyped-def]
    return await asyncio.to_thread(work, *args)


def _everything(zk: ZK) -> dict[str, object]:
    conn = zk.connect()
    try:
        conn.disable_device()
        conn.read_sizes()
        result = {"serial": conn.get_serialnumber(), "time": conn.get_time(),
                  "users": conn.get_users(), "attendance": conn.get_attendance(),
                  "records": conn.records, "user_count": conn.users,
                  "firmware": conn.get_firmware_version(), "platform": conn.get_platform(),
                  "name": conn.get_device_name(), "pin_width": conn.get_pin_width(),
                  "extend_fmt": conn.get_extend_fmt(), "fp_version": conn.get_fp_version()}
        conn.enable_device()
        return result
    finally:
        conn.disconnect()


@pytest.mark.parametrize("udp", [False, True], ids=["tcp", "udp"])
async def test_pyzk_reads_users_time_and_log(clock: FixedClock, udp: bool) -> None:
    machine = make_machine("SIM-A", clock, ids=IDS, days=DAYS)
    async with Simulator(machine, udp=udp) as sim:
        got = await _in_thread(_everything, _pyzk(sim))
    assert got["serial"] == "SIM-A"
    assert got["time"] == dt.datetime(2026, 10, 5, 8, 0)
    assert [(u.uid, u.user_id, u.name) for u in got["users"]] == [
        (1, "0001", "Pegawai 0001"), (2, "0002", "Pegawai 0002"), (3, "0010", "Pegawai 0010"),
        (4, "A7", "Pegawai A7")]
    records = got["attendance"]
    assert got["records"] == len(records) == 16
    # Leading zeros and letters survive on zk8 firmware, whatever the transport.
    assert [(r.user_id, r.timestamp, r.punch) for r in records] == [
        (p.user_id, p.at, p.state) for p in machine.punches]
    assert records[0].uid == 1 and records[0].status == 1
    assert got["firmware"].startswith("Ver ") and got["pin_width"] == 9
    assert got["platform"] and got["name"] and got["extend_fmt"] == 1
    assert machine.enabled


@pytest.mark.parametrize("udp", [False, True], ids=["tcp", "udp"])
async def test_buffered_read_of_a_large_log_in_many_chunks(clock: FixedClock, udp: bool) -> None:
    # 120 people over 40 days is ~6,500 records: 260 kB, four 64 kB TCP chunks, or sixteen
    # 16 kB UDP chunks of 1024-byte datagrams.
    users = generate_users(120, seed=3)
    machine = Machine("SIM-BIG", users, WIB, clock.now, firmware="zk8")
    machine.add_punches(generate_punches(users, 40, until=dt.datetime(2026, 10, 5, 8, 0)))
    assert len(machine.attendance_table()) > 3 * 0xFFC0
    async with Simulator(machine, udp=udp) as sim:
        got = await _in_thread(_everything, _pyzk(sim))
    assert [(r.user_id, r.timestamp, r.status, r.punch) for r in got["attendance"]] == [
        (p.user_id, p.at, p.verify, p.state) for p in machine.punches]


async def test_zk6_firmware_over_udp_has_numeric_ids(clock: FixedClock) -> None:
    machine = make_machine("SIM-6", clock, ids=["7", "12", "300"], days=DAYS, firmware="zk6")
    async with Simulator(machine, udp=True) as sim:
        got = await _in_thread(_everything, _pyzk(sim))
    assert [u.user_id for u in got["users"]] == ["7", "12", "300"]
    assert [(r.user_id, r.timestamp) for r in got["attendance"]] == [
        (p.user_id, p.at) for p in machine.punches]


def test_generated_log_follows_the_office_schedule() -> None:
    users = generate_users(200, seed=5)
    until = dt.datetime(2026, 10, 31, 23, 59)
    punches = generate_punches(users, 31, until=until, seed=5)
    assert all(p.at.weekday() < 5 for p in punches)
    per_day: dict[tuple[str, dt.date], list[MachinePunch]] = {}
    for p in punches:
        per_day.setdefault((p.user_id, p.at.date()), []).append(p)
    working_days = sum(1 for d in range(1, 32) if dt.date(2026, 10, d).weekday() < 5)
    arrivals = [min(ps, key=lambda p: p.at).at.time() for ps in per_day.values()]
    late = sum(t > dt.time(7, 30, 59) for t in arrivals)
    assert 0.85 * len(arrivals) < len(arrivals) - late        # most are on time
    assert late > 0                                           # some are late
    assert len(per_day) < 200 * working_days                  # some days have no punch
    assert any(len(ps) == 1 for ps in per_day.values())       # some forgot to punch out
    assert any(len(ps) >= 3 for ps in per_day.values())       # some pressed twice


@pytest.mark.parametrize("udp", [False, True], ids=["tcp", "udp"])
async def test_comm_key_right_and_wrong(clock: FixedClock, udp: bool) -> None:
    machine = make_machine("SIM-K", clock, ids=IDS[:2], days=DAYS, password=123456,
                           firmware="zk8")
    async with Simulator(machine, udp=udp) as sim:
        got = await _in_thread(_everything, _pyzk(sim, password=123456))
        assert len(got["attendance"]) == 8
        for wrong in (0, 654321):
            with pytest.raises(ZKErrorResponse, match="Unauthenticated"):
                await _in_thread(_pyzk(sim, password=wrong).connect)


async def test_push_users_set_time_and_clear_through_pyzk(clock: FixedClock) -> None:
    machine = make_machine("SIM-W", clock, ids=["0001"], days=DAYS)

    def work(zk: ZK) -> list[object]:
        conn = zk.connect()
        conn.get_users()
        conn.set_user(uid=2, name="Siti Aminah", user_id="0002")
        conn.set_user(uid=1, name="Budi Santoso", user_id="0001")
        conn.delete_user(uid=1)
        conn.set_time(dt.datetime(2026, 10, 5, 8, 3, 0))
        conn.clear_attendance()
        conn.read_sizes()
        result = [conn.get_users(), conn.get_time(), conn.records]
        conn.disconnect()
        return result

    async with Simulator(machine) as sim:
        users, machine_time, records = await _in_thread(work, _pyzk(sim))
    assert [(u.uid, u.user_id, u.name) for u in users] == [(2, "0002", "Siti Aminah")]
    assert machine_time == dt.datetime(2026, 10, 5, 8, 3, 0)
    assert machine.clock_offset == dt.timedelta(minutes=3)
    assert records == 0 and machine.punches == ()


def _exchange(sock: socket.socket, pkt: bytes) -> bytes:
    sock.sendall(w.tcp_frame(pkt))
    return _read_frame(sock)


def _checksum_ok(pkt: bytes) -> bool:
    """A machine packet's checksum makes the ones'-complement sum of the packet 0xFFFF."""
    data = pkt + (b"\x00" if len(pkt) % 2 else b"")
    total = sum(struct.unpack(f"<{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return total == 0xFFFF


async def test_frames_are_shaped_like_the_machines_captures(clock: FixedClock) -> None:
    users = generate_users(30, seed=2)
    machine = Machine("SIM-F", users, WIB, clock.now)
    machine.add_punches(generate_punches(users, 10, until=dt.datetime(2026, 10, 5, 8, 0)))

    def talk(port: int) -> list[bytes]:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            connect = _exchange(sock, w.packet(w.CMD_CONNECT, 0, 0))
            session = w.HEADER.unpack(connect[:8])[2]
            prepare = _exchange(sock, w.packet(w.CMD_PREPARE_BUFFER, session, 1,
                                               struct.pack("<bhii", 1, w.CMD_ATTLOG_RRQ, 0, 0)))
            size = struct.unpack("<I", prepare[9:13])[0]
            sock.sendall(w.tcp_frame(w.packet(w.CMD_READ_BUFFER, session, 2,
                                              struct.pack("<ii", 0, 100))))
            replies = [_read_frame(sock) for _ in range(3)]
            return [connect, prepare, size.to_bytes(4, "little"), *replies]

    async with Simulator(machine) as sim:
        connect, prepare, size, prep_data, data, ack = await _in_thread(talk, sim.port)
    assert w.HEADER.unpack(connect[:8])[0] == w.CMD_ACK_OK
    assert w.HEADER.unpack(connect[:8])[3] == 0                      # reply number echoed
    assert w.HEADER.unpack(prepare[:8])[0] == w.CMD_ACK_OK and prepare[8] == 0
    assert int.from_bytes(size, "little") == len(machine.attendance_table())
    assert w.HEADER.unpack(prep_data[:8])[0] == w.CMD_PREPARE_DATA
    assert struct.unpack("<I", prep_data[8:12])[0] == 100
    assert w.HEADER.unpack(data[:8])[0] == w.CMD_DATA and len(data) == 108
    assert w.HEADER.unpack(ack[:8])[0] == w.CMD_ACK_OK
    assert all(_checksum_ok(p) for p in (connect, prepare, prep_data, data, ack))


def _read_frame(sock: socket.socket) -> bytes:
    top = b""
    while len(top) < 8:
        top += sock.recv(8 - len(top))
    magic, length = w.TCP_TOP.unpack(top)
    assert magic == w.TCP_MAGIC
    body = b""
    while len(body) < length:
        body += sock.recv(length - len(body))
    return body


def test_comm_key_and_checksum_agree_with_pyzk() -> None:
    from zk.base import make_commkey

    for password, session, ticks in [(0, 1, 50), (12, 0x45CF, 50), (999999, 65535, 7),
                                     (4294967, 1234, 255)]:
        assert w.comm_key(password, session, ticks) == make_commkey(password, session, ticks)
        assert w.comm_key_matches(make_commkey(password, session, ticks), password, session)
        assert not w.comm_key_matches(make_commkey(password + 1, session), password, session)
    at = dt.datetime(2026, 2, 28, 23, 59, 59)
    assert w.decode_time(w.encode_time(at)) == at


async def test_garbage_and_slow_answers_fail_the_client(clock: FixedClock) -> None:
    machine = make_machine("SIM-G", clock, ids=IDS, days=DAYS)
    async with Simulator(machine) as sim:
        machine.faults.garbage = True
        with pytest.raises(ZKError):
            await _in_thread(_pyzk(sim).connect)
        machine.faults.garbage = False
        machine.faults.delay_seconds = 1.0
        with pytest.raises(ZKError, match="timed out"):
            await _in_thread(_pyzk(sim, timeout=0.2).connect)
