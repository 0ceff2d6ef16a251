"""Ramadan dates for every year without configuration.

Indonesia follows the Kemenag isbat, which neither library knows exactly: for 1447 H the isbat
set 1 Ramadan on 19 February 2026 and the last day on 20 March, while Umm al-Qura (hijridate)
starts the month on 18 February. The Idul Fitri date in `holidays` comes from the SKB and is
one day later than Umm al-Qura's, so the month's last day is the day before the SKB's Idul Fitri
and its length (29 or 30 days) comes from the Hijri calendar. Where an isbat differs, the
office's [[attendance.ramadan]] entry for that year overrides this.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

RAMADAN = 9
_IDUL_FITRI = "Eid al-Fitr"
_ESTIMATED = " (estimated)"


def _idul_fitri_days(year: int) -> list[dt.date]:
    """First days of Idul Fitri in Gregorian `year` (a year can hold two, e.g. 2033)."""
    import holidays as holiday_data  # on first use: most commands never need a calendar

    data = holiday_data.country_holidays("ID", years=year, language="en_US")
    return sorted(day for day, name in data.items()
                  if any(part.removesuffix(_ESTIMATED) == _IDUL_FITRI
                         for part in name.split("; ")))


@lru_cache(maxsize=128)
def ramadan_ending_in(year: int) -> tuple[tuple[dt.date, dt.date], ...]:
    """(first day, last day) of every Ramadan whose Idul Fitri falls in Gregorian `year`;
    empty where the calendars do not reach."""
    from hijridate import Gregorian, Hijri

    spans = []
    for fitri in _idul_fitri_days(year):
        last = fitri - dt.timedelta(days=1)
        try:
            # Ten days before the end is inside Ramadan by either reckoning.
            hijri = Gregorian.fromdate(last - dt.timedelta(days=10)).to_hijri()
            length = Hijri(hijri.year, RAMADAN, 1).month_length()
        except (OverflowError, ValueError):
            continue
        if hijri.month != RAMADAN:
            continue
        spans.append((last - dt.timedelta(days=length - 1), last))
    return tuple(spans)


def ramadan_around(day: dt.date) -> tuple[dt.date, dt.date] | None:
    """The computed Ramadan containing `day`, or None. A Ramadan can begin in December and
    end in January, so the next year's is looked at too."""
    for year in (day.year, day.year + 1):
        for start, end in ramadan_ending_in(year):
            if start <= day <= end:
                return start, end
    return None
