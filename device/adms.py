"""The ADMS ("PUSH", iclock) receiver: machines that send their punches to us over HTTP.

A machine first asks GET /iclock/cdata?SN=..&options=all for its options (including the last
stamp we stored for each table, so it only sends what came after), then POSTs records to
/iclock/cdata?SN=..&table=ATTLOG&Stamp=N, one per line, and polls /iclock/getrequest for
commands. Some firmware appends ".aspx" to every path. `OK:<n>` is answered only after the
records and the stamp are committed; on failure the answer is non-200 and the machine sends the
same records again, which the unique key on punches makes harmless.

Machines whose serial is not configured are refused (403) and reported once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from device.config import AdmsMachine, AdmsSettings
from services import devices as state
from services.clock import Clock
from services.punches import RawPunch, insert_punches, prepare_punches
from services.storage import Database

log = logging.getLogger(__name__)

TEXT = "text/plain"
_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class UnknownSerial:
    """A machine we do not know tried to talk to us (reported once per serial)."""

    serial: str
    remote: str


@dataclass(frozen=True)
class ParsedLog:
    punches: list[RawPunch]
    malformed: list[int]          # 1-based line numbers


def parse_attlog(body: str) -> ParsedLog:
    """ATTLOG lines: PIN, time, status (in/out), verify method, workcode, reserved..."""
    punches: list[RawPunch] = []
    malformed: list[int] = []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        fields = line.strip("\r").split("\t")
        try:
            pin = fields[0].strip()
            at = dt.datetime.strptime(fields[1].strip(), _TIME_FORMAT)
            state_value = int(fields[2]) if len(fields) > 2 and fields[2].strip() else None
            verify = int(fields[3]) if len(fields) > 3 and fields[3].strip() else None
        except (IndexError, ValueError):
            malformed.append(number)
            continue
        if not pin:
            malformed.append(number)
            continue
        punches.append(RawPunch(pin, at, verify, state_value))
    return ParsedLog(punches, malformed)


def handshake(machine: AdmsMachine, stamps: dict[str, str | None], now: dt.datetime) -> str:
    """The option lines a machine expects in answer to its first GET /iclock/cdata."""
    offset = now.astimezone(machine.timezone).utcoffset() or dt.timedelta(0)
    hours = offset.total_seconds() / 3600
    lines = [
        f"GET OPTION FROM: {machine.serial}",
        f"ATTLOGStamp={stamps.get('ATTLOG') or 0}",
        f"OPERLOGStamp={stamps.get('OPERLOG') or 0}",
        f"ATTPHOTOStamp={stamps.get('ATTPHOTO') or 0}",
        "ErrorDelay=30",
        "Delay=10",
        "TransTimes=00:00;14:05",
        "TransInterval=1",
        "TransFlag=TransData AttLog\tOpLog\tEnrollUser\tChgUser",
        f"TimeZone={int(hours) if hours.is_integer() else hours}",
        "Realtime=1",
        "Encrypt=None",
    ]
    return "\n".join(lines) + "\n"


class AdmsReceiver:
    def __init__(self, db: Database, settings: AdmsSettings, clock: Clock,
                 on_unknown: Callable[[UnknownSerial], Awaitable[None]] | None = None) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.on_unknown = on_unknown

    def application(self) -> web.Application:
        app = web.Application()
        for suffix in ("", ".aspx"):
            app.router.add_get(f"/iclock/cdata{suffix}", self.cdata_get)
            app.router.add_post(f"/iclock/cdata{suffix}", self.cdata_post)
            app.router.add_get(f"/iclock/getrequest{suffix}", self.getrequest)
            app.router.add_post(f"/iclock/devicecmd{suffix}", self.devicecmd)
            app.router.add_get(f"/iclock/ping{suffix}", self.ping)
        return app

    async def _machine(self, request: web.Request) -> AdmsMachine:
        serial = request.query.get("SN", "").strip()
        machine = self.settings.machine(serial) if serial else None
        if machine is None:
            remote = request.remote or "-"
            log.warning("adms.unknown_serial serial=%r remote=%s path=%s", serial, remote,
                        request.path)
            await self._report_unknown(serial or "-", remote)
            raise web.HTTPForbidden(text="UNKNOWN DEVICE", content_type=TEXT)
        return machine

    async def _report_unknown(self, serial: str, remote: str) -> None:
        now = self.clock.now()
        async with self.db.transaction() as conn:
            first = await state.open_problem(conn, machine=serial, kind=state.UNKNOWN_SERIAL,
                                             detail=remote, at=now)
        if first and self.on_unknown is not None:
            try:
                await self.on_unknown(UnknownSerial(serial, remote))
            except Exception:
                log.exception("adms.report_failed serial=%r", serial)

    async def _seen(self, machine: AdmsMachine) -> None:
        async with self.db.transaction() as conn:
            await state.remember_machine(conn, name=machine.name, source="adms",
                                         serial=machine.serial, at=self.clock.now())

    async def cdata_get(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        await self._seen(machine)
        async with self.db.read() as conn:
            stamps = {table: await state.adms_stamp(conn, machine.serial, table)
                      for table in ("ATTLOG", "OPERLOG", "ATTPHOTO")}
        log.info("adms.handshake serial=%s pushver=%s", machine.serial,
                 request.query.get("pushver", "-"))
        return web.Response(text=handshake(machine, stamps, self.clock.now()),
                            content_type=TEXT)

    async def cdata_post(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        table = request.query.get("table", "").strip().upper()
        stamp = request.query.get("Stamp", "").strip()
        body = (await request.read()).decode("utf-8", errors="replace")
        now = self.clock.now()
        if table != "ATTLOG":
            # OPERLOG (user changes), options and photos carry nothing we keep; the stamp is
            # stored so the machine does not send them again.
            async with self.db.transaction() as conn:
                await state.remember_machine(conn, name=machine.name, source="adms",
                                             serial=machine.serial, at=now)
                if stamp and table:
                    await state.set_adms_stamp(conn, serial=machine.serial, table=table,
                                               stamp=stamp, at=now)
            log.info("adms.table serial=%s table=%s lines=%d", machine.serial, table or "-",
                     len(body.splitlines()))
            return web.Response(text="OK", content_type=TEXT)
        parsed = parse_attlog(body)
        if parsed.malformed:
            log.warning("adms.malformed serial=%s lines=%s", machine.serial,
                        ",".join(map(str, parsed.malformed[:20])))
        prepared = prepare_punches(machine.serial, machine.timezone, parsed.punches,
                                   source="adms", received_at=now)
        try:
            async with self.db.transaction() as conn:
                new = await insert_punches(conn, prepared)
                await state.remember_machine(conn, name=machine.name, source="adms",
                                             serial=machine.serial, at=now)
                if stamp:
                    await state.set_adms_stamp(conn, serial=machine.serial, table="ATTLOG",
                                               stamp=stamp, at=now)
        except Exception:
            # Not committed: no OK, so the machine keeps the records and sends them again.
            log.exception("adms.store_failed serial=%s stamp=%s", machine.serial, stamp or "-")
            return web.Response(status=500, text="ERROR", content_type=TEXT)
        accepted = len(prepared.rows)
        log.info("adms.attlog serial=%s stamp=%s lines=%d new=%d duplicates=%d malformed=%d",
                 machine.serial, stamp or "-", accepted + len(parsed.malformed) + prepared.errors,
                 new, accepted - new, len(parsed.malformed) + prepared.errors)
        return web.Response(text=f"OK:{accepted}", content_type=TEXT)

    async def getrequest(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        await self._seen(machine)
        return web.Response(text="OK", content_type=TEXT)

    async def devicecmd(self, request: web.Request) -> web.Response:
        machine = await self._machine(request)
        body = (await request.read()).decode("utf-8", errors="replace")
        log.info("adms.devicecmd serial=%s reply=%r", machine.serial, body[:200])
        return web.Response(text="OK", content_type=TEXT)

    async def ping(self, request: web.Request) -> web.Response:
        if "SN" in request.query:
            await self._machine(request)
        return web.Response(text="OK", content_type=TEXT)


class AdmsServer:
    """The receiver on its own host and port, started and stopped with the bot."""

    def __init__(self, receiver: AdmsReceiver, host: str, port: int) -> None:
        self.receiver = receiver
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        self._runner = web.AppRunner(self.receiver.application(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        server = site._server
        if self.port == 0 and server is not None:
            self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        log.info("adms.listening host=%s port=%d", self.host, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
