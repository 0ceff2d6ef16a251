"""The pejabat berwenang's Perubahan and Tangguhkan on a cuti card, and the applicant's one-tap
Terima / Tarik on a perubahan.

Perubahan: the pejabat picks (or types) the first and the last day proposed, sees the working
days and the applicant's balance, then types the reason. Tangguhkan: the first day the cuti may
be taken, then the reason. Each stage is a reason prompt (handlers.reason_prompt) whose token
carries what was chosen so far, so a typed date or reason belongs to that card only, expires,
and survives a restart; the calendar buttons carry the same. Every tap and every text is
checked against the database again, and the decision itself checks everything once more.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from html import escape

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import CallbackQueryHandler

from bot.context import BotApp, BotContext
from handlers import approval_codec as codec
from handlers import bounded, reason_prompt
from handlers import request_views as views
from handlers.envs import OfficeEnv, RequestEnv
from handlers.texts import common as common_texts
from handlers.texts import requests as texts
from services import approval_chain as chains
from services import requests as svc
from services.errors import DomainError
from services.indonesian_dates import long_date, long_date_with_day
from services.reason_prompts import Prompt

log = logging.getLogger(__name__)

CHANGE = "request_change"
POSTPONE = "request_postpone"


def _today(context: BotContext) -> dt.date:
    return context.clock.now().date()


def _day(day: dt.date) -> str:
    return f"{day:%Y%m%d}"


def _token(position: int, round_: int, *days: dt.date) -> str:
    return ":".join([str(position), str(round_), *(_day(d) for d in days)])


def _token_days(token: str) -> list[dt.date]:
    days = [bounded.compact_day(part) for part in token.split(":")[2:]]
    return [d for d in days if d is not None]


def _label(request_id: int) -> str:
    return f"pengajuan #{request_id}"


def _step(context: BotContext) -> tuple[int, int, int]:
    assert context.matches
    match = context.matches[0]
    return int(match[1]), int(match[2]), int(match[3])


async def _refuse(update: Update, error: DomainError, what: str) -> None:
    query = update.callback_query
    user = update.effective_user
    log.warning("request.answer_refused data=%r telegram_user=%s action=%s reason=%s",
                query.data if query else None, user.id if user else None, what, error.message)
    if query is not None:
        await query.answer(error.message, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_html(f"⚠️ {escape(error.message)}")


async def _settle_message(update: Update) -> None:
    """The calendar that was tapped keeps the choice as a record, without its buttons."""
    query = update.callback_query
    if query is not None and isinstance(query.message, Message):
        await query.edit_message_reply_markup(None)


# --- perubahan ----------------------------------------------------------------------------

def _change_window(context: BotContext, start: dt.date | None) -> tuple[dt.date, dt.date]:
    today = _today(context)
    return start or today, today + dt.timedelta(days=context.env(RequestEnv).policy.max_ahead_days)


def _change_calendar(context: BotContext, view: svc.RequestView, position: int,
                     month: dt.date, start: dt.date | None) -> InlineKeyboardMarkup:
    earliest, latest = _change_window(context, start)
    first = start
    return views.calendar_keyboard(
        month.year, month.month, context.calendar, earliest=earliest, latest=latest,
        day_data=(lambda day: codec.change_last_day_button(view.id, position, view.round,
                                                           _day(first), _day(day)))
        if first else (lambda day: codec.change_day_button(view.id, position, view.round,
                                                           _day(day))),
        month_data=lambda m: codec.change_month_button(view.id, position, view.round,
                                                       f"{m:%Y%m}",
                                                       _day(first) if first else None))


def _start_month(context: BotContext, view: svc.RequestView) -> dt.date:
    earliest, latest = _change_window(context, None)
    shown = view.start if earliest <= view.start <= latest else earliest
    return shown.replace(day=1)


async def _ask_change_start(update: Update, context: BotContext, view: svc.RequestView,
                            position: int, lead: str = "") -> None:
    await reason_prompt.ask(
        update, context, kind=CHANGE, ref_id=view.id, action=chains.PERUBAHAN,
        token=_token(position, view.round), label=_label(view.id),
        text=lead + texts.CHANGE_ASK_START.format(
            id=view.id, nama=escape(view.applicant.nama), periode=views.period(view.start,
                                                                               view.end),
            hari=view.working_days),
        markup=_change_calendar(context, view, position, _start_month(context, view), None))


async def ask_change(update: Update, context: BotContext) -> None:
    """Perubahan on the card: still this person's turn? Then the proposed first day."""
    query = update.callback_query
    assert query is not None
    request_id, position, round_ = _step(context)
    try:
        view = await svc.check_turn(context.db, request_id, position, round_,
                                    context.require_employee().nip, chains.PERUBAHAN)
    except DomainError as error:
        await _refuse(update, error, chains.PERUBAHAN)
        return
    await query.answer()
    await _ask_change_start(update, context, view, position)


