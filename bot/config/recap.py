"""[recap]: the monthly recap's agenda number, archive folder, automatic draft and the Kepala's
daily absence report."""

from __future__ import annotations

from pathlib import Path

from bot.config.reader import ConfigError, Section
from services import agenda
from services.recap_settings import DEFAULT_AGENDA_FORMAT, RecapSettings


def parse_recap(root: Section, base_dir: Path) -> RecapSettings:
    section = root.section("recap")
    agenda_format = section.nonempty_str("agenda_format", DEFAULT_AGENDA_FORMAT)
    problem = agenda.format_problem(agenda_format)
    if problem:
        raise ConfigError(section.key("agenda_format"), problem)
    return RecapSettings(
        agenda_format=agenda_format,
        archive_dir=base_dir / section.nonempty_str("archive_dir", "data/arsip-rekap"),
        auto_build_enabled=section.bool("auto_build_enabled", True),
        auto_build_day=section.int("auto_build_day", 1, minimum=1, maximum=10),
        auto_build_time=section.time("auto_build_time", "07:00"),
        daily_report_enabled=section.bool("daily_report_enabled", True),
        daily_report_time=section.time("daily_report_time", "09:00"),
    )
