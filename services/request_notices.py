"""The messages a request's state change causes, as outbox notices (written by services.requests
in the change's own transaction; rendered by handlers/request_notify.py at send time).

Keys name the request, the round and the step, so a card is one row per actor and visit, the
edit that closes it refers to that row, and writing the same notices twice writes them once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from services import outbox
from services import requests as svc
from services.approval.store import Card
from services.outbox import Notice

if TYPE_CHECKING:
    from services.employees import Employee
    from services.requests import RequestView

CARD = "request.card"
ATTACHMENT = "request.attachment"
CARD_CLOSED = "request.card_closed"
NOTICE = "request.notice"
LETTER = "request.letter"

DECIDED = "decided"
CANCELLED = "cancelled"


def _step_key(view: RequestView, position: int, round_: int) -> str:
    return f"req:{view.id}:r{round_}:p{position}"


def card_key(view: RequestView, position: int, round_: int, nip: str) -> str:
    return f"{_step_key(view, position, round_)}:card:{nip}"


def cards(view: RequestView) -> list[Notice]:
    """A card (after the attachment, if any) for every actor of the current step."""
    step = view.current
    if step is None:
        return []
    base = {"request": view.id, "position": step.position, "round": view.round}
    notices: list[Notice] = []
    for actor in step.actors:
        key = _step_key(view, step.position, view.round)
        if view.attachment is not None:
            notices.append(Notice(ATTACHMENT, actor.nip, None, base,
                                  dedupe_key=f"{key}:att:{actor.nip}"))
        notices.append(Notice(CARD, actor.nip, None, base,
                              dedupe_key=card_key(view, step.position, view.round, actor.nip)))
    return notices


def close_cards(view: RequestView, position: int, round_: int, outcome: str,
                listed: Sequence[Card] = ()) -> list[Notice]:
    """Edit every copy of a step's card (the one the outbox sent each actor and those shown
    again by /persetujuan): buttons gone, outcome shown."""
    step = view.steps[position]
    base = {"request": view.id, "position": position, "round": round_, "outcome": outcome}
    key = _step_key(view, position, round_)
    notices = [Notice(CARD_CLOSED, actor.nip, None,
                      {**base, **outbox.edit_of(card_key(view, position, round_, actor.nip))},
                      dedupe_key=f"{key}:close:{actor.nip}")
               for actor in step.actors]
    notices.extend(Notice(CARD_CLOSED, card.nip, None,
                          {**base, **outbox.edit_message(card.chat_id, card.message_id)},
                          dedupe_key=f"{key}:close:{card.nip}:{card.chat_id}:{card.message_id}")
                   for card in listed)
    return notices


def after_submit(view: RequestView) -> list[Notice]:
    return cards(view)


def after_decision(view: RequestView, position: int, round_: int,
                   listed: Sequence[Card] = ()) -> list[Notice]:
    """`view` as the decision left it; `position`/`round_` of the step decided."""
    notices = close_cards(view, position, round_, DECIDED, listed)
    notices.append(Notice(NOTICE, view.applicant.nip, None,
                          {"request": view.id, "position": position, "round": round_,
                           "status": view.status},
                          dedupe_key=f"{_step_key(view, position, round_)}:notice"))
    if view.status == svc.MENUNGGU:
        notices.extend(cards(view))
    elif view.status == svc.DISETUJUI:
        notices.extend(letters(view))
    elif view.status == svc.PERUBAHAN:
        # The applicant's notice is the card to accept or withdraw (rendered with buttons).
        notices[-1] = change_card(view)
    elif view.status not in (svc.DITOLAK, svc.DIKEMBALIKAN, svc.DITANGGUHKAN, svc.DIUSULKAN):
        # DIUSULKAN: the usulan letters are `proposed`, which needs the admins.
        raise ValueError(f"no notices for a decision leaving status {view.status}")
    if view.status != svc.DISETUJUI and view.has_letter:
        notices.extend(letters(view))
    return notices


def letters(view: RequestView) -> list[Notice]:
    """The surat izin / surat cuti (or the notice of a cuti postponed or not approved) for the
    applicant and everyone who decided."""
    recipients = [view.applicant.nip]
    for decider in view.deciders:
        if decider.nip not in recipients:
            recipients.append(decider.nip)
    return [Notice(LETTER, nip, None,
                   {"request": view.id, "for": "applicant" if nip == view.applicant.nip
                    else "approver"},
                   dedupe_key=f"req:{view.id}:letter:{nip}")
            for nip in recipients]


def after_cancel(view: RequestView, position: int, round_: int,
                 listed: Sequence[Card] = ()) -> list[Notice]:
    return close_cards(view, position, round_, CANCELLED, listed)


WITHDRAWAL_CARD = "request.withdrawal_card"
WITHDRAWAL_CLOSED = "request.withdrawal_closed"
WITHDRAWN = "request.withdrawn"


def _withdrawal_key(view: RequestView) -> str:
    return f"req:{view.id}:withdraw:card"


def withdrawal_asked(view: RequestView, approver: Employee) -> list[Notice]:
    """The last approver's card to confirm the applicant's withdrawal."""
    return [Notice(WITHDRAWAL_CARD, approver.nip, None, {"request": view.id},
                   dedupe_key=_withdrawal_key(view))]


def withdrawn(view: RequestView, approver: Employee) -> list[Notice]:
    """The confirmation card closed; the applicant and every other decider told."""
    told = {view.applicant.nip} | {e.nip for e in view.deciders if e.nip != approver.nip}
    return [Notice(WITHDRAWAL_CLOSED, approver.nip, None,
                   {"request": view.id, **outbox.edit_of(_withdrawal_key(view))},
                   dedupe_key=f"{_withdrawal_key(view)}:closed"),
            *(Notice(WITHDRAWN, nip, None, {"request": view.id},
                     dedupe_key=f"req:{view.id}:withdrawn:{nip}") for nip in sorted(told))]


USULAN_LETTER = "request.usulan_letter"
SK_RECORDED = "request.sk_recorded"


def proposed(view: RequestView, admins: Sequence[str]) -> list[Notice]:
    """The usulan letter to the PPK (or the Kepala's superior), for the applicant, the one who
    signed it and every admin, who records the SK when it comes back."""
    assert view.usulan is not None
    recipients = [view.applicant.nip]
    for nip in (view.usulan.proposed_by, *admins):
        if nip and nip not in recipients:
            recipients.append(nip)
    return [Notice(USULAN_LETTER, nip, None,
                   {"request": view.id,
                    "for": "applicant" if nip == view.applicant.nip
                    else "admin" if nip in admins else "signer"},
                   dedupe_key=f"req:{view.id}:usulan:{nip}")
            for nip in recipients]


def sk_recorded(view: RequestView) -> list[Notice]:
    """The outside decision, told to the applicant and to whoever signed the usulan."""
    assert view.usulan is not None
    told = [view.applicant.nip]
    if view.usulan.proposed_by and view.usulan.proposed_by not in told:
        told.append(view.usulan.proposed_by)
    return [Notice(SK_RECORDED, nip, None,
                   {"request": view.id, "for": "applicant" if nip == view.applicant.nip
                    else "signer"},
                   dedupe_key=f"req:{view.id}:sk:{nip}")
            for nip in told]


CHANGE_CARD = "request.change_card"
CHANGE_CLOSED = "request.change_closed"
CHANGE_ANSWERED = "request.change_answered"


def _change_key(view: RequestView) -> str:
    return f"req:{view.id}:change:card"


def change_card(view: RequestView) -> Notice:
    """The applicant's card for the pejabat's perubahan: Terima / Tarik."""
    return Notice(CHANGE_CARD, view.applicant.nip, None, {"request": view.id},
                  dedupe_key=_change_key(view))


def change_answered(view: RequestView) -> list[Notice]:
    """The applicant accepted or withdrew: their card shows it, the pejabat and everyone who
    decided before are told; an accepted change brings the letters."""
    told = list(dict.fromkeys(e.nip for e in view.deciders if e.nip != view.applicant.nip))
    notices = [Notice(CHANGE_CLOSED, view.applicant.nip, None,
                      {"request": view.id, **outbox.edit_of(_change_key(view))},
                      dedupe_key=f"{_change_key(view)}:closed"),
               *(Notice(CHANGE_ANSWERED, nip, None, {"request": view.id},
                        dedupe_key=f"req:{view.id}:change:told:{nip}") for nip in told)]
    if view.status == svc.DISETUJUI:
        notices.extend(letters(view))
    return notices


def moved_card(request_id: int, position: int, round_: int, nip: str) -> list[Notice]:
    """The card of a step moved to `nip` (a delegation, an approver on cuti, a new atasan),
    after the attachment if there is one (its renderer skips the row otherwise). Keyed like
    every card, so the decision closes this copy too; a person who already had this card (a
    step coming back to the official) keeps the one they have."""
    key = f"req:{request_id}:r{round_}:p{position}"
    base = {"request": request_id, "position": position, "round": round_}
    return [Notice(ATTACHMENT, nip, None, base, dedupe_key=f"{key}:att:{nip}"),
            Notice(CARD, nip, None, base, dedupe_key=f"{key}:card:{nip}")]
