"""Rows the device and requests features write, inserted directly for attendance tests."""

from __future__ import annotations

import datetime as dt

from services.storage import Database
from tests.support.harness import Harness
from tests.support.office import Person

OFFSET = "+07:00"


async def add_punches(db: Database, person: Person, *stamps: str, serial: str = "MESIN-1",
                      received: str = "2026-10-05T08:00:00+07:00") -> None:
    """Scans as a machine records them: "YYYY-MM-DD HH:MM:SS" local wall-clock time."""
    async with db.transaction() as conn:
        for stamp in stamps:
            moment = dt.datetime.fromisoformat(stamp)
            await conn.execute(
                "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date, "
                "status, punch, source, received_at) VALUES (?, ?, ?, ?, 1, 0, 'pull', ?)",
                (serial, person.device_user_id, moment.isoformat() + OFFSET,
                 moment.date().isoformat(), received))


async def add_absence(db: Database, person: Person, day: str, code: str, *,
                      part: str = "full") -> None:
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO absence_days (nip, day, part, code) VALUES (?, ?, ?, ?)",
                           (person.nip, day, part, code))


async def run_job(harness: Harness, name: str, data: object = None) -> None:
    """Run the callbacks of the scheduled jobs called `name` now, the way the JobQueue would
    when they fire (only those carrying `data`, when given), then let the outbox deliver what
    they wrote."""
    queue = harness.application.job_queue
    assert queue is not None
    jobs = [j for j in queue.get_jobs_by_name(name) if data is None or j.data == data]
    assert jobs, [j.name for j in queue.jobs()]
    for job in jobs:
        await job.run(harness.application)
    await harness.deliver()


def texts_to(harness: Harness, person: Person) -> list[str]:
    """The messages Telegram accepted for `person` (refused attempts left out)."""
    return [c.text for c in harness.api.sent_to(person.telegram_id) if c.result is not None]
