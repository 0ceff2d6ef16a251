"""Messages a request causes: approval cards (sent, then edited when decided), notices to the
applicant, and the letter on final approval. Failures to reach one person are logged and do
not undo the decision, which is already committed."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError

from bot.context import BotContext
from handlers import request_views as views
from handlers.texts import requests as texts
from reports.request_letter import build_letter
from services import requests as svc
from services.employees import Employee
from services.requests import RequestView

log = logging.getLogger(__name__)


async def _send(context: BotContext, employee: Employee, text: str,
                markup: InlineKeyboardMarkup | None = None) -> int | None:
    if not employee.reachable:
        log.info("request.notify_skipped nip=%s reason=unreachable", employee.nip)
        return None
    assert employee.telegram_chat_id is not None
    try:
        message = await context.bot.send_message(employee.telegram_chat_id, text,
                                                 parse_mode="HTML", reply_markup=markup)
    except TelegramError as error:
        log.warning("request.notify_failed nip=%s error=%s", employee.nip, error)
        return None
    return message.message_id


async def _forward_attachment(context: BotContext, view: RequestView, employee: Employee) -> None:
    attachment = view.attachment
    if attachment is None or not employee.reachable:
        return
    assert employee.telegram_chat_id is not None
    caption = f"Lampiran pengajuan #{view.id}"
    try:
        if attachment.kind == "photo":
            await context.bot.send_photo(employee.telegram_chat_id, attachment.file_id,
                                         caption=caption)
        else:
            await context.bot.send_document(employee.telegram_chat_id, attachment.file_id,
                                            caption=caption)
    except TelegramError as error:
        log.warning("request.attachment_failed nip=%s error=%s", employee.nip, error)


async def send_cards(context: BotContext, view: RequestView) -> None:
    """Give every actor of the current step a card with the buttons of that step."""
    step = view.current
    if step is None:
        return
    for actor in step.actors:
        await send_card_to(context, view, actor)


async def send_card_to(context: BotContext, view: RequestView, actor: Employee) -> None:
    """One actor's card of the current step (also when a step is moved to them)."""
    step = view.current
    if step is None:
        return
    await _forward_attachment(context, view, actor)
    message_id = await _send(context, actor, views.card_text(view, step.position),
                             views.decision_keyboard(view))
    if message_id is not None:
        assert actor.telegram_chat_id is not None
        await svc.record_card(context.db, view.id, step.position, view.round, actor.nip,
                              actor.telegram_chat_id, message_id)


async def close_cards(context: BotContext, view: RequestView, position: int, round_: int,
                      text: str) -> None:
    """Replace every copy of a step's card: buttons gone, outcome shown."""
    for card in await svc.cards(context.db, view.id, position, round_):
        try:
            await context.bot.edit_message_text(text, chat_id=card.chat_id,
                                                message_id=card.message_id, parse_mode="HTML",
                                                reply_markup=None)
        except BadRequest as error:
            # Already edited (e.g. by the tap's own answer) or deleted by the user.
            log.info("request.card_unchanged request=%s error=%s", view.id, error)
        except TelegramError as error:
            log.warning("request.card_edit_failed request=%s error=%s", view.id, error)


async def after_submit(context: BotContext, view: RequestView) -> None:
    await send_cards(context, view)


async def after_decision(context: BotContext, decision: svc.Decision) -> None:
    view = decision.request
    step = view.steps[decision.position]
    assert step.decided_by is not None
    round_ = view.round
    await close_cards(context, view, decision.position, round_,
                      views.decided_card_text(view, decision.position))
    common = {"id": view.id, "jenis": escape(view.kind.label),
              "periode": views.period(view.start, view.end),
              "nama": escape(step.decided_by.nama), "catatan": escape(step.note or "")}
    if view.status == svc.MENUNGGU:
        await _send(context, view.applicant, texts.NOTICE_STEP_APPROVED.format(
            **common, tahap=escape(step.title), tujuan=views.targets(view)))
        await send_cards(context, view)
    elif view.status == svc.DISETUJUI:
        await _send(context, view.applicant, texts.NOTICE_APPROVED.format(
            **common, nomor=escape(view.agenda_number or "-")))
        await send_letter(context, view)
    elif view.status == svc.DITOLAK:
        await _send(context, view.applicant, texts.NOTICE_REFUSED.format(**common))
    elif view.status == svc.DIKEMBALIKAN:
        await _send(context, view.applicant, texts.NOTICE_RETURNED.format(**common),
                    views.fix_keyboard(view.id))


async def after_cancel(context: BotContext, view: RequestView, position: int,
                       round_: int) -> None:
    await close_cards(context, view, position, round_, views.cancelled_card_text(view, position))


async def send_letter(context: BotContext, view: RequestView) -> None:
    """The surat izin / surat cuti, to the applicant and to everyone who decided."""
    pdf = await asyncio.to_thread(build_letter, context.settings.office, view)
    filename = f"surat-{view.kind.letter}-{view.id}.pdf"
    recipients: list[tuple[Employee, str]] = [(view.applicant, texts.LETTER_CAPTION.format(
        jenis=view.kind.letter, nomor=view.agenda_number))]
    seen = {view.applicant.nip}
    for decider in view.deciders:
        if decider.nip not in seen:
            seen.add(decider.nip)
            recipients.append((decider, texts.LETTER_CAPTION_APPROVER.format(
                jenis=view.kind.letter, nomor=view.agenda_number, nama=view.applicant.nama)))
    for employee, caption in recipients:
        if not employee.reachable:
            continue
        assert employee.telegram_chat_id is not None
        try:
            await context.bot.send_document(employee.telegram_chat_id, pdf, filename=filename,
                                            caption=caption)
        except TelegramError as error:
            log.warning("request.letter_failed nip=%s error=%s", employee.nip, error)
