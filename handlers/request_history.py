"""/riwayat (with cancel buttons for open requests), /saldo, and the catch-all for request
buttons that match no live pattern (stale form buttons, forged data)."""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotApp, BotContext
from handlers import request_views as views
from handlers.envs import RequestEnv
from handlers.texts import requests as texts
from services import requests as svc
from services.errors import DomainError
from services.indonesian_dates import long_date

log = logging.getLogger(__name__)


def _history_keyboard(context: BotContext,
                      items: list[svc.RequestView]) -> InlineKeyboardMarkup | None:
    return views.history_keyboard(items, context.clock.now().date())


async def history(update: Update, context: BotContext) -> None:
    """/riwayat: the latest requests and their status."""
    message = update.effective_message
    assert message is not None
    items = await svc.history(context.db, context.require_employee().nip)
    if not items:
        await message.reply_html(texts.HISTORY_EMPTY)
        return
    await message.reply_html(views.history_text(items),
                             reply_markup=_history_keyboard(context, items))


async def ask_cancel(update: Update, context: BotContext) -> None:
    """Batalkan #id from /riwayat: ask "Yakin?" on the same message first."""
    query = update.callback_query
    assert query is not None and context.matches
    request_id = int(context.matches[0][1])
    try:
        view = await svc.check_cancellable(context.db, request_id, context.require_employee())
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return
    await query.answer()
    await query.edit_message_text(views.cancel_question(view), parse_mode="HTML",
                                  reply_markup=views.cancel_confirm_keyboard(view.id))


async def ask_withdraw(update: Update, context: BotContext) -> None:
    """Tarik #id from /riwayat: "Yakin?" first, naming who confirms."""
    query = update.callback_query
    assert query is not None and context.matches
    try:
        view = await svc.check_withdrawable(context.db, int(context.matches[0][1]),
                                            context.require_employee(),
                                            today=context.clock.now().date())
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return
    await query.answer()
    approver = svc.last_approver(view)
    await query.edit_message_text(views.withdraw_question(view, approver.nama if approver
                                                          else "-"),
                                  parse_mode="HTML",
                                  reply_markup=views.withdraw_confirm_keyboard(view.id))


async def withdraw(update: Update, context: BotContext) -> None:
    """"Ya, tarik": the last approver is asked to confirm."""
    query = update.callback_query
    assert query is not None and context.matches
    try:
        view = await svc.ask_withdrawal(context.db, int(context.matches[0][1]),
                                        context.require_employee(), at=context.clock.now(),
                                        telegram_user_id=query.from_user.id)
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return
    await query.answer()
    approver = svc.last_approver(view)
    await query.edit_message_text(texts.WITHDRAW_ASKED.format(
        id=view.id, nama=escape(approver.nama if approver else "-")), parse_mode="HTML")


async def confirm_withdrawal(update: Update, context: BotContext) -> None:
    """The last approver's one tap: the request is withdrawn."""
    query = update.callback_query
    assert query is not None and context.matches
    try:
        view = await svc.confirm_withdrawal(context.db, int(context.matches[0][1]),
                                            context.require_employee(), at=context.clock.now(),
                                            telegram_user_id=query.from_user.id)
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return
    await query.answer(texts.WITHDRAWAL_DONE.format(id=view.id))
    log.info("request.withdrawn id=%s by=%s", view.id, context.require_employee().nip)


