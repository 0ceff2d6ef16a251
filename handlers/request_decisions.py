"""Approvers' side: Setujui / Tolak / Kembalikan on request cards, and /persetujuan.

Setujui decides at once. Tolak and Kembalikan first check that it is still this person's turn,
then ask for the reason as a typed message (a small persistent conversation) and decide when
it arrives. Every refusal (not your turn, already decided, stale or forged button) is answered
with a clear alert and logged; nothing changes.
"""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotApp, BotContext
from handlers import request_notify as notify
from handlers import request_views as views
from handlers.texts import requests as texts
from services import requests as svc
from services.errors import DomainError

log = logging.getLogger(__name__)

WAIT_REASON = 0
PENDING = "request_decision"
CONVERSATION_NAME = "request_decision"


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
    return await svc.decide(context.db, context.settings.requests, context.calendar,
                            context.settings.office, request_id=request_id, position=position,
                            round_=round_, action=action, nip=employee.nip, note=note,
                            at=context.clock.now(), telegram_user_id=user.id)


async def approve(update: Update, context: BotContext) -> None:
    """Setujui: decide at once."""
    query = update.callback_query
    assert query is not None and context.matches
    match = context.matches[0]
    try:
        decision = await _decide(context, update, request_id=int(match[1]),
                                 position=int(match[2]), round_=int(match[3]),
                                 action="setujui", note=None)
    except DomainError as error:
        _refused(update, error, "setujui")
        await query.answer(error.message, show_alert=True)
        return
    await query.answer(texts.ANSWER_DONE.format(hasil=texts.OUTCOME["setujui"]))
    log.info("request.decided id=%s action=setujui position=%s", decision.request.id,
             decision.position)
    await notify.after_decision(context, decision)


async def ask_reason(update: Update, context: BotContext) -> int:
    """Tolak / Kembalikan: check the turn, then ask for the reason."""
    query = update.callback_query
    assert query is not None and context.matches and context.user_data is not None
    match = context.matches[0]
    action = views.ACTION_OF[match[1]]
    request_id, position, round_ = int(match[2]), int(match[3]), int(match[4])
    employee = context.require_employee()
    try:
        view = await svc.check_turn(context.db, request_id, position, round_, employee.nip,
                                    action)
    except DomainError as error:
        _refused(update, error, action)
        await query.answer(error.message, show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[PENDING] = {"id": request_id, "position": position, "round": round_,
                                  "action": action}
    template = texts.ASK_REFUSE_REASON if action == "tolak" else texts.ASK_RETURN_REASON
    assert update.effective_message is not None
    await update.effective_message.reply_html(
        template.format(id=view.id, nama=escape(view.applicant.nama)))
    return WAIT_REASON


async def got_reason(update: Update, context: BotContext) -> int:
    message = update.effective_message
    assert message is not None and context.user_data is not None
    note = (message.text or "").strip()
    if not note:
        await message.reply_html(texts.REASON_EMPTY)
        return WAIT_REASON
    pending = context.user_data.pop(PENDING, None)
    if pending is None:
        return ConversationHandler.END
    try:
        decision = await _decide(context, update, request_id=pending["id"],
                                 position=pending["position"], round_=pending["round"],
                                 action=pending["action"], note=note)
    except DomainError as error:
        _refused(update, error, pending["action"])
        await message.reply_html(f"⚠️ {escape(error.message)}")
        return ConversationHandler.END
    log.info("request.decided id=%s action=%s position=%s", decision.request.id,
             decision.action, decision.position)
    await message.reply_html(texts.DECISION_DONE.format(hasil=texts.OUTCOME[decision.action],
                                                        id=decision.request.id))
    await notify.after_decision(context, decision)
    return ConversationHandler.END


async def abort(update: Update, context: BotContext) -> int:
    if context.user_data is not None:
        context.user_data.pop(PENDING, None)
    assert update.effective_message is not None
    await update.effective_message.reply_html(texts.DECISION_ABORTED)
    return ConversationHandler.END


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
        card = await message.reply_html(views.card_text(view, view.current_step),
                                        reply_markup=views.decision_keyboard(view))
        # Recorded like any card, so this copy is closed too when anyone decides.
        await svc.record_card(context.db, view.id, view.current_step, view.round, employee.nip,
                              card.chat_id, card.message_id)


def conversation() -> ConversationHandler:  # type: ignore[type-arg]
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(ask_reason, pattern=views.DECIDE_WITH_REASON)],
        states={WAIT_REASON: [MessageHandler(filters.TEXT & ~filters.COMMAND, got_reason)]},
        fallbacks=[CommandHandler("batal", abort)],
        name=CONVERSATION_NAME, persistent=True, allow_reentry=True,
    )


def register(app: BotApp) -> None:
    # Before the request form: while an approver is asked for a reason, their next text is
    # that reason even if they also have a draft of their own open.
    app.add_handler(conversation())
    app.add_handler(CallbackQueryHandler(approve, pattern=views.DECIDE_OK))
    app.add_handler(CommandHandler("persetujuan", waiting))
