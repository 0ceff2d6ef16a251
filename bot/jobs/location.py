"""Presensi lokasi checks that no Telegram update will finish: every few seconds, a check
whose time is up while its live location still runs is completed (a phone lying still may
send no update), and a required selfie that did not come within its minute is refused. The
service writes each employee's message to the outbox with the decision; handlers/location
renders it."""

from __future__ import annotations

import logging

from bot.context import SERVICES_KEY, AppServices, BotApp, BotContext
from bot.jobs import remove_jobs
from services import location

log = logging.getLogger(__name__)

JOB = "location.sweep"
INTERVAL_SECONDS = 10


async def run_sweep(app: BotApp) -> int:
    """Finish what is due; each employee's message goes out through the outbox."""
    services: AppServices = app.bot_data[SERVICES_KEY]
    results = await location.sweep(services.db, services.settings.location, services.clock.tz,
                                   services.clock.now())
    if results:
        log.info("location.sweep finished=%d", len(results))
    return len(results)


async def sweep_job(context: BotContext) -> None:
    await run_sweep(context.application)


async def start(app: BotApp) -> None:
    services: AppServices = app.bot_data[SERVICES_KEY]
    if not services.settings.location.enabled:
        return
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    queue.run_repeating(sweep_job, INTERVAL_SECONDS, first=INTERVAL_SECONDS, name=JOB)


async def stop(app: BotApp) -> None:
    remove_jobs(app, JOB)
