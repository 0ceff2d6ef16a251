"""Defaults of issue 12 with fixed dates: Ramadan hours without config (1447 H from 19 February
to 20 March 2026), a configured year overriding, TL/PSW labels and the recap legend from the
configured bands, the TPP cap of 40 %, a month on CLTN withholding the whole TPP, the salary
stop citing PP 94/2021 Pasal 15(2) and ladder wording that fits PPPK."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.config import load_settings
from handlers.attendance_notices import code_label
from reports import recap_labels
from services import attendance_rules as rules
from services import ramadan
from services.attendance_model import DayStatus, MonthAttendance
from services.attendance_policy import (
    DEFAULT_LADDER,
    AttendancePolicy,
    LadderPolicy,
    RamadanPeriod,
    TppPolicy,
)
from services.recap_snapshot import decode, encode
from tests.conftest import BASE_CONFIG

D = dt.date
EXAMPLE = Path(__file__).resolve().parent.parent / "presensi.example.toml"


def _classify(policy: AttendancePolicy, day: dt.date, *times: dt.time) -> DayStatus:
    return rules.classify_day(day, policy, off=None,
                              punches=[dt.datetime.combine(day, t) for t in times])


def test_ramadan_1447_is_computed_without_config() -> None:
    assert ramadan.ramadan_ending_in(2026) == ((D(2026, 2, 19), D(2026, 3, 20)),)
    assert ramadan.ramadan_around(D(2026, 2, 18)) is None
    assert ramadan.ramadan_around(D(2026, 3, 21)) is None
    # A Ramadan that starts in December belongs to the next year's Idul Fitri.
    span = ramadan.ramadan_around(D(2030, 12, 28))
    assert span is not None and span[0].year == 2030 and span[1].year == 2031


def test_the_shipped_example_config_has_ramadan_hours_in_2026() -> None:
    policy = load_settings(str(EXAMPLE)).attendance
    # Monday 23 February 2026 (Ramadan 1447 H): 08:00:30 in and 15:00 out is on time.
    status = _classify(policy, D(2026, 2, 23), dt.time(8, 0, 30), dt.time(15, 0))
    assert status.codes == ("H",)
    assert policy.hours_for(D(2026, 2, 19)).start == dt.time(8, 0)
    assert policy.hours_for(D(2026, 3, 20)).end == dt.time(15, 30)   # a Friday
    assert policy.hours_for(D(2026, 2, 18)).start == dt.time(7, 30)
    assert policy.hours_for(D(2026, 3, 23)).start == dt.time(7, 30)
    assert policy.morning_alert_at(D(2026, 2, 23)) == dt.time(8, 30)


def test_a_configured_year_overrides_the_computed_dates() -> None:
    isbat = RamadanPeriod(D(2026, 2, 18), D(2026, 3, 19))
    policy = AttendancePolicy(ramadan=(isbat,))
    assert policy.ramadan_on(D(2026, 2, 18)) == isbat
    # 20 March was computed as Ramadan, but the office's 2026 entry ends on the 19th.
    assert policy.ramadan_on(D(2026, 3, 20)) is None
    # Other years still come from the calendars.
    assert policy.ramadan_on(D(2027, 2, 20)) is not None
    assert AttendancePolicy(ramadan_auto=False).ramadan_on(D(2026, 2, 23)) is None


def test_labels_and_legend_follow_the_configured_bands(tmp_path: Path) -> None:
    path = tmp_path / "presensi.toml"
    path.write_text(BASE_CONFIG + "\n[attendance]\nbands = [15, 30, 60]\n", encoding="utf-8")
    policy = load_settings(str(path)).attendance
    # Thursday 1 October 2026, 20 minutes late: TL2 with bands (15, 30, 60).
    status = _classify(policy, D(2026, 10, 1), dt.time(7, 50), dt.time(16, 0))
    assert status.codes == ("TL2",)
    assert code_label("TL2", policy.bands) == "Terlambat 16–30 menit"
    assert code_label("PSW4", policy.bands) == "Pulang sebelum waktu lebih dari 60 menit"
    assert code_label("TL1") == "Terlambat 1–30 menit"
    legend = dict(recap_labels.legend(policy.bands))
    assert legend["TL1–TL4"] == "Terlambat 1–15, 16–30, 31–60, lebih dari 60 menit"
    assert legend["PSW1–PSW4"] == "Pulang sebelum waktu 1–15, 16–30, 31–60, lebih dari 60 menit"
    # The bands travel with the recap's snapshot, so a signed PDF keeps its legend.
    month = MonthAttendance(2026, 10, (), {}, (), bands=policy.bands)
    assert decode(encode(month)).bands == (15, 30, 60)


def test_tpp_cap_is_40_and_a_month_on_cltn_withholds_everything() -> None:
    tpp = TppPolicy()
    assert tpp.monthly_cap_percent == 40.0 and tpp.cltn_month_percent == 100.0
    october = [D(2026, 10, 1) + dt.timedelta(days=i) for i in range(31)]
    working = [d for d in october if d.weekday() < 5]
    all_cltn = [DayStatus(d, ("CLTN",) if d in working else ("L",)) for d in october]
    assert rules.tpp_deduction(all_cltn, tpp) == 100.0
    # 22 working days: 11 on CLTN withhold half the TPP, outside the cap; 11 TK days at 3 %
    # are 33 %: 83 % in all. With 2 TK days more than that the discipline part stops at 40 %.
    assert len(working) == 22
    mixed = [DayStatus(d, ("CLTN",) if d in working[:11] else ("TK",) if d in working
                       else ("L",)) for d in october]
    assert rules.tpp_deduction(mixed, tpp) == 83.0
    heavy = [DayStatus(d, ("CLTN",) if d in working[:11] else ("TK", "TAP") if d in working
                       else ("L",)) for d in october]
    assert rules.tpp_deduction(heavy, tpp) == 90.0
    settings = load_settings(str(EXAMPLE))
    assert settings.attendance.tpp.monthly_cap_percent == 40.0
    assert settings.attendance.tpp.cltn_month_percent == 100.0


@pytest.mark.parametrize("source", ["default", "example"])
def test_salary_stop_cites_pp_94_and_pppk_wording(source: str) -> None:
    ladder = (LadderPolicy() if source == "default"
              else load_settings(str(EXAMPLE)).attendance.ladder)
    assert "PP 94/2021 Pasal 15 ayat 2" in ladder.run_penalty_for("PNS")
    assert "Peraturan BKN 6/2022" not in ladder.run_penalty_for("PNS")
    assert "pemutusan hubungan perjanjian kerja" in ladder.run_penalty_for("PPPK")
    by_days = {s.days: s for s in ladder.steps}
    assert "penurunan jabatan" in by_days[21].penalty_for("PNS")
    assert "ditetapkan oleh PPK" in by_days[21].penalty_for("PPPK")
    assert "tidak berlaku bagi PPPK" in by_days[25].penalty_for("PPPK")
    assert "sebagai PPPK" in by_days[28].penalty_for("PPPK")
    # Light and middle penalties read the same for both.
    assert by_days[3].penalty_for("PPPK") == by_days[3].penalty_for("PNS")
    assert len(DEFAULT_LADDER) == 9
