"""Dates written the Indonesian way: "5 Oktober 2026", "Senin", "Oktober 2026"."""

from __future__ import annotations

import datetime as dt

MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")


def month_name(month: int) -> str:
    return MONTHS[month - 1]


def month_year(year: int, month: int) -> str:
    return f"{MONTHS[month - 1]} {year}"


def long_date(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def day_name(day: dt.date) -> str:
    return DAYS[day.weekday()]


def long_date_with_day(day: dt.date) -> str:
    return f"{DAYS[day.weekday()]}, {long_date(day)}"
