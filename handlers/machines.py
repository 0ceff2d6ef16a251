"""/mesin: the operator sees each machine's last sync, clock drift and errors, and pulls the
machines now instead of waiting for the schedule (e.g. right after fixing a cable)."""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotApp, BotContext
from device.sync import SyncReport, sync_all
from handlers.envs import MachinesEnv
from handlers.health import machine_lines
from handlers.texts import devices as device_texts
from handlers.texts import operator as texts
from services import accounts, audit
from services.errors import DomainError
from services.health import health_report

log = logging.getLogger(__name__)

SYNC_NOW = r"^opr:sync$"


def _keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_SYNC_NOW,
                                                       callback_data="opr:sync")]])


async def machines(update: Update, context: BotContext) -> None:
    """/mesin: the machines as /kesehatan shows them, with "Sinkronkan sekarang"."""
    message = update.effective_message
    assert message is not None
    try:
        accounts.require_operator(context.require_employee())
    except DomainError as error:
        await message.reply_html(escape(error.message))
        return
    report = await health_report(context.db, context.clock.now())
    has_pull = bool(context.env(MachinesEnv).devices.machines)
    await message.reply_html("\n".join(machine_lines(report, as_html=True)),
                             reply_markup=_keyboard() if has_pull else None)


def _result_line(report: SyncReport) -> str:
    machine = escape(report.machine)
    if report.ok:
        return texts.SYNC_OK.format(mesin=machine, dibaca=report.seen, baru=report.new)
    reason = device_texts.FAILURE_REASONS.get(report.error_kind or "", report.error_kind or "-")
    return texts.SYNC_FAILED.format(mesin=machine, alasan=escape(reason))


async def sync_now(update: Update, context: BotContext) -> None:
    """Pull every pull-mode machine now; the tap is answered first, the pull may take a while."""
    query = update.callback_query
    assert query is not None and query.message is not None
    operator = context.require_employee()
    try:
        accounts.require_operator(operator)
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return
    await query.answer(texts.SYNC_STARTED)
    chat_id = query.message.chat.id
    # The scheduler keeps the problem bookkeeping (and so the admin chat's notices).
    reports = await sync_all(context.db, context.env(MachinesEnv).devices, context.clock,
                             track_problems=False)
    await audit.record_action(context.db, at=context.clock.now(),
                           actor=audit.Actor(operator.nip, query.from_user.id),
                           action="device.sync_manual", entity="device", entity_id="*",
                           detail={r.machine: {"ok": r.ok, "new": r.new} for r in reports})
    log.info("operator.sync nip=%s machines=%d", operator.nip, len(reports))
    lines = [_result_line(r) for r in reports] or [texts.SYNC_NONE]
    await context.bot.send_message(chat_id, texts.SYNC_DONE + "\n" + "\n".join(lines),
                                   parse_mode="HTML")


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("mesin", machines))
    app.add_handler(CallbackQueryHandler(sync_now, pattern=SYNC_NOW))
