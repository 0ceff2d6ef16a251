"""The recap's daily jobs: the automatic draft of last month and the Kepala's absence report.

Both are PTB JobQueue jobs at the configured local times, every day; the office calendar
decides whether anything happens. Both only write: their messages are outbox rows, delivered
by the one sender. Both are safe to run twice: a month has one recap (the draft is skipped
when it exists) and each day's report has one row per recipient (its dedupe key). So at
start-up a job whose time has already passed today simply runs once.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from bot.context import SERVICES_KEY, AppServices, BotApp, BotContext
from bot.jobs import remove_jobs
from services import recap
from services.recap import Outcome, RecapEnv

log = logging.getLogger(__name__)

AUTO_BUILD_JOB = "recap.auto_build"
DAILY_REPORT_JOB = "recap.daily_report"
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": 600}


async def run_auto_build(app: BotApp) -> Outcome | None:
    """Draft last month's recap when today is the day; the draft's messages are outbox rows
    written with it."""
    services: AppServices = app.bot_data[SERVICES_KEY]
    outcome = await recap.auto_build(services.db, services.env(RecapEnv), services.clock)
    if outcome is not None:
        log.info("recap.auto_built id=%s period=%s", outcome.recap.id, outcome.recap.period)
    return outcome


async def run_daily_report(app: BotApp) -> int:
    """Write today's absence report for each Kepala to the outbox once; returns how many were
    written now."""
    services: AppServices = app.bot_data[SERVICES_KEY]
    return await recap.queue_daily_report(services.db, services.env(RecapEnv),
                                          services.clock) or 0


async def auto_build_job(context: BotContext) -> None:
    """Draft last month's recap on the configured working day."""
    await run_auto_build(context.application)


async def daily_report_job(context: BotContext) -> None:
    """Tell the Kepala who is not at work today and why."""
    await run_daily_report(context.application)


def _due_today(at: dt.time, now: dt.datetime) -> bool:
    return now.time() >= at


async def start(app: BotApp) -> None:
    services: AppServices = app.bot_data[SERVICES_KEY]
    settings = services.settings.recap
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    zone = services.clock.tz
    now = services.clock.now()
    jobs = ((settings.auto_build_enabled, AUTO_BUILD_JOB, auto_build_job,
             settings.auto_build_time),
            (settings.daily_report_enabled, DAILY_REPORT_JOB, daily_report_job,
             settings.daily_report_time))
    for enabled, name, callback, at in jobs:
        if not enabled:
            continue
        queue.run_daily(callback, at.replace(tzinfo=zone), name=name, job_kwargs=JOB_KWARGS)
        if _due_today(at, now):
            # Missed while the bot was down; running again is harmless (see module doc).
            queue.run_once(callback, 0, name=f"{name}.catch_up", job_kwargs=JOB_KWARGS)


async def stop(app: BotApp) -> None:
    jobs = (AUTO_BUILD_JOB, DAILY_REPORT_JOB)
    remove_jobs(app, *jobs, *(f"{name}.catch_up" for name in jobs))
