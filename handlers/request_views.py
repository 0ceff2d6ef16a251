"""Rendering of requests: cards, summaries, keyboards and the inline calendar.

callback_data codec (all ≤ 64 bytes, matched by anchored patterns):
  rqf:t:<type>  rqf:m:<YYYYMM>  rqf:d:<YYYYMMDD>  rqf:skip  rqf:send  rqf:x  rqf:nop   (the form)
  rqf:g:<ground> (which child, cuti besar for religious purposes, ...)
  rqf:tm:<HHMM> (a part-day permit's time)  rqf:until (a second date)
  rqf:att (attach)  rqf:sum (back to the summary)
  rqf:ed / rqf:er (change the dates / the reason from the summary)
  req:new:<type>:<YYYYMMDD>  req:fix:<id>                                              (entries)
  req:ok|no|ret:<id>:<position>:<round>                                                (decisions)
  req:pok|pch|ppo|pno|chg|pst|tds:…, req:chd|che|chm|pod|pom:…, req:chy|chn:<id>  (cuti answers:
  see handlers/approval_codec.py)
  req:cancel:<id> (asks "Yakin?")  req:cancel:<id>:y (confirmed)  req:hist (back)  (/riwayat)
  req:wd:<id> (withdraw, asks)  req:wd:<id>:y (asked)  req:wdok:<id> (last approver confirms)
"""

from __future__ import annotations

import calendar as month_grid
import datetime as dt
from collections.abc import Callable
from functools import lru_cache
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from handlers import approval_codec as codec
from handlers.texts import requests as texts
from handlers.texts import usulan as usulan_texts
from services.calendar import OfficeCalendar
from services.indonesian_dates import long_date, long_date_with_day, month_year
from services.leave_rights import Ground, ground_label
from services.request_types import RequestType
from services.requests import DIUSULKAN, PERUBAHAN, RequestView, may_change, may_postpone

FORM_TYPE = r"^rqf:t:([a-z_]+)$"
FORM_GROUND = r"^rqf:g:([a-z0-9_]{1,20})$"
FORM_MONTH = r"^rqf:m:(\d{6})$"
FORM_DAY = r"^rqf:d:(\d{8})$"
FORM_SKIP = r"^rqf:skip$"
FORM_SEND = r"^rqf:send$"
FORM_CANCEL = r"^rqf:x$"
FORM_NOOP = r"^rqf:nop$"
FORM_UNTIL = r"^rqf:until$"
FORM_TIME = r"^rqf:tm:([01]\d|2[0-3])([0-5]\d)$"
FORM_ATTACH = r"^rqf:att$"
FORM_SUMMARY = r"^rqf:sum$"
FORM_EDIT_DATES = r"^rqf:ed$"
FORM_EDIT_REASON = r"^rqf:er$"
FORM_ANY = r"^rqf:"
NEW = r"^req:new:([a-z_]+):(\d{8})$"
FIX = r"^req:fix:(\d{1,10})$"
CANCEL = r"^req:cancel:(\d{1,10})$"
CANCEL_CONFIRMED = r"^req:cancel:(\d{1,10}):y$"
HISTORY_BACK = r"^req:hist$"
WITHDRAW = r"^req:wd:(\d{1,10})$"
WITHDRAW_CONFIRMED = r"^req:wd:(\d{1,10}):y$"
WITHDRAWAL_APPROVED = r"^req:wdok:(\d{1,10})$"
REQ_ANY = r"^req:"

# The form's keyboards are pure functions of their arguments and PTB's markups are frozen, so
# one built for the same arguments is sent again instead of being built anew for every update
# (a calendar is some forty buttons). Bounded: a month's days times the few ranges in use.
_KEYBOARDS = 256


def period(start: dt.date, end: dt.date) -> str:
    if start == end:
        return long_date_with_day(start)
    return f"{long_date_with_day(start)} s.d. {long_date_with_day(end)}"


def stamp(at: dt.datetime) -> str:
    return f"{long_date(at.date())} pukul {at:%H.%M}"


@lru_cache(maxsize=_KEYBOARDS)
def type_keyboard(types: tuple[RequestType, ...]) -> InlineKeyboardMarkup:
    """The types this employee may take (services.requests.offered_types)."""
    buttons = [InlineKeyboardButton(t.label, callback_data=f"rqf:t:{t.key}") for t in types]
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    rows.append([_cancel_button()])
    return InlineKeyboardMarkup(rows)


