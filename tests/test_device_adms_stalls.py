"""Stalled connections against the real ADMS server do not starve the bot's process.

The attacker is another process on 127.0.0.2 (still loopback) holding 1,000 connections that
never finish their request head; this process runs with a soft limit of 256 descriptors, as in
the original report. Meanwhile a machine on 127.0.0.1 keeps uploading and a stand-in for the
Telegram Bot API keeps being polled over fresh connections.
"""

from __future__ import annotations

import asyncio
import contextlib
import resource
import socket
import sys
import textwrap
from collections.abc import AsyncIterator, Iterator

import aiohttp
import pytest
from aiohttp import web

from device.adms import AdmsReceiver, AdmsServer
from services.clock import FixedClock
from services.storage import Database
from tests.support.machines import adms_settings

SERIAL = "CKJ6230960001"

ATTACKER = textwrap.dedent("""
    import resource, socket, sys, time
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 4096), hard))
    port, count, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    held = []
    for _ in range(count):
        s = socket.socket()
        s.bind(("127.0.0.2", 0))
        s.setblocking(False)
        try:
            s.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        held.append(s)
    time.sleep(0.5)
    sent = 0
    for s in held:
        try:
            s.send(b"GET /iclock/cdata?SN=X HTTP/1.1\\r\\nHost: x\\r\\n")
            sent += 1
        except OSError:
            pass
    print("holding", sent, flush=True)
    # Held for at least `hold` seconds and until the test has seen the bot keep working.
    released = time.monotonic() + hold
    sys.stdin.readline()
    time.sleep(max(0.0, released - time.monotonic()))
    closed = 0
    for s in held:
        try:
            closed += s.recv(1) == b""
        except BlockingIOError:
            pass
        except OSError:
            closed += 1
    print("closed", closed, flush=True)
""")


def _loopback_alias_works() -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.2", 0))
        except OSError:
            return False
    return True


@contextlib.contextmanager
def descriptor_limit(soft: int) -> Iterator[None]:
    old_soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (old_soft, hard))


