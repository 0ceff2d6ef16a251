"""Fingerprint machines while the bot runs: the pull every N minutes (PTB JobQueue) and the
ADMS receiver (aiohttp, its own port). Problems go to the admin chat once, recoveries too:
device/ writes them to the outbox with the problem, handlers/device_notices renders them."""

from __future__ import annotations

import datetime as dt
import logging

from bot.context import SERVICES_KEY, AppServices, BotApp, BotContext
from bot.jobs import remove_jobs
from device.adms import AdmsReceiver, AdmsServer
from device.sync import enable_locked_machines, sync_all

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
        receiver = AdmsReceiver(services.db, devices.adms, services.clock,
                                services.settings.telegram.admin_chat_id)
        server = AdmsServer(receiver, devices.adms.host, devices.adms.port)
        await server.start()
        app.bot_data[ADMS_KEY] = server


async def stop(app: BotApp) -> None:
    remove_jobs(app, JOB_NAME, UNLOCK_JOB_NAME)
    server: AdmsServer | None = app.bot_data.pop(ADMS_KEY, None)
    if server is not None:
        await server.stop()


async def pull_job(context: BotContext) -> None:
    """One pull of every machine; new problems and recoveries go to the admin chat."""
    settings = context.services.settings
    await sync_all(context.db, settings.devices, context.clock,
                   admin_chat_id=settings.telegram.admin_chat_id)


async def unlock_job(context: BotContext) -> None:
    """Enable machines an interrupted read left disabled, and say so in the admin chat."""
    settings = context.services.settings
    await enable_locked_machines(context.db, settings.devices, context.clock,
                                 admin_chat_id=settings.telegram.admin_chat_id)