async def _chose_change_start(update: Update, context: BotContext, view: svc.RequestView,
                              position: int, start: dt.date) -> None:
    await reason_prompt.ask(
        update, context, kind=CHANGE, ref_id=view.id, action=chains.PERUBAHAN,
        token=_token(position, view.round, start), label=_label(view.id),
        text=texts.CHANGE_ASK_END.format(id=view.id, mulai=views.period(start, start)),
        markup=_change_calendar(context, view, position, start.replace(day=1), start))


async def _chose_change_end(update: Update, context: BotContext, view: svc.RequestView,
                            position: int, start: dt.date, end: dt.date) -> None:
    """Both days chosen: checked as the form checks them, for the applicant; then the reason."""
    try:
        checked = await svc.check_change(
            context.db, context.env(RequestEnv).policy, context.calendar, request_id=view.id,
            position=position, round_=view.round, nip=context.require_employee().nip,
            start=start, end=end, today=_today(context))
    except DomainError as error:
        log.info("request.change_dates_refused id=%s reason=%s", view.id, error.message)
        await _ask_change_start(update, context, view, position,
                                lead=f"⚠️ {escape(error.message)}\n\n")
        return
    balance = checked.balance
    await reason_prompt.ask(
        update, context, kind=CHANGE, ref_id=view.id, action=chains.PERUBAHAN,
        token=_token(position, view.round, start, end), label=_label(view.id),
        text=texts.CHANGE_ASK_REASON.format(
            id=view.id, periode=views.period(start, end), hari=checked.working_days,
            saldo=texts.CHANGE_BALANCE.format(tahun=balance.year, sisa=balance.remaining)
            if balance is not None else ""))


async def _view_for_tap(update: Update, context: BotContext, action: str
                        ) -> tuple[svc.RequestView, int] | None:
    request_id, position, round_ = _step(context)
    try:
        view = await svc.check_turn(context.db, request_id, position, round_,
                                    context.require_employee().nip, action)
    except DomainError as error:
        await _refuse(update, error, action)
        return None
    return view, position


async def _day_tap(update: Update, context: BotContext, action: str,
                   ask: Callable[[Update, BotContext, svc.RequestView, int], Awaitable[None]],
                   chose: Callable[[Update, BotContext, svc.RequestView, int, dt.date],
                                   Awaitable[None]]) -> None:
    """A day tapped on a perubahan or tangguhkan calendar: the turn re-checked, then the day
    taken (or, for a day out of bounds, the calendar asked again)."""
    query = update.callback_query
    assert query is not None and context.matches
    found = await _view_for_tap(update, context, action)
    day = bounded.compact_day(context.matches[0][4])
    if found is None:
        return
    await query.answer()
    view, position = found
    if day is None:
        await ask(update, context, view, position)
        return
    await _settle_message(update)
    await chose(update, context, view, position, day)


async def change_day(update: Update, context: BotContext) -> None:
    await _day_tap(update, context, chains.PERUBAHAN, _ask_change_start, _chose_change_start)


