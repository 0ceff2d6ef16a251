"""The one error handler: log with traceback, apologise to the user, tell the admin chat.

Reports to the admin chat are rate-limited so a failing dependency does not flood it.
"""

from __future__ import annotations

import html
import logging
import time

from telegram import Update

from bot.context import BotContext
from handlers.texts import common as texts

log = logging.getLogger(__name__)

ADMIN_REPORT_INTERVAL_SECONDS = 300.0
_LAST_REPORT_KEY = "errors.last_admin_report"


async def on_error(update: object, context: BotContext) -> None:
    log.error("update.failed error=%s", type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_html(texts.UNEXPECTED_ERROR)
        except Exception:
            log.warning("update.apology_failed", exc_info=True)
    await report_to_admin(context, repr(context.error),
                          _describe(update) if isinstance(update, Update) else "-")


def _describe(update: Update) -> str:
    kind = ("callback" if update.callback_query else "message" if update.message else "other")
    return f"{kind} #{update.update_id}"


async def report_to_admin(context: BotContext, error: str, where: str) -> None:
    services = context.application.bot_data.get("services")
    admin_chat = services.settings.telegram.admin_chat_id if services else None
    if admin_chat is None:
        return
    now = time.monotonic()
    last = context.application.bot_data.get(_LAST_REPORT_KEY)
    if last is not None and now - last < ADMIN_REPORT_INTERVAL_SECONDS:
        return
    context.application.bot_data[_LAST_REPORT_KEY] = now
    try:
        await context.bot.send_message(
            admin_chat, texts.ADMIN_ERROR_REPORT.format(error=html.escape(error[:500]),
                                                        update=html.escape(where)),
            parse_mode="HTML")
    except Exception:
        log.warning("admin.report_failed", exc_info=True)
