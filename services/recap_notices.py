"""The messages a recap's step causes, as outbox notices (written by services.recap in the
step's own transaction; rendered by handlers/recap.py at send time).

Keys name the recap, its `rev` after the step and the recipient, so writing the same step's
notices twice writes them once, and a card for a rev the recap has moved past is not sent
(the later step has its own rows).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from services.outbox import Notice

if TYPE_CHECKING:
    from services.employees import Employee
    from services.recap import DailyReport, Outcome, Recap

DOCUMENT = "recap.document"
SPREADSHEET = "recap.spreadsheet"
DAILY_REPORT = "recap.daily_report"

# The action of a card sent because the recap's waiting step moved to its reader.
REASSIGNED = "recap.reassign"

# The daily report names at most this many people (with every group's full count), so the
# message stays well under Telegram's 4096 characters in a large office.
DAILY_NAMES_MAX = 40


def _document(item: Recap, action: str, person: Employee, *, buttons: bool, key: str,
              outcome: Outcome | None = None) -> Notice:
    return Notice(DOCUMENT, person.nip, None,
                  {"recap": item.id, "rev": item.rev, "action": action, "buttons": buttons,
                   "auto": outcome is not None and outcome.actor is None,
                   "employees": outcome.employees if outcome else 0,
                   "working_days": outcome.working_days if outcome else 0},
                  dedupe_key=key)


def for_outcome(outcome: Outcome) -> list[Notice]:
    """The PDF with the step's buttons for whoever acts next, the spreadsheet with a fresh
    build, and the signed document for those who get copies."""
    item, action = outcome.recap, outcome.action
    base = f"recap:{item.id}:v{item.rev}"
    notices: list[Notice] = []
    for person in outcome.notify:
        notices.append(_document(item, action, person, buttons=True, key=f"{base}:{person.nip}",
                                 outcome=outcome))
        if outcome.spreadsheet:
            notices.append(Notice(SPREADSHEET, person.nip, None,
                                  {"recap": item.id, "rev": item.rev},
                                  dedupe_key=f"{base}:{person.nip}:xlsx"))
    notices.extend(_document(item, action, person, buttons=False,
                             key=f"{base}:{person.nip}:copy", outcome=outcome)
                   for person in outcome.copies)
    return notices


def reassigned(item: Recap, to: Employee, at: dt.datetime) -> list[Notice]:
    """The recap with its buttons for the person its step was just moved to; the moment is in
    the key, since a step may move to the same person again at the same rev."""
    return [_document(item, REASSIGNED, to, buttons=True,
                      key=f"recap:{item.id}:v{item.rev}:{to.nip}:moved:{at.isoformat()}")]


def daily_report(report: DailyReport, recipients: list[Employee]) -> list[Notice]:
    """Today's absence report for each recipient, once per day and recipient."""
    counts: dict[str, int] = {}
    people: dict[str, list[dict[str, str]]] = {}
    named = 0
    for line in report.away:
        code = line.status.codes[0] if line.status.codes else ""
        counts[code] = counts.get(code, 0) + 1
        names = people.setdefault(code, [])
        if named < DAILY_NAMES_MAX:
            names.append({"nama": line.employee.nama, "unit": line.employee.unit})
            named += 1
    groups = [{"code": code, "count": count, "people": people[code]}
              for code, count in counts.items()]
    payload = {"day": report.day.isoformat(), "at": f"{report.at:%H:%M}",
               "total": report.total, "present": report.present, "away": len(report.away),
               "groups": groups}
    return [Notice(DAILY_REPORT, person.nip, None, payload,
                   dedupe_key=f"recap.daily:{report.day.isoformat()}:{person.nip}")
            for person in recipients]
