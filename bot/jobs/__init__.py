"""Scheduled jobs (PTB JobQueue); each module is a lifecycle module listed in bot.app."""

from __future__ import annotations

from bot.context import BotApp


def remove_jobs(app: BotApp, *names: str) -> None:
    """A lifecycle module's `stop`: unschedule its jobs by name (none when PTB has no queue)."""
    queue = app.job_queue
    if queue is None:
        return
    for name in names:
        for job in queue.get_jobs_by_name(name):
            job.schedule_removal()