async def change_last_day(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and context.matches
    found = await _view_for_tap(update, context, chains.PERUBAHAN)
    start = bounded.compact_day(context.matches[0][4])
    end = bounded.compact_day(context.matches[0][5])
    if found is None:
        return
    await query.answer()
    view, position = found
    if start is None or end is None:
        await _ask_change_start(update, context, view, position)
        return
    await _settle_message(update)
    await _chose_change_end(update, context, view, position, start, end)


async def change_month(update: Update, context: BotContext) -> None:
    """A month arrow: redraw the calendar; the question (and a typed answer) still stands."""
    query = update.callback_query
    assert query is not None and context.matches
    found = await _view_for_tap(update, context, chains.PERUBAHAN)
    month = bounded.compact_month(context.matches[0][4])
    start = bounded.compact_day(context.matches[0][5]) if context.matches[0][5] else None
    if found is None:
        return
    view, position = found
    if month is None:
        await query.answer(common_texts.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    days = (start,) if start else ()
    await reason_prompt.hold(update, context, kind=CHANGE, ref_id=view.id,
                             action=chains.PERUBAHAN,
                             token=_token(position, view.round, *days), label=_label(view.id))
    await query.edit_message_reply_markup(_change_calendar(context, view, position, month,
                                                           start))


async def got_change_text(update: Update, context: BotContext, prompt: Prompt,
                          text: str) -> bool:
    """A typed first day, last day, or (both chosen) the reason: the stage is in the token.
    Returns whether the prompt is done (False: the next stage's prompt is open)."""
    position, round_ = codec.request_token(prompt.token)
    chosen = _token_days(prompt.token)
    try:
        view = await svc.check_turn(context.db, prompt.ref_id, position, round_,
                                    context.require_employee().nip, chains.PERUBAHAN)
    except DomainError as error:
        await _refuse(update, error, chains.PERUBAHAN)
        return True
    if len(chosen) < 2:
        day = bounded.typed_day(text)
        if day is None:
            assert update.effective_message is not None
            await update.effective_message.reply_html(texts.BAD_DATE)
            return False
        if chosen:
            await _chose_change_end(update, context, view, position, chosen[0], day)
        else:
            await _chose_change_start(update, context, view, position, day)
        # The next stage's prompt replaced this one: it stays open.
        return False
    start, end = chosen
    await _decide(update, context, prompt, position, round_, note=text,
                  answer=svc.Answer(start=start, end=end))
    return True


# --- tangguhkan ---------------------------------------------------------------------------

def _postpone_calendar(context: BotContext, view: svc.RequestView, position: int,
                       month: dt.date) -> InlineKeyboardMarkup:
    earliest, latest = svc.postpone_window(view, _today(context))
    return views.calendar_keyboard(
        month.year, month.month, context.calendar, earliest=earliest, latest=latest,
        day_data=lambda day: codec.postpone_day_button(view.id, position, view.round,
                                                       _day(day)),
        month_data=lambda m: codec.postpone_month_button(view.id, position, view.round,
                                                         f"{m:%Y%m}"))


async def _ask_postpone_date(update: Update, context: BotContext, view: svc.RequestView,
                             position: int, lead: str = "") -> None:
    earliest, latest = svc.postpone_window(view, _today(context))
    await reason_prompt.ask(
        update, context, kind=POSTPONE, ref_id=view.id, action=chains.TANGGUHKAN,
        token=_token(position, view.round), label=_label(view.id),
        text=lead + texts.POSTPONE_ASK_DATE.format(
            id=view.id, nama=escape(view.applicant.nama),
            periode=views.period(view.start, view.end), akhir=long_date(latest)),
        markup=_postpone_calendar(context, view, position, earliest.replace(day=1)))


async def ask_postpone(update: Update, context: BotContext) -> None:
    """Tangguhkan on the card: still this person's turn, and may it be postponed (check_turn
    says)? Then the first day it may be taken."""
    query = update.callback_query
    assert query is not None
    found = await _view_for_tap(update, context, chains.TANGGUHKAN)
    if found is None:
        return
    view, position = found
    await query.answer()
    await _ask_postpone_date(update, context, view, position)


async def _chose_postpone_date(update: Update, context: BotContext, view: svc.RequestView,
                               position: int, until: dt.date) -> None:
    try:
        await svc.check_postponement(context.db, request_id=view.id, position=position,
                                     round_=view.round, nip=context.require_employee().nip,
                                     until=until, today=_today(context))
    except DomainError as error:
        await _ask_postpone_date(update, context, view, position,
                                 lead=f"⚠️ {escape(error.message)}\n\n")
        return
    carries = view.kind.uses_annual_balance and until.year > view.start.year
    await reason_prompt.ask(
        update, context, kind=POSTPONE, ref_id=view.id, action=chains.TANGGUHKAN,
        token=_token(position, view.round, until), label=_label(view.id),
        text=texts.POSTPONE_ASK_REASON.format(
            id=view.id, tanggal=long_date_with_day(until),
            bawa=texts.POSTPONE_CARRIES.format(tahun=until.year) if carries else ""))


async def postpone_day(update: Update, context: BotContext) -> None:
    await _day_tap(update, context, chains.TANGGUHKAN, _ask_postpone_date, _chose_postpone_date)


async def postpone_month(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and context.matches
    found = await _view_for_tap(update, context, chains.TANGGUHKAN)
    month = bounded.compact_month(context.matches[0][4])
    if found is None:
        return
    view, position = found
    if month is None:
        await query.answer(common_texts.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await reason_prompt.hold(update, context, kind=POSTPONE, ref_id=view.id,
                             action=chains.TANGGUHKAN, token=_token(position, view.round),
                             label=_label(view.id))
    await query.edit_message_reply_markup(_postpone_calendar(context, view, position, month))


async def got_postpone_text(update: Update, context: BotContext, prompt: Prompt,
                            text: str) -> bool:
    position, round_ = codec.request_token(prompt.token)
    chosen = _token_days(prompt.token)
    try:
        view = await svc.check_turn(context.db, prompt.ref_id, position, round_,
                                    context.require_employee().nip, chains.TANGGUHKAN)
    except DomainError as error:
        await _refuse(update, error, chains.TANGGUHKAN)
        return True
    if not chosen:
        day = bounded.typed_day(text)
        if day is None:
            assert update.effective_message is not None
            await update.effective_message.reply_html(texts.BAD_DATE)
            return False
        await _chose_postpone_date(update, context, view, position, day)
        return False
    await _decide(update, context, prompt, position, round_, note=text,
                  answer=svc.Answer(postponed_until=chosen[0]))
    return True


async def _decide(update: Update, context: BotContext, prompt: Prompt, position: int,
                  round_: int, *, note: str, answer: svc.Answer) -> None:
    message = update.effective_message
    user = update.effective_user
    assert message is not None and user is not None
    try:
        decision = await svc.decide(
            context.db, context.env(RequestEnv).policy, context.calendar,
            context.env(OfficeEnv).office, request_id=prompt.ref_id, position=position,
            round_=round_, action=prompt.action,
            nip=context.require_employee().nip, note=note, at=context.clock.now(),
            telegram_user_id=user.id, answer=answer)
    except DomainError as error:
        await _refuse(update, error, prompt.action)
        return
    log.info("request.decided id=%s action=%s position=%s", decision.request.id,
             decision.action, decision.position)
    await message.reply_html(texts.DECISION_DONE.format(hasil=texts.OUTCOME[decision.action],
                                                        id=decision.request.id))


# --- the applicant's answer to a perubahan ------------------------------------------------

async def _answer_change(update: Update, context: BotContext, *, accept: bool) -> None:
    query = update.callback_query
    assert query is not None and context.matches
    try:
        view = await svc.answer_change(
            context.db, context.env(RequestEnv).policy, context.calendar,
            context.env(OfficeEnv).office, int(context.matches[0][1]),
            context.require_employee(), accept=accept,
            at=context.clock.now(), telegram_user_id=query.from_user.id)
    except DomainError as error:
        await _refuse(update, error, "terima" if accept else "tarik")
        return
    await query.answer(texts.ANSWER_ACCEPTED if accept
                       else texts.ANSWER_WITHDRAWN.format(id=view.id))
    log.info("request.change_answered id=%s accepted=%s", view.id, accept)
    if context.matches[0][2]:
        # Tapped on /riwayat: the list as it is now (the card is closed by the outbox).
        items = await svc.history(context.db, view.applicant.nip)
        await query.edit_message_text(
            views.history_text(items), parse_mode="HTML",
            reply_markup=views.history_keyboard(items, _today(context)))


async def accept_change(update: Update, context: BotContext) -> None:
    await _answer_change(update, context, accept=True)


async def withdraw_change(update: Update, context: BotContext) -> None:
    await _answer_change(update, context, accept=False)


def register(app: BotApp) -> None:
    reason_prompt.on_reason(CHANGE, got_change_text, cancelled=texts.ANSWER_ABORTED)
    reason_prompt.on_reason(POSTPONE, got_postpone_text, cancelled=texts.ANSWER_ABORTED)
    for pattern, callback in (
            (codec.REQUEST_CHANGE, ask_change), (codec.CHANGE_DAY, change_day),
            (codec.CHANGE_LAST_DAY, change_last_day), (codec.CHANGE_MONTH, change_month),
            (codec.REQUEST_POSTPONE, ask_postpone), (codec.POSTPONE_DAY, postpone_day),
            (codec.POSTPONE_MONTH, postpone_month), (codec.CHANGE_ACCEPT, accept_change),
            (codec.CHANGE_WITHDRAW, withdraw_change)):
        app.add_handler(CallbackQueryHandler(callback, pattern=pattern))
