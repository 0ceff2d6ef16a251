"""/pantau: the open files and the waiting izin/cuti, each with its step and the working time
spent against the standard, and the monthly SLA compliance PDF per SOP (an outbox row,
drawn by its renderer here when it is sent)."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import AppServices, BotApp, BotContext
from handlers import bounded
from handlers.envs import OfficeEnv
from handlers.html import fill
from handlers.sender import DOCUMENT, Outgoing, renderer
from handlers.texts import common as common_texts
from handlers.texts import layanan as texts
from reports.sla_report import render_sla_report
from services.indonesian_dates import month_year
from services.workflows.files import WorkflowEnv
from services.workflows.monitor import (
    SLA_REPORT,
    OpenFile,
    WaitingRequest,
    monthly_compliance,
    request_report,
    watch,
    watch_requests,
)
from services.workflows.sla import ESCALATED, LATE

REPORT = r"^wf:sla:(\d{4})(\d{2})$"
_MARKS = {LATE: "⏰", ESCALATED: "🔴"}


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _short(minutes: float) -> str:
    total = round(minutes)
    hours, rest = divmod(total, 60)
    return f"{hours}j{rest:02d}m" if hours else f"{rest}m"


def table(items: list[OpenFile]) -> str:
    """A monospaced table: Telegram shows <pre> in a fixed-width font."""
    lines = [texts.PANTAU_TABLE_HEAD]
    for item in items:
        step = item.file.step
        assert step is not None and item.file.step_index is not None
        actors = ", ".join(a.nama.split(",")[0] for a in item.actors) or texts.PANTAU_NO_ACTOR
        timing = f"{_short(item.elapsed_minutes)}/{_short(item.standard_minutes)}"
        lines.append(
            f"{'#' + str(item.file.id):<4} {_fit(item.file.workflow.name, 20):<20} "
            f"{_fit(f'{item.file.step_index + 1}. {step.title}', 18):<18} "
            f"{_fit(actors, 15):<15} {timing} {_MARKS.get(item.level, '✅')}")
    return "<pre>" + html.escape("\n".join(lines)) + "</pre>"


def request_table(items: list[WaitingRequest]) -> str:
    lines = [texts.PANTAU_REQUESTS_HEAD]
    for item in items:
        step = item.request.current
        assert step is not None
        actors = ", ".join(a.nama.split(",")[0] for a in item.actors) or texts.PANTAU_NO_ACTOR
        timing = f"{_short(item.elapsed_minutes)}/{_short(item.standard_minutes)}"
        lines.append(
            f"{'#' + str(item.request.id):<4} {_fit(item.request.kind.label, 20):<20} "
            f"{_fit(f'{step.position + 1}. {step.title}', 18):<18} "
            f"{_fit(actors, 15):<15} {timing} {_MARKS.get(item.level, '✅')}")
    return "<pre>" + html.escape("\n".join(lines)) + "</pre>"


def _months(today: dt.date) -> list[tuple[int, int]]:
    previous = today.replace(day=1) - dt.timedelta(days=1)
    return [(today.year, today.month), (previous.year, previous.month)]


async def pantau(update: Update, context: BotContext) -> None:
    """The table of open files for the office's administrators."""
    employee = context.require_employee()
    message = update.effective_message
    assert message is not None
    if not employee.is_admin:
        await message.reply_html(texts.ONLY_ADMINS)
        return
    now = context.clock.now()
    items = await watch(context.db, context.env(WorkflowEnv), now)
    header = texts.PANTAU_HEADER.format(count=len(items), time=f"{now:%d/%m/%Y %H:%M}")
    body = table(items) + "\n" + texts.PANTAU_LEGEND if items else texts.PANTAU_EMPTY
    waiting = await watch_requests(context.db, context.env(WorkflowEnv), now)
    if waiting:
        body += ("\n\n" + texts.PANTAU_REQUESTS_HEADER.format(count=len(waiting)) + "\n"
                 + request_table(waiting) + "\n" + texts.PANTAU_LEGEND)
    buttons = [[InlineKeyboardButton(texts.BTN_REPORT.format(month=month_year(y, m)),
                                     callback_data=f"wf:sla:{y:04d}{m:02d}")]
               for y, m in _months(now.date())]
    await message.reply_html(f"{header}\n\n{body}", reply_markup=InlineKeyboardMarkup(buttons))


async def report(update: Update, context: BotContext) -> None:
    """The monthly SLA compliance PDF."""
    query = update.callback_query
    employee = context.require_employee()
    assert query is not None and context.matches
    if not employee.is_admin:
        await query.answer(texts.ONLY_ADMINS, show_alert=True)
        return
    period = bounded.year_month(int(context.matches[0][1]), int(context.matches[0][2]))
    if period is None:
        await query.answer(common_texts.STALE_BUTTON, show_alert=True)
        return
    year, month = period
    await query.answer()
    assert update.effective_chat is not None
    # The PDF is drawn and sent by the outbox: a lost upload is sent again.
    await request_report(context.db, year, month, to=employee, chat_id=update.effective_chat.id,
                         now=context.clock.now())


@renderer(SLA_REPORT)
async def sla_report(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    year, month = int(payload["year"]), int(payload["month"])
    rows = await monthly_compliance(services.db, services.env(WorkflowEnv), year, month)
    pdf = await asyncio.to_thread(render_sla_report, services.env(OfficeEnv).office, year, month,
                                  rows, services.clock.now())
    return Outgoing(fill(texts.REPORT_CAPTION, month=month_year(year, month)), method=DOCUMENT,
                    file=pdf, filename=f"sla-layanan-{year:04d}-{month:02d}.pdf")


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("pantau", pantau))
    app.add_handler(CallbackQueryHandler(report, pattern=REPORT))
