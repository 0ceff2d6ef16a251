"""A ZKTeco machine on 127.0.0.1 that the unmodified pyzk client talks to over TCP or UDP.

It is the project's reference for the pull protocol (see device/zkwire.py) and what the tests,
the demo and the benchmarks pull from. It answers the way the machines in pyzk's captures do:

- CONNECT gets ACK_OK (or ACK_UNAUTH when a comm key is set) carrying a fresh session id;
  every answer echoes the request's reply number; CMD_AUTH checks the scrambled comm key.
- PREPARE_BUFFER (1503) for users or the attendance log: small results come back at once as
  DATA; larger ones get ACK_OK with the size at bytes 1–4, and the client fetches them with
  READ_BUFFER (1504) chunks. Each chunk is answered with PREPARE_DATA (size, frame size), the
  data (TCP: one DATA frame; UDP: DATA datagrams of 1024 bytes numbered in the session field)
  and a closing ACK_OK; FREE_DATA releases the buffer.
- "zk8" firmware (the TCP default) keeps 72-byte users and 40-byte records with text user ids;
  "zk6" (the UDP default) keeps 28-byte users and 16-byte records with numeric user ids;
  "v5l" stands for the SpeedFace-V5L family, whose 49-byte records pyzk 0.9 misreads (the
  9 bytes it adds to the zk8 record are modelled as padding; their meaning is not public).

`Faults` make it misbehave for tests: answer late, answer garbage, or drop the connection in
the middle of reading the attendance log.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
import random
import struct
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from device import zkwire as w
from device.machine_data import MachinePunch, MachineUser
from device.zkwire import FIRMWARES

log = logging.getLogger(__name__)

# Results up to this size are answered to PREPARE_BUFFER directly with one DATA packet; it must
# fit the 1024-byte receive pyzk uses for that answer over UDP.
DIRECT_LIMIT = 1016
UDP_DATA_SIZE = 1024
TCP_FRAME_SIZE = 0x10000
_GARBAGE = b"\xde\xad\xbe\xef\x13\x37" * 4
_SIZES_FACES = struct.Struct("<3i")


@dataclass
class Faults:
    delay_seconds: float = 0.0     # wait before every answer (a slow or overloaded machine)
    garbage: bool = False          # answer every request with bytes that are no packet
    drop_read: int | None = None   # drop the connection while answering this READ_BUFFER of the
                                   # attendance log (0 = the first chunk); happens once
    refuse_bulk_read: bool = False # answer PREPARE_BUFFER with an error, as SpeedFace-H5L and
                                   # ZAM180 firmware do (those machines need ADMS)
    unreachable: bool = False      # the network is down: connections and datagrams go nowhere
    unreachable_after_drop: bool = False  # the network goes down with the drop_read fault


@dataclass
class Machine:
    """The state of one machine, shared by all its connections."""

    serial: str
    users: list[MachineUser]
    tz: ZoneInfo
    clock: Callable[[], dt.datetime]          # aware "real" time; the machine adds its drift
    password: int = 0
    firmware: str = "zk8"
    platform: str = "ZMM220_TFT"
    device_name: str = "SpeedFace-V4L"
    enabled: bool = True
    clock_offset: dt.timedelta = dt.timedelta(0)
    faults: Faults = field(default_factory=Faults)
    _punches: list[MachinePunch] = field(default_factory=list)
    _attendance: bytes | None = None
    attendance_reads: int = 0                  # READ_BUFFER chunks of the log served

    def __post_init__(self) -> None:
        if self.firmware not in FIRMWARES:
            raise ValueError(f"firmware must be one of {FIRMWARES}")

    # --- data ------------------------------------------------------------------------------
    @property
    def punches(self) -> tuple[MachinePunch, ...]:
        return tuple(self._punches)

    def add_punches(self, punches: list[MachinePunch]) -> None:
        self._punches.extend(punches)
        self._attendance = None

    def clear_punches(self) -> None:
        self._punches.clear()
        self._attendance = None

    def now(self) -> dt.datetime:
        """The machine's wall clock: naive local time, drift included."""
        return self.clock().astimezone(self.tz).replace(tzinfo=None) + self.clock_offset

    def set_time(self, at: dt.datetime) -> None:
        self.clock_offset = at - self.clock().astimezone(self.tz).replace(tzinfo=None)

    # --- binary images the machine serves ----------------------------------------------------
    def sizes(self) -> bytes:
        fields = [0] * 20
        users, records = len(self.users), len(self._punches)
        users_cap, fingers_cap, rec_cap = 10_000, 3_000, max(100_000, records)
        fields[4], fields[8] = users, records
        fields[14], fields[15], fields[16] = fingers_cap, users_cap, rec_cap
        fields[17], fields[18], fields[19] = fingers_cap, users_cap - users, rec_cap - records
        return struct.pack("<20i", *fields) + _SIZES_FACES.pack(0, 0, 0)

    def user_table(self) -> bytes:
        if self.firmware != "zk6":
            rows = [w.USER_ZK8.pack(u.uid, u.privilege, u.password.encode()[:8],
                                    u.name.encode()[:24], u.card, 1, u.group_id.encode()[:7],
                                    u.user_id.encode()[:24]) for u in self.users]
        else:
            rows = [w.USER_ZK6.pack(u.uid, u.privilege, u.password.encode()[:5],
                                    u.name.encode()[:8], u.card, int(u.group_id or 0), 0,
                                    int(u.user_id)) for u in self.users]
        body = b"".join(rows)
        return struct.pack("<I", len(body)) + body

    def attendance_table(self) -> bytes:
        if self._attendance is None:
            uids = {u.user_id: u.uid for u in self.users}
            if self.firmware != "zk6":
                pad = b"\x00" * (9 if self.firmware == "v5l" else 0)
                rows = [w.ATT_ZK8.pack(uids.get(p.user_id, 0), p.user_id.encode()[:24], p.verify,
                                       struct.pack("<I", w.encode_time(p.at)), p.state, b"")
                        + pad for p in self._punches]
            else:
                rows = [w.ATT_ZK6.pack(int(p.user_id), struct.pack("<I", w.encode_time(p.at)),
                                       p.verify, p.state, b"", 0) for p in self._punches]
            body = b"".join(rows)
            self._attendance = struct.pack("<I", len(body)) + body
        return self._attendance

    def write_user(self, data: bytes) -> bool:
        if len(data) >= w.USER_WRQ_ZK8.size:
            uid, privilege, password, name, card, group, user_id = w.USER_WRQ_ZK8.unpack(
                data[:w.USER_WRQ_ZK8.size])
            card_no = struct.unpack("<I", card)[0]
            user = MachineUser(uid, _text(user_id), _text(name), privilege, _text(password),
                               _text(group), card_no)
        elif len(data) >= w.USER_WRQ_ZK6.size:
            uid, privilege, password, name, card_no, group_no, _tz, user_no = (
                w.USER_WRQ_ZK6.unpack(data[:w.USER_WRQ_ZK6.size]))
            user = MachineUser(uid, str(user_no), _text(name), privilege, _text(password),
                               str(group_no), card_no)
        else:
            return False
        self.users = [u for u in self.users if u.uid != user.uid and u.user_id != user.user_id]
        self.users.append(user)
        self.users.sort(key=lambda u: u.uid)
        return True

    def delete_user(self, uid: int) -> None:
        self.users = [u for u in self.users if u.uid != uid]

    def options(self) -> dict[bytes, bytes]:
        return {b"~SerialNumber": self.serial.encode(), b"~Platform": self.platform.encode(),
                b"~DeviceName": self.device_name.encode(), b"MAC": b"00:17:61:12:34:56",
                b"~ZKFPVersion": b"10", b"ZKFaceVersion": b"0", b"~ExtendFmt": b"1",
                b"~UserExtFmt": b"1", b"FaceFunOn": b"0", b"CompatOldFirmware": b"0",
                b"IPAddress": b"127.0.0.1", b"NetMask": b"255.255.255.0",
                b"GATEIPAddress": b"0.0.0.0"}


