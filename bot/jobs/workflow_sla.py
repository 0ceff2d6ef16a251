"""The SLA watch: every few minutes, remind actors whose step (of an SOP file, or of an izin or
cuti against izin.yaml / cuti.yaml) is past its time standard and, past twice the standard,
tell their own atasan. Each happens once per step visit: the mark and the outbox row are
written in one transaction."""

from __future__ import annotations

import logging

from bot import outbox
from bot.context import SERVICES_KEY, AppServices, BotApp, BotContext
from bot.jobs import remove_jobs
from services.workflows.files import WorkflowEnv
from services.workflows.monitor import due_notices, due_request_notices

log = logging.getLogger(__name__)

JOB_NAME = "workflow.sla"


async def check_time_standards(context: BotContext) -> None:
    """JobQueue callback; tests call it directly with a fixed clock. The notices are written
    to the outbox with their marks; the sender delivers them (awaited here, so a direct call
    returns when they are out)."""
    services: AppServices = context.application.bot_data[SERVICES_KEY]
    env = services.env(WorkflowEnv)
    for request_notice in await due_request_notices(services.db, env, services.clock.now()):
        log.info("request.sla kind=%s request=%s to=%s", request_notice.kind,
                 request_notice.item.request.id, request_notice.to.nip)
    for notice in await due_notices(services.db, env, services.clock.now()):
        log.info("workflow.sla kind=%s file=%s to=%s", notice.kind, notice.item.file.id,
                 notice.to.nip)
    await outbox.flush(context.application)


async def start(app: BotApp) -> None:
    services: AppServices = app.bot_data[SERVICES_KEY]
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    interval = services.settings.workflows.check_interval_seconds
    queue.run_repeating(check_time_standards, interval=interval, first=interval,
                        name=JOB_NAME)


async def stop(app: BotApp) -> None:
    remove_jobs(app, JOB_NAME)
