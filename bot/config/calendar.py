"""[calendar]: working weekdays, national holidays, local holidays and working-day overrides."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.config.reader import ConfigError, Section, parse_date
from services.calendar import WEEKDAY_NAMES, CalendarRules


def _dates(section: Section, name: str) -> dict[dt.date, str]:
    table = section.mapping(name, lambda value, key: _label(value, key), {})
    result: dict[dt.date, str] = {}
    for raw, label in table.items():
        day = parse_date(raw, f"{section.key(name)}.{raw}")
        assert day is not None
        result[day] = label
    return result


def _label(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, "keterangan harus berupa teks")
    return value


def parse_calendar(root: Section) -> CalendarRules:
    section = root.section("calendar")
    names = section.str_list("workdays", list(WEEKDAY_NAMES[:5]))
    workdays = set()
    for name in names:
        if name.lower() not in WEEKDAY_NAMES:
            raise ConfigError(section.key("workdays"),
                              f"hari {name!r} tidak dikenal (senin … minggu)")
        workdays.add(WEEKDAY_NAMES.index(name.lower()))
    if not workdays:
        raise ConfigError(section.key("workdays"), "tidak boleh kosong")
    return CalendarRules(
        workdays=frozenset(workdays),
        national_holidays=section.bool("national_holidays", True),
        cuti_bersama_is_day_off=section.bool("cuti_bersama_is_day_off", True),
        local_holidays=_dates(section, "local_holidays"),
        working_overrides=_dates(section, "working_days"),
    )
