"""Our reading of the raw attendance buffer gives what pyzk gives, in linear time, over TCP and
UDP against the simulator; sizes pyzk misreads are read right or refused."""

from __future__ import annotations

import asyncio
import datetime as dt
import struct

import pytest
from zk import ZK
from zk.const import CMD_ATTLOG_RRQ

from device import zkwire
from device.attlog_buffer import AttendanceBufferError, parse_attendance
from device.machine_data import MachinePunch, MachineUser
from device.simulator import Machine, Simulator
from services.clock import FixedClock
from services.punches import RawPunch
from tests.support.machines import WIB


def _machine(clock: FixedClock, firmware: str) -> Machine:
    users = [MachineUser(uid=i, user_id=str(100 + i) if firmware == "zk6" else f"0{i:03d}",
                         name=f"Pegawai {i}") for i in range(1, 40)]
    machine = Machine("SN-BUF", users, WIB, clock.now, firmware=firmware)
    start = dt.datetime(2026, 9, 28, 6, 55, 1)
    machine.add_punches([MachinePunch(users[n % 39].user_id,
                                      start + dt.timedelta(minutes=n * 7, seconds=n % 60),
                                      verify=15 if n % 3 else 1, state=n % 2)
                         for n in range(3_000)])
    return machine


@pytest.mark.parametrize(("firmware", "udp"), [("zk8", False), ("zk8", True), ("zk6", True),
                                               ("zk6", False)])
async def test_our_reading_equals_pyzks(clock: FixedClock, firmware: str, udp: bool) -> None:
    machine = _machine(clock, firmware)
    async with Simulator(machine, udp=udp) as sim:
        def read() -> tuple[list[RawPunch], list[RawPunch]]:
            zk = ZK("127.0.0.1", port=sim.port, timeout=10, force_udp=udp, ommit_ping=True)
            conn = zk.connect()
            try:
                theirs = [RawPunch(str(r.user_id), r.timestamp, r.status, r.punch)
                          for r in conn.get_attendance()]
                conn.read_sizes()
                data, _size = conn.read_with_buffer(CMD_ATTLOG_RRQ)
                ours = parse_attendance(data, conn.records, conn.get_users)
            finally:
                conn.disconnect()
            return ours, theirs
        ours, theirs = await asyncio.to_thread(read)
    assert len(ours) == 3_000
    assert ours == theirs
    assert ours == [RawPunch(p.user_id, p.at, p.verify, p.state) for p in machine.punches]


def test_buffers_of_unknown_record_sizes_are_refused() -> None:
    body = b"\x00" * 44 * 3
    with pytest.raises(AttendanceBufferError):
        parse_attendance(struct.pack("<I", len(body)) + body, 3, list)
    # A buffer shorter than it says it is.
    with pytest.raises(AttendanceBufferError):
        parse_attendance(struct.pack("<I", 400) + b"\x00" * 40, 10, list)
    assert parse_attendance(b"", 0, list) == []


def test_eight_byte_records_are_mapped_through_the_users() -> None:
    at = dt.datetime(2026, 10, 5, 7, 1, 2)
    rows = [struct.pack("<HBIB", uid, 1, zkwire.encode_time(at), 0) for uid in (1, 9)]
    body = b"".join(rows)
    users = [MachineUser(uid=1, user_id="0042", name="Budi")]
    assert parse_attendance(struct.pack("<I", len(body)) + body, 2, lambda: users) == [
        RawPunch("0042", at, 1, 0), RawPunch("9", at, 1, 0)]
