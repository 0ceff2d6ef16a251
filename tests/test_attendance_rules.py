"""The attendance rules, day by day, against the values in domain.md."""

from __future__ import annotations

import datetime as dt
import random
from zoneinfo import ZoneInfo

import pytest

from services import attendance_rules as rules
from services.attendance_model import DayStatus
from services.attendance_policy import (
    AttendancePolicy,
    LadderPolicy,
    RamadanPeriod,
    TppPolicy,
)
from services.calendar import CalendarRules, OfficeCalendar

WIB = ZoneInfo("Asia/Jakarta")
POLICY = AttendancePolicy()
MONDAY = dt.date(2026, 10, 5)
FRIDAY = dt.date(2026, 10, 9)


def at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), WIB)


def classify(day: dt.date, *clocks: str, policy: AttendancePolicy = POLICY,
             absences: tuple[rules.Absence, ...] = (), off: str | None = None,
             now: dt.datetime | None = None) -> DayStatus:
    return rules.classify_day(day, policy, off=off, punches=[at(day, c) for c in clocks],
                              absences=absences, now=now)


def test_on_time_in_and_out_is_present() -> None:
    status = classify(MONDAY, "07:12:03", "16:05:00")
    assert status.codes == ("H",)
    assert status.first_in == at(MONDAY, "07:12:03")
    assert status.last_out == at(MONDAY, "16:05:00")


@pytest.mark.parametrize(("clock", "code", "minutes"), [
    ("07:30:00", "H", 0),
    ("07:30:59", "H", 0),        # "a scan after 07:30:59 is late"
    ("07:31:00", "TL1", 1),
    ("08:00:59", "TL1", 30),
    ("08:01:00", "TL2", 31),
    ("08:30:59", "TL2", 60),
    ("08:31:00", "TL3", 61),
    ("09:00:59", "TL3", 90),
    ("09:01:00", "TL4", 91),
    ("11:00:00", "TL4", 210),
])
def test_late_band_edges(clock: str, code: str, minutes: int) -> None:
    status = classify(MONDAY, clock, "16:00:00")
    assert status.codes == (code,)
    assert status.late_minutes == minutes


@pytest.mark.parametrize(("clock", "code", "minutes"), [
    ("16:00:00", "H", 0),
    ("15:59:59", "PSW1", 1),
    ("15:30:00", "PSW1", 30),
    ("15:29:59", "PSW2", 31),
    ("15:00:00", "PSW2", 60),
    ("14:59:59", "PSW3", 61),
    ("14:30:00", "PSW3", 90),
    ("14:29:59", "PSW4", 91),
])
def test_early_leave_band_edges(clock: str, code: str, minutes: int) -> None:
    status = classify(MONDAY, "07:00:00", clock)
    assert status.codes == (code,)
    assert status.early_minutes == minutes


def test_late_and_early_on_one_day_carry_both_codes() -> None:
    status = classify(MONDAY, "07:45:00", "15:00:00")
    assert status.codes == ("TL1", "PSW2")
    assert status.label == "TL1/PSW2"


def test_friday_ends_at_half_past_four() -> None:
    assert classify(FRIDAY, "07:25:00", "16:00:00").codes == ("PSW1",)
    assert classify(FRIDAY, "07:25:00", "16:30:00").codes == ("H",)
    # Thursday's 16:00 is on time.
    assert classify(dt.date(2026, 10, 8), "07:25:00", "16:00:00").codes == ("H",)


def test_ramadan_hours_apply_inside_the_period_only() -> None:
    policy = AttendancePolicy(ramadan=(RamadanPeriod(dt.date(2026, 10, 1),
                                                     dt.date(2026, 10, 9)),))
    assert classify(MONDAY, "07:59:59", "15:00:00", policy=policy).codes == ("H",)
    assert classify(MONDAY, "08:00:59", "15:00:00", policy=policy).codes == ("H",)
    assert classify(MONDAY, "08:01:00", "15:00:00", policy=policy).codes == ("TL1",)
    assert classify(FRIDAY, "08:00:00", "15:20:00", policy=policy).codes == ("PSW1",)
    assert classify(FRIDAY, "08:00:00", "15:30:00", policy=policy).codes == ("H",)
    after = dt.date(2026, 10, 12)
    assert classify(after, "07:45:00", "15:00:00", policy=policy).codes == ("TL1", "PSW2")


def test_no_scan_is_tk_and_a_full_absence_overrides_it() -> None:
    assert classify(MONDAY).codes == ("TK",)
    sick = classify(MONDAY, absences=(rules.Absence("S"),))
    assert sick.codes == ("S",)
    # An approved absence wins over scans too (dinas luar, then passed by the office).
    duty = classify(MONDAY, "07:40:00", "10:00:00", absences=(rules.Absence("DL"),))
    assert duty.codes == ("DL",) and duty.late_minutes == 0


