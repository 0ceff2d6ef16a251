"""The pyzk adapter: every talk with a pull machine goes through here.

pyzk blocks and a ZK object is not thread-safe, so each operation runs one whole session in a
worker thread (asyncio.to_thread). A session disables the machine while it reads and always
enables it again; if the connection broke, a fresh connection is opened only to enable it, so
a failed pull never leaves the keypad locked.

pyzk 0.9 loops forever when a TCP machine closes the connection in the middle of a data
transfer (recv() returns b"" and it keeps waiting for bytes); the socket is wrapped after
connecting so end-of-stream raises instead.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import socket
import struct
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from zk import ZK, const
from zk.const import CMD_ATTLOG_RRQ
from zk.exception import ZKErrorResponse, ZKNetworkError

from device.attlog_buffer import AttendanceBufferError, parse_attendance
from device.config import DeviceConfig
from services.punches import RawPunch

log = logging.getLogger(__name__)

T = TypeVar("T")

# Kinds of machine failure; handlers/texts/devices.py describes them to people.
OFFLINE = "offline"
TIMEOUT = "timeout"
GARBAGE = "garbage"
PASSWORD = "password"
UNSUPPORTED = "unsupported"
CHANGED = "changed"
UNVERIFIED = "unverified"

CLOSED = "the machine closed the connection"


class MachineError(Exception):
    def __init__(self, kind: str, detail: str) -> None:
        super().__init__(f"{kind}: {detail}")
        self.kind = kind
        self.detail = detail

    @property
    def retryable(self) -> bool:
        # A wrong comm key stays wrong, and firmware that refuses bulk reads keeps refusing.
        return self.kind not in (PASSWORD, UNSUPPORTED)


@dataclass(frozen=True)
class Download:
    serial: str
    machine_time: dt.datetime      # naive, the machine's wall clock when the session began
    server_time: dt.datetime       # aware, the server's clock at the same moment
    record_count: int              # what the machine said it holds before the read
    punches: list[RawPunch]
    firmware: str | None = None


@dataclass(frozen=True)
class DeviceUser:
    uid: int
    user_id: str
    name: str
    privilege: int


@dataclass(frozen=True)
class TimeSet:
    """A clock set, all naive machine wall time: what it showed, was given and reads back."""

    before: dt.datetime
    wanted: dt.datetime
    after: dt.datetime

    @property
    def drift_seconds(self) -> float:
        """How far the machine was off (machine minus server) before it was set."""
        return (self.before - self.wanted).total_seconds()


@dataclass(frozen=True)
class PushResult:
    written: list[str]
    removed: list[str]
    failed: dict[str, str]        # user_id -> reason


def classify(error: BaseException) -> MachineError:
    if isinstance(error, MachineError):
        return error
    text = str(error)
    if isinstance(error, ZKErrorResponse) and "Unauthenticated" in text:
        return MachineError(PASSWORD, text)
    if isinstance(error, ZKErrorResponse) and "RWB Not supported" in text:
        return MachineError(UNSUPPORTED, text)
    if isinstance(error, TimeoutError) or "timed out" in text:
        return MachineError(TIMEOUT, text)
    if isinstance(error, ConnectionError) or (isinstance(error, ZKNetworkError)
                                              and ("Errno" in text or CLOSED in text)):
        return MachineError(OFFLINE, text)
    if isinstance(error, OSError) and not isinstance(error, ZKNetworkError):
        return MachineError(OFFLINE, text)
    # Invalid frames, unpack errors, impossible dates, refused commands: the answer is garbage.
    if isinstance(error, ZKNetworkError | ZKErrorResponse | struct.error | ValueError
                  | IndexError | KeyError | TypeError | ZeroDivisionError | UnicodeError):
        return MachineError(GARBAGE, f"{type(error).__name__}: {text}")
    raise error


class _EofGuard:
    """A TCP socket whose recv() raises at end of stream instead of returning b""."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def recv(self, size: int) -> bytes:
        data = self._sock.recv(size)
        if not data and size > 0:
            raise ConnectionResetError(CLOSED)
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class ZkMachine:
    """One configured pull machine."""

    def __init__(self, config: DeviceConfig, timeout: float) -> None:
        self.config = config
        self.timeout = timeout
        # Set when a session broke while the machine was disabled and it could not be enabled
        # again: nobody can clock in on it until `enable` succeeds.
        self.left_disabled = False

    # --- sessions (blocking; run in a worker thread) ---------------------------------------
    def _connect(self) -> ZK:
        zk = ZK(self.config.host, port=self.config.port, timeout=self.timeout,
                password=self.config.password, force_udp=self.config.udp, ommit_ping=True)
        try:
            zk.connect()
        except Exception as error:
            _close_quietly(zk)
            raise classify(error) from error
        if zk.tcp:
            # Reaching into pyzk's private socket is the only way to fix its end-of-stream
            # loop; pyzk is pinned to 0.9, whose attribute name this is.
            zk._ZK__sock = _EofGuard(zk._ZK__sock)
        return zk

    def _release(self, zk: ZK, disabled: bool) -> None:
        try:
            if disabled:
                zk.enable_device()
            zk.disconnect()
            return
        except Exception as error:
            log.warning("device.release_failed machine=%s error=%s", self.config.name, error)
            _close_quietly(zk)
        if disabled:
            self._enable_again()

    def _enable_again(self) -> None:
        """The session broke while the machine was disabled: enable it on a new connection."""
        try:
            zk = self._connect()
            try:
                zk.enable_device()
            finally:
                zk.disconnect()
            log.info("device.enabled_after_failure machine=%s", self.config.name)
        except Exception as error:
            self.left_disabled = True
            log.error("device.left_disabled machine=%s error=%s", self.config.name, error)

    def _session(self, work: Callable[[ZK], T], *, disable: bool) -> T:
        zk = self._connect()
        # Counted as disabled from the moment the command is sent: the machine may have obeyed
        # even if its answer never arrived.
        disabled = disable
        try:
            if disable:
                zk.disable_device()
            return work(zk)
        except Exception as error:
            raise classify(error) from error
        finally:
            self._release(zk, disabled)

    def _enable(self) -> None:
        zk = self._connect()
        try:
            zk.enable_device()
        except Exception as error:
            raise classify(error) from error
        finally:
            self._disconnect_quietly(zk)

    def _disconnect_quietly(self, zk: ZK) -> None:
        try:
            zk.disconnect()
        except Exception:
            _close_quietly(zk)

    # --- operations ------------------------------------------------------------------------
    async def enable(self) -> None:
        """Enable the machine (after a read that left it disabled); raises MachineError."""
        await asyncio.to_thread(self._enable)

    async def download(self, now: Callable[[], dt.datetime]) -> Download:
        """Every record on the machine; `now` is the server clock, read next to the machine's."""
        name = self.config.name
        return await asyncio.to_thread(self._session, lambda zk: _download(zk, now, name),
                                       disable=True)

    async def users(self) -> tuple[str, list[DeviceUser]]:
        def work(zk: ZK) -> tuple[str, list[DeviceUser]]:
            return zk.get_serialnumber(), _users(zk)
        return await asyncio.to_thread(self._session, work, disable=False)

    async def set_time(self, at: Callable[[], dt.datetime]) -> TimeSet:
        """Set the machine's clock to naive local `at()`, read right before setting it."""
        def work(zk: ZK) -> TimeSet:
            before: dt.datetime = zk.get_time()
            wanted = at()
            zk.set_time(wanted)
            return TimeSet(before, wanted, zk.get_time())
        return await asyncio.to_thread(self._session, work, disable=True)

    async def push_users(self, wanted: list[tuple[str, str]], *, prune: bool,
                         admins: frozenset[str] = frozenset()) -> PushResult:
        """Write (user_id, name) pairs; `admins` get the machine's admin privilege; with
        `prune`, delete machine users not in `wanted`."""
        return await asyncio.to_thread(self._session,
                                       lambda zk: _push(zk, wanted, prune, admins),
                                       disable=True)

    async def clear_log(self, now: Callable[[], dt.datetime],
                        confirm: Callable[[Download], Awaitable[None]]) -> Download:
        """Download, await `confirm(download)` (store and verify; raise to abort), then clear.

        The machine stays disabled from the download to the clear, so no punch can arrive in
        between; its record count is checked again right before clearing all the same.
        """
        zk = await asyncio.to_thread(self._connect)
        try:
            await asyncio.to_thread(zk.disable_device)
            download = await asyncio.to_thread(_download, zk, now, self.config.name)
            await confirm(download)

            def clear() -> None:
                zk.read_sizes()
                if zk.records != download.record_count:
                    raise MachineError(CHANGED, f"{zk.records} != {download.record_count}")
                zk.clear_attendance()
                zk.read_sizes()
                if zk.records != 0:
                    raise MachineError(CHANGED, f"{zk.records} left after clearing")
            await asyncio.to_thread(clear)
            return download
        except Exception as error:
            raise classify(error) from error
        finally:
            await asyncio.to_thread(self._release, zk, True)


