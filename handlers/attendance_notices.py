"""Rendering attendance notices into Telegram messages: the renderers of the outbox rows that
services.alerts.queue_run writes (the facts as planned, escaped here, once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.context import AppServices
from handlers import location_summary
from handlers.html import Html, fill
from handlers.sender import Outgoing, renderer
from handlers.texts import attendance as texts
from services import alerts
from services import attendance_rules as rules
from services.attendance_policy import DEFAULT_BANDS
from services.indonesian_dates import long_date, long_date_with_day

# An atasan with a very large team still gets one message under Telegram's 4096 characters.
MAX_LINES_PER_SECTION = alerts.LIST_MAX


def clock_time(moment: dt.datetime | dt.time) -> str:
    """Times the Indonesian way: 07.45."""
    return f"{moment.hour:02d}.{moment.minute:02d}"


def duration(minutes: int) -> str:
    """Minutes the Indonesian way: 490 → "8 jam 10 menit", 450 → "7 jam 30 menit", 45 → "45
    menit", 480 → "8 jam"."""
    hours, rest = divmod(minutes, 60)
    parts = [texts.DURATION_HOURS.format(jam=hours)] if hours else []
    if rest or not hours:
        parts.append(texts.DURATION_MINUTES.format(menit=rest))
    return " ".join(parts)


def code_label(code: str, bands: tuple[int, int, int] = DEFAULT_BANDS) -> str:
    """The code's name; TL1–TL4 and PSW1–PSW4 with the minutes of the configured bands."""
    for prefix, name in ((rules.LATE, texts.LATE_NAME), (rules.EARLY, texts.EARLY_NAME)):
        number = code.removeprefix(prefix)
        if code.startswith(prefix) and number in ("1", "2", "3", "4"):
            low, high = rules.band_ranges(bands)[int(number) - 1]
            return (texts.BAND_RANGE.format(nama=name, dari=low, sampai=high) if high is not None
                    else texts.BAND_OVER.format(nama=name, batas=low - 1))
    return texts.CODE_NAMES.get(code, code)


def request_button(label: str, type_key: str, day: dt.date) -> InlineKeyboardButton:
    # The requests feature serves req:new:<type>:<YYYYMMDD> as a conversation entry point.
    return InlineKeyboardButton(label, callback_data=f"req:new:{type_key}:{day:%Y%m%d}")


# --- renderers of the outbox rows services.alerts.queue_run writes --------------------------

def _day(payload: dict[str, Any]) -> dt.date:
    return dt.date.fromisoformat(payload["day"])


def _past(services: AppServices, payload: dict[str, Any]) -> bool:
    """A day's notice still undelivered when the day is over (Telegram down for hours) asks
    for what can no longer be done that day: it is dropped, not sent late."""
    return _day(payload) != services.clock.now().date()


def _hm(value: str | None) -> str:
    """A planned "HH:MM" shown the Indonesian way: 07.45."""
    return value.replace(":", ".") if value else "-"


