"""The requests service against a real SQLite file: chains, races, agenda numbers, balance."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest

from bot.config import Settings
from services import audit
from services import requests as svc
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.request_rules import RequestRefused
from services.storage import Database
from tests.support.office import KABID, KEPALA, STAFF_A, STAFF_B, stored_employee

D = dt.date


LETTER = svc.Attachment("surat-dokter", "pdf", "surat-dokter.pdf", 1000)


async def _submit(db: Database, settings: Settings, clock: FixedClock, nip: str, type_key: str,
                  start: dt.date, end: dt.date, attachment: svc.Attachment | None = None,
                  expected_time: dt.time | None = None) -> svc.RequestView:
    return await svc.submit(db, settings.requests, OfficeCalendar(settings.calendar),
                            await stored_employee(db, nip),
                            svc.Draft(type_key, start, end, "keperluan keluarga", attachment,
                                      expected_time=expected_time),
                            at=clock.now(), telegram_user_id=None)


async def _decide(db: Database, settings: Settings, clock: FixedClock, view: svc.RequestView,
                  nip: str, action: str = "setujui", note: str | None = None) -> svc.Decision:
    step = view.current
    if action == "setujui" and step is not None and "setujui" not in step.actions:
        action = "pertimbangan_setuju"  # the atasan's step of a cuti: a pertimbangan
    return await svc.decide(db, settings.requests, OfficeCalendar(settings.calendar),
                            settings.office, request_id=view.id, position=view.current_step,
                            round_=view.round, action=action, nip=nip, note=note,
                            at=clock.now(), telegram_user_id=None)


async def test_two_approvers_racing_only_one_wins(db: Database, office, settings: Settings,
                                                  clock: FixedClock) -> None:
    # A chain whose level is held by a peran with two holders would race the same way; here
    # the same approver taps twice concurrently, which is the common case.
    view = await _submit(db, settings, clock, STAFF_A.nip, "izin", D(2026, 10, 6), D(2026, 10, 6))
    results = await asyncio.gather(
        _decide(db, settings, clock, view, KABID.nip),
        _decide(db, settings, clock, view, KABID.nip, "tolak", "tidak ada pengganti"),
        return_exceptions=True)
    wins = [r for r in results if isinstance(r, svc.Decision)]
    refusals = [r for r in results if isinstance(r, svc.DecisionRefused)]
    assert len(wins) == 1 and len(refusals) == 1
    final = await svc.get(db, view.id)
    assert final.status in (svc.DISETUJUI, svc.DITOLAK)
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "request", view.id)
    assert entries[0].action == "request.submit"
    assert len([e for e in entries if e.action != "request.submit"]) == 1


async def test_agenda_numbers_have_no_gaps_or_duplicates(db: Database, office,
                                                         settings: Settings,
                                                         clock: FixedClock) -> None:
    views = []
    for offset, person in enumerate((STAFF_A, STAFF_B)):
        for week in range(3):
            day = D(2026, 10, 6) + dt.timedelta(days=7 * week + offset)
            views.append(await _submit(db, settings, clock, person.nip, "izin", day, day))
    decisions = await asyncio.gather(*[_decide(db, settings, clock, v, KABID.nip)
                                       for v in views])
    numbers = sorted(d.request.agenda_number or "" for d in decisions)
    assert numbers == sorted(f"800/{n}/DISKOMINFO/2026" for n in range(1, 7))


async def test_approval_writes_absence_days_for_working_days_only(
        db: Database, office, settings: Settings, clock: FixedClock) -> None:
    # Fri 9 – Tue 13 Oct 2026: Fri, Mon, Tue are working days.
    view = await _submit(db, settings, clock, STAFF_A.nip, "sakit", D(2026, 10, 9),
                         D(2026, 10, 9), LETTER)
    await _decide(db, settings, clock, view, KABID.nip)
    # A part-day permit names its time; without one it is refused.
    with pytest.raises(RequestRefused, match="jam perkiraan"):
        await _submit(db, settings, clock, STAFF_A.nip, "izin_terlambat", D(2026, 10, 12),
                      D(2026, 10, 12))
    late = await _submit(db, settings, clock, STAFF_A.nip, "izin_terlambat", D(2026, 10, 12),
                         D(2026, 10, 12), expected_time=dt.time(9, 30))
    await _decide(db, settings, clock, late, KABID.nip)
    async with db.read() as conn, conn.execute(
            "SELECT day, part, code, request_id, part_time FROM absence_days ORDER BY day"
    ) as cursor:
        rows = [tuple(r) for r in await cursor.fetchall()]
    assert rows == [("2026-10-09", "full", "S", view.id, None),
                    ("2026-10-12", "arrive_late", "I", late.id, "09:30")]


async def test_cuti_balance_counts_approved_and_pending(db: Database, office, settings: Settings,
                                                        clock: FixedClock) -> None:
    calendar = OfficeCalendar(settings.calendar)
    # Mon 12 – Fri 16 Oct: 5 days approved; Mon 19 – Wed 21: 3 days pending.
    first = await _submit(db, settings, clock, STAFF_A.nip, "cuti_tahunan", D(2026, 10, 12),
                          D(2026, 10, 16))
    await _decide(db, settings, clock, first, KABID.nip)
    await _decide(db, settings, clock, await svc.get(db, first.id), KEPALA.nip)
    await _submit(db, settings, clock, STAFF_A.nip, "cuti_tahunan", D(2026, 10, 19),
                  D(2026, 10, 21))
    balance = await svc.annual_balance(db, settings.requests, calendar, STAFF_A.nip, 2026)
    assert (balance.available, balance.used, balance.pending, balance.remaining) == (12, 5, 3, 4)
    with pytest.raises(RequestRefused, match="Sisa cuti tahunan Anda 4 hari kerja"):
        await _submit(db, settings, clock, STAFF_A.nip, "cuti_tahunan", D(2026, 10, 26),
                      D(2026, 10, 30))
    # Only approved use counts at the year end: 7 left, of which 6 carry (cap 18).
    next_year = await svc.annual_balance(db, settings.requests, calendar, STAFF_A.nip, 2027)
    assert next_year.available == 18 and next_year.carried == 6


async def test_kepala_cannot_file_without_anyone_to_decide(db: Database, office,
                                                           settings: Settings,
                                                           clock: FixedClock) -> None:
    with pytest.raises(RequestRefused, match="Belum ada pejabat"):
        await _submit(db, settings, clock, KEPALA.nip, "izin", D(2026, 10, 6), D(2026, 10, 6))


async def test_cuti_over_the_year_end_is_counted_per_year(db: Database, office,
                                                          settings: Settings,
                                                          clock: FixedClock) -> None:
    calendar = OfficeCalendar(settings.calendar)
    clock.set(dt.datetime(2026, 12, 21, 8, 0, tzinfo=clock.tz))
    # Mon 28 Dec 2026 – Fri 8 Jan 2027, excluding holidays and cuti bersama of each year.
    days = calendar.working_days(D(2026, 12, 28), D(2027, 1, 8))
    in_2026 = sum(1 for d in days if d.year == 2026)
    in_2027 = len(days) - in_2026
    view = await _submit(db, settings, clock, STAFF_A.nip, "cuti_tahunan", D(2026, 12, 28),
                         D(2027, 1, 8))
    assert view.working_days == len(days)
    await _decide(db, settings, clock, view, KABID.nip)
    await _decide(db, settings, clock, await svc.get(db, view.id), KEPALA.nip)
    this_year = await svc.annual_balance(db, settings.requests, calendar, STAFF_A.nip, 2026)
    next_year = await svc.annual_balance(db, settings.requests, calendar, STAFF_A.nip, 2027)
    assert this_year.used == in_2026 and next_year.used == in_2027
    # What 2026 left (12 − its share) carries, capped at 6.
    assert next_year.available == 12 + min(6, 12 - in_2026)
    assert next_year.remaining == next_year.available - in_2027
