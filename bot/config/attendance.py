"""[attendance]: hours, Ramadan hours, scan window, bands, TPP table, PP 94 ladder, alerts."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from bot.config.reader import ConfigError, Section, parse_time
from services.attendance_policy import (
    DEFAULT_CLTN_MONTH_PERCENT,
    DEFAULT_HOURS,
    DEFAULT_LADDER,
    DEFAULT_RAMADAN_HOURS,
    DEFAULT_RUN_PENALTY,
    DEFAULT_RUN_PENALTY_PPPK,
    DEFAULT_TPP_CAP_PERCENT,
    DEFAULT_TPP_PERCENT,
    AlertPolicy,
    AttendancePolicy,
    LadderPolicy,
    LadderStep,
    RamadanPeriod,
    TppPolicy,
    WorkHours,
)
from services.attendance_rules import ABSENCE_CODES
from services.calendar import WEEKDAY_NAMES

TPP_CODES = frozenset({"TL1", "TL2", "TL3", "TL4", "PSW1", "PSW2", "PSW3", "PSW4", "TAM", "TAP",
                       "TK", *ABSENCE_CODES})


def _work_hours(value: Any, key: str) -> WorkHours:
    if not (isinstance(value, list) and len(value) == 2):
        raise ConfigError(key, "harus berupa [\"HH:MM\", \"HH:MM\"] (jam masuk, jam pulang)")
    start, end = parse_time(value[0], key), parse_time(value[1], key)
    if start >= end:
        raise ConfigError(key, "jam masuk harus sebelum jam pulang")
    return WorkHours(start, end)


def _hours_table(section: Section, defaults: Mapping[int, WorkHours]) -> dict[int, WorkHours]:
    table = dict(defaults)
    for name, hours in section.mapping("hours", _work_hours, {}).items():
        if name.lower() not in WEEKDAY_NAMES:
            raise ConfigError(section.key(f"hours.{name}"), "hari tidak dikenal (senin … minggu)")
        table[WEEKDAY_NAMES.index(name.lower())] = hours
    return table


def _ramadan(section: Section) -> tuple[RamadanPeriod, ...]:
    periods = []
    for item in section.sections("ramadan"):
        start, end = item.date("start"), item.date("end")
        assert start is not None and end is not None
        if end < start:
            raise ConfigError(item.key("end"), "tanggal akhir sebelum tanggal mulai")
        periods.append(RamadanPeriod(start, end, _hours_table(item, DEFAULT_RAMADAN_HOURS)))
    periods.sort(key=lambda p: p.start)
    for before, after in itertools.pairwise(periods):
        if after.start <= before.end:
            raise ConfigError(section.key("ramadan"), "periode Ramadan saling tumpang tindih")
    return tuple(periods)


def _bands(section: Section) -> tuple[int, int, int]:
    raw = section.data.get("bands", [30, 60, 90])
    numbers = isinstance(raw, list) and len(raw) == 3 and all(
        isinstance(v, int) and not isinstance(v, bool) for v in raw)
    if not numbers or not 0 < raw[0] < raw[1] < raw[2]:
        raise ConfigError(section.key("bands"),
                          "harus tiga batas menit yang naik, mis. [30, 60, 90]")
    return (raw[0], raw[1], raw[2])


def _percent(value: Any, key: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise ConfigError(key, "harus berupa persen 0–100")
    return float(value)


def _tpp(root: Section) -> TppPolicy:
    section = root.section("tpp")
    table = dict(DEFAULT_TPP_PERCENT)
    for code, value in section.mapping("percent", _percent, {}).items():
        if code not in TPP_CODES:
            raise ConfigError(section.key(f"percent.{code}"),
                              "kode tidak dikenal (" + ", ".join(sorted(TPP_CODES)) + ")")
        table[code] = value
    cap = _percent(section.data.get("monthly_cap_percent", DEFAULT_TPP_CAP_PERCENT),
                   section.key("monthly_cap_percent"))
    cltn = _percent(section.data.get("cltn_month_percent", DEFAULT_CLTN_MONTH_PERCENT),
                    section.key("cltn_month_percent"))
    return TppPolicy(percent=table, monthly_cap_percent=cap, cltn_month_percent=cltn,
                     tk_days_forfeit_month=section.int("tk_days_forfeit_month", 0, minimum=0))


def _penalty(value: Any, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(key, "harus berupa keterangan hukuman disiplin")
    return value.strip()


def _ladder(root: Section) -> LadderPolicy:
    section = root.section("ladder")
    steps = DEFAULT_LADDER
    if "steps" in section.data:
        parsed = []
        for days, penalty in section.mapping("steps", _penalty).items():
            if not days.isdigit() or int(days) < 1:
                raise ConfigError(section.key(f"steps.{days}"),
                                  "kunci harus jumlah hari, mis. \"3\"")
            # A threshold of the default ladder keeps its PPPK wording.
            pppk = next((s.pppk_penalty for s in DEFAULT_LADDER if s.days == int(days)), "")
            parsed.append(LadderStep(int(days), penalty, pppk))
        if not parsed:
            raise ConfigError(section.key("steps"), "tidak boleh kosong")
        steps = tuple(sorted(parsed, key=lambda s: s.days))
    return LadderPolicy(
        steps=steps,
        consecutive_days=section.int("consecutive_days", 10, minimum=1),
        consecutive_penalty=section.nonempty_str("consecutive_penalty", DEFAULT_RUN_PENALTY),
        consecutive_penalty_pppk=section.nonempty_str("consecutive_penalty_pppk",
                                                      DEFAULT_RUN_PENALTY_PPPK),
        notify_kepala=section.bool("notify_kepala", True),
        count_late_minutes=section.bool("count_late_minutes", True),
        # A working day is at most a few hundred minutes; more than a day's minutes (24 h)
        # per ladder day is surely a typo.
        minutes_per_day=section.int("minutes_per_day", 450, minimum=1, maximum=1440),
    )


def _alerts(root: Section, latest_end: dt.time, window_end: dt.time) -> AlertPolicy:
    section = root.section("alerts")
    alerts = AlertPolicy(
        enabled=section.bool("enabled", True),
        morning=section.time("morning", "08:00"),
        ramadan_morning=section.time("ramadan_morning", "08:30"),
        afternoon=section.time("afternoon", "16:45"),
        sync_before_morning=section.bool("sync_before_morning", True),
        summary_late_minutes=section.int("summary_late_minutes", 1, minimum=1),
    )
    if alerts.afternoon <= latest_end:
        raise ConfigError(section.key("afternoon"),
                          f"harus sesudah jam pulang paling akhir ({latest_end:%H:%M})")
    if alerts.afternoon >= window_end:
        # After the window closes a missing OUT can no longer be put right.
        raise ConfigError(section.key("afternoon"),
                          f"harus sebelum rentang pindai ditutup ({window_end:%H:%M})")
    for name in ("morning", "ramadan_morning"):
        if getattr(alerts, name) >= alerts.afternoon:
            raise ConfigError(section.key(name), "harus sebelum pemberitahuan sore")
    return alerts


def parse_attendance(root: Section) -> AttendancePolicy:
    section = root.section("attendance")
    window_start = section.time("window_start", "06:00")
    window_end = section.time("window_end", "18:00")
    if window_start >= window_end:
        raise ConfigError(section.key("window_end"), "harus sesudah window_start")
    hours = _hours_table(section, DEFAULT_HOURS)
    ramadan = _ramadan(section)
    for name, table in [("hours", hours)] + [(f"ramadan[{i}].hours", p.hours)
                                              for i, p in enumerate(ramadan)]:
        for day, span in table.items():
            if span.start < window_start or span.end > window_end:
                raise ConfigError(section.key(f"{name}.{WEEKDAY_NAMES[day]}"),
                                  "jam kerja harus di dalam rentang pindai "
                                  f"{window_start:%H:%M}–{window_end:%H:%M}")
    policy = AttendancePolicy(
        hours=hours, ramadan=ramadan, ramadan_auto=section.bool("ramadan_auto", True),
        window_start=window_start, window_end=window_end,
        grace_minutes=section.int("grace_minutes", 0, minimum=0, maximum=120),
        bands=_bands(section), tpp=_tpp(section), ladder=_ladder(section),
    )
    # The alert times are checked against the latest end of work of the schedules above.
    return replace(policy, alerts=_alerts(section, policy.latest_end,
                                                  policy.window_end))
