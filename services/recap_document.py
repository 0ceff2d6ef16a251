"""The monthly recap as a document: the month's figures plus who initialled and signed it.

Plain data, so the recap workflow can assemble it without knowing how it is printed; the PDF
renderer (reports.recap_pdf) takes it as its input.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from services.attendance_model import MonthAttendance
from services.office import Office


@dataclass(frozen=True)
class ParafMark:
    """One paraf box: the role's title, who holds it, and when they initialled (None: not yet)."""

    role_title: str
    nama: str
    at: dt.datetime | None


@dataclass(frozen=True)
class Signatory:
    nama: str
    nip: str
    signed_at: dt.datetime | None
    acting: str | None = None     # "Plh." / "Plt.": signed by a delegate of the Kepala


@dataclass(frozen=True)
class RecapDocument:
    office: Office
    attendance: MonthAttendance
    place_date: dt.date           # the date beside the city above the signature
    kepala: Signatory | None
    parafs: tuple[ParafMark, ...]
    agenda_number: str | None     # set once signed
    version: int | None = 1       # None: printed outside the paraf chain (console export)