async def back_to_history(update: Update, context: BotContext) -> None:
    """"Tidak" on the "Yakin?" question: the list as it is now."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    items = await svc.history(context.db, context.require_employee().nip)
    await query.edit_message_text(views.history_text(items) if items else texts.HISTORY_EMPTY,
                                  parse_mode="HTML", reply_markup=_history_keyboard(context, items))


async def cancel_request(update: Update, context: BotContext) -> None:
    """"Ya, batalkan" on the "Yakin?" question."""
    query = update.callback_query
    assert query is not None and context.matches
    employee = context.require_employee()
    request_id = int(context.matches[0][1])
    try:
        view = await svc.cancel(context.db, request_id, employee, at=context.clock.now(),
                                telegram_user_id=query.from_user.id)
    except DomainError as error:
        log.warning("request.cancel_refused id=%s telegram_user=%s reason=%s", request_id,
                    query.from_user.id, error.message)
        await query.answer(error.message, show_alert=True)
        return
    await query.answer(texts.REQUEST_CANCELLED.format(id=view.id))
    log.info("request.cancelled id=%s nip=%s", view.id, employee.nip)
    items = await svc.history(context.db, employee.nip)
    await query.edit_message_text(views.history_text(items), parse_mode="HTML",
                                  reply_markup=_history_keyboard(context, items))


async def balance(update: Update, context: BotContext) -> None:
    """/saldo: cuti tahunan balance for this year."""
    message = update.effective_message
    assert message is not None
    today = context.clock.now().date()
    result = await svc.annual_balance(context.db, context.env(RequestEnv).policy, context.calendar,
                                      context.require_employee().nip, today.year)
    if today < result.eligible_from:
        await message.reply_html(texts.BALANCE_NOT_YET.format(
            tanggal=long_date(result.eligible_from)))
        return
    if result.besar is not None:
        await message.reply_html(texts.BALANCE_BESAR.format(
            tahun=result.year, id=result.besar.request_id,
            periode=views.period(result.besar.start, result.besar.end),
            status=texts.BALANCE_BESAR_APPROVED if result.besar.approved
            else texts.BALANCE_BESAR_PENDING))
        return
    bersama = (texts.BALANCE_BERSAMA.format(hari=result.added_bersama)
               if result.added_bersama else "")
    opening = result.opening
    postponed = (texts.BALANCE_POSTPONED.format(tahun=result.year - 1,
                                                hari=result.postponed_in)
                 if result.postponed_in else "")
    if opening is None:
        carried = texts.BALANCE_CARRIED.format(
            hari=result.carried - result.postponed_in) + postponed
        before = ""
    else:
        carried = "".join(texts.BALANCE_OPENING_CARRIED.format(tahun=opening.year - back, hari=days)
                          for back, days in ((2, opening.carried_n2), (1, opening.carried_n1)))
        before = texts.BALANCE_USED_BEFORE.format(hari=opening.used_before)
    await message.reply_html(texts.BALANCE.format(
        tahun=result.year, bawa=carried + bersama, hak=result.available, sebelum=before,
        pakai=result.used, proses=result.pending, sisa=result.remaining))


async def stale_form_button(update: Update, context: BotContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer(texts.FORM_EXPIRED, show_alert=True)


async def unknown_request_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    log.warning("request.forged_callback data=%r telegram_user=%s", query.data,
                query.from_user.id)
    await query.answer(texts.UNKNOWN_BUTTON, show_alert=True)


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("riwayat", history))
    app.add_handler(CommandHandler("saldo", balance))
    app.add_handler(CallbackQueryHandler(ask_cancel, pattern=views.CANCEL))
    app.add_handler(CallbackQueryHandler(cancel_request, pattern=views.CANCEL_CONFIRMED))
    app.add_handler(CallbackQueryHandler(back_to_history, pattern=views.HISTORY_BACK))
    app.add_handler(CallbackQueryHandler(ask_withdraw, pattern=views.WITHDRAW))
    app.add_handler(CallbackQueryHandler(withdraw, pattern=views.WITHDRAW_CONFIRMED))
    app.add_handler(CallbackQueryHandler(confirm_withdrawal, pattern=views.WITHDRAWAL_APPROVED))
    # Last: anything with our prefixes that no live handler took.
    app.add_handler(CallbackQueryHandler(stale_form_button, pattern=views.FORM_ANY))
    app.add_handler(CallbackQueryHandler(unknown_request_button, pattern=views.REQ_ANY))
