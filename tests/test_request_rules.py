"""Pure rules of requests: working days, validation, cuti tahunan balance, chain resolution."""

from __future__ import annotations

import datetime as dt

import pytest

from services import agenda
from services import approval_chain as chains
from services import request_rules as rules
from services.calendar import CalendarRules, OfficeCalendar
from services.leave_balance import available_days, eligible_from, first_entitled_year
from services.request_types import request_type

D = dt.date
IZIN = request_type("izin")
SAKIT = request_type("sakit")
CUTI = request_type("cuti_tahunan")
TERLAMBAT = request_type("izin_terlambat")
assert IZIN and SAKIT and CUTI and TERLAMBAT


def test_working_days_skip_weekends_national_and_local_holidays() -> None:
    calendar = OfficeCalendar(CalendarRules(local_holidays={D(2026, 10, 7): "Hari Jadi"}))
    # Mon 5 – Sun 11 Oct 2026: five weekdays, one local holiday.
    assert calendar.count_working_days(D(2026, 10, 5), D(2026, 10, 11)) == 4
    # 17 Aug 2026 (Monday) is Independence Day.
    assert calendar.count_working_days(D(2026, 8, 17), D(2026, 8, 21)) == 4
    # A range over a year end: 31 Dec 2026 (Thu), 1 Jan 2027 (holiday), 4 Jan 2027 (Mon).
    days = calendar.working_days(D(2026, 12, 31), D(2027, 1, 4))
    assert days == [D(2026, 12, 31), D(2027, 1, 4)]
    assert calendar.count_working_days(D(2026, 10, 9), D(2026, 10, 5)) == 0


def test_working_override_and_cuti_bersama_setting() -> None:
    with_joint = OfficeCalendar(CalendarRules())
    without_joint = OfficeCalendar(CalendarRules(cuti_bersama_is_day_off=False))
    joint = [o.day for o in with_joint.days_off(D(2026, 1, 1), D(2026, 12, 31))
             if o.kind == "cuti_bersama"]
    assert joint, "the holidays package lists cuti bersama for 2026"
    assert all(without_joint.is_working_day(d) for d in joint if d.weekday() < 5)
    override = OfficeCalendar(CalendarRules(working_overrides={joint[0]: "SKB revisi"}))
    assert override.is_working_day(joint[0])


def test_end_before_start_is_refused() -> None:
    with pytest.raises(rules.RequestRefused, match="tidak boleh sebelum"):
        rules.check_dates(IZIN, D(2026, 10, 7), D(2026, 10, 6), today=D(2026, 10, 5),
                          backdate_days=3, max_ahead_days=365)


def test_back_dating_limit() -> None:
    rules.check_dates(IZIN, D(2026, 10, 2), D(2026, 10, 2), today=D(2026, 10, 5),
                      backdate_days=3, max_ahead_days=365)
    with pytest.raises(rules.RequestRefused, match="lebih dari 3 hari"):
        rules.check_dates(IZIN, D(2026, 10, 1), D(2026, 10, 1), today=D(2026, 10, 5),
                          backdate_days=3, max_ahead_days=365)
    with pytest.raises(rules.RequestRefused, match="paling jauh"):
        rules.check_dates(IZIN, D(2027, 10, 6), D(2027, 10, 6), today=D(2026, 10, 5),
                          backdate_days=3, max_ahead_days=365)


def test_part_day_permit_is_one_day_and_long_izin_is_capped() -> None:
    with pytest.raises(rules.RequestRefused, match="satu hari"):
        rules.check_dates(TERLAMBAT, D(2026, 10, 5), D(2026, 10, 6), today=D(2026, 10, 5),
                          backdate_days=3, max_ahead_days=365)
    with pytest.raises(rules.RequestRefused, match="paling lama 1 bulan"):
        rules.check_dates(IZIN, D(2026, 10, 5), D(2026, 11, 5), today=D(2026, 10, 5),
                          backdate_days=3, max_ahead_days=365)


def test_overlap_with_open_requests() -> None:
    existing = [rules.Span(7, "Izin", D(2026, 10, 6), D(2026, 10, 8), "full"),
                rules.Span(8, "Izin datang terlambat", D(2026, 10, 12), D(2026, 10, 12),
                           "arrive_late")]
    with pytest.raises(rules.RequestRefused, match="#7"):
        rules.check_overlap(D(2026, 10, 8), D(2026, 10, 9), "full", existing)
    rules.check_overlap(D(2026, 10, 9), D(2026, 10, 9), "full", existing)
    # The request being corrected does not clash with itself.
    rules.check_overlap(D(2026, 10, 6), D(2026, 10, 6), "full", existing, ignore_id=7)
    # Arriving late and leaving early on the same day are compatible; twice late is not.
    rules.check_overlap(D(2026, 10, 12), D(2026, 10, 12), "leave_early", existing)
    with pytest.raises(rules.RequestRefused, match="#8"):
        rules.check_overlap(D(2026, 10, 12), D(2026, 10, 12), "arrive_late", existing)


def test_attachment_type_size_and_need() -> None:
    limit = 1024 * 1024
    assert rules.attachment_kind("application/pdf", 1000, is_photo=False, max_bytes=limit) == "pdf"
    assert rules.attachment_kind(None, 1000, is_photo=True, max_bytes=limit) == "photo"
    with pytest.raises(rules.RequestRefused, match="foto atau berkas PDF"):
        rules.attachment_kind("application/zip", 1000, is_photo=False, max_bytes=limit)
    with pytest.raises(rules.RequestRefused, match="melebihi batas 1 MB"):
        rules.attachment_kind("application/pdf", limit + 1, is_photo=False, max_bytes=limit)
    rules.check_attachment_present(SAKIT, has_attachment=True)
    # Every day of sakit, one included, needs the doctor's letter (Perban 7/2021 III.C.2).
    with pytest.raises(rules.RequestRefused, match="Sakit wajib dilampiri surat keterangan dokter"):
        rules.check_attachment_present(SAKIT, has_attachment=False)


