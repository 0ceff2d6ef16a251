"""The sections the machine commands (`presensi sync`, `presensi device ...`) read.

A pull is run from cron or by hand many times a day and must start quickly, so it parses only
[database], [office], [devices], [sync] and [adms], with the same parsers as the whole
`Settings`, and imports no feature's policy. Unknown keys in those sections are refused as
everywhere; the rest of the file is checked by every command that loads the whole `Settings`
(`presensi run`, `migrate`, ...).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.config.core import DatabaseSettings, parse_database, parse_office
from bot.config.devices import parse_devices
from bot.config.file import read_config
from bot.config.reader import Section
from device.config import DeviceSettings
from services.office import Office

# Every key of these tables is read by the parsers below and by no other.
SECTIONS = ("database", "office", "devices", "sync", "adms")


@dataclass(frozen=True)
class MachineSettings:
    source: Path
    database: DatabaseSettings
    office: Office
    devices: DeviceSettings


def load_machine_settings(explicit: str | None = None) -> MachineSettings:
    data, path = read_config(explicit)
    root = Section(data, "")
    settings = MachineSettings(source=path, database=parse_database(root, path.parent),
                               office=parse_office(root), devices=parse_devices(root))
    root.reject_unknown_in(*SECTIONS)
    return settings
