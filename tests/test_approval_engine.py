"""The approval engine: the pure state machine, and moving waiting steps to another person."""

from __future__ import annotations

import pytest

from bot.config import Settings
from services import audit
from services import requests as svc
from services.approval import model
from services.approval import store as approvals
from services.approval.model import ActionSpec, State
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.storage import Database
from tests.support.office import KABID, SEKRETARIS, STAFF_A, STAFF_B, stored_employee

RUN = State(model.RUNNING, 0, 1)


def test_setujui_moves_on_and_the_last_step_finishes() -> None:
    first = model.transition(RUN, 3, "setujui")
    assert first.advanced and first.after == State(model.RUNNING, 1, 1)
    last = model.transition(State(model.RUNNING, 2, 1), 3, "teruskan")
    assert last.finished and last.after.state == model.DONE


def test_tolak_closes_refused() -> None:
    move = model.transition(State(model.RUNNING, 1, 1), 3, "tolak")
    assert move.after == State(model.REFUSED, 1, 1)
    assert move.spec.needs_reason


def test_kembalikan_follows_the_definition() -> None:
    at_second = State(model.RUNNING, 1, 2)
    assert model.transition(at_second, 3, "kembalikan").after == State(model.RETURNED, 1, 2)
    back = model.transition(at_second, 3, "kembalikan", return_rule=model.ONE_STEP_BACK)
    assert back.stepped_back and back.after == State(model.RUNNING, 0, 2)
    # From the first step "one step back" is the drafter.
    first = model.transition(RUN, 3, "kembalikan", return_rule=model.ONE_STEP_BACK)
    assert first.returned_to_applicant


def test_resubmission_opens_a_new_round() -> None:
    returned = State(model.RETURNED, 2, 1)
    assert model.resubmission(returned) == State(model.RUNNING, 0, 2)
    assert model.resubmission(returned, restart=model.FROM_RETURNING_STEP) == \
        State(model.RUNNING, 2, 2)
    with pytest.raises(model.TransitionRefused):
        model.resubmission(RUN)


def test_a_subject_not_waiting_refuses_every_action() -> None:
    with pytest.raises(model.TransitionRefused):
        model.transition(State(model.DONE, 0, 1), 1, "setujui")
    with pytest.raises(model.TransitionRefused):
        model.transition(RUN, 1, "tidak_dikenal")


def test_actions_are_data_a_new_one_is_registered() -> None:
    model.register_action(ActionSpec("uji_tangguhkan", model.CLOSE, needs_reason=True,
                                     terminal_state="ditangguhkan"))
    move = model.transition(RUN, 2, "uji_tangguhkan")
    assert move.after.state == "ditangguhkan"
    with pytest.raises(ValueError):
        model.register_action(ActionSpec("uji_tangguhkan", model.ADVANCE))


async def test_reassign_waiting_moves_only_waiting_steps_and_audits(
        db: Database, office, settings: Settings, clock: FixedClock) -> None:
    calendar = OfficeCalendar(settings.calendar)
    draft = svc.Draft("izin", clock.now().date(), clock.now().date(), "keperluan keluarga")
    mine = await svc.submit(db, settings.requests, calendar, await stored_employee(db, STAFF_A.nip),
                            draft, at=clock.now(), telegram_user_id=None)
    other = await svc.submit(db, settings.requests, calendar,
                             await stored_employee(db, STAFF_B.nip),
                             draft, at=clock.now(), telegram_user_id=None)
    async with db.transaction() as conn:
        moved = await approvals.reassign_waiting(
            conn, from_nip=KABID.nip, to_nip=SEKRETARIS.nip, applicant_nip=STAFF_A.nip,
            reason="Plh", now=clock.now())
    assert [(m.ref_id, m.from_nip, m.to_nip) for m in moved] == \
        [(mine.id, KABID.nip, SEKRETARIS.nip)]
    assert [v.id for v in await svc.waiting_for(db, SEKRETARIS.nip)] == [mine.id]
    assert [v.id for v in await svc.waiting_for(db, KABID.nip)] == [other.id]
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "request", mine.id)
    assert entries[-1].action == "approval.reassign"
    assert entries[-1].detail["to"] == SEKRETARIS.nip
    # The delegate decides; the old actor's tap is refused.
    with pytest.raises(svc.DecisionRefused):
        await svc.decide(db, settings.requests, calendar, settings.office, request_id=mine.id,
                         position=0, round_=1, action="setujui", nip=KABID.nip, note=None,
                         at=clock.now(), telegram_user_id=None)
    done = await svc.decide(db, settings.requests, calendar, settings.office,
                            request_id=mine.id, position=0, round_=1, action="setujui",
                            nip=SEKRETARIS.nip, note=None, at=clock.now(), telegram_user_id=None)
    assert done.request.status == svc.DISETUJUI


async def test_reassign_never_hands_an_applicant_their_own_request(
        db: Database, office, settings: Settings, clock: FixedClock) -> None:
    calendar = OfficeCalendar(settings.calendar)
    draft = svc.Draft("izin", clock.now().date(), clock.now().date(), "keperluan keluarga")
    await svc.submit(db, settings.requests, calendar, await stored_employee(db, STAFF_A.nip), draft,
                     at=clock.now(), telegram_user_id=None)
    async with db.transaction() as conn:
        moved = await approvals.reassign_waiting(conn, from_nip=KABID.nip, to_nip=STAFF_A.nip,
                                                 reason="Plh", now=clock.now())
    assert moved == []