@lru_cache(maxsize=_KEYBOARDS)
def day_keyboard(today: dt.date, calendar: OfficeCalendar, *, earliest: dt.date,
                 latest: dt.date) -> InlineKeyboardMarkup:
    """The calendar of this month topped by one-tap "Hari ini" / "Besok" (each only when it
    is a working day inside the allowed range): most izin are for today or tomorrow."""
    quick = [InlineKeyboardButton(label, callback_data=f"rqf:d:{day:%Y%m%d}")
             for label, day in ((texts.BUTTON_TODAY, today),
                                (texts.BUTTON_TOMORROW, today + dt.timedelta(days=1)))
             if earliest <= day <= latest and calendar.is_working_day(day)]
    grid = calendar_keyboard(today.year, today.month, calendar, earliest=earliest,
                             latest=latest)
    rows = [quick, *grid.inline_keyboard] if quick else list(grid.inline_keyboard)
    return InlineKeyboardMarkup(rows)


@lru_cache(maxsize=_KEYBOARDS)
def ground_keyboard(grounds: tuple[Ground, ...]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(g.label, callback_data=f"rqf:g:{g.key}")] for g in grounds]
    rows.append([_cancel_button()])
    return InlineKeyboardMarkup(rows)


def calendar_keyboard(year: int, month: int, calendar: OfficeCalendar, *,
                      earliest: dt.date, latest: dt.date,
                      day_data: Callable[[dt.date], str] | None = None,
                      month_data: Callable[[dt.date], str] | None = None
                      ) -> InlineKeyboardMarkup:
    """A month grid; days off are shown in brackets, days outside the allowed range are
    inert, and the arrows only lead to months that hold selectable days. The buttons are the
    /izin form's unless `day_data` / `month_data` say otherwise (the pejabat's perubahan)."""
    if day_data is None and month_data is None:
        return _form_calendar(year, month, calendar, earliest, latest)
    return _calendar(year, month, calendar, earliest, latest, day_data, month_data)


@lru_cache(maxsize=_KEYBOARDS)
def _form_calendar(year: int, month: int, calendar: OfficeCalendar, earliest: dt.date,
                   latest: dt.date) -> InlineKeyboardMarkup:
    """The /izin form's calendar: its buttons carry nothing but the dates and months."""
    return _calendar(year, month, calendar, earliest, latest, None, None)


def _calendar(year: int, month: int, calendar: OfficeCalendar, earliest: dt.date,
              latest: dt.date, day_data: Callable[[dt.date], str] | None,
              month_data: Callable[[dt.date], str] | None) -> InlineKeyboardMarkup:
    noop = "rqf:nop"
    on_day = day_data or (lambda day: f"rqf:d:{day:%Y%m%d}")
    on_month = month_data or (lambda first: f"rqf:m:{first:%Y%m}")
    rows = [[InlineKeyboardButton(month_year(year, month), callback_data=noop)],
            [InlineKeyboardButton(d, callback_data=noop) for d in texts.WEEKDAY_HEADER]]
    for week in month_grid.Calendar(firstweekday=0).monthdatescalendar(year, month):
        row = []
        for day in week:
            if day.month != month or not earliest <= day <= latest:
                row.append(InlineKeyboardButton(" ", callback_data=noop))
                continue
            label = str(day.day) if calendar.is_working_day(day) else f"({day.day})"
            row.append(InlineKeyboardButton(label, callback_data=on_day(day)))
        rows.append(row)
    first = dt.date(year, month, 1)
    previous = (first - dt.timedelta(days=1)).replace(day=1)
    following = (first + dt.timedelta(days=32)).replace(day=1)
    blank = InlineKeyboardButton(" ", callback_data=noop)
    nav = [InlineKeyboardButton(texts.BUTTON_PREV, callback_data=on_month(previous))
           if previous >= earliest.replace(day=1) else blank,
           _cancel_button() if day_data is None else blank,
           InlineKeyboardButton(texts.BUTTON_NEXT, callback_data=on_month(following))
           if following <= latest else blank]
    rows.append(nav)
    return InlineKeyboardMarkup(rows)


def _cancel_button() -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data="rqf:x")


@lru_cache(maxsize=_KEYBOARDS)
def cancel_keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[_cancel_button()]])


