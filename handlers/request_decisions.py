"""Approvers' side: Setujui / Tolak / Kembalikan on request cards (and a cuti's pertimbangan and
tidak disetujui; perubahan and tangguhkan are in handlers/cuti_answers.py), and /persetujuan.

Setujui (and a pertimbangan "disetujui") decides at once. The other answers first check that it
is still this person's turn, then ask for the reason (handlers.reason_prompt: for this card
only, for a limited time) and decide when it arrives. Every refusal (not your turn, already
decided, stale or forged button) is answered with a clear alert and logged; nothing changes.
"""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotApp, BotContext
from handlers import approval_codec as codec
from handlers import reason_prompt, sender
from handlers import request_notify as notify
from handlers import request_views as views
from handlers.envs import OfficeEnv, RequestEnv
from handlers.texts import requests as texts
from services import requests as svc
from services.errors import DomainError
from services.reason_prompts import Prompt

log = logging.getLogger(__name__)


def _refused(update: Update, error: DomainError, action: str) -> None:
    query = update.callback_query
    user = update.effective_user
    log.warning("request.tap_refused data=%r telegram_user=%s action=%s reason=%s",
                query.data if query else None, user.id if user else None, action, error.message)


async def _decide(context: BotContext, update: Update, *, request_id: int, position: int,
                  round_: int, action: str, note: str | None) -> svc.Decision:
    employee = context.require_employee()
    user = update.effective_user
    assert user is not None
    return await svc.decide(context.db, context.env(RequestEnv).policy, context.calendar,
                            context.env(OfficeEnv).office, request_id=request_id, position=position,
                            round_=round_, action=action, nip=employee.nip, note=note,
                            at=context.clock.now(), telegram_user_id=user.id)


async def approve(update: Update, context: BotContext) -> None:
    """Setujui (or the atasan's pertimbangan "disetujui"): decide at once."""
    query = update.callback_query
    assert query is not None and context.matches
    tap = codec.decode(context.matches[0][0])
    assert tap is not None
    try:
        decision = await _decide(context, update, request_id=tap.ref_id, position=tap.position,
                                 round_=tap.round, action=tap.action, note=None)
    except DomainError as error:
        _refused(update, error, tap.action)
        await query.answer(error.message, show_alert=True)
        return
    await query.answer(texts.ANSWER_DONE.format(hasil=texts.OUTCOME[tap.action]))
    log.info("request.decided id=%s action=%s position=%s", decision.request.id, tap.action,
             decision.position)


async def ask_reason(update: Update, context: BotContext) -> None:
    """Tolak / Kembalikan: check the turn, then ask for the reason (a prompt for this card)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = codec.decode(query.data)
    assert tap is not None
    employee = context.require_employee()
    try:
        view = await svc.check_turn(context.db, tap.ref_id, tap.position, tap.round,
                                    employee.nip, tap.action)
    except DomainError as error:
        _refused(update, error, tap.action)
        await query.answer(error.message, show_alert=True)
        return
    await query.answer()
    template = {"tolak": texts.ASK_REFUSE_REASON, "kembalikan": texts.ASK_RETURN_REASON,
                "tidak_disetujui": texts.ASK_NOT_APPROVED_REASON,
                **texts.ASK_CONSIDER_REASON}[tap.action]
    await reason_prompt.ask(update, context, kind=codec.REQUEST, ref_id=view.id,
                            action=tap.action, token=tap.token, label=f"pengajuan #{view.id}",
                            text=template.format(id=view.id, nama=escape(view.applicant.nama)))


async def got_reason(update: Update, context: BotContext, prompt: Prompt, note: str) -> bool:
    """The reason typed for the card the prompt came from: decide."""
    message = update.effective_message
    assert message is not None
    position, round_ = codec.request_token(prompt.token)
    try:
        decision = await _decide(context, update, request_id=prompt.ref_id, position=position,
                                 round_=round_, action=prompt.action, note=note)
    except DomainError as error:
        _refused(update, error, prompt.action)
        await message.reply_html(f"⚠️ {escape(error.message)}")
        return True
    log.info("request.decided id=%s action=%s position=%s", decision.request.id,
             decision.action, decision.position)
    await message.reply_html(texts.DECISION_DONE.format(hasil=texts.OUTCOME[decision.action],
                                                        id=decision.request.id))
    return True


async def waiting(update: Update, context: BotContext) -> None:
    """/persetujuan: every request waiting for this person, each with its buttons."""
    message = update.effective_message
    assert message is not None
    employee = context.require_employee()
    items = await svc.waiting_for(context.db, employee.nip)
    if not items:
        await message.reply_html(texts.APPROVALS_EMPTY)
        return
    await message.reply_html(texts.APPROVALS_HEADER.format(n=len(items)))
    for view in items:
        attached = notify.attachment_message(view)
        if attached is not None:
            await sender.send(context.bot, message.chat_id, attached)
        card = await message.reply_html(views.open_card_text(view),
                                        reply_markup=views.decision_keyboard(view))
        # Recorded like any card, so this copy is closed too when anyone decides.
        await svc.record_card(context.db, view.id, view.current_step, view.round, employee.nip,
                              card.chat_id, card.message_id)


def register(app: BotApp) -> None:
    reason_prompt.on_reason(codec.REQUEST, got_reason, cancelled=texts.DECISION_ABORTED)
    app.add_handler(CallbackQueryHandler(ask_reason, pattern=codec.REQUEST_WITH_REASON))
    app.add_handler(CallbackQueryHandler(approve, pattern=codec.REQUEST_APPROVE))
    app.add_handler(CommandHandler("persetujuan", waiting))
