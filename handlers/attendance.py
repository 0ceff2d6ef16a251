"""/hadir (today and this month; an atasan also sees the team), /hadir bulan MM-YYYY (the month
day by day) and /kalender (the office calendar, month by month with navigation buttons)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import BotApp, BotContext
from handlers.attendance_notices import clock_time, code_label, duration
from handlers.envs import AttendanceEnv
from handlers.texts import attendance as texts
from services import attendance_rules as rules
from services import attendance_views
from services.attendance_model import DayStatus, EmployeeMonth
from services.attendance_views import CalendarMonth, TodayView
from services.errors import DomainError
from services.indonesian_dates import DAYS, long_date, long_date_with_day, month_year

log = logging.getLogger(__name__)

_MONTH_ARG = re.compile(r"^(\d{1,2})[-/.](\d{4})$")
CALENDAR_PATTERN = r"^kal:(\d{4})(\d{2})$"
# Keeps /hadir of a Kepala with a flat office under Telegram's 4096 characters.
MAX_TEAM_LINES = 40
# Order of codes in a one-line summary: presence, lateness, missing scans, absences.
_CODE_ORDER = ("H", "TL1", "TL2", "TL3", "TL4", "PSW1", "PSW2", "PSW3", "PSW4", "TAM", "TAP",
               "TK", *rules.ABSENCE_CODES)


def parse_month(raw: str) -> tuple[int, int] | None:
    """"10-2026", "10/2026" or "1-2027" → (year, month)."""
    match = _MONTH_ARG.match(raw.strip())
    if match is None:
        return None
    return int(match[2]), int(match[1])


def _percent(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def _totals(month: EmployeeMonth) -> str:
    parts = [f"{code} {month.totals[code]}" for code in _CODE_ORDER if month.totals.get(code)]
    return " · ".join(parts)


def _status_text(status: DayStatus, bands: tuple[int, int, int]) -> str:
    if not status.codes:
        return texts.NOT_YET
    return ", ".join(f"{code} ({code_label(code, bands)})" for code in status.codes)


def render_today(view: TodayView, bands: tuple[int, int, int]) -> str:
    """/hadir today; `bands` are the configured TL/PSW bands the labels are made from."""
    status = view.status
    lines = [texts.TODAY_HEADER.format(tanggal=long_date_with_day(view.day))]
    if view.day_off is not None:
        lines.append(texts.TODAY_DAY_OFF.format(keterangan=escape(view.day_off.name)))
    else:
        lines.append(texts.TODAY_HOURS.format(masuk=clock_time(view.hours.start),
                                              pulang=clock_time(view.hours.end)))
        if status.first_in is not None:
            lines.append(texts.TODAY_IN.format(jam=clock_time(status.first_in)))
        if status.last_out is not None:
            lines.append(texts.TODAY_OUT.format(jam=clock_time(status.last_out)))
        if status.first_in is None and status.last_out is None:
            lines.append(texts.TODAY_NO_SCAN)
        template = texts.TODAY_ABSENCE if rules.is_on_absence(status) else texts.TODAY_STATUS
        lines.append(template.format(status=_status_text(status, bands)))
    month = view.month
    lines += ["", texts.MONTH_SUMMARY_HEADER.format(bulan=month_year(view.day.year,
                                                                      view.day.month))]
    totals = _totals(month)
    lines.append(totals or texts.MONTH_NO_DAYS)
    if totals:
        lines.append(texts.MONTH_MINUTES.format(terlambat=month.late_minutes,
                                                cepat=month.early_minutes))
        lines.append(texts.MONTH_TPP.format(persen=_percent(month.tpp_deduction_percent)))
    year = view.year_minutes
    if year is not None and year.minutes.total:
        lines.append(texts.YEAR_MINUTES.format(tahun=view.day.year,
                                               durasi=duration(year.minutes.total),
                                               hari=year.minute_days,
                                               per_hari=duration(year.minutes_per_day)))
    lines.append(texts.MONTH_HINT.format(bulan=f"{view.day.month:02d}-{view.day.year}"))
    if view.team:
        lines += ["", texts.TEAM_TODAY_HEADER]
        shown = view.team[:MAX_TEAM_LINES]
        lines += [texts.TEAM_TODAY_LINE.format(nama=escape(entry.employee.nama),
                                               status=_status_text(entry.status, bands))
                  for entry in shown]
        if len(view.team) > len(shown):
            lines.append(texts.TEAM_TODAY_MORE.format(jumlah=len(view.team) - len(shown)))
    return "\n".join(lines)


def render_statement(month: EmployeeMonth, year: int, number: int, today: dt.date) -> str:
    lines = [texts.STATEMENT_HEADER.format(bulan=month_year(year, number),
                                           nama=escape(month.nama), nip=month.nip), ""]
    for status in month.days:
        if status.day > today:
            break
        times = ""
        if status.first_in is not None or status.last_out is not None:
            times = texts.STATEMENT_TIMES.format(
                masuk=clock_time(status.first_in) if status.first_in else "--.--",
                keluar=clock_time(status.last_out) if status.last_out else "--.--")
        code = status.label or texts.NOT_YET
        if status.codes == (rules.DAY_OFF,) and status.note:
            code = f"{code} ({escape(status.note)})"
        lines.append(texts.STATEMENT_LINE.format(hari=DAYS[status.day.weekday()][:3],
                                                 tanggal=f"{status.day.day:02d}", kode=code,
                                                 jam=times))
    totals = _totals(month)
    lines += ["", texts.STATEMENT_TOTALS.format(rincian=totals or "-"),
              texts.MONTH_MINUTES.format(terlambat=month.late_minutes, cepat=month.early_minutes),
              texts.MONTH_TPP.format(persen=_percent(month.tpp_deduction_percent))]
    return "\n".join(lines)


async def hadir(update: Update, context: BotContext) -> None:
    """Own attendance today and this month (and the team's today), or a month statement."""
    message = update.effective_message
    assert message is not None
    employee = context.require_employee()
    args = context.args or []
    now = context.clock.now()
    policy, calendar = context.env(AttendanceEnv).policy, context.calendar
    if not args:
        view = await attendance_views.today_view(context.db, policy, calendar, employee, now)
        await message.reply_html(render_today(view, policy.bands))
        return
    if args[0].lower() != "bulan" or len(args) > 2:
        await message.reply_html(texts.UNKNOWN_HADIR_ARGUMENT)
        return
    wanted = parse_month(args[1]) if len(args) == 2 else (now.year, now.month)
    if wanted is None:
        await message.reply_html(texts.BAD_MONTH)
        return
    year, number = wanted
    try:
        month = await attendance_views.month_statement(context.db, policy, calendar, employee,
                                                       year, number, now)
    except DomainError as error:
        await message.reply_html(escape(error.message))
        return
    await message.reply_html(render_statement(month, year, number, now.date()))


def render_calendar(view: CalendarMonth) -> str:
    lines = [texts.CALENDAR_HEADER.format(bulan=month_year(view.year, view.month)), "",
             "<pre>" + texts.CALENDAR_WEEKDAYS]
    row = ["   "] * view.days[0].weekday()
    for day in view.days:
        mark = "*" if day in view.days_off else " "
        row.append(f"{day.day:>2}{mark}")
        if day.weekday() == 6:
            lines.append(" ".join(row).rstrip())
            row = []
    if row:
        lines.append(" ".join(row).rstrip())
    lines[-1] += "</pre>"
    lines += [texts.CALENDAR_LEGEND,
              texts.CALENDAR_WORKING_DAYS.format(jumlah=view.working_days), "",
              texts.CALENDAR_HOLIDAYS]
    holidays = [(day, off) for day, off in view.days_off.items() if off.kind != "weekend"]
    lines += [texts.CALENDAR_HOLIDAY_LINE.format(tanggal=long_date_with_day(day),
                                                 nama=escape(off.name))
              for day, off in holidays] or [texts.CALENDAR_NO_HOLIDAYS]
    if view.overrides:
        lines += ["", texts.CALENDAR_OVERRIDES]
        lines += [texts.CALENDAR_HOLIDAY_LINE.format(tanggal=long_date_with_day(day),
                                                     nama=escape(name))
                  for day, name in sorted(view.overrides.items())]
    for period in view.ramadan:
        lines += ["", texts.CALENDAR_RAMADAN.format(mulai=long_date(period.start),
                                                    akhir=long_date(period.end))]
    return "\n".join(lines)


def _shift(year: int, month: int, by: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + by
    return index // 12, index % 12 + 1


def calendar_keyboard(year: int, month: int) -> InlineKeyboardMarkup:
    buttons = []
    for by, template in ((-1, texts.CALENDAR_PREV), (1, texts.CALENDAR_NEXT)):
        y, m = _shift(year, month, by)
        if attendance_views.FIRST_YEAR <= y <= attendance_views.LAST_YEAR:
            buttons.append(InlineKeyboardButton(template.format(bulan=month_year(y, m)),
                                                callback_data=f"kal:{y:04d}{m:02d}"))
    return InlineKeyboardMarkup([buttons])


async def kalender(update: Update, context: BotContext) -> None:
    """The office calendar of this month, or of the month given as MM-YYYY."""
    message = update.effective_message
    assert message is not None
    now = context.clock.now()
    args = context.args or []
    wanted = parse_month(args[0]) if len(args) == 1 else None
    if args and wanted is None:
        await message.reply_html(texts.CALENDAR_BAD_MONTH)
        return
    year, month = wanted or (now.year, now.month)
    try:
        view = attendance_views.calendar_month(context.calendar, context.env(AttendanceEnv).policy,
                                               year, month)
    except DomainError as error:
        await message.reply_html(escape(error.message))
        return
    await message.reply_html(render_calendar(view), reply_markup=calendar_keyboard(year, month))


async def kalender_navigate(update: Update, context: BotContext) -> None:
    """Show another month in the same message."""
    query = update.callback_query
    assert query is not None and query.data is not None
    match = re.match(CALENDAR_PATTERN, query.data)
    assert match is not None
    year, month = int(match[1]), int(match[2])
    try:
        view = attendance_views.calendar_month(context.calendar, context.env(AttendanceEnv).policy,
                                               year, month)
    except DomainError as error:
        log.info("kalender.refused data=%s", query.data)
        await query.answer(error.message, show_alert=True)
        return
    await query.answer()
    try:
        await query.edit_message_text(render_calendar(view), parse_mode="HTML",
                                      reply_markup=calendar_keyboard(year, month))
    except BadRequest as error:
        # A double tap asks for the month already shown; Telegram refuses the identical edit.
        if "not modified" not in error.message:
            raise


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("hadir", hadir))
    app.add_handler(CommandHandler("kalender", kalender))
    app.add_handler(CallbackQueryHandler(kalender_navigate, pattern=CALENDAR_PATTERN))
