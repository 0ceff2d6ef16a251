"""The presensi lokasi part of the atasan's morning summary: who clocked in by location, where,
and a button per selfie to open it (lok:foto:<punch id>, served by handlers.location)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.html import fill
from handlers.texts import location as texts

# Keeps the summary and its keyboard small for a large team.
MAX_LINES = 40
MAX_SELFIE_BUTTONS = 10


def section(located: dict[str, Any]) -> tuple[list[str], InlineKeyboardMarkup | None]:
    """`located` as services.alerts plans it: the count and, per person, the sites, times and
    the last selfie's punch id."""
    count, rows = located["count"], located["rows"][:MAX_LINES]
    if not count:
        return [], None
    lines = ["", fill(texts.SUMMARY_SECTION, jumlah=count)]
    buttons: list[list[InlineKeyboardButton]] = []
    for row in rows:
        lines.append(fill(texts.SUMMARY_LINE, nama=row["nama"], lokasi=", ".join(row["sites"]),
                          jam=", ".join(t.replace(":", ".") for t in row["times"]),
                          foto=texts.SUMMARY_SELFIE_MARK if row["selfie"] else ""))
        if row["selfie"] and len(buttons) < MAX_SELFIE_BUTTONS:
            buttons.append([InlineKeyboardButton(
                texts.SELFIE_BUTTON.format(nama=row["nama"][:40]),
                callback_data=f"lok:foto:{row['selfie']}")])
    return lines, InlineKeyboardMarkup(buttons) if buttons else None
