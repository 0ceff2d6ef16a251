"""The ADMS ("PUSH", iclock) receiver: machines that send their punches to us over HTTP.

Older firmware (push 1.x/2.x) first asks GET /iclock/cdata?SN=..&options=all for its options
(including the last stamp we stored for each table, so it only sends what came after), then
POSTs records to /iclock/cdata?SN=..&table=ATTLOG&Stamp=N, one per line, and polls
/iclock/getrequest for commands, answering them through /iclock/devicecmd. PUSH 3.x firmware
registers first (/iclock/registry), fetches its options from /iclock/push, its time from
/iclock/rtdata?type=time, and answers data queries through /iclock/querydata; /iclock/exchange
is its key exchange, which we decline (Encrypt=None). Some firmware appends ".aspx" to paths.

`OK:<n>` is answered only after the records and the stamp are committed; on failure the answer
is non-200 and the machine sends the same records again, which the unique key on punches makes
harmless. Nothing from the LAN is trusted: a serial must be configured and may be pinned to
source addresses, scans outside the time window are refused, a stamp only moves forward and
never past the newest record the upload stored, and connections are limited (adms_guard).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import logging
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import IO

from aiohttp import web

from device import zkwire
from device.adms_guard import ConnectionGuard
from device.adms_lines import TOO_LONG, Refusal, Window, parse_line
from device.adms_users import user_privileges
from device.commands import render_command
from device.config import AdmsMachine, AdmsSettings
from services import devices as state
from services import machine_admin, outbox
from services.clock import Clock
from services.punches import RawPunch, insert_punches, prepare_punches
from services.storage import Database

log = logging.getLogger(__name__)

TEXT = "text/plain"
# The tables of the push protocol; a stamp is kept only for those the handshake announces.
TABLES = frozenset({"ATTLOG", "OPERLOG", "ATTPHOTO", "OPTIONS", "BIODATA", "USERINFO", "USER",
                    "FINGERTMP", "FACE", "USERPIC", "ERRORLOG", "IDCARD", "WORKCODE", "SMS",
                    "USER_SMS", "RTLOG", "RTSTATE", "TABLEDATA"})
STAMPED = ("ATTLOG", "OPERLOG", "ATTPHOTO")
# Tables whose lines may be user records (PIN and privilege, device/adms_users.py).
USER_TABLES = frozenset({"OPERLOG", "USERINFO", "USER"})
BATCH = 10_000
MAX_LINE = 4096
COMMANDS_PER_POLL = 20
SERVER_PUSH_VERSION = "3.1.2"
REALTIME_LINES = 3
CHUNK = 256 * 1024
# asyncio accepts up to `backlog` connections at a time and closes refused ones only on a later
# turn of the loop, so the backlog bounds the descriptors a flood can take before it is refused.
ACCEPT_BATCH = 32

# Notice kinds for the admin chat (texts in handlers/texts/devices.py).
UNKNOWN_SERIAL = "unknown_serial"
FORBIDDEN_SOURCE = "forbidden_source"
TOO_LARGE = "too_large"
LINES_REFUSED = "lines_refused"
CLOCK_AHEAD = "adms_clock_ahead"
# The outbox kind of those reports.
ALERT = "device.adms"

UNKNOWN_PERIOD = dt.timedelta(hours=1)
REFUSAL_PERIOD = dt.timedelta(days=1)
# Keep line numbers of the first refusals of an upload for the report; count the rest.
REFUSALS_KEPT = 20


@dataclass(frozen=True)
class AdmsNotice:
    kind: str
    machine: str                 # machine name, or "" for unknown serials
    count: int = 0               # occurrences covered by this notice
    detail: str = ""             # serial and address, reason, ...
    refusals: tuple[Refusal, ...] = ()
    drift_seconds: float | None = None


def alert(notice: AdmsNotice, admin_chat_id: int) -> outbox.Notice:
    """The outbox row telling the admin chat (plain facts; handlers/device_notices renders)."""
    return outbox.Notice(ALERT, None, admin_chat_id,
                         {"kind": notice.kind, "machine": notice.machine, "count": notice.count,
                          "detail": notice.detail,
                          "refusals": [[r.line, r.reason] for r in notice.refusals],
                          "drift_seconds": notice.drift_seconds})


@dataclass
class UploadResult:
    accepted: int = 0            # stored now or stored before (a resend)
    new: int = 0
    refused: int = 0
    refusals: list[Refusal] = field(default_factory=list)
    newest: dt.datetime | None = None
    lines: int = 0


def handshake(machine: AdmsMachine, stamps: dict[str, str | None], now: dt.datetime) -> str:
    """The option lines a machine expects in answer to its first GET /iclock/cdata."""
    att, oper = stamps.get("ATTLOG") or 0, stamps.get("OPERLOG") or 0
    lines = [
        f"GET OPTION FROM: {machine.serial}",
        f"ATTLOGStamp={att}",
        f"OPERLOGStamp={oper}",
        f"ATTPHOTOStamp={stamps.get('ATTPHOTO') or 0}",
        # The names firmware before push 2.0 reads.
        f"Stamp={att}",
        f"OpStamp={oper}",
        "ErrorDelay=30",
        "Delay=10",
        "TransTimes=00:00;14:05",
        "TransInterval=1",
        "TransFlag=TransData AttLog\tOpLog\tEnrollUser\tChgUser",
        f"TimeZone={_zone_hours(machine, now)}",
        "Realtime=1",
        "Encrypt=None",
    ]
    return "\n".join(lines) + "\n"


def push_options(machine: AdmsMachine, stamps: dict[str, str | None], now: dt.datetime) -> str:
    """What PUSH 3.x firmware expects from /iclock/push (its configuration)."""
    session = hashlib.sha256(f"{machine.serial}{now.date()}".encode()).hexdigest()[:16]
    lines = [
        f"ServerVersion={SERVER_PUSH_VERSION}",
        "ServerName=presensi-bot",
        f"PushVersion={SERVER_PUSH_VERSION}",
        "ErrorDelay=30",
        "RequestDelay=10",
        "TransTimes=00:00;14:05",
        "TransInterval=1",
        "TransTables=User Transaction",
        "Realtime=1",
        f"SessionID={session}",
        "TimeoutSec=10",
        f"TimeZone={_zone_hours(machine, now)}",
        f"ATTLOGStamp={stamps.get('ATTLOG') or 0}",
        f"OPERLOGStamp={stamps.get('OPERLOG') or 0}",
        "Encrypt=None",
    ]
    return "\n".join(lines) + "\n"


def _zone_hours(machine: AdmsMachine, now: dt.datetime) -> str:
    offset = now.astimezone(machine.timezone).utcoffset() or dt.timedelta(0)
    hours = offset.total_seconds() / 3600
    return str(int(hours) if hours.is_integer() else hours)


def _offset_text(machine: AdmsMachine, now: dt.datetime) -> str:
    offset = now.astimezone(machine.timezone).utcoffset() or dt.timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _lines(spool: IO[bytes]) -> Iterator[tuple[int, str | None]]:
    """(line number, text) of a spooled body; text None for a line too long to be a record."""
    spool.seek(0)
    number = 0
    while True:
        raw = spool.readline(MAX_LINE)
        if not raw:
            return
        number += 1
        if len(raw) == MAX_LINE and not raw.endswith(b"\n"):
            while raw and not raw.endswith(b"\n"):      # skip the rest of the long line
                raw = spool.readline(MAX_LINE)
            yield number, None
            continue
        if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
            raw = raw[3:]
        yield number, raw.decode("utf-8", errors="replace")


def key_values(body: str) -> dict[str, str]:
    """`~DeviceName=X,FWVersion=Y` or one `key=value` a line, as firmware sends them."""
    result: dict[str, str] = {}
    for part in body.replace("\r", "\n").replace("\n", ",").split(","):
        key, sep, value = part.partition("=")
        if sep:
            result[key.strip().lstrip("~")] = value.strip()
    return result


def _firmware(values: dict[str, str]) -> str | None:
    for key in ("FWVersion", "FirmVer", "FirmwareVersion"):
        if values.get(key):
            return values[key][:64]
    return None


class AdmsReceiver:
    def __init__(self, db: Database, settings: AdmsSettings, clock: Clock,
                 admin_chat_id: int | None = None) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        # Where reports go (through the outbox); None: the log only.
        self.admin_chat_id = admin_chat_id
        self.guard = ConnectionGuard(settings.limits, settings.pinned_sources())

    def application(self) -> web.Application:
        app = web.Application(client_max_size=self.settings.limits.max_body_bytes,
                              middlewares=[self.guard.middleware])
        routes = (("GET", "cdata", self.cdata_get), ("POST", "cdata", self.cdata_post),
                  ("GET", "getrequest", self.getrequest), ("POST", "devicecmd", self.devicecmd),
                  ("GET", "ping", self.ping), ("POST", "registry", self.registry),
                  ("GET", "registry", self.registry), ("POST", "push", self.push),
                  ("GET", "push", self.push), ("GET", "rtdata", self.rtdata),
                  ("POST", "querydata", self.querydata), ("GET", "querydata", self.querydata),
                  ("POST", "exchange", self.exchange), ("GET", "exchange", self.exchange))
        for suffix in ("", ".aspx"):
            for method, path, handler in routes:
                app.router.add_route(method, f"/iclock/{path}{suffix}", handler)
        return app

    # --- who is talking ----------------------------------------------------------------------
    async def _machine(self, request: web.Request) -> AdmsMachine:
        serial = request.query.get("SN", "").strip()
        machine = self.settings.machine(serial) if serial else None
        remote = request.remote or "-"
        if machine is None:
            log.warning("adms.unknown_serial serial=%r remote=%s path=%s", serial[:64], remote,
                        request.path)
            await self._tell("unknown", UNKNOWN_PERIOD,
                             AdmsNotice(UNKNOWN_SERIAL, "", detail=f"{serial[:64]} {remote}"))
            raise web.HTTPForbidden(text="UNKNOWN DEVICE", content_type=TEXT)
        if not machine.allows(request.remote):
            log.warning("adms.forbidden_source serial=%s remote=%s path=%s", serial, remote,
                        request.path)
            await self._tell(f"source:{serial}:{self._today(machine)}", REFUSAL_PERIOD,
                             AdmsNotice(FORBIDDEN_SOURCE, machine.name, detail=remote))
            raise web.HTTPForbidden(text="FORBIDDEN", content_type=TEXT)
        return machine

    def _today(self, machine: AdmsMachine) -> str:
        return self.clock.now().astimezone(machine.timezone).date().isoformat()

    async def _tell(self, key: str, period: dt.timedelta, notice: AdmsNotice) -> None:
        """Report at most once per `period` for `key`; the report carries how often it
        happened since the last one. It is written to the outbox with the claim, so a report
        counted as made is one the admin chat will get."""
        now = self.clock.now()
        async with self.db.transaction() as conn:
            count = await state.claim_report(conn, key=key, at=now, period=period)
            if count is not None and self.admin_chat_id is not None:
                await outbox.enqueue(conn, [alert(replace(notice, count=count),
                                                  self.admin_chat_id)], now=now)

    async def _seen(self, machine: AdmsMachine, request: web.Request,
                    firmware: str | None = None) -> None:
        push_version = request.query.get("pushver", "").strip()[:32] or None
        async with self.db.transaction() as conn:
            await state.remember_machine(conn, name=machine.name, source="adms",
                                         serial=machine.serial, at=self.clock.now())
            if firmware or push_version:
                await state.remember_identity(conn, name=machine.name, firmware=firmware,
                                              push_version=push_version)

    async def _stamps(self, machine: AdmsMachine) -> dict[str, str | None]:
        async with self.db.read() as conn:
            return {table: await state.adms_stamp(conn, machine.serial, table)
                    for table in STAMPED}

    # --- reading bodies ----------------------------------------------------------------------
    async def _spool(self, request: web.Request, machine: AdmsMachine) -> IO[bytes]:
        """The body in a temporary file (bounded memory), or 413/408 when it breaks a limit."""
        limits = self.settings.limits
        declared = request.content_length
        if declared is not None and declared > limits.max_body_bytes:
            await self._too_large(machine, declared)
        spool = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it)
        size = 0
        try:
            async with asyncio.timeout(limits.body_timeout_seconds):
                async for chunk in request.content.iter_chunked(CHUNK):
                    size += len(chunk)
                    if size > limits.max_body_bytes:
                        await self._too_large(machine, size)
                    spool.write(chunk)
        except TimeoutError:
            spool.close()
            log.warning("adms.body_timeout serial=%s received=%d", machine.serial, size)
            raise web.HTTPRequestTimeout(text="TIMEOUT", content_type=TEXT) from None
        except BaseException:
            spool.close()
            raise
        return spool

    async def _too_large(self, machine: AdmsMachine, size: int) -> None:
        limit = self.settings.limits.max_body_bytes
        log.warning("adms.body_too_large serial=%s bytes=%d limit=%d", machine.serial, size,
                    limit)
        await self._tell(f"large:{machine.serial}:{self._today(machine)}", REFUSAL_PERIOD,
                         AdmsNotice(TOO_LARGE, machine.name, detail=f"{size} {limit}"))
        raise web.HTTPRequestEntityTooLarge(max_size=limit, actual_size=size, text="TOO LARGE",
                                            content_type=TEXT)

    async def _text_body(self, request: web.Request, machine: AdmsMachine) -> str:
        with await self._spool(request, machine) as spool:
            spool.seek(0)
            return spool.read(1024 * 1024).decode("utf-8", errors="replace").lstrip("\ufeff")

    # --- the endpoints -----------------------------------------------------------------------
    async def cdata_get(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        await self._seen(machine, request)
        log.info("adms.handshake serial=%s pushver=%s", machine.serial,
                 request.query.get("pushver", "-")[:32])
        return web.Response(text=handshake(machine, await self._stamps(machine),
                                           self.clock.now()), content_type=TEXT)

    async def cdata_post(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        table = request.query.get("table", "").strip().upper()
        if table not in TABLES:
            log.warning("adms.unknown_table serial=%s table=%r", machine.serial, table[:40])
            raise web.HTTPBadRequest(text="UNKNOWN TABLE", content_type=TEXT)
        raw_stamp = request.query.get("Stamp", request.query.get("OpStamp", "")).strip()
        stamp = int(raw_stamp) if raw_stamp.isdigit() and len(raw_stamp) <= 18 else None
        with await self._spool(request, machine) as spool:
            if table == "ATTLOG":
                return await self._attlog(machine, request, spool, stamp)
            return await self._other_table(machine, request, spool, table, stamp)

    async def _other_table(self, machine: AdmsMachine, request: web.Request, spool: IO[bytes],
                           table: str, stamp: int | None) -> web.Response:
        # Of OPERLOG and user tables we keep each user's privilege (a write from chat repeats
        # it), of options the firmware; the rest only shows the machine is alive. The stamp
        # moves so the machine does not send them again.
        spool.seek(0)
        head = spool.read(64 * 1024).decode("utf-8", errors="replace").lstrip("\ufeff")
        firmware = _firmware(key_values(head)) if table == "OPTIONS" else None
        users = (user_privileges(text for _n, text in _lines(spool) if text is not None)
                 if table in USER_TABLES else {})
        now = self.clock.now()
        async with self.db.transaction() as conn:
            await state.remember_machine(conn, name=machine.name, source="adms",
                                         serial=machine.serial, at=now)
            if firmware:
                await state.remember_identity(conn, name=machine.name, firmware=firmware,
                                              push_version=None)
            if users:
                await state.remember_privileges(conn, serial=machine.serial, privileges=users,
                                                source=state.REPORTED, at=now)
            if stamp is not None and table in STAMPED:
                await state.set_adms_stamp(conn, serial=machine.serial, table=table,
                                           stamp=stamp, at=now)
        log.info("adms.table serial=%s table=%s users=%d", machine.serial, table, len(users))
        return web.Response(text="OK", content_type=TEXT)

    async def _attlog(self, machine: AdmsMachine, request: web.Request, spool: IO[bytes],
                      stamp: int | None) -> web.Response:
        started = time.perf_counter()
        now = self.clock.now()
        limits = self.settings.limits
        window = Window.around(now, machine.timezone, future_tolerance=limits.future_tolerance,
                               max_age=limits.max_age)
        result = UploadResult()
        batch: list[RawPunch] = []
        # One batch is stored (in SQLite's thread) while the next one is parsed.
        storing: asyncio.Task[None] | None = None
        try:
            for number, text in _lines(spool):
                result.lines = number
                if text is None:
                    self._refuse(result, Refusal(number, TOO_LONG))
                    continue
                if not text.strip():
                    continue
                parsed = parse_line(text, number, machine.timezone)
                if isinstance(parsed, Refusal):
                    self._refuse(result, parsed)
                    continue
                reason = window.refuse(parsed.at)
                if reason is not None:
                    self._refuse(result, Refusal(number, reason))
                    continue
                batch.append(parsed)
                if len(batch) >= BATCH:
                    if storing is not None:
                        await storing
                    storing = asyncio.create_task(self._store(machine, batch, result, now))
                    batch = []
            if storing is not None:
                await storing
            await self._store(machine, batch, result, now, stamp=stamp, last=True)
        except Exception:
            if storing is not None:
                await asyncio.gather(storing, return_exceptions=True)
            # Not committed: no OK, so the machine keeps the records and sends them again.
            log.exception("adms.store_failed serial=%s stamp=%s", machine.serial, stamp)
            return web.Response(status=500, text="ERROR", content_type=TEXT)
        log.info("adms.attlog serial=%s stamp=%s lines=%d new=%d duplicates=%d refused=%d "
                 "seconds=%.2f", machine.serial, stamp, result.lines, result.new,
                 result.accepted - result.new, result.refused, time.perf_counter() - started)
        if result.refused:
            log.warning("adms.lines_refused serial=%s %s", machine.serial,
                        " ".join(f"{r.line}:{r.reason}" for r in result.refusals))
            await self._tell(f"lines:{machine.serial}:{self._today(machine)}", REFUSAL_PERIOD,
                             AdmsNotice(LINES_REFUSED, machine.name, detail=str(result.refused),
                                        refusals=tuple(result.refusals)))
        await self._observe_clock(machine, result, now)
        return web.Response(text=f"OK:{result.accepted}", content_type=TEXT)

    @staticmethod
    def _refuse(result: UploadResult, refusal: Refusal) -> None:
        result.refused += 1
        if len(result.refusals) < REFUSALS_KEPT:
            result.refusals.append(refusal)

    async def _store(self, machine: AdmsMachine, batch: list[RawPunch], result: UploadResult,
                     now: dt.datetime, *, stamp: int | None = None, last: bool = False) -> None:
        prepared = prepare_punches(machine.serial, machine.timezone, batch, source="adms",
                                   received_at=now)
        if batch:
            newest = max(p.at for p in batch)
            result.newest = newest if result.newest is None else max(result.newest, newest)
        async with self.db.transaction() as conn:
            result.new += await insert_punches(conn, prepared)
            result.accepted += len(prepared.rows)
            if last:
                await state.remember_machine(conn, name=machine.name, source="adms",
                                             serial=machine.serial, at=now)
                if stamp is not None and result.newest is not None:
                    # A stamp is the machine's position in its log; one beyond the newest
                    # record we hold would make it skip records we never got.
                    ceiling = zkwire.encode_time(result.newest)
                    await state.set_adms_stamp(conn, serial=machine.serial, table="ATTLOG",
                                               stamp=min(stamp, ceiling), at=now)

    async def _observe_clock(self, machine: AdmsMachine, result: UploadResult,
                             now: dt.datetime) -> None:
        """A real-time upload (a punch or two sent as it happens) shows the machine's clock."""
        if result.newest is None or result.lines > REALTIME_LINES:
            return
        server_local = now.astimezone(machine.timezone).replace(tzinfo=None)
        drift = (result.newest - server_local).total_seconds()
        async with self.db.transaction() as conn:
            await state.record_drift(conn, name=machine.name, drift_seconds=drift, at=now)
        if drift > 120:
            # Ahead is certain (a scan cannot arrive before it is made); behind may be delay.
            await self._tell(f"ahead:{machine.serial}:{self._today(machine)}", REFUSAL_PERIOD,
                             AdmsNotice(CLOCK_AHEAD, machine.name, drift_seconds=drift))

    async def getrequest(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        # Push 2.x+ firmware reports "INFO=<firmware>,<users>,<fingers>,<records>,<ip>,...".
        info = request.query.get("INFO", "")
        await self._seen(machine, request, firmware=info.split(",")[0].strip()[:64] or None)
        now = self.clock.now()
        async with self.db.transaction() as conn:
            commands = await state.hand_out_commands(conn, serial=machine.serial, at=now,
                                                     limit=COMMANDS_PER_POLL)
        if not commands:
            return web.Response(text="OK", content_type=TEXT)
        log.info("adms.commands_sent serial=%s ids=%s", machine.serial,
                 ",".join(str(c.id) for c in commands))
        return web.Response(text="".join(f"C:{c.id}:{render_command(c.command, machine, now)}\n"
                                         for c in commands), content_type=TEXT)

    async def devicecmd(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        body = await self._text_body(request, machine)
        now = self.clock.now()
        answered: list[tuple[int, str]] = []
        async with self.db.transaction() as conn:
            for line in body.splitlines():
                fields = urllib.parse.parse_qs(line.strip(), keep_blank_values=True)
                ident, code = fields.get("ID", [""])[0], fields.get("Return", [""])[0]
                if not ident.isdigit() or not code.lstrip("-").isdigit():
                    continue
                if await state.record_answer(conn, serial=machine.serial, command_id=int(ident),
                                             return_code=int(code), answer=line.strip(), at=now):
                    answered.append((int(ident), code))
            # The admin who asked from chat hears once the whole request is answered.
            await machine_admin.finish_answered(conn, command_ids=[i for i, _c in answered],
                                                machine=machine.name, at=now)
        log.info("adms.devicecmd serial=%s answered=%s", machine.serial,
                 ",".join(f"{i}:{c}" for i, c in answered))
        return web.Response(text="OK", content_type=TEXT)

    async def ping(self, request: web.Request) -> web.Response:
        if "SN" in request.query:
            machine = await self._machine(request)
            await self._seen(machine, request)
        return web.Response(text="OK", content_type=TEXT)

    async def registry(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        body = await self._text_body(request, machine) if request.method == "POST" else ""
        values = key_values(body)
        await self._seen(machine, request, firmware=_firmware(values))
        push_version = values.get("PushVersion", "")[:32]
        if push_version:
            async with self.db.transaction() as conn:
                await state.remember_identity(conn, name=machine.name, firmware=None,
                                              push_version=push_version)
        log.info("adms.registry serial=%s firmware=%s", machine.serial, _firmware(values) or "-")
        code = hashlib.sha256(machine.serial.encode()).hexdigest()[:16]
        return web.Response(text=f"RegistryCode={code}", content_type=TEXT)

    async def push(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        if request.method == "POST":
            await self._text_body(request, machine)
        await self._seen(machine, request)
        return web.Response(text=push_options(machine, await self._stamps(machine),
                                              self.clock.now()), content_type=TEXT)

    async def rtdata(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        await self._seen(machine, request)
        if request.query.get("type", "") != "time":
            return web.Response(text="OK", content_type=TEXT)
        now = self.clock.now()
        return web.Response(text=f"DateTime={int(now.timestamp())},"
                                 f"ServerTZ={_offset_text(machine, now)}", content_type=TEXT)

    async def querydata(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        body = await self._text_body(request, machine) if request.method == "POST" else ""
        table = request.query.get("tablename", "")[:32]
        count = sum(1 for line in body.splitlines() if line.strip())
        ident = request.query.get("cmdid", "")
        users = user_privileges(body.splitlines()) if table.lower() == "user" else {}
        if ident.isdigit() or users:
            async with self.db.transaction() as conn:
                if ident.isdigit():
                    await state.record_answer(conn, serial=machine.serial,
                                              command_id=int(ident), return_code=0,
                                              answer=f"{table}={count}", at=self.clock.now())
                if users:
                    await state.remember_privileges(conn, serial=machine.serial,
                                                    privileges=users, source=state.REPORTED,
                                                    at=self.clock.now())
        await self._seen(machine, request)
        return web.Response(text=f"{table}={count}" if table else "OK", content_type=TEXT)

    async def exchange(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        if request.method == "POST":
            await self._text_body(request, machine)
        await self._seen(machine, request)
        log.info("adms.exchange_declined serial=%s type=%s", machine.serial,
                 request.query.get("type", "-")[:32])
        return web.Response(text="OK", content_type=TEXT)


class AdmsServer:
    """The receiver on its own host and port, started and stopped with the bot."""

    def __init__(self, receiver: AdmsReceiver, host: str, port: int) -> None:
        self.receiver = receiver
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None

    async def start(self) -> None:
        limits = self.receiver.settings.limits
        self._runner = web.AppRunner(self.receiver.application(), access_log=None,
                                     keepalive_timeout=limits.keepalive_timeout_seconds,
                                     # After refusing a body, do not keep reading it for long.
                                     lingering_time=1.0)
        await self._runner.setup()
        assert self._runner.server is not None
        self._server = await asyncio.get_running_loop().create_server(
            self.receiver.guard.factory(self._runner.server), self.host, self.port,
            reuse_address=True, backlog=ACCEPT_BATCH)
        if self.port == 0:
            self.port = self._server.sockets[0].getsockname()[1]
        log.info("adms.listening host=%s port=%d", self.host, self.port)

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
