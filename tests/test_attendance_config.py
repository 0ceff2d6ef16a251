"""[attendance] parsing: defaults, overrides and errors that name the key."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from bot.config import ConfigError, parse_settings
from tests.conftest import BASE_CONFIG


def _parse(extra: str):
    data = tomllib.loads(BASE_CONFIG + extra)
    return parse_settings(data, Path("/tmp"), Path("/tmp/presensi.toml")).attendance


def test_defaults_follow_domain_md() -> None:
    policy = _parse("")
    monday = policy.hours_for(dt.date(2026, 10, 5))
    friday = policy.hours_for(dt.date(2026, 10, 9))
    assert (monday.start, monday.end) == (dt.time(7, 30), dt.time(16, 0))
    assert (friday.start, friday.end) == (dt.time(7, 30), dt.time(16, 30))
    assert (policy.window_start, policy.window_end) == (dt.time(6), dt.time(18))
    assert policy.bands == (30, 60, 90)
    assert policy.tpp.percent["TL4"] == 1.5 and policy.tpp.percent["TK"] == 3.0
    assert [s.days for s in policy.ladder.steps] == [3, 4, 7, 11, 14, 17, 21, 25, 28]
    assert policy.ladder.consecutive_days == 10
    assert policy.ladder.count_late_minutes and policy.ladder.minutes_per_day == 450
    assert policy.alerts.morning == dt.time(8) and policy.alerts.afternoon == dt.time(16, 45)


def test_the_example_file_parses() -> None:
    example = Path(__file__).resolve().parents[1] / "presensi.example.toml"
    data = tomllib.loads(example.read_text("utf-8"))
    policy = parse_settings(data, Path("/tmp"), example).attendance
    # Ramadan needs no entry: the dates are computed for every year.
    assert policy.ramadan == () and policy.ramadan_auto
    period = policy.ramadan_on(dt.date(2027, 2, 20))
    assert period is not None and period.start.year == 2027


def test_overrides() -> None:
    policy = _parse("""
[attendance]
grace_minutes = 5
bands = [15, 45, 90]
[attendance.hours]
jumat = ["07:30", "11:30"]
sabtu = ["07:30", "12:00"]
[[attendance.ramadan]]
start = "2027-02-08"
end = "2027-03-09"
[attendance.ramadan.hours]
jumat = ["08:00", "11:00"]
[attendance.tpp]
monthly_cap_percent = 30
tk_days_forfeit_month = 3
[attendance.tpp.percent]
TK = 4
TL1 = 0.25
[attendance.ladder]
consecutive_days = 12
count_late_minutes = false
minutes_per_day = 420
[attendance.alerts]
morning = "08:15"
afternoon = "17:00"
""")
    assert policy.grace_minutes == 5 and policy.bands == (15, 45, 90)
    assert policy.hours_for(dt.date(2026, 10, 9)).end == dt.time(11, 30)
    assert policy.hours_for(dt.date(2026, 10, 10)).end == dt.time(12)
    assert policy.hours_for(dt.date(2026, 10, 5)).end == dt.time(16)
    assert policy.hours_for(dt.date(2027, 2, 12)).end == dt.time(11)
    assert policy.hours_for(dt.date(2027, 2, 8)).start == dt.time(8)
    assert policy.tpp.percent["TK"] == 4.0 and policy.tpp.percent["TL2"] == 1.0
    assert policy.tpp.monthly_cap_percent == 30 and policy.tpp.tk_days_forfeit_month == 3
    assert policy.ladder.consecutive_days == 12
    assert not policy.ladder.count_late_minutes and policy.ladder.minutes_per_day == 420
    assert policy.alerts.morning == dt.time(8, 15)


@pytest.mark.parametrize(("extra", "key"), [
    ('[attendance.hours]\nsenin = ["16:00", "07:30"]', "attendance.hours.senin"),
    ('[attendance.hours]\nahad = ["07:30", "16:00"]', "attendance.hours.ahad"),
    ('[attendance.hours]\nsenin = ["05:00", "16:00"]', "attendance.hours.senin"),
    ('[attendance]\nbands = [60, 30, 90]', "attendance.bands"),
    ('[attendance]\nwindow_start = "19:00"', "attendance.window_end"),
    ('[attendance.tpp.percent]\nXX = 1', "attendance.tpp.percent.XX"),
    ('[attendance.tpp.percent]\nTK = 300', "attendance.tpp.percent.TK"),
    ('[attendance.alerts]\nafternoon = "16:15"', "attendance.alerts.afternoon"),
    ('[attendance.alerts]\nafternoon = "18:00"', "attendance.alerts.afternoon"),
    ('[attendance.alerts]\nmorning = "17:00"', "attendance.alerts.morning"),
    ('[attendance.ladder.steps]\ntiga = "teguran"', "attendance.ladder.steps.tiga"),
    ('[attendance.ladder]\ncount_late_minutes = "ya"', "attendance.ladder.count_late_minutes"),
    ('[attendance.ladder]\nminutes_per_day = 0', "attendance.ladder.minutes_per_day"),
    ('[attendance.ladder]\nminutes_per_day = "7,5 jam"', "attendance.ladder.minutes_per_day"),
    ('[[attendance.ramadan]]\nstart = "2027-03-09"\nend = "2027-02-08"',
     "attendance.ramadan[0].end"),
])
def test_errors_name_the_key(extra: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _parse(extra)
    assert caught.value.key == key
