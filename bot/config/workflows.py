"""[workflows]: the office's SOP definitions folder and the time-standard watch.

The definitions are loaded and validated here, while the settings are read, so an invalid
file stops `presensi run` (and every other subcommand) with one line naming file and key.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from bot.config.reader import ConfigError, Section
from services.workflows.loader import DefinitionError, load_catalogue
from services.workflows.model import Catalogue
from services.workflows.sla import WorkingHours


@dataclass(frozen=True)
class WorkflowSettings:
    dir: Path | None
    catalogue: Catalogue
    hours: WorkingHours
    check_interval_seconds: float


def parse_workflows(root: Section, base_dir: Path) -> WorkflowSettings:
    section = root.section("workflows")
    folder = section.str("dir", "")
    office_dir = base_dir / folder if folder.strip() else None
    start = section.time("work_start", "07:30")
    end = section.time("work_end", "16:00")
    if dt.datetime.combine(dt.date.min, end) <= dt.datetime.combine(dt.date.min, start):
        raise ConfigError(section.key("work_end"), "harus setelah work_start")
    try:
        catalogue = load_catalogue(office_dir)
    except DefinitionError as error:
        raise ConfigError(section.key("dir") + f" → {error.file}",
                          f"{error.key}: {error.problem}" if error.key else error.problem
                          ) from None
    return WorkflowSettings(
        dir=office_dir,
        catalogue=catalogue,
        hours=WorkingHours(start, end),
        check_interval_seconds=section.float("check_interval_minutes", 5.0, minimum=0.5) * 60,
    )
