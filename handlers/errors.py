"""The one error handler: log with traceback, apologise to the user, tell the admin chat.

Reports to the admin chat go through the outbox and are rate-limited so a failing dependency
does not flood it: at most one per interval, and the next report says how many errors were
held back in between (services.error_reports). The interval runs on the office clock, which
tests can move.

Reporting must never make things worse: nothing here raises. If the outbox itself cannot take
the report (the database may be what is failing), one direct message per interval says so;
the sender's own failures never come back here (it reports undeliverable rows itself), so a
report can never cause another.
"""

from __future__ import annotations

import datetime as dt
import logging
import traceback
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.constants import ParseMode

from bot.context import SERVICES_KEY, AppServices, BotContext
from handlers.envs import OfficeEnv
from handlers.html import Html, fill
from handlers.sender import Outgoing, renderer
from handlers.texts import common as texts
from handlers.texts import health as health_texts
from services import error_reports
from services.error_reports import ErrorReport

log = logging.getLogger(__name__)

ADMIN_REPORT_INTERVAL = dt.timedelta(minutes=5)
# When the outbox refused the report: the last direct message, so those stay rate-limited too.
_LAST_DIRECT_KEY = "errors.last_direct_report"


async def on_error(update: object, context: BotContext) -> None:
    log.error("update.failed error=%s", type(context.error).__name__, exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await update.effective_message.reply_html(texts.UNEXPECTED_ERROR)
        except Exception:
            log.warning("update.apology_failed", exc_info=True)
    await report_to_admin(context, ErrorReport(
        repr(context.error), _describe(update) if isinstance(update, Update) else "-",
        _origin(context.error)))


def _describe(update: Update) -> str:
    kind = ("callback" if update.callback_query else "message" if update.message else "other")
    return f"{kind} #{update.update_id}"


def _origin(error: BaseException | None) -> str | None:
    """Where the error was raised (file:line in function), without locals or arguments."""
    if error is None or error.__traceback__ is None:
        return None
    frame = traceback.extract_tb(error.__traceback__)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} in {frame.name}"


async def report_to_admin(context: BotContext, found: ErrorReport) -> None:
    services: AppServices | None = context.application.bot_data.get(SERVICES_KEY)
    admin_chat = services.env(OfficeEnv).admin_chat_id if services else None
    if services is None or admin_chat is None:
        return
    now = services.clock.now()
    try:
        written = await error_reports.report(services.db, found, admin_chat_id=admin_chat,
                                             now=now, interval=ADMIN_REPORT_INTERVAL)
    except Exception:
        log.warning("admin.report_not_queued", exc_info=True)
        await _report_directly(context, admin_chat, found, now)
        return
    if not written:
        log.info("admin.report_held_back")


async def _report_directly(context: BotContext, admin_chat: int, found: ErrorReport,
                           now: dt.datetime) -> None:
    data = context.application.bot_data
    last: dt.datetime | None = data.get(_LAST_DIRECT_KEY)
    if last is not None and now - last < ADMIN_REPORT_INTERVAL:
        return
    data[_LAST_DIRECT_KEY] = now
    try:
        await context.bot.send_message(admin_chat, render(error_reports.payload(found, 0)),
                                       parse_mode=ParseMode.HTML)
    except Exception:
        log.warning("admin.report_failed", exc_info=True)


def render(payload: dict[str, Any]) -> Html:
    text = fill(texts.ADMIN_ERROR_REPORT, error=payload["error"], update=payload["where"])
    if payload.get("origin"):
        text = Html(text + fill(health_texts.ERROR_LOCATION, where=payload["origin"]))
    if payload.get("held_back"):
        text = Html(text + fill(health_texts.ERRORS_SUPPRESSED, count=payload["held_back"]))
    return text


@renderer(error_reports.KIND)
async def admin_error(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    return Outgoing(render(payload))
