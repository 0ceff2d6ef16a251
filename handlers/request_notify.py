"""Renderers of the messages a request causes (services/request_notices.py writes them to the
outbox in the decision's transaction): the attachment and the approval card for each actor,
the edit that closes a card, the notice to the applicant, and the letter on final approval.
Each is rendered from the request as it stands when the row is sent."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from typing import Any

from telegram.constants import ParseMode
from telegram.error import TelegramError

from bot.context import AppServices, BotContext
from handlers import request_views as views
from handlers import sender
from handlers.envs import OfficeEnv
from handlers.html import Html, fill
from handlers.sender import DOCUMENT, Outgoing, media_method, renderer
from handlers.texts import requests as texts
from handlers.texts import usulan as usulan_texts
from reports.request_letter import build_letter
from services import request_notices as notices
from services import requests as svc
from services.employees import Employee
from services.indonesian_dates import long_date_with_day
from services.office import Office

log = logging.getLogger(__name__)


def attachment_message(view: svc.RequestView) -> Outgoing | None:
    if view.attachment is None:
        return None
    # The method follows how the file came in: a JPEG sent as a file goes back as a document.
    return Outgoing(fill(texts.ATTACHMENT_CAPTION, id=view.id),
                    method=media_method(view.attachment.kind), file=view.attachment.file_id)


async def _view(services: AppServices, request_id: int) -> svc.RequestView:
    return await sender.read_once(("request", request_id),
                                  lambda: svc.get(services.db, request_id))


@renderer(notices.ATTACHMENT)
async def attachment(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    return attachment_message(await _view(services, payload["request"]))


def _closed_text(view: svc.RequestView, position: int) -> str:
    if view.steps[position].decided_by is not None:
        return views.decided_card_text(view, position)
    return views.cancelled_card_text(view, position)


@renderer(notices.CARD)
async def card(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    view = await _view(services, payload["request"])
    position, round_ = payload["position"], payload["round"]
    if view.round != round_:
        return None
    if view.status == svc.MENUNGGU and view.current_step == position:
        return Outgoing(views.open_card_text(view), markup=views.decision_keyboard(view))
    # Decided or withdrawn before this card got out: show how it ended, without buttons.
    return Outgoing(_closed_text(view, position))


@renderer(notices.CARD_CLOSED)
async def card_closed(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    view = await _view(services, payload["request"])
    position = payload["position"]
    if payload["outcome"] == notices.CANCELLED:
        return Outgoing(views.cancelled_card_text(view, position))
    return Outgoing(_closed_text(view, position))


@renderer(notices.NOTICE)
async def applicant_notice(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    view = await _view(services, payload["request"])
    step = view.steps[payload["position"]]
    if step.decided_by is None:
        return None
    common: dict[str, object] = {
        "id": view.id, "jenis": view.kind.label,
        "periode": views.period(view.start, view.end), "nama": step.decided_by.nama,
        "catatan": step.note or ""}
    status = payload["status"]
    if step.outcome and step.outcome.startswith("pertimbangan_"):
        return Outgoing(fill(
            texts.NOTICE_STEP_CONSIDERED, **common, tahap=step.title,
            hasil=texts.OUTCOME[step.outcome].split(": ", 1)[-1],
            catatan_baris=Html(views.note_suffix(step.note)), tujuan=Html(views.targets(view))))
    if status == svc.MENUNGGU:
        return Outgoing(fill(texts.NOTICE_STEP_APPROVED, **common, tahap=step.title,
                             tujuan=Html(views.targets(view))))
    if status == svc.DISETUJUI:
        return Outgoing(fill(texts.NOTICE_APPROVED, **common, nomor=view.agenda_number or "-"))
    if status == svc.DITOLAK and step.outcome == "tidak_disetujui":
        return Outgoing(fill(texts.NOTICE_NOT_APPROVED, **common))
    if status == svc.DITOLAK:
        return Outgoing(fill(texts.NOTICE_REFUSED, **common))
    if status == svc.DIUSULKAN:
        return Outgoing(fill(usulan_texts.NOTICE_PROPOSED, id=view.id, jenis=view.kind.label,
                             periode=common["periode"],
                             kepada=view.usulan.addressed_to if view.usulan else "-"))
    if status == svc.DITANGGUHKAN:
        answer = view.answer
        assert answer is not None and answer.postponed_until is not None
        carried = (fill(texts.NOTICE_POSTPONED_CARRIED, tahun=answer.postponed_until.year)
                   if view.kind.uses_annual_balance and answer.postponed_until.year
                   > view.start.year else "")
        return Outgoing(fill(texts.NOTICE_POSTPONED, **common, bawa=carried,
                             tanggal=long_date_with_day(answer.postponed_until)))
    return Outgoing(fill(texts.NOTICE_RETURNED, **common), markup=views.fix_keyboard(view.id))


# One approval sends the same letter to the applicant and to everyone who decided, in one
# sender pass: it is drawn once (in a worker thread). The pass renders all its rows from one
# view of the request (sender.read_once), so the drawing is kept by that view object, whose
# entry holds it (an id is unique only while its object lives). Formatting the whole view as
# a key cost more than a delivery.
_LETTERS_KEPT = 8
_letters: OrderedDict[tuple[int, int], tuple[Office, svc.RequestView, asyncio.Future[bytes]]] \
    = OrderedDict()


async def _letter_pdf(office: Office, view: svc.RequestView) -> bytes:
    key = (id(office), id(view))
    entry = _letters.get(key)
    drawing = entry[2] if entry and entry[0] is office and entry[1] is view else None
    if drawing is None or drawing.get_loop() is not asyncio.get_running_loop():
        drawing = asyncio.ensure_future(asyncio.to_thread(build_letter, office, view))
        _letters[key] = (office, view, drawing)
        while len(_letters) > _LETTERS_KEPT:
            _letters.popitem(last=False)
    try:
        return await asyncio.shield(drawing)
    except Exception:
        # Drawn again next time (the row is retried), not served from a failure.
        if (found := _letters.get(key)) is not None and found[2] is drawing:
            del _letters[key]
        raise


@renderer(notices.LETTER)
async def letter(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    view = await _view(services, payload["request"])
    if not view.has_letter:
        return None
    pdf = await _letter_pdf(services.env(OfficeEnv).office, view)
    if view.status != svc.DISETUJUI:
        outcome = view.status_label
        caption = fill(texts.NOTICE_LETTER_CAPTION, jenis=view.kind.label, hasil=outcome) \
            if payload["for"] == "applicant" else fill(
                texts.NOTICE_LETTER_CAPTION_APPROVER, jenis=view.kind.label, hasil=outcome,
                nama=view.applicant.nama)
        return Outgoing(caption, method=DOCUMENT, file=pdf,
                        filename=f"pemberitahuan-cuti-{view.id}.pdf")
    if payload["for"] == "applicant":
        caption = fill(texts.LETTER_CAPTION, jenis=view.kind.letter, nomor=view.agenda_number)
    else:
        caption = fill(texts.LETTER_CAPTION_APPROVER, jenis=view.kind.letter,
                       nomor=view.agenda_number, nama=view.applicant.nama)
    return Outgoing(caption, method=DOCUMENT, file=pdf,
                    filename=f"surat-{view.kind.letter}-{view.id}.pdf")


@renderer(notices.WITHDRAWAL_CARD)
async def withdrawal_card(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    view = await _view(services, payload["request"])
    if view.status != svc.DISETUJUI or not view.withdrawal_asked:
        return None
    return Outgoing(fill(texts.WITHDRAWAL_CARD, id=view.id, jenis=view.kind.label,
                         nama=view.applicant.nama, periode=views.period(view.start, view.end),
                         nomor=view.agenda_number or "-"),
                    markup=views.withdrawal_keyboard(view.id))


@renderer(notices.WITHDRAWAL_CLOSED)
async def withdrawal_closed(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    view = await _view(services, payload["request"])
    return Outgoing(fill(texts.WITHDRAWAL_CONFIRMED, id=view.id, nama=view.applicant.nama))


@renderer(notices.WITHDRAWN)
async def withdrawn_notice(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    view = await _view(services, payload["request"])
    approver = svc.last_approver(view)
    return Outgoing(fill(texts.NOTICE_WITHDRAWN, id=view.id, jenis=view.kind.label,
                         periode=views.period(view.start, view.end),
                         nama=approver.nama if approver else "-"))


@renderer(notices.CHANGE_CARD)
async def change_card(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    view = await _view(services, payload["request"])
    if view.answer is None:
        return None
    if view.status != svc.PERUBAHAN:
        return Outgoing(_change_closed_text(view))
    return Outgoing(views.change_card_text(view), markup=views.change_card_keyboard(view.id))


def _change_closed_text(view: svc.RequestView) -> str:
    answer = view.answer
    assert answer is not None
    text = views.change_card_text(view)
    if answer.replied_at is None:
        return text
    if view.status == svc.DISETUJUI:
        return text + fill(texts.CHANGE_ACCEPTED, waktu=views.stamp(answer.replied_at),
                           nomor=view.agenda_number or "-")
    return text + fill(texts.CHANGE_WITHDRAWN, waktu=views.stamp(answer.replied_at))


@renderer(notices.CHANGE_CLOSED)
async def change_closed(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    return Outgoing(_change_closed_text(await _view(services, payload["request"])))


@renderer(notices.CHANGE_ANSWERED)
async def change_answered(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    view = await _view(services, payload["request"])
    answer = view.answer
    if answer is None or answer.proposed_start is None or answer.proposed_end is None:
        return None
    common: dict[str, object] = {
        "id": view.id, "jenis": view.kind.label, "nama": view.applicant.nama,
        "periode": views.period(answer.proposed_start, answer.proposed_end)}
    if view.status == svc.DISETUJUI:
        return Outgoing(fill(texts.CHANGE_ACCEPTED_NOTICE, **common,
                             nomor=view.agenda_number or "-"))
    return Outgoing(fill(texts.CHANGE_WITHDRAWN_NOTICE, **common))


async def send_card_to(context: BotContext, view: svc.RequestView, actor: Employee) -> None:
    """One actor's card of the current step, sent now (a step moved to them by a delegation)
    and recorded, so the decision closes this copy like every other."""
    step = view.current
    if step is None or not actor.reachable:
        return
    chat_id = actor.telegram_chat_id
    assert chat_id is not None
    try:
        if view.attachment is not None:
            await sender.send(context.bot, chat_id, Outgoing(
                fill(texts.ATTACHMENT_CAPTION, id=view.id),
                method=media_method(view.attachment.kind), file=view.attachment.file_id))
        message = await context.bot.send_message(
            chat_id, views.open_card_text(view), parse_mode=ParseMode.HTML,
            reply_markup=views.decision_keyboard(view))
    except TelegramError as error:
        log.warning("request.card_failed request=%s nip=%s error=%s", view.id, actor.nip, error)
        return
    await svc.record_card(context.db, view.id, step.position, view.round, actor.nip, chat_id,
                          message.message_id)
