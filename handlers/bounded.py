"""Dates and months from button data and typed text, within the years the office can mean.

Button data is user input (a modified client sends anything that fits the pattern), and a typed
01-01-0001 is a valid Python date whose neighbours overflow. Everything outside 2000–2099 is
treated as unreadable: the caller answers with its polite stale-button or bad-date sentence.
"""

from __future__ import annotations

import datetime as dt
import re

MIN_YEAR = 2000
MAX_YEAR = 2099
_COMPACT_DAY = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")
_TYPED_DAY = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")


def _day(year: int, month: int, day: int) -> dt.date | None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def compact_day(raw: str) -> dt.date | None:
    """`YYYYMMDD` → the date, or None."""
    match = _COMPACT_DAY.match(raw)
    return _day(int(match[1]), int(match[2]), int(match[3])) if match else None


def compact_month(raw: str) -> dt.date | None:
    """`YYYYMM` → the month's first day, or None."""
    match = _COMPACT_MONTH.match(raw)
    return _day(int(match[1]), int(match[2]), 1) if match else None


def year_month(year: int, month: int) -> tuple[int, int] | None:
    return (year, month) if _day(year, month, 1) is not None else None


def typed_day(text: str) -> dt.date | None:
    """`DD-MM-YYYY` (or with / or .) → the date, or None."""
    match = _TYPED_DAY.match(text)
    return _day(int(match[3]), int(match[2]), int(match[1])) if match else None