@pytest.fixture
async def bot_api() -> AsyncIterator[int]:
    """A stand-in for api.telegram.org on 127.0.0.1: getUpdates answers at once."""
    async def updates(_request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": []})
    app = web.Application()
    app.router.add_post("/bot123:abc/getUpdates", updates)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    yield site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    await runner.cleanup()


class Poller:
    """Polls the stand-in Bot API over a fresh connection each time, as the bot's updater does
    on a reconnect: each poll needs a free descriptor in this process."""

    def __init__(self, port: int) -> None:
        self.port, self.ok, self.errors = port, 0, list[str]()
        self.stop = asyncio.Event()

    async def run(self) -> None:
        while not self.stop.is_set():
            try:
                async with aiohttp.ClientSession(
                        connector=aiohttp.TCPConnector(force_close=True)) as http, \
                        http.post(f"http://127.0.0.1:{self.port}/bot123:abc/getUpdates"
                                  ) as answer:
                    self.ok += (await answer.json())["ok"] is True
            except Exception as error:
                self.errors.append(repr(error))
            await asyncio.sleep(0.05)

    async def until(self, polls: int, timeout: float) -> None:
        """Wait for `polls` answered polls (however slow a loaded machine makes them)."""
        deadline = asyncio.get_running_loop().time() + timeout
        while self.ok < polls and not self.errors:
            assert asyncio.get_running_loop().time() < deadline, "the poller starved"
            await asyncio.sleep(0.05)


@pytest.mark.skipif(not _loopback_alias_works(), reason="127.0.0.2 cannot be bound here")
async def test_a_thousand_stalled_connections_starve_nothing(
        db: Database, clock: FixedClock, bot_api: int, caplog: pytest.LogCaptureFixture) -> None:
    settings = adms_settings([SERIAL], header_timeout_seconds=3, keepalive_timeout_seconds=1)
    receiver = AdmsReceiver(db, settings, clock)
    server = AdmsServer(receiver, "127.0.0.1", 0)
    with descriptor_limit(256):
        await server.start()
        attacker = await asyncio.create_subprocess_exec(
            sys.executable, "-c", ATTACKER, str(server.port), "1000", "5",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE)
        assert attacker.stdin is not None and attacker.stdout is not None
        try:
            line = await asyncio.wait_for(attacker.stdout.readline(), 30)
            assert line.startswith(b"holding")
            poller = Poller(bot_api)
            polling = asyncio.create_task(poller.run())
            async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http:
                for n in range(10):
                    body = f"{n:04d}\t2026-10-05 07:{n:02d}:00\t0\t1\n".encode()
                    async with http.post("/iclock/cdata", params={
                            "SN": SERIAL, "table": "ATTLOG", "Stamp": str(n)},
                            data=body) as answer:
                        assert (answer.status, await answer.text()) == (200, "OK:1")
                    await asyncio.sleep(0.2)
            await poller.until(20, timeout=60)
            attacker.stdin.write(b"release\n")
            await attacker.stdin.drain()
            closed = await asyncio.wait_for(attacker.stdout.readline(), 30)
            poller.stop.set()
            await polling
            await attacker.wait()
            # Nothing is left open once the attacker is gone.
            for _ in range(50):
                if receiver.guard.open_connections == 0:
                    break
                await asyncio.sleep(0.1)
            assert receiver.guard.open_connections == 0
        finally:
            with contextlib.suppress(ProcessLookupError):
                attacker.kill()
            await attacker.wait()
            await server.stop()
    assert poller.errors == [] and poller.ok >= 20
    # The process never ran out of descriptors; what the attacker got in was hung up on, at
    # once (over the cap) or at the head deadline. The rest waited in the kernel's queue.
    assert "out of system resource" not in caplog.text
    # How many reach the server depends on how fast it drains the accept queue (200-450
    # alone, about 100 with the whole suite running beside it): at least 50 either way.
    assert int(closed.split()[1]) >= 50
    assert receiver.guard.refused >= 50
    async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM punches") as cursor:
        assert (await cursor.fetchone())[0] == 10


async def test_a_head_or_body_that_trickles_in_is_cut_off(db: Database,
                                                          clock: FixedClock) -> None:
    settings = adms_settings([SERIAL], body_timeout_seconds=1, header_timeout_seconds=2)
    receiver = AdmsReceiver(db, settings, clock)
    server = AdmsServer(receiver, "127.0.0.1", 0)
    await server.start()
    try:
        # A byte of the request head every 0.2 s never makes a request: cut at 2 s.
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        started = asyncio.get_running_loop().time()
        with contextlib.suppress(ConnectionError):
            for byte in b"GET /iclock/ping HTTP/1.1\r\nHost:":
                writer.write(bytes([byte]))
                await writer.drain()
                await asyncio.sleep(0.2)
                if asyncio.get_running_loop().time() - started > 3:
                    break
        with contextlib.suppress(ConnectionError):
            assert await asyncio.wait_for(reader.read(), 5) == b""
        assert receiver.guard.open_connections == 0
        assert receiver.guard.expired == 1
        writer.close()
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"POST /iclock/cdata?SN={SERIAL}&table=ATTLOG&Stamp=1 HTTP/1.1\r\n"
                     "Host: x\r\nContent-Length: 1000\r\n\r\n0001\t2026".encode())
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(200), 5)
        assert answer.startswith(b"HTTP/1.1 408")
        writer.close()
    finally:
        await server.stop()
    server = AdmsServer(AdmsReceiver(db, adms_settings([SERIAL], keepalive_timeout_seconds=1,
                                                   header_timeout_seconds=1),
                                     clock), "127.0.0.1", 0)
    await server.start()
    try:
        # A keep-alive connection left idle is closed too.
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(f"GET /iclock/ping?SN={SERIAL} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        await writer.drain()
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        assert head.startswith(b"HTTP/1.1 200") and await reader.readexactly(2) == b"OK"
        assert await asyncio.wait_for(reader.read(), 30) == b""
        writer.close()
    finally:
        await server.stop()