@lru_cache(maxsize=_KEYBOARDS)
def reason_keyboard(*, can_extend: bool) -> InlineKeyboardMarkup:
    """Under the reason prompt: a one-day request needs no second date, a longer one asks."""
    row = [InlineKeyboardButton(texts.BUTTON_UNTIL, callback_data="rqf:until")] if can_extend \
        else []
    return InlineKeyboardMarkup([[*row, _cancel_button()]])


@lru_cache(maxsize=_KEYBOARDS)
def attach_keyboard(*, required: bool) -> InlineKeyboardMarkup:
    if required:
        return cancel_keyboard()
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_BACK_TO_SUMMARY, callback_data="rqf:sum"),
        _cancel_button()]])


@lru_cache(maxsize=_KEYBOARDS)
def confirm_keyboard(*, can_attach: bool = False) -> InlineKeyboardMarkup:
    """The summary: send, or change one field and come back here."""
    rows = [[InlineKeyboardButton(texts.BUTTON_SEND, callback_data="rqf:send")]]
    if can_attach:
        rows.append([InlineKeyboardButton(texts.BUTTON_ATTACH, callback_data="rqf:att")])
    rows.append([InlineKeyboardButton(texts.BUTTON_EDIT_DATES, callback_data="rqf:ed"),
                 InlineKeyboardButton(texts.BUTTON_EDIT_REASON, callback_data="rqf:er")])
    rows.append([_cancel_button()])
    return InlineKeyboardMarkup(rows)


def fix_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(texts.BUTTON_FIX,
                                                       callback_data=f"req:fix:{request_id}")]])


_DECISION_ORDER = ("setujui", "tolak", "kembalikan")
_ANSWER_ORDER = ("pertimbangan_setuju", "pertimbangan_perubahan", "pertimbangan_tangguhkan",
                 "pertimbangan_tidak", "setujui", "perubahan", "tangguhkan", "tidak_disetujui")
_POSTPONING = ("pertimbangan_tangguhkan", "tangguhkan")


def decision_keyboard(view: RequestView) -> InlineKeyboardMarkup:
    """Izin: Setujui / Tolak / Kembalikan on one row. Cuti: the form's four answers, two by
    two (Tangguhkan only where the cuti may be postponed), then Kembalikan."""
    step = view.current
    assert step is not None

    def button(action: str) -> InlineKeyboardButton:
        label = texts.BUTTON_ANSWER.get(action) or {
            "setujui": texts.BUTTON_APPROVE, "tolak": texts.BUTTON_REFUSE,
            "kembalikan": texts.BUTTON_RETURN}[action]
        return InlineKeyboardButton(label, callback_data=codec.request_button(
            action, view.id, step.position, view.round))

    answers = [a for a in _ANSWER_ORDER if a in step.actions and a != "setujui"]
    if not answers:
        return InlineKeyboardMarkup([[button(a) for a in _DECISION_ORDER
                                      if a in step.actions]])
    offered = [a for a in _ANSWER_ORDER if a in step.actions
               and (a not in _POSTPONING or may_postpone(view))
               and (a != "perubahan" or may_change(view))]
    rows = [[button(a) for a in offered[i:i + 2]] for i in range(0, len(offered), 2)]
    rows.append([button(a) for a in ("tolak", "kembalikan") if a in step.actions])
    return InlineKeyboardMarkup([row for row in rows if row])


def targets(view: RequestView) -> str:
    """Who the request went to, truthfully: an actor without Telegram yet is waited for."""
    step = view.current
    if step is None and view.status == DIUSULKAN and view.usulan is not None:
        return usulan_texts.TARGET_PROPOSED.format(kepada=escape(view.usulan.addressed_to))
    if step is None:
        return "-"
    names = ", ".join(escape(a.nama) + ("" if a.telegram_chat_id is not None
                                        else texts.AWAITING_REGISTRATION)
                      for a in step.actors)
    return f"{names} ({escape(step.title)})"


