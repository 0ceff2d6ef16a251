"""A write that shows its outcome builds it from what it wrote instead of reading it again: the
approval subject after an action, the request after submit and after a decision. Each must be
exactly what a fresh read gives."""

from __future__ import annotations

import datetime as dt

from bot.config import Settings
from services import requests as svc
from services.approval import model
from services.approval import store as approvals
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.storage import Database
from tests.support.office import KABID, KEPALA, SEKRETARIS, STAFF_A, STAFF_B, stored_employee

D = dt.date


async def _fresh(db: Database, request_id: int) -> svc.RequestView:
    """The request as read from the database: a commit that wakes the listeners drops what
    the last write kept, so get() reads it."""
    async with db.transaction():
        pass
    return await svc.get(db, request_id)


async def _submit(db: Database, settings: Settings, clock: FixedClock, nip: str, type_key: str,
                  start: dt.date, end: dt.date) -> svc.RequestView:
    return await svc.submit(db, settings.requests, OfficeCalendar(settings.calendar),
                            await stored_employee(db, nip),
                            svc.Draft(type_key, start, end, "keperluan keluarga",
                                      expected_time=None),
                            at=clock.now(), telegram_user_id=777)


async def _decide(db: Database, settings: Settings, clock: FixedClock, view: svc.RequestView,
                  nip: str, action: str, note: str | None = None) -> svc.RequestView:
    decision = await svc.decide(db, settings.requests, OfficeCalendar(settings.calendar),
                                settings.office, request_id=view.id,
                                position=view.current_step, round_=view.round, action=action,
                                nip=nip, note=note, at=clock.now(), telegram_user_id=888)
    return decision.request


async def test_the_subject_after_each_action_is_the_one_stored(db: Database, office,
                                                               clock: FixedClock) -> None:
    steps = [approvals.NewStep("a", "Atasan", ("setujui", "kembalikan"),
                               (KABID.nip, SEKRETARIS.nip, KABID.nip)),
             approvals.NewStep("b", "Pejabat", ("setujui", "tolak", "kembalikan"),
                               (KEPALA.nip,))]
    async with db.transaction() as conn:
        opened = await approvals.open_subject(
            conn, kind=approvals.WORKFLOW_FILE, ref_id=41, definition="uji",
            applicant_nip=STAFF_A.nip, steps=steps, now=clock.now())
        assert opened == await approvals.load(conn, approvals.WORKFLOW_FILE, 41)
        subject = opened
        for action, nip, rule, note in (
                ("setujui", SEKRETARIS.nip, model.TO_APPLICANT, None),
                ("kembalikan", KEPALA.nip, model.ONE_STEP_BACK, "kurang lengkap"),
                ("setujui", KABID.nip, model.TO_APPLICANT, None),
                ("tolak", KEPALA.nip, model.TO_APPLICANT, "tidak sesuai")):
            clock.advance(minutes=7)
            acted = await approvals.act(conn, subject, position=subject.state.position,
                                        round_=subject.state.round, actor_nip=nip,
                                        action=action, note=note, now=clock.now(),
                                        return_rule=rule, output="berkas.pdf",
                                        standard_minutes=30, elapsed_minutes=7.5)
            subject = acted.subject
            assert subject == await approvals.load(conn, approvals.WORKFLOW_FILE, 41)
    assert subject.state.state == model.REFUSED and len(subject.history) == 4


async def test_a_submitted_request_is_the_one_stored(db: Database, office, settings: Settings,
                                                     clock: FixedClock) -> None:
    izin = await _submit(db, settings, clock, STAFF_A.nip, "izin", D(2026, 10, 6),
                         D(2026, 10, 7))
    assert izin == await _fresh(db, izin.id)
    cuti = await _submit(db, settings, clock, STAFF_B.nip, "cuti_tahunan", D(2026, 10, 12),
                         D(2026, 10, 14))
    assert len(cuti.steps) > 1 and cuti == await _fresh(db, cuti.id)


async def test_each_decision_shows_the_request_as_stored(db: Database, office,
                                                         settings: Settings,
                                                         clock: FixedClock) -> None:
    approved = await _submit(db, settings, clock, STAFF_A.nip, "izin", D(2026, 10, 6),
                             D(2026, 10, 6))
    clock.advance(minutes=5)
    decided = await _decide(db, settings, clock, approved, KABID.nip, "setujui")
    assert decided.status == svc.DISETUJUI and decided.agenda_number
    assert decided == await _fresh(db, approved.id)

    refused = await _submit(db, settings, clock, STAFF_A.nip, "izin", D(2026, 10, 8),
                            D(2026, 10, 8))
    decided = await _decide(db, settings, clock, refused, KABID.nip, "tolak", " tidak ada ")
    assert decided.status == svc.DITOLAK and decided.steps[0].note == "tidak ada"
    assert decided == await _fresh(db, refused.id)

    returned = await _submit(db, settings, clock, STAFF_A.nip, "izin", D(2026, 10, 9),
                             D(2026, 10, 9))
    decided = await _decide(db, settings, clock, returned, KABID.nip, "kembalikan", "ulang")
    assert decided.status == svc.DIKEMBALIKAN
    assert decided == await _fresh(db, returned.id)

    # A cuti: the atasan's pertimbangan moves it on, the pejabat decides it.
    cuti = await _submit(db, settings, clock, STAFF_B.nip, "cuti_tahunan", D(2026, 10, 12),
                         D(2026, 10, 14))
    considered = await _decide(db, settings, clock, cuti, KABID.nip, "pertimbangan_setuju")
    assert considered.status == svc.MENUNGGU and considered.current_step == 1
    assert considered == await _fresh(db, cuti.id)
    final = considered.current
    assert final is not None
    clock.advance(hours=2)
    decided = await _decide(db, settings, clock, considered, final.actors[0].nip, "setujui")
    assert decided.status == svc.DISETUJUI
    assert decided == await _fresh(db, cuti.id)
