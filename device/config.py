"""What the device adapters need to know about the machines: plain settings, no parsing.

`bot/config/devices.py` reads them from the TOML file; the adapters (and tests) only depend on
these dataclasses, so `device/` never imports the wiring in `bot/`.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from dataclasses import dataclass
from zoneinfo import ZoneInfo

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class DeviceConfig:
    """One machine the server pulls from (ZKTeco standalone protocol, port 4370)."""

    name: str
    host: str
    port: int
    protocol: str          # "tcp" or "udp" (older firmware)
    password: int          # the machine's comm key; 0 when none is set
    timezone: ZoneInfo     # the zone of the machine's wall clock

    @property
    def udp(self) -> bool:
        return self.protocol == "udp"


@dataclass(frozen=True)
class SyncSettings:
    interval_minutes: int
    drift_threshold_seconds: int
    timeout_seconds: float
    retry_attempts: int          # tries per machine and cycle
    retry_backoff_seconds: float  # wait before the 2nd try; doubles for each further try
    clear_after_days: int | None = None  # clear records stored and this old from the machines


@dataclass(frozen=True)
class AdmsMachine:
    serial: str
    name: str
    timezone: ZoneInfo
    # Source addresses the machine may talk from; empty: any (the serial is all it shows).
    allow_from: tuple[Network, ...] = ()

    def allows(self, address: str | None) -> bool:
        if not self.allow_from:
            return True
        try:
            ip = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        return any(ip in network for network in self.allow_from)


@dataclass(frozen=True)
class AdmsLimits:
    """What keeps a LAN peer from exhausting the receiver (and so the bot's process)."""

    max_body_bytes: int = 25 * 1024 * 1024
    header_timeout_seconds: float = 10.0     # connection open until its request head is read
    body_timeout_seconds: float = 120.0      # reading one request's body
    keepalive_timeout_seconds: float = 15.0  # idle between two requests of one connection
    max_connections: int = 128
    max_connections_per_address: int = 8
    # Scans dated later than the server's clock plus this, or older than max_age, are refused.
    future_tolerance: dt.timedelta = dt.timedelta(minutes=10)
    max_age: dt.timedelta = dt.timedelta(days=90)


@dataclass(frozen=True)
class AdmsSettings:
    enabled: bool
    host: str
    port: int
    machines: tuple[AdmsMachine, ...]
    limits: AdmsLimits = AdmsLimits()

    def machine(self, serial: str) -> AdmsMachine | None:
        return next((m for m in self.machines if m.serial == serial), None)

    def pinned_sources(self) -> tuple[Network, ...] | None:
        """Every address any machine may use, or None when some machine is not pinned."""
        if not self.machines or any(not m.allow_from for m in self.machines):
            return None
        return tuple(n for m in self.machines for n in m.allow_from)


@dataclass(frozen=True)
class DeviceSettings:
    machines: tuple[DeviceConfig, ...]
    sync: SyncSettings
    adms: AdmsSettings

    def machine(self, name: str) -> DeviceConfig | None:
        return next((m for m in self.machines if m.name == name), None)
