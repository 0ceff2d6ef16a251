"""The recap's documents drawn from the month: the computations Database.compute and
Database.offload run in a compute process when the wiring has one (in a thread otherwise).

Each returns only bytes and counts: a province's month (about a million day statuses) never
travels between processes, it is computed, drawn and encoded where it is used. The document
comes without its month (`pending`): everything else on it (signatures, parafs, the agenda
number) is read by the caller in the bot's process.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace

from services import attendance, recap_snapshot
from services.attendance_model import MonthAttendance
from services.attendance_policy import AttendancePolicy
from services.calendar import OfficeCalendar
from services.office import Office
from services.recap_document import RecapDocument

RenderPdf = Callable[[RecapDocument], bytes]


def pending(year: int, month: int) -> MonthAttendance:
    """The month a document carries until the computation fills it in."""
    return MonthAttendance(year=year, month=month, working_days=(), days_off={}, employees=())


@dataclass(frozen=True)
class DraftFiles:
    pdf: bytes
    snapshot: bytes               # recap_snapshot.encode of the month
    employees: int
    working_days: int


def draft(conn: sqlite3.Connection, policy: AttendancePolicy, calendar: OfficeCalendar,
          document: RecapDocument, now: dt.datetime, render_pdf: RenderPdf) -> DraftFiles:
    """The month of `document` from current data up to `now`, its PDF and its snapshot."""
    period = document.attendance
    month = attendance.month_in(conn, policy, calendar, period.year, period.month,
                                today=now.date(), now=now)
    # Everything is read: the render (up to a minute for a province) must not keep the read
    # transaction open, which would stop the WAL from being checkpointed past it.
    conn.rollback()
    pdf = render_pdf(replace(document, attendance=month))
    return DraftFiles(pdf, recap_snapshot.encode(month), len(month.employees),
                      len(month.working_days))


def rendered(snapshot: bytes, document: RecapDocument, render_pdf: RenderPdf) -> bytes:
    """The PDF of `document` with the month stored in `snapshot`."""
    return render_pdf(replace(document, attendance=recap_snapshot.decode(snapshot)))


def spreadsheet(snapshot: bytes, office: Office,
                render_xlsx: Callable[[Office, MonthAttendance], bytes]) -> bytes:
    """The operator's spreadsheet of the month stored in `snapshot`."""
    return render_xlsx(office, recap_snapshot.decode(snapshot))
