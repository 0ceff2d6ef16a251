"""Dates written the Indonesian way, for the report and handler code that imports them from here.

The helpers are pure and the domain needs them too (the recap's period, its error messages), so
they live in services.indonesian_dates, which services may import; this module re-exports them.
"""

from services.indonesian_dates import (
    DAYS,
    MONTHS,
    day_name,
    long_date,
    long_date_with_day,
    month_name,
    month_year,
)

__all__ = ["DAYS", "MONTHS", "day_name", "long_date", "long_date_with_day", "month_name",
           "month_year"]
