"""Fingerprint machines: `[[devices]]` pulled with pyzk, `[sync]` timing, `[adms]` push receiver."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from bot.config.reader import ConfigError, Section
from device.config import AdmsMachine, AdmsSettings, DeviceConfig, DeviceSettings, SyncSettings

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
    )


def _parse_adms(section: Section, office_zone: ZoneInfo) -> AdmsSettings:
    machines = []
    for entry in section.sections("machines"):
        serial = entry.nonempty_str("serial").strip()
        if not _SERIAL.match(serial):
            raise ConfigError(entry.key("serial"), "hanya huruf, angka, - dan _")
        machines.append(AdmsMachine(serial=serial, name=entry.str("name", serial).strip() or serial,
                                    timezone=entry.zone("timezone", office_zone.key)))
    serials = [m.serial for m in machines]
    for index, serial in enumerate(serials):
        if serial in serials[:index]:
            raise ConfigError(f"adms.machines[{index}].serial",
                              f"nomor seri {serial!r} dipakai dua kali")
    return AdmsSettings(enabled=section.bool("enabled", False),
                        host=section.nonempty_str("host", "0.0.0.0"),
                        port=section.int("port", 8081, minimum=0, maximum=65535),
                        machines=tuple(machines))
