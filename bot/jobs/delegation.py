"""Delegations start and end on their dates: every few minutes the job starts what began today
and ends what is over, moving the waiting steps and telling both people; it also moves the
steps of an approver on cuti without a Plh to their atasan once they have waited long enough.
Everyone concerned is told through the outbox, in the same transactions."""

from __future__ import annotations

import logging

from bot.context import SERVICES_KEY, AppServices, BotApp, BotContext
from bot.jobs import remove_jobs
from services import absent_approvers, delegation

log = logging.getLogger(__name__)

JOB_NAME = "delegation.tick"
INTERVAL_SECONDS = 600


async def tick(context: BotContext) -> None:
    """JobQueue callback."""
    await run_tick(context.application)


async def run_tick(app: BotApp) -> int:
    """Start and end what is due, move what waited too long; returns the number of moves.
    The messages are outbox rows of the moves' transactions (services.move_notices)."""
    services: AppServices = app.bot_data[SERVICES_KEY]
    now = services.clock.now()
    moves = await delegation.apply_due(services.db, now)
    moves += await absent_approvers.apply(services.db, services.calendar,
                                          services.settings.approvals.absence, now)
    if moves:
        log.info("delegation.tick moved=%d", len(moves))
    return len(moves)


async def start(app: BotApp) -> None:
    queue = app.job_queue
    assert queue is not None, "python-telegram-bot[job-queue] is required"
    queue.run_repeating(tick, interval=INTERVAL_SECONDS, first=5, name=JOB_NAME)


async def stop(app: BotApp) -> None:
    remove_jobs(app, JOB_NAME)
