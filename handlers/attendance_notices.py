"""Rendering attendance notices (services.alerts.Notice) into Telegram messages."""

from __future__ import annotations

import datetime as dt
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import location_summary
from handlers.texts import attendance as texts
from services import alerts
from services import attendance_rules as rules
from services.alerts import Notice, TeamEntry
from services.attendance_policy import DEFAULT_BANDS, AttendancePolicy
from services.indonesian_dates import long_date, long_date_with_day

# An atasan with a very large team still gets one message under Telegram's 4096 characters.
MAX_LINES_PER_SECTION = 40


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


def render(notices: list[Notice], policy: AttendancePolicy, now: dt.datetime
           ) -> tuple[str, InlineKeyboardMarkup | None]:
    """One message: a single daily notice, or several PP 94/2021 notices to one recipient."""
    first = notices[0]
    if first.kind in (alerts.LADDER, alerts.LADDER_RUN):
        return _ladder(notices, policy), None
    renderers = {
        alerts.MORNING_ABSENT: _morning_absent,
        alerts.MORNING_SUMMARY: _summary,
        alerts.AFTERNOON: _afternoon,
    }
    return renderers[first.kind](first, policy, now)


def _morning_absent(notice: Notice, policy: AttendancePolicy, now: dt.datetime
                    ) -> tuple[str, InlineKeyboardMarkup | None]:
    hours = policy.hours_for(notice.day)
    text = texts.NOT_YET_IN.format(nama=escape(notice.recipient.nama),
                                   tanggal=long_date_with_day(notice.day), jam=clock_time(now),
                                   masuk=clock_time(hours.start))
    markup = InlineKeyboardMarkup([
        [request_button(texts.BUTTON_IZIN, "izin", notice.day),
         request_button(texts.BUTTON_SAKIT, "sakit", notice.day)],
        [request_button(texts.BUTTON_DINAS_LUAR, "dinas_luar", notice.day),
         request_button(texts.BUTTON_IZIN_TERLAMBAT, "izin_terlambat", notice.day)],
    ])
    return text, markup


def _excuse(entry: TeamEntry) -> str:
    """Why an excused subordinate is not in: the absence, or a permit to arrive late."""
    if rules.is_on_absence(entry.status):
        return code_label(entry.status.codes[0])
    return texts.LATE_PERMIT


def _section(title: str, entries: tuple[TeamEntry, ...], line: str) -> list[str]:
    if not entries:
        return []
    lines = ["", title.format(jumlah=len(entries))]
    for entry in entries[:MAX_LINES_PER_SECTION]:
        status = entry.status
        lines.append(line.format(
            nama=escape(entry.employee.nama),
            masuk=clock_time(status.first_in) if status.first_in else "-",
            kode=status.codes[0] if status.codes else "-", menit=status.late_minutes,
            keterangan=_excuse(entry)))
    if len(entries) > MAX_LINES_PER_SECTION:
        lines.append(texts.TEAM_MORE.format(jumlah=len(entries) - MAX_LINES_PER_SECTION))
    return lines


def _summary(notice: Notice, policy: AttendancePolicy, now: dt.datetime
             ) -> tuple[str, InlineKeyboardMarkup | None]:
    team = notice.team
    assert team is not None
    lines = [texts.TEAM_HEADER.format(tanggal=long_date_with_day(notice.day),
                                      jam=clock_time(now))]
    if team.unsynced:
        lines += ["", texts.TEAM_UNSYNCED.format(mesin=escape(", ".join(team.unsynced)))]
    lines += _section(texts.TEAM_LATE, team.late, texts.TEAM_LATE_LINE)
    lines += _section(texts.TEAM_MISSING, team.missing, texts.TEAM_MISSING_LINE)
    lines += _section(texts.TEAM_AWAY, team.away, texts.TEAM_AWAY_LINE)
    located, markup = location_summary.section(team.located)
    lines += located
    lines += ["", texts.TEAM_FOOTER]
    return "\n".join(lines), markup


def _afternoon(notice: Notice, policy: AttendancePolicy, now: dt.datetime
               ) -> tuple[str, InlineKeyboardMarkup | None]:
    status, hours = notice.status, notice.hours
    assert status is not None and hours is not None
    early = next((c for c in status.codes if c.startswith("PSW")), None)
    common = {"nama": escape(notice.recipient.nama), "tanggal": long_date_with_day(notice.day),
              "pulang": clock_time(hours.end)}
    if early is not None and status.last_out is not None:
        text = texts.LEFT_EARLY.format(**common, keluar=clock_time(status.last_out),
                                       kode=early, menit=status.early_minutes)
        markup = InlineKeyboardMarkup([[request_button(texts.BUTTON_IZIN_PULANG_CEPAT,
                                                       "izin_pulang_cepat", notice.day)]])
        return text, markup
    assert status.first_in is not None
    return texts.NO_OUT_YET.format(**common, masuk=clock_time(status.first_in),
                                   tutup=clock_time(policy.window_end)), None


def _ladder_entry(notice: Notice, policy: AttendancePolicy) -> str:
    facts = notice.ladder
    assert facts is not None
    person = facts.employee
    common = {"nama": escape(person.nama), "nip": person.nip,
              "jabatan": escape(person.jabatan or "-"), "tahun": facts.year}
    if notice.kind == alerts.LADDER_RUN:
        assert facts.run_start is not None
        run = texts.LADDER_RUN.format(**common, jumlah=facts.tk_days, hari=facts.run_days,
                                      mulai=long_date(facts.run_start),
                                      batas=policy.ladder.consecutive_days,
                                      hukuman=escape(facts.run_penalty))
        return run + (" " + texts.LADDER_PPPK_NOTE if person.is_pppk else "")
    assert facts.step is not None
    rincian = texts.LADDER_ONLY_TK
    if facts.minute_days:
        rincian = texts.LADDER_WITH_MINUTES.format(tk=facts.tk_days, hari_menit=facts.minute_days,
                                                   durasi=duration(facts.minutes.total))
    text = texts.LADDER_STEP.format(**common, jumlah=facts.days,
                                    rincian=rincian, ambang=facts.step.days,
                                    hukuman=escape(facts.step.penalty_for(person.status)))
    if facts.minute_days:
        text += " " + texts.LADDER_MINUTES_RULE.format(
            per_hari=duration(policy.ladder.minutes_per_day))
    if person.is_pppk:
        text += " " + texts.LADDER_PPPK_NOTE
    return text


def _ladder(notices: list[Notice], policy: AttendancePolicy) -> str:
    parts = [texts.LADDER_HEADER] + [_ladder_entry(n, policy) for n in notices]
    return "\n\n".join([*parts, texts.LADDER_FOOTER])