def _text(raw: bytes) -> str:
    return raw.split(b"\x00")[0].decode(errors="replace")


@dataclass
class _Session:
    id: int
    authenticated: bool
    buffer: bytes | None = None
    buffer_is_attendance: bool = False


@dataclass
class _Answer:
    packets: list[bytes]
    close: bool = False          # close the connection after sending
    partial: bool = False        # send only part of it, then drop (fault)


class _Protocol:
    """What the machine answers; transport-independent apart from how data chunks are cut."""

    def __init__(self, machine: Machine, udp: bool) -> None:
        self.machine = machine
        self.udp = udp
        self.sessions: dict[int, _Session] = {}
        # Most sessions open at once (CONNECT without EXIT yet); real machines serve one.
        self.peak_sessions = 0

    def answer(self, session: _Session | None, raw: bytes) -> tuple[_Session | None, _Answer]:
        command, _checksum, _session, reply = w.HEADER.unpack(raw[:8])
        data = raw[8:]
        m = self.machine
        if command == w.CMD_CONNECT:
            session = _Session(id=self._new_session_id(), authenticated=m.password == 0)
            self.sessions[session.id] = session
            self.peak_sessions = max(self.peak_sessions, len(self.sessions))
            code = w.CMD_ACK_OK if session.authenticated else w.CMD_ACK_UNAUTH
            return session, _Answer([w.packet(code, session.id, reply)])
        if session is None:
            return None, _Answer([w.packet(w.CMD_ACK_UNAUTH, 0, reply)])
        ok = w.packet(w.CMD_ACK_OK, session.id, reply)
        if command == w.CMD_AUTH:
            session.authenticated = w.comm_key_matches(data, m.password, session.id)
            code = w.CMD_ACK_OK if session.authenticated else w.CMD_ACK_UNAUTH
            return session, _Answer([w.packet(code, session.id, reply)])
        if not session.authenticated:
            return session, _Answer([w.packet(w.CMD_ACK_UNAUTH, session.id, reply)])
        if command == w.CMD_EXIT:
            self.sessions.pop(session.id, None)
            return None, _Answer([ok], close=True)
        return session, self._command(session, command, reply, data)

    def _command(self, session: _Session, command: int, reply: int, data: bytes) -> _Answer:
        m, sid = self.machine, session.id

        def ok(payload: bytes = b"") -> _Answer:
            return _Answer([w.packet(w.CMD_ACK_OK, sid, reply, payload)])

        if command == w.CMD_ENABLEDEVICE:
            m.enabled = True
            return ok()
        if command == w.CMD_DISABLEDEVICE:
            m.enabled = False
            return ok()
        if command == w.CMD_GET_FREE_SIZES:
            return ok(m.sizes())
        if command == w.CMD_OPTIONS_RRQ:
            key = data.split(b"\x00")[0]
            value = m.options().get(key)
            if value is None:
                return _Answer([w.packet(w.CMD_ACK_ERROR, sid, reply)])
            return ok(key + b"=" + value + b"\x00")
        if command == w.CMD_GET_VERSION:
            return ok(b"Ver 6.60 Apr 28 2017\x00")
        if command == w.CMD_GET_PINWIDTH:
            return ok(bytes([9]))
        if command == w.CMD_GET_TIME:
            return ok(struct.pack("<I", w.encode_time(m.now())))
        if command == w.CMD_SET_TIME and len(data) >= 4:
            m.set_time(w.decode_time(struct.unpack("<I", data[:4])[0]))
            return ok()
        if command == w.CMD_USER_WRQ:
            if m.write_user(data):
                return ok()
            return _Answer([w.packet(w.CMD_ACK_ERROR, sid, reply)])
        if command == w.CMD_DELETE_USER and len(data) >= 2:
            m.delete_user(struct.unpack("<h", data[:2])[0])
            return ok()
        if command == w.CMD_CLEAR_ATTLOG:
            m.clear_punches()
            return ok()
        if command == w.CMD_CLEAR_DATA:
            m.clear_punches()
            m.users = []
            return ok()
        if command in (w.CMD_REFRESHDATA, w.CMD_REG_EVENT, w.CMD_OPTIONS_WRQ):
            return ok()
        if command == w.CMD_PREPARE_BUFFER:
            return self._prepare_buffer(session, reply, data)
        if command == w.CMD_READ_BUFFER:
            return self._read_buffer(session, reply, data)
        if command == w.CMD_FREE_DATA:
            session.buffer = None
            return ok()
        return _Answer([w.packet(w.CMD_ACK_UNKNOWN, sid, reply)])

    def _prepare_buffer(self, session: _Session, reply: int, data: bytes) -> _Answer:
        if len(data) < 11:
            return _Answer([w.packet(w.CMD_ACK_ERROR, session.id, reply)])
        _one, table, fct, _ext = struct.unpack("<bhii", data[:11])
        if self.machine.faults.refuse_bulk_read:
            return _Answer([w.packet(w.CMD_ACK_ERROR, session.id, reply)])
        if table == w.CMD_ATTLOG_RRQ:
            content, attendance = self.machine.attendance_table(), True
        elif table == w.CMD_USERTEMP_RRQ and fct == w.FCT_USER:
            content, attendance = self.machine.user_table(), False
        elif table == w.CMD_DB_RRQ and fct == w.FCT_FINGERTMP:
            content, attendance = struct.pack("<I", 0), False   # no templates kept
        else:
            return _Answer([w.packet(w.CMD_ACK_ERROR, session.id, reply)])
        if len(content) <= DIRECT_LIMIT:
            return _Answer([w.packet(w.CMD_DATA, session.id, reply, content)])
        session.buffer, session.buffer_is_attendance = content, attendance
        # Byte 0 and the trailing word are not used by clients; the size appears twice.
        info = struct.pack("<BIII", 0, len(content), len(content), 0)
        return _Answer([w.packet(w.CMD_ACK_OK, session.id, reply, info)])

    def _read_buffer(self, session: _Session, reply: int, data: bytes) -> _Answer:
        if session.buffer is None or len(data) < 8:
            return _Answer([w.packet(w.CMD_ACK_ERROR, session.id, reply)])
        start, size = struct.unpack("<ii", data[:8])
        chunk = session.buffer[start:start + size]
        frame = UDP_DATA_SIZE if self.udp else TCP_FRAME_SIZE
        packets = [w.packet(w.CMD_PREPARE_DATA, session.id, reply,
                            struct.pack("<II", len(chunk), frame))]
        pieces = [chunk[i:i + frame] for i in range(0, len(chunk), frame)] or [b""]
        # Machines number the DATA packets of one transfer in the session field, and the
        # closing ACK_OK repeats the last number.
        packets += [w.packet(w.CMD_DATA, index, reply, piece) for index, piece in enumerate(pieces)]
        packets.append(w.packet(w.CMD_ACK_OK, len(pieces) - 1, reply))
        partial = False
        if session.buffer_is_attendance:
            faults = self.machine.faults
            if faults.drop_read is not None and faults.drop_read == self.machine.attendance_reads:
                faults.drop_read = None
                partial = True
                faults.unreachable = faults.unreachable_after_drop
            self.machine.attendance_reads += 1
        return _Answer(packets, close=partial, partial=partial)

    def _new_session_id(self) -> int:
        while True:
            candidate = random.randint(1, 0xFFFE)
            if candidate not in self.sessions:
                return candidate


