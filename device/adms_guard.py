"""Connection limits in front of the ADMS receiver.

aiohttp waits for a request head as long as the peer keeps the socket open, so anyone on the
LAN can hold sockets (file descriptors of the bot's own process) for ever. Each connection
here has a deadline for its request head, re-armed after every response (that covers the idle
time of keep-alive too); there is a cap in total and per source address; and when every
configured machine is pinned to addresses, anything else is hung up on at once. A refused
connection is aborted (RST) so its descriptor is freed immediately.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from device.config import AdmsLimits, Network

log = logging.getLogger(__name__)


class _Connection:
    def __init__(self, guard: ConnectionGuard, transport: asyncio.Transport,
                 address: str) -> None:
        self.guard = guard
        self.transport = transport
        self.address = address
        self._timer: asyncio.TimerHandle | None = None

    def arm(self, seconds: float) -> None:
        self.disarm()
        self._timer = asyncio.get_running_loop().call_later(seconds, self._expire)

    def disarm(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _expire(self) -> None:
        self.guard.expired += 1
        log.info("adms.connection_expired remote=%s", self.address)
        self.transport.abort()


class _GuardedProtocol(asyncio.Protocol):
    """Forwards everything to aiohttp's handler; counts and times the connection."""

    def __init__(self, guard: ConnectionGuard, inner: Any) -> None:
        self.guard = guard
        self.inner = inner
        self.connection: _Connection | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.connection = self.guard.admit(transport)
        if self.connection is None:
            transport.abort()
            return
        self.inner.connection_made(transport)

    def connection_lost(self, exc: Exception | None) -> None:
        if self.connection is None:
            return
        self.guard.release(self.connection)
        self.inner.connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.connection is not None:
            self.inner.data_received(data)

    def eof_received(self) -> bool | None:
        if self.connection is None:
            return None
        result: bool | None = self.inner.eof_received()
        return result

    def pause_writing(self) -> None:
        self.inner.pause_writing()

    def resume_writing(self) -> None:
        self.inner.resume_writing()


class ConnectionGuard:
    def __init__(self, limits: AdmsLimits, pinned: tuple[Network, ...] | None) -> None:
        self.limits = limits
        self.pinned = pinned
        self._open: dict[asyncio.BaseTransport, _Connection] = {}
        self._per_address: dict[str, int] = {}
        self.refused = 0
        self.expired = 0

    @property
    def open_connections(self) -> int:
        return len(self._open)

    def factory(self, server: web.Server) -> Callable[[], asyncio.Protocol]:
        return lambda: _GuardedProtocol(self, server())

    def _allowed(self, address: str) -> bool:
        if self.pinned is None:
            return True
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(ip in network for network in self.pinned)

    def admit(self, transport: asyncio.Transport) -> _Connection | None:
        peer = transport.get_extra_info("peername")
        address = str(peer[0]) if peer else "-"
        count = self._per_address.get(address, 0)
        if (not self._allowed(address) or len(self._open) >= self.limits.max_connections
                or count >= self.limits.max_connections_per_address):
            self.refused += 1
            if self.refused % 100 == 1:
                log.warning("adms.connection_refused remote=%s open=%d from_address=%d "
                            "refused_total=%d", address, len(self._open), count, self.refused)
            return None
        connection = _Connection(self, transport, address)
        self._open[transport] = connection
        self._per_address[address] = count + 1
        connection.arm(self.limits.header_timeout_seconds)
        return connection

    def release(self, connection: _Connection) -> None:
        connection.disarm()
        if self._open.pop(connection.transport, None) is None:
            return
        left = self._per_address.get(connection.address, 1) - 1
        if left:
            self._per_address[connection.address] = left
        else:
            self._per_address.pop(connection.address, None)

    @web.middleware
    async def middleware(self, request: web.Request,
                         handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
                         ) -> web.StreamResponse:
        connection = self._open.get(request.transport) if request.transport else None
        if connection is not None:
            # The head has arrived; the body has its own timeout in the receiver.
            connection.disarm()
        try:
            return await handler(request)
        finally:
            if connection is not None:
                connection.arm(self.limits.keepalive_timeout_seconds
                               + self.limits.header_timeout_seconds)
