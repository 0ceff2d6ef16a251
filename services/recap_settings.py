"""The recap feature's settings as plain data, parsed from `[recap]` by bot/config/recap.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

# Classification code 000.8.3.3 (presensi, seed 002's SOP number), then the office's sequence.
DEFAULT_AGENDA_FORMAT = "000.8.3.3/{seq:03d}/{unit}/{month}/{year}"


@dataclass(frozen=True)
class RecapSettings:
    agenda_format: str = DEFAULT_AGENDA_FORMAT
    archive_dir: Path = Path("data/arsip-rekap")
    auto_build_enabled: bool = True
    auto_build_day: int = 1                  # the n-th working day of the month
    auto_build_time: dt.time = dt.time(7, 0)
    daily_report_enabled: bool = True
    daily_report_time: dt.time = dt.time(9, 0)
