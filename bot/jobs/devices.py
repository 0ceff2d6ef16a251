"""Fingerprint machines while the bot runs: the pull every N minutes (PTB JobQueue) and the
ADMS receiver (aiohttp, its own port). Problems go to the admin chat once, recoveries too."""

from __future__ import annotations

import datetime as dt
import html
import logging

from bot.context import SERVICES_KEY, AppServices, BotApp, BotContext
from device import adms
from device.adms import AdmsNotice, AdmsReceiver, AdmsServer
from device.sync import (
    DRIFT,
    DRIFT_FIXED,
    FAILING,
    LEFT_DISABLED,
    RECOVERED,
    REENABLED,
    Notice,
    enable_locked_machines,
    sync_all,
)
from handlers.texts import devices as texts

log = logging.getLogger(__name__)

JOB_NAME = "device-sync"
UNLOCK_JOB_NAME = "device-unlock"
# A machine left disabled locks everyone out, so it is tried far more often than the pull.
UNLOCK_INTERVAL = dt.timedelta(seconds=30)
ADMS_KEY = "devices.adms_server"
# The first pull waits a little so start-up (webhook, commands) is not slowed by the machines.
FIRST_PULL_DELAY = dt.timedelta(seconds=20)


async def start(app: BotApp) -> None:
    services: AppServices = app.bot_data[SERVICES_KEY]
    devices = services.settings.devices
    if devices.machines:
        if app.job_queue is None:
            log.warning("devices.no_job_queue machines=%d (install python-telegram-bot"
                        "[job-queue] for scheduled pulls)", len(devices.machines))
        else:
            app.job_queue.run_repeating(
                pull_job, interval=dt.timedelta(minutes=devices.sync.interval_minutes),
                first=FIRST_PULL_DELAY, name=JOB_NAME)
            app.job_queue.run_repeating(unlock_job, interval=UNLOCK_INTERVAL,
                                        first=UNLOCK_INTERVAL, name=UNLOCK_JOB_NAME)
            log.info("devices.pull_scheduled machines=%d every_minutes=%d",
                     len(devices.machines), devices.sync.interval_minutes)
    if devices.adms.enabled:
        async def report(notice: AdmsNotice) -> None:
            await _tell_admin(app, adms_notice_text(notice))

        receiver = AdmsReceiver(services.db, devices.adms, services.clock, report)
        server = AdmsServer(receiver, devices.adms.host, devices.adms.port)
        await server.start()
        app.bot_data[ADMS_KEY] = server


async def stop(app: BotApp) -> None:
    if app.job_queue is not None:
        for name in (JOB_NAME, UNLOCK_JOB_NAME):
            for job in app.job_queue.get_jobs_by_name(name):
                job.schedule_removal()
    server: AdmsServer | None = app.bot_data.pop(ADMS_KEY, None)
    if server is not None:
        await server.stop()


async def pull_job(context: BotContext) -> None:
    """One pull of every machine; notices of new problems and recoveries to the admin chat."""
    devices = context.services.settings.devices
    reports = await sync_all(context.db, devices, context.clock)
    for report in reports:
        for notice in report.notices:
            await _tell_admin(context.application,
                              notice_text(notice, devices.sync.interval_minutes))


async def unlock_job(context: BotContext) -> None:
    """Enable machines an interrupted read left disabled, and say so in the admin chat."""
    devices = context.services.settings.devices
    for notice in await enable_locked_machines(context.db, devices, context.clock):
        await _tell_admin(context.application,
                          notice_text(notice, devices.sync.interval_minutes))


def notice_text(notice: Notice, interval_minutes: int) -> str:
    machine = html.escape(notice.machine)
    if notice.kind == FAILING:
        reason = texts.FAILURE_REASONS.get(notice.detail, notice.detail)
        return texts.MACHINE_FAILING.format(machine=machine, reason=reason,
                                            minutes=interval_minutes)
    if notice.kind == RECOVERED:
        return texts.MACHINE_RECOVERED.format(machine=machine)
    if notice.kind == DRIFT:
        drift = notice.drift_seconds or 0.0
        return texts.CLOCK_DRIFT.format(machine=machine,
                                        direction=texts.AHEAD if drift > 0 else texts.BEHIND,
                                        amount=texts.duration(drift))
    if notice.kind == DRIFT_FIXED:
        return texts.CLOCK_FIXED.format(machine=machine)
    if notice.kind == LEFT_DISABLED:
        return texts.MACHINE_LEFT_DISABLED.format(machine=machine)
    if notice.kind == REENABLED:
        return texts.MACHINE_REENABLED.format(machine=machine)
    raise ValueError(f"unknown notice kind {notice.kind!r}")


def adms_notice_text(notice: AdmsNotice) -> str:
    machine = html.escape(notice.machine)
    if notice.kind == adms.UNKNOWN_SERIAL:
        serial, _, remote = notice.detail.partition(" ")
        return texts.UNKNOWN_SERIALS.format(count=notice.count, serial=html.escape(serial),
                                            remote=html.escape(remote))
    if notice.kind == adms.FORBIDDEN_SOURCE:
        return texts.FORBIDDEN_SOURCE.format(machine=machine, remote=html.escape(notice.detail),
                                             count=notice.count)
    if notice.kind == adms.TOO_LARGE:
        size, _, limit = notice.detail.partition(" ")
        mb = 1024 * 1024
        return texts.TOO_LARGE.format(machine=machine, size=f"{int(size) / mb:.1f}",
                                      limit=int(limit) // mb)
    if notice.kind == adms.LINES_REFUSED:
        lines = ", ".join(f"{r.line} ({texts.LINE_REASONS.get(r.reason, r.reason)})"
                          for r in notice.refusals)
        return texts.LINES_REFUSED.format(machine=machine, refused=notice.detail, lines=lines)
    if notice.kind == adms.CLOCK_AHEAD:
        return texts.ADMS_CLOCK_AHEAD.format(machine=machine,
                                             amount=texts.duration(notice.drift_seconds or 0))
    raise ValueError(f"unknown ADMS notice kind {notice.kind!r}")


async def _tell_admin(app: BotApp, text: str) -> None:
    services: AppServices | None = app.bot_data.get(SERVICES_KEY)
    chat = services.settings.telegram.admin_chat_id if services else None
    if chat is None:
        log.warning("devices.no_admin_chat text=%r", text[:80])
        return
    try:
        await app.bot.send_message(chat, text, parse_mode="HTML")
    except Exception:
        log.warning("devices.admin_report_failed", exc_info=True)