def test_service_years_for_cuti() -> None:
    rules.check_service(CUTI, D(2025, 10, 1), D(2026, 10, 1))
    with pytest.raises(rules.RequestRefused, match=r"masa kerja 1 tahun.*01-10-2026"):
        rules.check_service(CUTI, D(2025, 10, 1), D(2026, 9, 30))
    besar = request_type("cuti_besar")
    assert besar is not None
    with pytest.raises(rules.RequestRefused, match="5 tahun"):
        rules.check_service(besar, D(2022, 1, 1), D(2026, 10, 5))


def test_balance_check() -> None:
    rules.check_balance(CUTI, 12, 12)
    with pytest.raises(rules.RequestRefused, match="Sisa cuti tahunan Anda 3 hari kerja"):
        rules.check_balance(CUTI, 4, 3)
    rules.check_balance(IZIN, 40, 0)


def test_reason_is_normalised_and_bounded() -> None:
    assert rules.check_reason("  keperluan   keluarga ") == "keperluan keluarga"
    with pytest.raises(rules.RequestRefused, match="terlalu singkat"):
        rules.check_reason("ya")


# --- cuti tahunan balance ------------------------------------------------------------------

def test_first_year_gives_twelve_days() -> None:
    assert available_days(2026, {}, 2026) == 12
    assert available_days(2025, {}, 2026) == 0


def test_carry_over_is_capped_at_eighteen() -> None:
    # 2026: used 2 of 12, 10 left → 2027 gets 12 + 6 (cap 18).
    assert available_days(2027, {2026: 2}, 2026) == 18
    # Used 9 of 12, 3 left → 15.
    assert available_days(2027, {2026: 9}, 2026) == 15
    # Everything used → nothing carried.
    assert available_days(2027, {2026: 12}, 2026) == 12


def test_unused_two_years_running_allows_twenty_four() -> None:
    assert available_days(2027, {}, 2026) == 18
    assert available_days(2028, {}, 2026) == 24
    # Any use in either of the two previous years keeps the cap at 18.
    assert available_days(2028, {2027: 1}, 2026) == 18
    assert available_days(2028, {2026: 1}, 2026) == 18
    # Never more than 24, however long the idle stretch.
    assert available_days(2031, {}, 2026) == 24


def test_year_end_resets_to_the_new_year_carry() -> None:
    # 2027 had 18 and used 15: 3 left → 2028 has 15; 2028 used all → 2029 has 12.
    assert available_days(2028, {2027: 15}, 2026) == 15
    assert available_days(2029, {2027: 15, 2028: 15}, 2026) == 12


def test_eligibility_after_one_year_of_service() -> None:
    assert eligible_from(D(2025, 3, 1)) == D(2026, 3, 1)
    assert first_entitled_year(D(2025, 3, 1), 2020) == 2026
    assert first_entitled_year(D(2001, 3, 1), 2026) == 2026


# --- approval chains -----------------------------------------------------------------------

KEPALA = chains.Person("K", "kepala", None)
KABID = chains.Person("B", "pegawai", "K")
STAFF = chains.Person("S", "pegawai", "B")
PEOPLE = [KEPALA, KABID, STAFF]
CUTI_CHAIN = chains.Chain("cuti", (
    chains.ChainStep("atasan", "Atasan Langsung", chains.ActorRef(chains.ATASAN_LANGSUNG)),
    chains.ChainStep("pejabat", "Kepala", chains.ActorRef(chains.PERAN, "kepala")),
))


def test_two_level_chain_for_staff() -> None:
    steps = chains.resolve(CUTI_CHAIN, STAFF, PEOPLE)
    assert [(s.position, s.step.key, s.actors) for s in steps] == [
        (0, "atasan", ("B",)), (1, "pejabat", ("K",))]


def test_same_person_on_two_levels_decides_once() -> None:
    steps = chains.resolve(CUTI_CHAIN, KABID, PEOPLE)
    assert [(s.step.key, s.actors) for s in steps] == [("pejabat", ("K",))]


def test_applicant_never_acts_and_unresolvable_steps_vanish() -> None:
    assert chains.resolve(CUTI_CHAIN, KEPALA, PEOPLE) == []
    named = chains.Chain("x", (chains.ChainStep("n", "Sekretaris",
                                                chains.ActorRef.parse("nip:S")),))
    assert chains.resolve(named, KABID, PEOPLE)[0].actors == ("S",)
    assert chains.ActorRef.parse("peran:kepala") == chains.ActorRef(chains.PERAN, "kepala")


# --- agenda format -------------------------------------------------------------------------

def test_agenda_format_validation_and_rendering() -> None:
    assert agenda.format_problem("800/{seq}/{unit}/{year}") is None
    assert agenda.format_problem("800/{seq:03d}/{month}/{year}") is None
    assert "wajib memuat {seq}" in (agenda.format_problem("800/{unit}/{year}") or "")
    assert "tidak dikenal" in (agenda.format_problem("800/{seq}/{bagian}") or "")
    assert agenda.render("800/{seq:03d}/{unit}/{year}", seq=7, unit="BU",
                         day=D(2026, 3, 1)) == "800/007/BU/2026"