@pytest.mark.parametrize("code", rules.ABSENCE_CODES)
def test_every_absence_code_is_the_day_status(code: str) -> None:
    status = classify(MONDAY, absences=(rules.Absence(code),))
    assert status.codes == (code,)
    assert rules.is_on_absence(status)


def test_scans_outside_the_window_do_not_count() -> None:
    assert classify(MONDAY, "05:59:59", "18:00:01").codes == ("TK",)
    # The window's own edges count.
    assert classify(MONDAY, "06:00:00", "18:00:00").codes == ("H",)
    # A scan at 05:50 is ignored; the 07:40 one is then the first.
    status = classify(MONDAY, "05:50:00", "07:40:00", "16:10:00")
    assert status.codes == ("TL1",) and status.first_in == at(MONDAY, "07:40:00")


def test_a_single_scan_is_in_before_midday_and_out_after() -> None:
    # Mon–Thu 07:30–16:00: the middle is 11:45.
    morning = classify(MONDAY, "07:20:00")
    assert morning.codes == ("TAP",) and morning.last_out is None
    late_morning = classify(MONDAY, "07:50:00")
    assert late_morning.codes == ("TL1", "TAP")
    afternoon = classify(MONDAY, "16:10:00")
    assert afternoon.codes == ("TAM",) and afternoon.first_in is None
    assert classify(MONDAY, "11:44:59").codes == ("TL4", "TAP")
    assert classify(MONDAY, "11:45:00").codes == ("TAM", "PSW4")


def test_the_same_moment_from_two_machines_is_one_scan() -> None:
    assert classify(MONDAY, "07:20:00", "07:20:00").codes == ("TAP",)


def test_the_punch_state_the_machine_records_is_not_used() -> None:
    # Out-of-order input from several machines: first and last by time only.
    status = classify(MONDAY, "16:05:00", "12:01:00", "07:10:00")
    assert status.codes == ("H",)
    assert status.first_in == at(MONDAY, "07:10:00")


def test_part_day_permits_excuse_lateness_and_early_leave_only() -> None:
    late = (rules.Absence("I", rules.ARRIVE_LATE),)
    assert classify(MONDAY, "09:30:00", "16:00:00", absences=late).codes == ("H",)
    assert classify(MONDAY, "09:30:00", "15:00:00", absences=late).codes == ("PSW2",)
    early = (rules.Absence("I", rules.LEAVE_EARLY),)
    assert classify(MONDAY, "07:30:00", "13:00:00", absences=early).codes == ("H",)
    # A permit to leave early does not excuse never scanning out.
    assert classify(MONDAY, "07:30:00", absences=early).codes == ("TAP",)


def test_a_permit_with_a_time_excuses_only_up_to_that_time() -> None:
    by_nine = (rules.Absence("I", rules.ARRIVE_LATE, at=dt.time(9, 0)),)
    on_time = classify(MONDAY, "08:59:00", "16:00:00", absences=by_nine)
    assert on_time.codes == ("H",) and on_time.late_minutes == 0
    # Twenty minutes later than the permit said: those twenty count, from 09:00.
    later = classify(MONDAY, "09:20:00", "16:00:00", absences=by_nine)
    assert later.codes == ("TL1",) and later.late_minutes == 20
    from_two = (rules.Absence("I", rules.LEAVE_EARLY, at=dt.time(14, 0)),)
    assert classify(MONDAY, "07:30:00", "14:00:00", absences=from_two).codes == ("H",)
    earlier = classify(MONDAY, "07:30:00", "13:15:00", absences=from_two)
    assert earlier.codes == ("PSW2",) and earlier.early_minutes == 45


def test_grace_minutes_forgive_small_lateness_but_count_from_the_start() -> None:
    policy = AttendancePolicy(grace_minutes=5)
    assert classify(MONDAY, "07:35:59", "16:00:00", policy=policy).codes == ("H",)
    status = classify(MONDAY, "07:36:00", "16:00:00", policy=policy)
    assert status.codes == ("TL1",) and status.late_minutes == 6


def test_holidays_weekends_and_cuti_bersama_are_day_off() -> None:
    calendar = OfficeCalendar(CalendarRules())
    christmas_eve = dt.date(2026, 12, 24)      # cuti bersama (government category)
    christmas = dt.date(2026, 12, 25)
    saturday = dt.date(2026, 10, 10)
    for day in (christmas_eve, christmas, saturday):
        off = calendar.day_off(day)
        assert off is not None
        status = classify(day, "07:00:00", "16:00:00", off=off.name)
        assert status.codes == ("L",) and status.note == off.name
    assert calendar.day_off(christmas_eve).kind == "cuti_bersama"  # type: ignore[union-attr]
    # When the office works on cuti bersama, the day is classified normally.
    working = OfficeCalendar(CalendarRules(cuti_bersama_is_day_off=False))
    assert working.day_off(christmas_eve) is None


