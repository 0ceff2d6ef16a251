"""/kesehatan: the operator's view of the system (machines, queues, storage)."""

from __future__ import annotations

import datetime as dt
import html
import logging
from collections.abc import Callable

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from handlers.texts import health as texts
from services.employees import ADMIN_ROLES
from services.health import HealthReport, health_report

log = logging.getLogger(__name__)


def _size(count: int) -> str:
    for unit, factor in (("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if count >= factor:
            return f"{count / factor:.1f} {unit}".replace(".", ",")
    return f"{count} B"


def _formatters(as_html: bool) -> tuple[Callable[[object], str],
                                         Callable[[dt.datetime | None], str]]:
    def fmt(value: object) -> str:
        return html.escape(str(value)) if as_html else str(value)

    def when(value: dt.datetime | None) -> str:
        return value.strftime("%d-%m-%Y %H:%M") if value is not None else texts.NEVER

    return fmt, when


def machine_lines(report: HealthReport, *, as_html: bool) -> list[str]:
    """Each machine: last sync, last punch, last error and clock drift (also /mesin)."""
    fmt, when = _formatters(as_html)
    lines: list[str] = []
    if report.machines:
        lines.append(texts.MACHINES)
        for machine in report.machines:
            lines.append(texts.MACHINE.format(
                name=fmt(machine.name), source=texts.SOURCES.get(machine.source, machine.source),
                serial=fmt(machine.serial or "-"), success=when(machine.last_success),
                received=when(machine.last_received), punches=f"{machine.punches:,}".replace(
                    ",", ".")))
            if machine.last_error:
                lines.append(texts.MACHINE_ERROR.format(error=fmt(machine.last_error),
                                                        times=machine.consecutive_failures))
            if machine.firmware or machine.push_version:
                lines.append(texts.MACHINE_FIRMWARE.format(
                    firmware=fmt(machine.firmware or "-"),
                    push=fmt(machine.push_version or "-"), contact=when(machine.last_contact)))
            if machine.left_disabled:
                lines.append(texts.MACHINE_LOCKED)
            if machine.clock_drift_seconds is not None and abs(machine.clock_drift_seconds) >= 1:
                lines.append(texts.MACHINE_DRIFT.format(seconds=round(machine.clock_drift_seconds)))
    else:
        lines.append(texts.NO_MACHINES)
    return lines


def render_report(report: HealthReport, *, as_html: bool) -> str:
    """The report as lines; HTML for Telegram, plain text for the console."""
    fmt, when = _formatters(as_html)

    title = texts.TITLE.format(at=report.at.strftime("%d-%m-%Y %H:%M %Z"))
    lines = [f"<b>{fmt(title)}</b>" if as_html else title, ""]
    lines.append(texts.SCHEMA.format(version=report.schema_version,
                                     count=len(report.migrations)))
    lines.append(texts.DATABASE.format(size=_size(report.database_bytes),
                                       wal=_size(report.wal_bytes)))
    lines.append(texts.EMPLOYEES.format(active=report.employees_active,
                                        linked=report.employees_linked))
    lines += machine_lines(report, as_html=as_html)
    lines.append(texts.PENDING_REQUESTS.format(
        count=texts.NOT_AVAILABLE if report.pending_requests is None else report.pending_requests))
    lines.append(texts.PENDING_ALERTS.format(
        count=texts.NOT_AVAILABLE if report.pending_alerts is None else report.pending_alerts))
    for problem in report.problems:
        lines.append(texts.PROBLEM.format(
            machine=fmt(problem.machine), kind=texts.PROBLEM_KINDS.get(problem.kind, problem.kind),
            detail=fmt(problem.detail or "-"), since=when(problem.since)))
    for job in report.jobs:
        lines.append(texts.JOB.format(job=fmt(job.job), day=job.day.strftime("%d-%m-%Y"),
                                      finished=when(job.finished_at)))
    return "\n".join(lines)


async def health(update: Update, context: BotContext) -> None:
    """Show the system's condition to the office's administrators."""
    assert update.effective_message is not None
    employee = context.require_employee()
    if employee.peran not in ADMIN_ROLES:
        log.info("health.refused nip=%s", employee.nip)
        await update.effective_message.reply_html(texts.NOT_ALLOWED)
        return
    report = await health_report(context.db, context.clock.now())
    await update.effective_message.reply_html(render_report(report, as_html=True))


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("kesehatan", health))
