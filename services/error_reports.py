"""Unhandled errors reported to the admin chat, through the outbox, at most once per interval.

The interval is kept in the database (services.devices.claim_report, the same once-per-period
bookkeeping as the machines' reports), so a restart does not reset it and the next report says
how many errors were held back in between. The claim and the outbox row are one transaction:
an error counted as reported is one the admin chat will get.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services import outbox
from services.devices import claim_report
from services.storage import Database

KIND = "admin.error"
_KEY = "errors:unhandled"
# What a report may carry of the error: enough to find it in the log.
MAX_ERROR = 500
MAX_WHERE = 200


@dataclass(frozen=True)
class ErrorReport:
    error: str
    where: str                    # the update or job it happened in
    origin: str | None = None     # file:line in function


def payload(report: ErrorReport, held_back: int) -> dict[str, object]:
    return {"error": report.error[:MAX_ERROR], "where": report.where[:MAX_WHERE],
            "origin": report.origin[:MAX_WHERE] if report.origin else None,
            "held_back": held_back}


async def report(db: Database, found: ErrorReport, *, admin_chat_id: int, now: dt.datetime,
                 interval: dt.timedelta) -> bool:
    """Write the report for the admin chat unless one went within `interval` (then it is
    counted for the next); True when it was written."""
    async with db.transaction() as conn:
        occurrences = await claim_report(conn, key=_KEY, at=now, period=interval)
        if occurrences is None:
            return False
        await outbox.enqueue(conn, [outbox.Notice(KIND, None, admin_chat_id,
                                                  payload(found, occurrences - 1))], now=now)
    return True
