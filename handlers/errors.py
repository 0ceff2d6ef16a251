"""The one error handler: log with traceback, apologise to the user, tell the admin chat.

Reports to the admin chat are rate-limited so a failing dependency does not flood it: at most
one per interval, and the next report says how many errors were held back in between. The
interval runs on the office clock, which tests can move.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import traceback
from pathlib import Path

from telegram import Update

from bot.context import SERVICES_KEY, AppServices, BotContext
from handlers.envs import OfficeEnv
from handlers.texts import common as texts
from handlers.texts import health as health_texts

log = logging.getLogger(__name__)

ADMIN_REPORT_INTERVAL = dt.timedelta(minutes=5)
_LAST_REPORT_KEY = "errors.last_admin_report"
_HELD_BACK_KEY = "errors.held_back"


async def on_error(update: object, context: BotContext) -> None:
    log.error("update.failed error=%s", type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_html(texts.UNEXPECTED_ERROR)
        except Exception:
            log.warning("update.apology_failed", exc_info=True)
    await report_to_admin(context, repr(context.error),
                          _describe(update) if isinstance(update, Update) else "-",
                          _origin(context.error))


def _describe(update: Update) -> str:
    kind = ("callback" if update.callback_query else "message" if update.message else "other")
    return f"{kind} #{update.update_id}"


def _origin(error: BaseException | None) -> str | None:
    """Where the error was raised (file:line in function), without locals or arguments."""
    if error is None or error.__traceback__ is None:
        return None
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"


async def report_to_admin(context: BotContext, error: str, where: str,
                          origin: str | None = None) -> None:
    services: AppServices | None = context.application.bot_data.get(SERVICES_KEY)
    admin_chat = services.env(OfficeEnv).admin_chat_id if services else None
    if services is None or admin_chat is None:
        return
    data = context.application.bot_data
    now = services.clock.now()
    last: dt.datetime | None = data.get(_LAST_REPORT_KEY)
    if last is not None and now - last < ADMIN_REPORT_INTERVAL:
        data[_HELD_BACK_KEY] = data.get(_HELD_BACK_KEY, 0) + 1
        log.info("admin.report_held_back held_back=%d", data[_HELD_BACK_KEY])
        return
    held_back = data.pop(_HELD_BACK_KEY, 0)
    data[_LAST_REPORT_KEY] = now
    text = texts.ADMIN_ERROR_REPORT.format(error=html.escape(error[:500]),
                                           update=html.escape(where))
    if origin:
        text += health_texts.ERROR_LOCATION.format(where=html.escape(origin))
    if held_back:
        text += health_texts.ERRORS_SUPPRESSED.format(count=held_back)
    try:
        await context.bot.send_message(admin_chat, text, parse_mode="HTML")
    except Exception:
        log.warning("admin.report_failed", exc_info=True)