@renderer(alerts.OUTBOX_KINDS[alerts.MORNING_ABSENT])
async def morning_absent(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    if _past(services, payload):
        return None
    day = _day(payload)
    text = fill(texts.NOT_YET_IN, nama=payload["nama"], tanggal=long_date_with_day(day),
                jam=_hm(payload["at"]), masuk=_hm(payload["masuk"]))
    markup = InlineKeyboardMarkup([
        [request_button(texts.BUTTON_IZIN, "izin", day),
         request_button(texts.BUTTON_SAKIT, "sakit", day)],
        [request_button(texts.BUTTON_DINAS_LUAR, "dinas_luar", day),
         request_button(texts.BUTTON_IZIN_TERLAMBAT, "izin_terlambat", day)],
    ])
    return Outgoing(text, markup=markup)


def _excuse(row: dict[str, Any]) -> str:
    """Why an excused subordinate is not in: the absence, or a permit to arrive late."""
    return code_label(row["absence"]) if row["absence"] else texts.LATE_PERMIT


def _section(title: str, listed: dict[str, Any], line: str) -> list[str]:
    count, rows = listed["count"], listed["rows"][:MAX_LINES_PER_SECTION]
    if not count:
        return []
    lines: list[str] = ["", fill(title, jumlah=count)]
    lines += [fill(line, nama=row["nama"], masuk=_hm(row["masuk"]), kode=row["kode"] or "-",
                   menit=row["menit"], keterangan=_excuse(row)) for row in rows]
    if count > len(rows):
        lines.append(fill(texts.TEAM_MORE, jumlah=count - len(rows)))
    return lines


@renderer(alerts.OUTBOX_KINDS[alerts.MORNING_SUMMARY])
async def summary(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    if _past(services, payload):
        return None
    lines: list[str] = [fill(texts.TEAM_HEADER, tanggal=long_date_with_day(_day(payload)),
                             jam=_hm(payload["at"]))]
    if payload["unsynced"]:
        lines += ["", fill(texts.TEAM_UNSYNCED, mesin=", ".join(payload["unsynced"]))]
    lines += _section(texts.TEAM_LATE, payload["late"], texts.TEAM_LATE_LINE)
    lines += _section(texts.TEAM_MISSING, payload["missing"], texts.TEAM_MISSING_LINE)
    lines += _section(texts.TEAM_AWAY, payload["away"], texts.TEAM_AWAY_LINE)
    located, markup = location_summary.section(payload["located"])
    lines += located
    lines += ["", texts.TEAM_FOOTER]
    return Outgoing("\n".join(lines), markup=markup)


@renderer(alerts.OUTBOX_KINDS[alerts.AFTERNOON])
async def afternoon(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    if _past(services, payload):
        return None
    day = _day(payload)
    common = {"nama": payload["nama"], "tanggal": long_date_with_day(day),
              "pulang": _hm(payload["pulang"])}
    if payload["early"] is not None and payload["keluar"] is not None:
        text = fill(texts.LEFT_EARLY, **common, keluar=_hm(payload["keluar"]),
                    kode=payload["early"], menit=payload["menit"])
        markup = InlineKeyboardMarkup([[request_button(texts.BUTTON_IZIN_PULANG_CEPAT,
                                                       "izin_pulang_cepat", day)]])
        return Outgoing(text, markup=markup)
    return Outgoing(fill(texts.NO_OUT_YET, **common, masuk=_hm(payload["masuk"]),
                         tutup=_hm(payload["tutup"])))


def _ladder_entry(entry: dict[str, Any]) -> str:
    common = {"nama": entry["nama"], "nip": entry["nip"], "jabatan": entry["jabatan"] or "-",
              "tahun": entry["tahun"]}
    pppk = " " + texts.LADDER_PPPK_NOTE if entry["pppk"] else ""
    if entry["kind"] == alerts.LADDER_RUN:
        return fill(texts.LADDER_RUN, **common, jumlah=entry["tk_days"], hari=entry["run_days"],
                    mulai=long_date(dt.date.fromisoformat(entry["run_start"])),
                    batas=entry["consecutive"], hukuman=entry["penalty"]) + pppk
    rincian: str = Html(texts.LADDER_ONLY_TK)
    if entry["minute_days"]:
        rincian = fill(texts.LADDER_WITH_MINUTES, tk=entry["tk_days"],
                       hari_menit=entry["minute_days"], durasi=duration(entry["minutes"]))
    text: str = fill(texts.LADDER_STEP, **common, jumlah=entry["days"], rincian=rincian,
                ambang=entry["step_days"], hukuman=entry["penalty"])
    if entry["minute_days"]:
        text += " " + fill(texts.LADDER_MINUTES_RULE,
                           per_hari=duration(entry["minutes_per_day"]))
    return text + pppk


@renderer(alerts.OUTBOX_KINDS[alerts.LADDER])
async def ladder(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    parts = [texts.LADDER_HEADER] + [_ladder_entry(e) for e in payload["entries"]]
    return Outgoing("\n\n".join([*parts, texts.LADDER_FOOTER]))