def test_a_running_day_holds_nothing_that_has_not_happened_yet() -> None:
    # 10:00: no scan yet is not TK, an IN without OUT is not TAP.
    ten = at(MONDAY, "10:00:00")
    assert classify(MONDAY, now=ten).codes == ()
    assert classify(MONDAY, "07:20:00", now=ten).codes == ("H",)
    assert classify(MONDAY, "07:45:00", now=ten).codes == ("TL1",)
    # Before the end of work, a scan at 11:50 is not yet an early leave.
    noon = at(MONDAY, "12:00:00")
    assert classify(MONDAY, "07:20:00", "11:50:00", now=noon).codes == ("H",)
    # After the end of work it is, though the window is still open.
    evening = at(MONDAY, "16:45:00")
    assert classify(MONDAY, "07:20:00", "11:50:00", now=evening).codes == ("PSW4",)
    assert classify(MONDAY, "07:20:00", now=evening).codes == ("H",)
    # Once the window has closed the day is final.
    closed = at(MONDAY, "18:00:01")
    assert classify(MONDAY, "07:20:00", now=closed).codes == ("TAP",)
    assert classify(MONDAY, now=closed).codes == ("TK",)


def _days(*labels: tuple[str, ...]) -> list[DayStatus]:
    return [DayStatus(MONDAY + dt.timedelta(days=i), codes) for i, codes in enumerate(labels)]


def test_tpp_deduction_sums_the_table_and_stops_at_the_cap() -> None:
    tpp = TppPolicy()
    days = _days(("TL1",), ("TL2", "PSW4"), ("TK",), ("H",), ("S",), ("L",))
    assert rules.tpp_deduction(days, tpp) == 0.5 + 1.0 + 1.5 + 3.0
    capped = TppPolicy(monthly_cap_percent=5.0)
    assert rules.tpp_deduction(days, capped) == 5.0
    # The default cap is the disiplin component of TPP, 40 %.
    many = _days(*[("TK",)] * 40)
    assert rules.tpp_deduction(many, tpp) == 40.0
    assert rules.tpp_deduction(many, TppPolicy(monthly_cap_percent=100.0)) == 100.0
    assert rules.code_totals(days) == {"TL1": 1, "TL2": 1, "PSW4": 1, "TK": 1, "H": 1, "S": 1,
                                       "L": 1}


def test_tpp_whole_month_forfeited_after_configured_tk_days() -> None:
    tpp = TppPolicy(tk_days_forfeit_month=3)
    assert rules.tpp_deduction(_days(("TK",), ("TK",), ("H",)), tpp) == 6.0
    assert rules.tpp_deduction(_days(("TK",), ("TK",), ("TK",)), tpp) == 100.0


@pytest.mark.parametrize(("tk", "reached"), [
    (0, []), (2, []), (3, [3]), (4, [3, 4]), (6, [3, 4]), (7, [3, 4, 7]),
    (10, [3, 4, 7]), (11, [3, 4, 7, 11]), (13, [3, 4, 7, 11]), (14, [3, 4, 7, 11, 14]),
    (17, [3, 4, 7, 11, 14, 17]), (21, [3, 4, 7, 11, 14, 17, 21]),
    (25, [3, 4, 7, 11, 14, 17, 21, 25]), (27, [3, 4, 7, 11, 14, 17, 21, 25]),
    (28, [3, 4, 7, 11, 14, 17, 21, 25, 28]), (60, [3, 4, 7, 11, 14, 17, 21, 25, 28]),
])
def test_pp94_ladder_thresholds(tk: int, reached: list[int]) -> None:
    assert [s.days for s in rules.ladder_reached(tk, LadderPolicy())] == reached