def _download(zk: ZK, now: Callable[[], dt.datetime], name: str) -> Download:
    # A machine without a serial (seen on some OEM firmware) is known by its configured name.
    serial = zk.get_serialnumber().strip() or f"NOSN-{name}"
    try:
        firmware: str | None = zk.get_firmware_version().strip()[:64] or None
    except ZKErrorResponse:
        firmware = None        # some OEM firmware does not say; the pull goes on without it
    machine_time = zk.get_time()
    server_time = now()
    zk.read_sizes()
    count = zk.records
    if count == 0:
        return Download(serial, machine_time, server_time, 0, [], firmware)
    data, _size = zk.read_with_buffer(CMD_ATTLOG_RRQ)
    try:
        punches = parse_attendance(data, count, zk.get_users)
    except AttendanceBufferError as error:
        raise MachineError(GARBAGE, str(error)) from error
    if len(punches) != count:
        raise MachineError(GARBAGE, f"machine holds {count} records, read {len(punches)}")
    return Download(serial, machine_time, server_time, count, punches, firmware)


def _users(zk: ZK) -> list[DeviceUser]:
    return [DeviceUser(u.uid, str(u.user_id), u.name, u.privilege) for u in zk.get_users()]


def _push(zk: ZK, wanted: list[tuple[str, str]], prune: bool,
          admins: frozenset[str]) -> PushResult:
    existing = {u.user_id: u for u in zk.get_users()}
    next_uid = max((u.uid for u in existing.values()), default=0) + 1
    written: list[str] = []
    failed: dict[str, str] = {}
    for user_id, name in wanted:
        current = existing.get(user_id)
        uid = current.uid if current else next_uid
        try:
            # The machine keeps privilege, password and card of a known user.
            privilege = const.USER_ADMIN if user_id in admins else (
                current.privilege if current else const.USER_DEFAULT)
            zk.set_user(uid=uid, name=name, user_id=user_id, privilege=privilege,
                        password=current.password if current else "",
                        card=current.card if current else 0)
        except ZKErrorResponse as error:
            failed[user_id] = str(error)
            continue
        written.append(user_id)
        if current is None:
            next_uid += 1
    removed: list[str] = []
    if prune:
        keep = {user_id for user_id, _name in wanted}
        for user_id, user in existing.items():
            if user_id not in keep:
                zk.delete_user(uid=user.uid)
                removed.append(user_id)
    return PushResult(written, removed, failed)


def _close_quietly(zk: ZK) -> None:
    sock = getattr(zk, "_ZK__sock", None)
    try:
        if sock is not None:
            sock.close()
    except OSError:
        pass
