"""Pure rules of the recap: the paraf chain, the month argument, the automatic draft day and
the snapshot the reviewers' document is drawn from."""

from __future__ import annotations

import datetime as dt

import pytest

from services import recap_flow as flow
from services import recap_snapshot
from services.calendar import CalendarRules, OfficeCalendar
from services.errors import Conflict, NotAllowed
from services.recap import auto_build_due
from services.recap_settings import RecapSettings
from tests.support.office import PEOPLE
from tests.support.recap_month import make_month


def test_the_chain_goes_forward_one_role_at_a_time() -> None:
    assert flow.submit(flow.DRAFT, "admin") == flow.Step(flow.KASUBBAG, "recap.submit")
    assert flow.approve(flow.KASUBBAG, "kasubbag").state == flow.SEKRETARIS
    assert flow.approve(flow.SEKRETARIS, "sekretaris").state == flow.KEPALA
    assert flow.approve(flow.KEPALA, "kepala") == flow.Step(flow.SIGNED, "recap.sign")


@pytest.mark.parametrize("state, back", [(flow.KASUBBAG, flow.DRAFT),
                                         (flow.SEKRETARIS, flow.KASUBBAG),
                                         (flow.KEPALA, flow.SEKRETARIS)])
def test_a_return_goes_back_exactly_one_step(state: str, back: str) -> None:
    assert flow.send_back(state, state) == flow.Step(back, "recap.return")


def test_wrong_person_and_wrong_moment_are_refused() -> None:
    with pytest.raises(NotAllowed, match="hanya dapat dilakukan oleh Kasubbag"):
        flow.approve(flow.KASUBBAG, "sekretaris")
    with pytest.raises(NotAllowed):
        flow.send_back(flow.KEPALA, "admin")
    with pytest.raises(NotAllowed, match="pengelola kepegawaian"):
        flow.submit(flow.DRAFT, "pegawai")
    with pytest.raises(Conflict, match="sudah diproses"):
        flow.submit(flow.KASUBBAG, "admin")
    with pytest.raises(Conflict, match="ditandatangani"):
        flow.approve(flow.SIGNED, "kepala")
    with pytest.raises(Conflict, match="sedang diperiksa oleh Sekretaris"):
        flow.can_rebuild(flow.SEKRETARIS, "admin")
    with pytest.raises(Conflict, match="/arsip"):
        flow.can_rebuild(flow.SIGNED, "kasubbag")
    assert flow.can_rebuild(flow.DRAFT, "kasubbag").state == flow.DRAFT


def test_reason_length() -> None:
    assert flow.reason_problem("ok") is not None
    assert flow.reason_problem("x" * 501) is not None
    assert flow.reason_problem("  Data sakit belum masuk  ") is None


@pytest.mark.parametrize("text, expected", [
    ("", (2026, 10)), ("10-2026", (2026, 10)), ("3/2026", (2026, 3)), ("2026-09", (2026, 9)),
    ("13-2026", None), ("oktober", None), ("10-26", None)])
def test_month_argument(text: str, expected: tuple[int, int] | None) -> None:
    assert flow.parse_period(text, dt.date(2026, 11, 2)) == expected
    assert flow.parse_period("", dt.date(2027, 1, 4)) == (2026, 12)


def test_automatic_draft_on_the_configured_working_day() -> None:
    calendar = OfficeCalendar(CalendarRules())
    first = RecapSettings()
    # November 2026 starts on a Sunday: Monday the 2nd is the first working day.
    assert auto_build_due(first, calendar, dt.date(2026, 11, 1)) is None
    assert auto_build_due(first, calendar, dt.date(2026, 11, 2)) == (2026, 10)
    assert auto_build_due(first, calendar, dt.date(2026, 11, 3)) is None
    third = RecapSettings(auto_build_day=3)
    assert auto_build_due(third, calendar, dt.date(2026, 11, 4)) == (2026, 10)
    off = RecapSettings(auto_build_enabled=False)
    assert auto_build_due(off, calendar, dt.date(2026, 11, 2)) is None


def test_snapshot_round_trip_keeps_what_the_document_shows() -> None:
    month = make_month(PEOPLE, 2026, 10,
                       lambda i, d: "TL2/PSW1" if d.day == 7 else "" if d.day > 20 else "H",
                       late_minutes=lambda i: i * 10, tpp=lambda i: i / 4)
    back = recap_snapshot.decode(recap_snapshot.encode(month))
    assert back.working_days == month.working_days and back.days_off == month.days_off
    for before, after in zip(month.employees, back.employees, strict=True):
        assert [d.codes for d in after.days] == [d.codes for d in before.days]
        assert (after.nip, after.nama, after.unit, after.late_minutes,
                after.tpp_deduction_percent, after.totals) == (
            before.nip, before.nama, before.unit, before.late_minutes,
            before.tpp_deduction_percent, before.totals)
