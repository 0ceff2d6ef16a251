"""What the device adapters need to know about the machines: plain settings, no parsing.

`bot/config/devices.py` reads them from the TOML file; the adapters (and tests) only depend on
these dataclasses, so `device/` never imports the wiring in `bot/`.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo


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


@dataclass(frozen=True)
class AdmsMachine:
    serial: str
    name: str
    timezone: ZoneInfo


@dataclass(frozen=True)
class AdmsSettings:
    enabled: bool
    host: str
    port: int
    machines: tuple[AdmsMachine, ...]

    def machine(self, serial: str) -> AdmsMachine | None:
        return next((m for m in self.machines if m.serial == serial), None)


@dataclass(frozen=True)
class DeviceSettings:
    machines: tuple[DeviceConfig, ...]
    sync: SyncSettings
    adms: AdmsSettings

    def machine(self, name: str) -> DeviceConfig | None:
        return next((m for m in self.machines if m.name == name), None)