class Simulator:
    """Serve one `Machine` on 127.0.0.1 (TCP or UDP) until stopped.

        async with Simulator(machine, udp=False) as sim:
            ZK("127.0.0.1", port=sim.port, ...)
    """

    def __init__(self, machine: Machine, *, udp: bool = False, host: str = "127.0.0.1",
                 port: int = 0) -> None:
        self.machine = machine
        self.udp = udp
        self.host = host
        self._requested_port = port
        self.port = 0
        self._protocol = _Protocol(machine, udp)
        self._server: asyncio.Server | None = None
        self._udp_transport: asyncio.DatagramTransport | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def peak_sessions(self) -> int:
        return self._protocol.peak_sessions

    async def __aenter__(self) -> Simulator:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        if self.udp:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _UdpEndpoint(self), local_addr=(self.host, self._requested_port))
            self._udp_transport = transport
            self.port = transport.get_extra_info("sockname")[1]
        else:
            self._server = await asyncio.start_server(self._serve_tcp, self.host,
                                                      self._requested_port)
            self.port = self._server.sockets[0].getsockname()[1]
        log.info("simulator.started serial=%s port=%d udp=%s", self.machine.serial, self.port,
                 self.udp)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)
            await self._server.wait_closed()
            self._server = None
        if self._udp_transport is not None:
            self._udp_transport.close()
            self._udp_transport = None

    async def _serve_tcp(self, reader: asyncio.StreamReader,
                         writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        session: _Session | None = None
        try:
            while not self.machine.faults.unreachable:
                top = await reader.readexactly(w.TCP_TOP.size)
                magic, length = w.TCP_TOP.unpack(top)
                if magic != w.TCP_MAGIC or length < w.HEADER.size:
                    return          # not the protocol: machines just hang up
                raw = await reader.readexactly(length)
                if self.machine.faults.delay_seconds:
                    await asyncio.sleep(self.machine.faults.delay_seconds)
                if self.machine.faults.garbage:
                    writer.write(_GARBAGE)
                    await writer.drain()
                    continue
                session, answer = self._protocol.answer(session, raw)
                frames = b"".join(w.tcp_frame(p) for p in answer.packets)
                if answer.partial:
                    frames = frames[:len(frames) // 2]
                writer.write(frames)
                await writer.drain()
                if answer.close:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return
        finally:
            self._tasks.discard(task)
            writer.close()

    def _datagram(self, raw: bytes, addr: tuple[str, int]) -> None:
        if len(raw) < w.HEADER.size or self.machine.faults.unreachable:
            return
        task = asyncio.get_running_loop().create_task(self._answer_udp(raw, addr))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer_udp(self, raw: bytes, addr: tuple[str, int]) -> None:
        transport = self._udp_transport
        if transport is None:
            return
        if self.machine.faults.delay_seconds:
            await asyncio.sleep(self.machine.faults.delay_seconds)
        if self.machine.faults.garbage:
            transport.sendto(_GARBAGE, addr)
            return
        session_id = w.HEADER.unpack(raw[:8])[2]
        session = self._protocol.sessions.get(session_id)
        _session, answer = self._protocol.answer(session, raw)
        packets = answer.packets[:len(answer.packets) // 2] if answer.partial else answer.packets
        for pkt in packets:
            transport.sendto(pkt, addr)


class _UdpEndpoint(asyncio.DatagramProtocol):
    def __init__(self, simulator: Simulator) -> None:
        self.simulator = simulator

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        self.simulator._datagram(data, addr)


@contextlib.contextmanager
def serve_in_thread(machine: Machine, *, udp: bool = False,
                    port: int = 0) -> Iterator[Simulator]:
    """Serve `machine` from a background thread with its own event loop (for blocking code:
    the command line, benchmarks, the demo)."""
    started = threading.Event()
    loop = asyncio.new_event_loop()
    simulator = Simulator(machine, udp=udp, port=port)
    failure: list[BaseException] = []

    def run() -> None:
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(simulator.start())
        except BaseException as error:
            failure.append(error)
            started.set()
            return
        started.set()
        loop.run_forever()
        loop.run_until_complete(simulator.stop())
        loop.close()

    thread = threading.Thread(target=run, name=f"simulator-{machine.serial}", daemon=True)
    thread.start()
    started.wait()
    if failure:
        raise failure[0]
    try:
        yield simulator
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join()
