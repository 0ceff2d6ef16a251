"""The presensi lokasi part of the atasan's morning summary: who clocked in by location, where,
and a button per selfie to open it (lok:foto:<punch id>, served by handlers.location)."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers.texts import location as texts
from services.alerts import TeamEntry

# Keeps the summary and its keyboard small for a large team.
MAX_LINES = 40
MAX_SELFIE_BUTTONS = 10


def _clock(entry: TeamEntry) -> str:
    return ", ".join(f"{p.at.hour:02d}.{p.at.minute:02d}" for p in entry.located)


def section(entries: tuple[TeamEntry, ...]) -> tuple[list[str], InlineKeyboardMarkup | None]:
    if not entries:
        return [], None
    lines = ["", texts.SUMMARY_SECTION.format(jumlah=len(entries))]
    buttons: list[list[InlineKeyboardButton]] = []
    for entry in entries[:MAX_LINES]:
        sites = list(dict.fromkeys(p.site for p in entry.located))
        selfies = [p for p in entry.located if p.has_selfie]
        lines.append(texts.SUMMARY_LINE.format(
            nama=escape(entry.employee.nama), lokasi=escape(", ".join(sites)),
            jam=_clock(entry), foto=texts.SUMMARY_SELFIE_MARK if selfies else ""))
        if selfies and len(buttons) < MAX_SELFIE_BUTTONS:
            buttons.append([InlineKeyboardButton(
                texts.SELFIE_BUTTON.format(nama=entry.employee.nama[:40]),
                callback_data=f"lok:foto:{selfies[-1].punch_id}")])
    return lines, InlineKeyboardMarkup(buttons) if buttons else None
