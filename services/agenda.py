"""Agenda numbers for outgoing letters, in the office's format (e.g. "800/{seq}/{unit}/{year}").

A register keeps one sequence per calendar year. The number is taken inside the caller's
write transaction, so it rolls back with it (no gaps) and the write lock serialises takers
(no duplicates).
"""

from __future__ import annotations

import datetime as dt
import string

import aiosqlite

FIELDS = frozenset({"seq", "unit", "year", "month"})


def format_problem(template: str) -> str | None:
    """Why `template` cannot be used as an agenda format, in Indonesian, or None."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        return f"format tidak valid ({exc})"
    names = {name for _, name, _, _ in parsed if name is not None}
    unknown = names - FIELDS
    if unknown:
        return ("kolom tidak dikenal: " + ", ".join(sorted(unknown))
                + " (gunakan {seq}, {unit}, {year}, {month})")
    if "seq" not in names:
        return "wajib memuat {seq}"
    try:
        render(template, seq=1, unit="X", day=dt.date(2000, 1, 1))
    except (ValueError, TypeError) as exc:
        return f"format tidak valid ({exc})"
    return None


def render(template: str, *, seq: int, unit: str, day: dt.date) -> str:
    return template.format(seq=seq, unit=unit, year=day.year, month=f"{day.month:02d}")


async def next_number(conn: aiosqlite.Connection, register: str, template: str, *, unit: str,
                      day: dt.date) -> str:
    """Take the next number of `register` for `day`'s year. Call inside db.transaction()."""
    async with conn.execute(
        "INSERT INTO agenda_sequences (register, year, last_seq) VALUES (?, ?, 1) "
        "ON CONFLICT (register, year) DO UPDATE SET last_seq = last_seq + 1 RETURNING last_seq",
        (register, day.year),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return render(template, seq=row[0], unit=unit, day=day)
