"""Fingerprint machines: `[[devices]]` pulled with pyzk, `[sync]` timing, `[adms]` push receiver."""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from zoneinfo import ZoneInfo

from bot.config.reader import ConfigError, Section
from device.config import (
    AdmsLimits,
    AdmsMachine,
    AdmsSettings,
    DeviceConfig,
    DeviceSettings,
    Network,
    SyncSettings,
)

PROTOCOLS = ("tcp", "udp")
_SERIAL = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def parse_devices(root: Section) -> DeviceSettings:
    office_zone = root.section("office").zone("timezone", "Asia/Jakarta")
    machines = tuple(_parse_machine(s, office_zone) for s in root.sections("devices"))
    names = [m.name for m in machines]
    for index, name in enumerate(names):
        if name in names[:index]:
            raise ConfigError(f"devices[{index}].name", f"nama mesin {name!r} dipakai dua kali")
    return DeviceSettings(machines=machines, sync=_parse_sync(root.section("sync")),
                          adms=_parse_adms(root.section("adms"), office_zone))


def _parse_machine(section: Section, office_zone: ZoneInfo) -> DeviceConfig:
    return DeviceConfig(
        name=section.nonempty_str("name").strip(),
        host=section.nonempty_str("host").strip(),
        port=section.int("port", 4370, minimum=1, maximum=65535),
        protocol=section.choice("protocol", PROTOCOLS, "tcp"),
        password=section.int("password", 0, minimum=0, maximum=999_999_999),
        timezone=section.zone("timezone", office_zone.key),
    )


def _parse_sync(section: Section) -> SyncSettings:
    return SyncSettings(
        interval_minutes=section.int("interval_minutes", 15, minimum=1),
        drift_threshold_seconds=section.int("drift_threshold_seconds", 120, minimum=1),
        timeout_seconds=section.float("timeout_seconds", 30.0, minimum=0.1),
        retry_attempts=section.int("retry_attempts", 3, minimum=1, maximum=10),
        retry_backoff_seconds=section.float("retry_backoff_seconds", 5.0, minimum=0.0),
        clear_after_days=section.int("clear_after_days", None, minimum=1),
    )


def _networks(section: Section, name: str) -> tuple[Network, ...]:
    result = []
    for raw in section.str_list(name, []):
        try:
            result.append(ipaddress.ip_network(raw.strip(), strict=False))
        except ValueError:
            raise ConfigError(section.key(name),
                              f"{raw!r} bukan alamat atau jaringan (CIDR) yang sah") from None
    return tuple(result)


def _parse_limits(section: Section) -> AdmsLimits:
    return AdmsLimits(
        max_body_bytes=section.int("max_body_mb", 25, minimum=1, maximum=200) * 1024 * 1024,
        header_timeout_seconds=section.float("header_timeout_seconds", 10.0, minimum=0.1),
        body_timeout_seconds=section.float("body_timeout_seconds", 120.0, minimum=0.1),
        keepalive_timeout_seconds=section.float("keepalive_timeout_seconds", 15.0, minimum=0.1),
        max_connections=section.int("max_connections", 128, minimum=1, maximum=10_000),
        max_connections_per_address=section.int("max_connections_per_address", 8, minimum=1,
                                                maximum=10_000),
        future_tolerance=dt.timedelta(minutes=section.int("future_tolerance_minutes", 10,
                                                          minimum=0)),
        max_age=dt.timedelta(days=section.int("max_age_days", 90, minimum=1)),
    )


def _parse_adms(section: Section, office_zone: ZoneInfo) -> AdmsSettings:
    machines = []
    for entry in section.sections("machines"):
        serial = entry.nonempty_str("serial").strip()
        if not _SERIAL.match(serial):
            raise ConfigError(entry.key("serial"), "hanya huruf, angka, - dan _")
        machines.append(AdmsMachine(serial=serial, name=entry.str("name", serial).strip() or serial,
                                    timezone=entry.zone("timezone", office_zone.key),
                                    allow_from=_networks(entry, "allow_from")))
    serials = [m.serial for m in machines]
    for index, serial in enumerate(serials):
        if serial in serials[:index]:
            raise ConfigError(f"adms.machines[{index}].serial",
                              f"nomor seri {serial!r} dipakai dua kali")
    return AdmsSettings(enabled=section.bool("enabled", False),
                        host=section.nonempty_str("host", "0.0.0.0"),
                        port=section.int("port", 8081, minimum=0, maximum=65535),
                        machines=tuple(machines), limits=_parse_limits(section))
