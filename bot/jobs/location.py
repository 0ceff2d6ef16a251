"""Presensi lokasi checks that no Telegram update will finish: every few seconds, a check
whose time is up while its live location still runs is completed (a phone lying still may
send no update), and a required selfie that did not come within its minute is refused."""

from __future__ import annotations

import logging

from telegram.constants import ParseMode

from bot.context import SERVICES_KEY, AppServices, BotApp, BotContext
from handlers.location import render_result
from services import location

log = logging.getLogger(__name__)

JOB = "location.sweep"
INTERVAL_SECONDS = 10


async def run_sweep(app: BotApp) -> int:
    services: AppServices = app.bot_data[SERVICES_KEY]
    policy = services.settings.location
    results = await location.sweep(services.db, policy, services.clock.tz, services.clock.now())
    for result in results:
        text = render_result(result, policy)
        if text is None or result.chat_id is None:
            continue
        try:
            await app.bot.send_message(result.chat_id, text, parse_mode=ParseMode.HTML,
                                       reply_to_message_id=result.reply_to,
                                       allow_sending_without_reply=True)
        except Exception:
            # The decision is stored; only telling the employee failed.
            log.warning("location.sweep_send_failed chat=%s", result.chat_id, exc_info=True)
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
    queue = app.job_queue
    if queue is None:
        return
    for job in queue.get_jobs_by_name(JOB):
        job.schedule_removal()
