"""The SLA watch: every few minutes, remind actors whose step (of an SOP file, or of an izin or
cuti against izin.yaml / cuti.yaml) is past its time standard and, past twice the standard,
tell their own atasan. Each happens once per step visit (marked in
workflow_files before sending)."""

from __future__ import annotations

import logging
from html import escape

from telegram import InlineKeyboardMarkup

from bot.context import SERVICES_KEY, AppServices, BotApp, BotContext
from handlers import layanan
from handlers.html import fill
from handlers.texts import layanan as texts
from handlers.texts import requests as request_texts
from services.workflows.monitor import (
    REMINDER,
    RequestSlaNotice,
    SlaNotice,
    due_notices,
    due_request_notices,
)

log = logging.getLogger(__name__)

JOB_NAME = "workflow.sla"


def render(notice: SlaNotice) -> str:
    item = notice.item
    step = item.file.step
    assert step is not None
    values = {"id": item.file.id, "name": item.file.workflow.name, "title": step.title,
              "elapsed": texts.minutes(item.elapsed_minutes),
              "standard": step.time_standard.describe()}
    if notice.kind == REMINDER:
        return fill(texts.REMINDER, **values)
    return fill(texts.ESCALATION, nama=notice.about.nama, jabatan=notice.about.jabatan or "-",
                                   **values)


def render_request(notice: RequestSlaNotice) -> str:
    item = notice.item
    step = item.request.current
    assert step is not None
    values = {"id": item.request.id, "jenis": escape(item.request.kind.label),
              "nama": escape(item.request.applicant.nama), "tahap": escape(step.title),
              "elapsed": texts.minutes(item.elapsed_minutes), "standard": item.standard}
    if notice.kind == REMINDER:
        return request_texts.SLA_REMINDER.format(**values)
    return request_texts.SLA_ESCALATION.format(
        pejabat=escape(notice.about.nama), jabatan=escape(notice.about.jabatan or "-"),
        **values)


async def check_time_standards(context: BotContext) -> None:
    """JobQueue callback; tests call it directly with a fixed clock."""
    services: AppServices = context.application.bot_data[SERVICES_KEY]
    env = layanan.env_of(services)
    for request_notice in await due_request_notices(services.db, env, services.clock.now()):
        log.info("request.sla kind=%s request=%s to=%s", request_notice.kind,
                 request_notice.item.request.id, request_notice.to.nip)
        await layanan.send_to(context, request_notice.to, render_request(request_notice))
    notices = await due_notices(services.db, env, services.clock.now())
    for notice in notices:
        log.info("workflow.sla kind=%s file=%s to=%s", notice.kind, notice.item.file.id,
                 notice.to.nip)
        markup = (InlineKeyboardMarkup([[layanan.show_button(notice.item.file.id)]])
                  if notice.kind == REMINDER else None)
        await layanan.send_to(context, notice.to, render(notice), markup)


async def start(app: BotApp) -> None:
    services: AppServices = app.bot_data[SERVICES_KEY]
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    interval = services.settings.workflows.check_interval_seconds
    queue.run_repeating(check_time_standards, interval=interval, first=interval,
                        name=JOB_NAME)


async def stop(app: BotApp) -> None:
    queue = app.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(JOB_NAME):
        job.schedule_removal()
