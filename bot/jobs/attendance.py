"""The daily attendance jobs: morning (after a fresh machine sync) and afternoon notices.

A run plans the notices and writes them to the outbox with the record that it ran, in one
transaction (services.alerts.queue_run); the one sender delivers them (handlers/sender.py,
rendered by handlers/attendance_notices.py). No job here talks to Telegram.

Both are PTB JobQueue jobs at the configured local times in the office's zone, every day of
the week (the office calendar, not the job schedule, decides whether a day is worked: a
Saturday can be declared a working day). A job that finished for a day is recorded in job_runs;
at start-up a job whose time has passed today and that is still relevant runs once.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.context import SERVICES_KEY, AppServices, BotApp, BotContext
from bot.jobs import remove_jobs
from device.sync import sync_all
from services import alerts
from services.alerts import Queued

log = logging.getLogger(__name__)

# APScheduler's default grace is one second; a busy loop or a slow start-up must not make a
# day's alerts silently skipped.
JOB_KWARGS: dict[str, Any] = {"misfire_grace_time": 600}


async def _sync_machines(services: AppServices) -> tuple[str, ...]:
    """Pull the machines first so the morning list reflects the scans made until now; return
    the names of the machines that could not be read."""
    devices = services.settings.devices
    try:
        # A machine failing here is reported as the scheduled pull would: this pull opens
        # the problem, so the scheduled one would not report it again.
        reports = await sync_all(services.db, devices, services.clock,
                                 admin_chat_id=services.settings.telegram.admin_chat_id)
    except Exception:
        log.warning("attendance.sync_failed", exc_info=True)
        return tuple(m.name for m in devices.machines)
    failed = tuple(r.machine for r in reports if not r.ok)
    log.info("attendance.synced machines=%d failed=%d", len(reports), len(failed))
    return failed


async def run_morning(app: BotApp) -> Queued | None:
    services: AppServices = app.bot_data[SERVICES_KEY]
    policy, calendar = services.settings.attendance, services.calendar
    today = services.clock.now().date()
    if not calendar.is_working_day(today) or await alerts.job_finished(
            services.db, alerts.MORNING_JOB, today):
        return None
    unsynced = await _sync_machines(services) if policy.alerts.sync_before_morning else ()
    now = services.clock.now()
    notices = await alerts.plan_morning(services.db, policy, calendar, now, unsynced=unsynced)
    notices += await alerts.plan_ladder(services.db, policy, calendar, now)
    queued = await alerts.queue_run(services.db, policy, alerts.MORNING_JOB, today, notices,
                                    now)
    log.info("attendance.morning day=%s %s", today, _describe(queued))
    return queued


async def run_afternoon(app: BotApp) -> Queued | None:
    services: AppServices = app.bot_data[SERVICES_KEY]
    policy, calendar = services.settings.attendance, services.calendar
    now = services.clock.now()
    if not calendar.is_working_day(now.date()) or await alerts.job_finished(
            services.db, alerts.AFTERNOON_JOB, now.date()):
        return None
    notices = await alerts.plan_afternoon(services.db, policy, calendar, now)
    queued = await alerts.queue_run(services.db, policy, alerts.AFTERNOON_JOB, now.date(),
                                    notices, now)
    log.info("attendance.afternoon day=%s %s", now.date(), _describe(queued))
    return queued


def _describe(queued: Queued) -> str:
    return (f"planned={queued.planned} queued={queued.queued} messages={queued.messages} "
            f"already={queued.already}")


async def morning_job(context: BotContext) -> None:
    """Morning notices: not yet in, the atasan's summary, PP 94/2021 steps."""
    services: AppServices = context.application.bot_data[SERVICES_KEY]
    policy = services.settings.attendance
    # Two daily triggers exist (the usual time and the Ramadan time); each day only the one
    # matching that day's schedule runs. A catch-up run (no data) always goes ahead.
    if context.job is not None and context.job.data is not None and (
            context.job.data != policy.morning_alert_at(services.clock.now().date())):
        return
    await run_morning(context.application)


async def afternoon_job(context: BotContext) -> None:
    """Afternoon notices: left before time, not yet clocked out."""
    await run_afternoon(context.application)


JOBS = {alerts.MORNING_JOB: morning_job, alerts.AFTERNOON_JOB: afternoon_job}


async def start(app: BotApp) -> None:
    services: AppServices = app.bot_data[SERVICES_KEY]
    policy = services.settings.attendance
    if not policy.alerts.enabled:
        return
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    zone = services.clock.tz
    # run_daily's default is every day (PTB counts days from 0 = Sunday).
    for moment in {policy.alerts.morning, policy.alerts.ramadan_morning}:
        queue.run_daily(morning_job, moment.replace(tzinfo=zone), data=moment,
                        name=alerts.MORNING_JOB, job_kwargs=JOB_KWARGS)
    queue.run_daily(afternoon_job, policy.alerts.afternoon.replace(tzinfo=zone),
                    name=alerts.AFTERNOON_JOB, job_kwargs=JOB_KWARGS)
    now = services.clock.now()
    for name in alerts.catch_up_due(policy, services.calendar, now):
        if not await alerts.job_finished(services.db, name, now.date()):
            log.info("attendance.catch_up job=%s day=%s", name, now.date())
            queue.run_once(JOBS[name], 0, name=f"{name}.catch_up", job_kwargs=JOB_KWARGS)


async def stop(app: BotApp) -> None:
    remove_jobs(app, *JOBS, *(f"{name}.catch_up" for name in JOBS))