def card_text(view: RequestView, position: int) -> str:
    step = view.steps[position]
    label = view.ground_label
    text = texts.CARD.format(
        id=view.id, jenis=escape(view.kind.label), nama=escape(view.applicant.nama),
        keterangan=texts.GROUND_LINE.format(keterangan=escape(label)) if label else "",
        nip=view.applicant.nip, jabatan=escape(view.applicant.jabatan or "-"),
        periode=period(view.start, view.end) + time_line(view.part, view.expected_time),
        hari=view.working_days, alasan=escape(view.reason),
        lampiran=texts.ATTACHMENT_PRESENT if view.attachment else texts.NO_ATTACHMENT,
        tahap=escape(step.title), ke=position + 1, dari=len(view.steps))
    for earlier in view.steps[:position]:
        if earlier.outcome and earlier.decided_by:
            text += texts.CARD_HISTORY_LINE.format(
                tahap=escape(earlier.title), hasil=texts.OUTCOME[earlier.outcome],
                nama=escape(earlier.decided_by.nama), catatan=note_suffix(earlier.note))
    if view.proposed_above and position == len(view.steps) - 1 and view.usulan is None:
        text += usulan_texts.CARD_WILL_PROPOSE.format(jenis=escape(view.kind.label))
    return text + answer_lines(view)


def answer_lines(view: RequestView) -> str:
    """The pejabat's perubahan or penangguhan, and the applicant's reply to a perubahan."""
    answer = view.answer
    if answer is None:
        return ""
    if answer.postponed_until is not None:
        return texts.POSTPONED_LINE.format(tanggal=long_date_with_day(answer.postponed_until))
    assert answer.proposed_start and answer.proposed_end
    return texts.CHANGE_PROPOSED_LINE.format(
        periode=period(answer.proposed_start, answer.proposed_end), hari=answer.proposed_days,
        semula=period(answer.asked_start, answer.asked_end)) + (
        texts.CHANGE_REPLY_LINE[answer.reply] if answer.reply else "")


def open_card_text(view: RequestView) -> str:
    """The card of the current step, with buttons to come; a pertimbangan card says that
    whatever the atasan answers, the request goes on."""
    step = view.steps[view.current_step]
    hint = texts.CARD_CONSIDER if "pertimbangan_setuju" in step.actions else ""
    return card_text(view, view.current_step) + hint


def note_suffix(note: str | None) -> str:
    return texts.NOTE_SUFFIX.format(catatan=escape(note)) if note else ""



def decided_card_text(view: RequestView, position: int) -> str:
    step = view.steps[position]
    assert step.outcome and step.decided_by and step.decided_at
    return card_text(view, position) + texts.CARD_DECIDED.format(
        ikon=texts.OUTCOME_ICON[step.outcome], hasil=texts.OUTCOME[step.outcome],
        nama=escape(step.decided_by.nama), waktu=stamp(step.decided_at),
        catatan=note_suffix(step.note)) + _proposed_line(view, position)


def _proposed_line(view: RequestView, position: int) -> str:
    """Under the step that proposed it: to whom, and where the usulan stands."""
    if view.usulan is None or position != len(view.steps) - 1:
        return ""
    return usulan_texts.CARD_PROPOSED.format(kepada=escape(view.usulan.addressed_to),
                                             status=view.status_label)


def cancelled_card_text(view: RequestView, position: int) -> str:
    assert view.closed_at is not None
    return card_text(view, position) + texts.CARD_CANCELLED.format(waktu=stamp(view.closed_at))


def time_line(part: str, at: dt.time | None) -> str:
    """"Perkiraan tiba: pukul 09.30" for a part-day permit, nothing otherwise."""
    return texts.TIME_LINE[part].format(jam=f"{at:%H.%M}") if at is not None else ""


@lru_cache(maxsize=_KEYBOARDS)
def time_keyboard(part: str) -> InlineKeyboardMarkup:
    """The usual times in one tap; any other is typed."""
    times = texts.QUICK_TIMES[part]
    return InlineKeyboardMarkup([
        [InlineKeyboardButton(t, callback_data=f"rqf:tm:{t.replace('.', '')}") for t in times],
        [_cancel_button()]])


def summary_text(kind: RequestType, start: dt.date, end: dt.date, working_days: int,
                 reason: str, attachment_name: str | None, recipients: str,
                 expected_time: dt.time | None = None, ground: str | None = None) -> str:
    label = ground_label(ground)
    return texts.SUMMARY.format(jenis=escape(kind.label), periode=period(start, end),
                                keterangan=texts.GROUND_LINE.format(keterangan=escape(label))
                                if label else "",
                                hari=working_days, alasan=escape(reason),
                                lampiran=escape(attachment_name) if attachment_name
                                else texts.NO_ATTACHMENT, tujuan=recipients,
                                jam=time_line(kind.part, expected_time))