def test_ten_consecutive_working_days_of_tk_skip_weekends_and_holidays() -> None:
    calendar = OfficeCalendar(CalendarRules())
    working = calendar.working_days(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    ten = set(working[2:12])                   # 5 Oct … 16 Oct, across one weekend
    assert rules.long_runs(working, ten, LadderPolicy()) == [(working[2], 10)]
    nine = set(working[2:11])
    assert rules.long_runs(working, nine, LadderPolicy()) == []
    # One day present in the middle breaks the run into two short ones.
    broken = ten - {working[7]}
    assert rules.tk_runs(working, broken) == [(working[2], 5), (working[8], 4)]
    assert rules.long_runs(working, broken, LadderPolicy()) == []


def _lost(late: int = 0, early: int = 0) -> rules.LostMinutes:
    return rules.LostMinutes(late, early)


@pytest.mark.parametrize(("minutes", "minute_days"), [
    (0, 0), (449, 0), (450, 1), (899, 1), (900, 2),
])
def test_late_minutes_count_a_ladder_day_every_450_minutes(minutes: int,
                                                           minute_days: int) -> None:
    count = rules.ladder_count(2, _lost(late=minutes), LadderPolicy())
    assert (count.tk_days, count.minute_days, count.days) == (2, minute_days, 2 + minute_days)


def test_449_minutes_leave_the_step_unreached_and_450_reach_it() -> None:
    ladder = LadderPolicy()
    below = rules.ladder_count(2, _lost(late=449), ladder)
    at_step = rules.ladder_count(2, _lost(late=450), ladder)
    assert rules.ladder_reached(below.days, ladder) == []
    assert [s.days for s in rules.ladder_reached(at_step.days, ladder)] == [3]


def test_late_and_early_minutes_add_up() -> None:
    # 07:30–16:00 Monday to Thursday, 16:30 on Friday.
    days = [
        classify(MONDAY, "09:30:00", "16:00:00"),                    # TL4, 120 late
        classify(MONDAY + dt.timedelta(days=1), "07:25:00", "12:30:00"),  # PSW4, 210 early
        classify(FRIDAY, "08:30:00", "16:30:00"),                    # TL2, 60 late
        classify(FRIDAY + dt.timedelta(days=3), "08:00:00", "15:00:00"),  # TL1 30 + PSW2 60
    ]
    minutes = rules.lost_minutes(days)
    assert (minutes.late, minutes.early, minutes.total) == (210, 270, 480)
    count = rules.ladder_count(0, minutes, LadderPolicy())
    assert count.minute_days == 1 and count.days == 1


def test_excused_minutes_are_not_counted() -> None:
    late_permit = (rules.Absence("I", rules.ARRIVE_LATE),)
    early_permit = (rules.Absence("I", rules.LEAVE_EARLY),)
    days = [
        classify(MONDAY, "12:00:00", "16:00:00", absences=late_permit),       # 270 excused
        classify(MONDAY + dt.timedelta(days=1), "07:20:00", "10:00:00",
                 absences=early_permit),                                      # 360 excused
        classify(MONDAY + dt.timedelta(days=2), "11:00:00", "12:00:00",
                 absences=(rules.Absence("DL"),)),                            # full day away
        classify(MONDAY + dt.timedelta(days=3), "07:35:00", "16:00:00",
                 policy=AttendancePolicy(grace_minutes=5)),                  # within the grace
        classify(FRIDAY, "09:00:00", "16:30:00"),                            # 90, unexcused
    ]
    assert rules.lost_minutes(days) == _lost(late=90)


def test_minutes_are_not_counted_when_the_config_turns_them_off() -> None:
    ladder = LadderPolicy(count_late_minutes=False)
    count = rules.ladder_count(2, _lost(late=600, early=600), ladder)
    assert (count.minute_days, count.days) == (0, 2)
    assert rules.ladder_reached(count.days, ladder) == []


def test_a_configured_day_length_is_used() -> None:
    count = rules.ladder_count(0, _lost(late=420), LadderPolicy(minutes_per_day=420))
    assert (count.minute_days, count.minutes_per_day) == (1, 420)


def test_minutes_never_make_a_run_of_consecutive_days() -> None:
    # Nine TK days in a row and a tenth working day 7.5 hours late: the ladder counts ten
    # days, but the consecutive-days rule sees nine TK days and a day at work.
    calendar = OfficeCalendar(CalendarRules())
    working = calendar.working_days(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    tk = set(working[:9])
    count = rules.ladder_count(len(tk), _lost(late=450), LadderPolicy())
    assert count.days == 10
    assert rules.long_runs(working, tk, LadderPolicy()) == []


@pytest.mark.parametrize("policy", [
    POLICY, AttendancePolicy(grace_minutes=5, bands=(15, 45, 75)),
    AttendancePolicy(ramadan=(RamadanPeriod(MONDAY, FRIDAY),)),
])
def test_classify_finished_is_classify_day_of_a_finished_day(policy: AttendancePolicy) -> None:
    rng = random.Random(17)
    for day in (MONDAY, FRIDAY, MONDAY + dt.timedelta(days=1)):
        rule = rules.day_rule(day, policy)
        for _ in range(2_000):
            first = dt.datetime.combine(day, dt.time(6), WIB) + dt.timedelta(
                seconds=rng.randrange(12 * 3600 + 1))
            last = first if rng.random() < 0.2 else dt.datetime.combine(
                day, dt.time(6), WIB) + dt.timedelta(seconds=rng.randrange(12 * 3600 + 1))
            expected = rules.classify_day(day, policy, off=None, punches=[first, last])
            assert rules.classify_finished(rule, first, last) == expected, (first, last)
            assert rules.classify_finished(rule, last, first) == expected
