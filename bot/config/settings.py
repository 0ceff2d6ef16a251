"""The whole configuration: every section parsed by its own module and assembled here.

Relative paths in the file are resolved against the file's own folder so the bot can be started
from anywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.config.approvals import ApprovalSettings, parse_approvals
from bot.config.attendance import parse_attendance
from bot.config.calendar import parse_calendar
from bot.config.core import (
    DatabaseSettings,
    TelegramSettings,
    parse_database,
    parse_office,
    parse_telegram,
)
from bot.config.devices import parse_devices
from bot.config.file import read_config
from bot.config.location import parse_location
from bot.config.operations import OperationsSettings, parse_operations
from bot.config.reader import Section
from bot.config.recap import parse_recap
from bot.config.requests import parse_requests
from bot.config.workflows import WorkflowSettings, parse_workflows
from device.config import DeviceSettings
from services.attendance_policy import AttendancePolicy
from services.calendar import CalendarRules
from services.location_policy import LocationPolicy
from services.office import Office
from services.recap_settings import RecapSettings
from services.request_policy import RequestPolicy


@dataclass(frozen=True)
class Settings:
    source: Path
    telegram: TelegramSettings
    database: DatabaseSettings
    office: Office
    calendar: CalendarRules
    operations: OperationsSettings
    requests: RequestPolicy
    workflows: WorkflowSettings
    attendance: AttendancePolicy
    devices: DeviceSettings
    recap: RecapSettings
    location: LocationPolicy
    approvals: ApprovalSettings


def parse_settings(data: dict[str, Any], base_dir: Path, source: Path) -> Settings:
    root = Section(data, "")
    # Read before [requests]: the requests feature takes its approval chains from the catalogue.
    workflows = parse_workflows(root, base_dir)
    settings = Settings(
        source=source,
        telegram=parse_telegram(root, base_dir),
        database=parse_database(root, base_dir),
        office=parse_office(root),
        calendar=parse_calendar(root),
        operations=parse_operations(root, base_dir),
        requests=parse_requests(root, workflows.catalogue),
        workflows=workflows,
        attendance=parse_attendance(root),
        devices=parse_devices(root),
        recap=parse_recap(root, base_dir),
        location=parse_location(root),
        approvals=parse_approvals(root),
    )
    root.reject_unknown()
    return settings


def load_settings(explicit: str | None = None) -> Settings:
    data, path = read_config(explicit)
    return parse_settings(data, path.parent, path)