def history_text(views: list[RequestView]) -> str:
    text = texts.HISTORY_HEADER
    for v in views:
        extra = ""
        if v.current is not None:
            extra += texts.HISTORY_WAITING.format(tahap=escape(v.current.title))
        if v.agenda_number:
            extra += texts.HISTORY_NUMBER.format(nomor=escape(v.agenda_number))
        for step in v.steps:
            if step.outcome and step.outcome.startswith("pertimbangan_") and step.decided_by:
                extra += texts.CARD_HISTORY_LINE.format(
                    tahap=escape(step.title), hasil=texts.OUTCOME[step.outcome],
                    nama=escape(step.decided_by.nama), catatan=note_suffix(step.note))
        extra += answer_lines(v)
        text += texts.HISTORY_ITEM.format(id=v.id, jenis=escape(v.kind.label),
                                          periode=period(v.start, v.end), hari=v.working_days,
                                          status=v.status_label, extra=extra)
    return text


def history_keyboard(views: list[RequestView],
                     today: dt.date | None = None) -> InlineKeyboardMarkup | None:
    """Batalkan for open requests; Tarik for approved ones that have not started."""
    rows = [[InlineKeyboardButton(texts.BUTTON_CANCEL_REQUEST.format(id=v.id),
                                  callback_data=f"req:cancel:{v.id}")]
            for v in views if v.is_open]
    rows += [change_reply_buttons(v.id) for v in views if v.status == PERUBAHAN]
    if today is not None:
        rows += [[InlineKeyboardButton(texts.BUTTON_WITHDRAW_REQUEST.format(id=v.id),
                                       callback_data=f"req:wd:{v.id}")]
                 for v in views if v.status == "disetujui" and v.start > today
                 and not v.withdrawal_asked]
    return InlineKeyboardMarkup(rows) if rows else None


def withdraw_question(view: RequestView, approver: str) -> str:
    return texts.WITHDRAW_QUESTION.format(id=view.id, jenis=escape(view.kind.label),
                                          periode=period(view.start, view.end),
                                          nama=escape(approver))


def withdraw_confirm_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_CONFIRM_WITHDRAW,
                             callback_data=f"req:wd:{request_id}:y"),
        InlineKeyboardButton(texts.BUTTON_KEEP_REQUEST, callback_data="req:hist")]])


def change_reply_buttons(request_id: int) -> list[InlineKeyboardButton]:
    """Terima / Tarik on /riwayat."""
    return [InlineKeyboardButton(f"{label} #{request_id}", callback_data=codec.change_reply_button(
                request_id, accept=accept, from_history=True))
            for label, accept in ((texts.BUTTON_ACCEPT_CHANGE, True),
                                  (texts.BUTTON_WITHDRAW_CHANGE, False))]


def change_card_text(view: RequestView) -> str:
    """The applicant's card for a perubahan (also after they answered, with the answer)."""
    answer = view.answer
    assert answer is not None and answer.proposed_start and answer.proposed_end
    final = view.steps[answer.position]
    assert final.decided_by is not None
    return texts.CHANGE_CARD.format(
        id=view.id, jenis=escape(view.kind.label), nama=escape(final.decided_by.nama),
        tahap=escape(final.title), semula=period(answer.asked_start, answer.asked_end),
        periode=period(answer.proposed_start, answer.proposed_end), hari=answer.proposed_days,
        catatan=escape(final.note or "-"))


def change_card_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_ACCEPT_CHANGE,
                             callback_data=codec.change_reply_button(request_id, accept=True)),
        InlineKeyboardButton(texts.BUTTON_WITHDRAW_CHANGE,
                             callback_data=codec.change_reply_button(request_id,
                                                                     accept=False))]])


def withdrawal_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.BUTTON_APPROVE_WITHDRAWAL, callback_data=f"req:wdok:{request_id}")]])


def cancel_question(view: RequestView) -> str:
    return texts.CANCEL_QUESTION.format(id=view.id, jenis=escape(view.kind.label),
                                        periode=period(view.start, view.end))


def cancel_confirm_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_CONFIRM_CANCEL,
                             callback_data=f"req:cancel:{request_id}:y"),
        InlineKeyboardButton(texts.BUTTON_KEEP_REQUEST, callback_data="req:hist")]])
