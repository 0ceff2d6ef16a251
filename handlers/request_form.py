"""/izin: the guided conversation that files a request (or corrects a returned one).

type (only those the employee's status allows) → ground when the type takes one (which child,
cuti besar for religious purposes, ...) → day ("Hari ini", "Besok", the calendar or a typed
DD-MM-YYYY) → working days shown →
reason (a request is one day unless "Sampai tanggal …" asks for the last day first) → the
attachment, only when the rules require one → summary → Kirim. On the summary an optional
attachment is offered ("Lampirkan") and each field can be changed on its own; a returned
request opens on that summary with its previous values. /batal cancels at any step.
The draft lives in user_data, which the SQLite persistence keeps, and the conversation is
persistent, so a restart of the bot resumes where the employee was.
"""

from __future__ import annotations

import datetime as dt
import logging
from html import escape
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotApp, BotContext
from handlers import bounded, location_form
from handlers import request_views as views
from handlers.envs import OfficeEnv, RequestEnv
from handlers.texts import common as common_texts
from handlers.texts import requests as texts
from handlers.texts import usulan as usulan_texts
from services import request_rules
from services import requests as svc
from services.errors import DomainError
from services.request_types import ATTACH_NONE, RequestType, request_type

log = logging.getLogger(__name__)

TYPE, START, END, REASON, ATTACH, CONFIRM, TIME, GROUND = range(8)
FULL_DAY = "full"
DRAFT = "request_draft"
CHANGING_DATES = "changing_dates"  # draft flag: "Ubah tanggal" was tapped on the summary
CONVERSATION_NAME = "request_form"


def _draft(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = context.user_data.setdefault(DRAFT, {})
    return draft


def _kind(draft: dict[str, Any]) -> RequestType:
    kind = request_type(draft["type"])
    assert kind is not None
    return kind


def _today(context: BotContext) -> dt.date:
    return context.clock.now().date()


def _calendar(context: BotContext, month: dt.date) -> InlineKeyboardMarkup:
    today = _today(context)
    policy = context.env(RequestEnv).policy
    return views.calendar_keyboard(
        month.year, month.month, context.calendar,
        earliest=today - dt.timedelta(days=policy.backdate_days),
        latest=today + dt.timedelta(days=policy.max_ahead_days))


async def _say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Edit the message whose button was tapped, or reply to a typed message."""
    query = update.callback_query
    if query is not None:
        await query.edit_message_text(text, parse_mode="HTML", reply_markup=markup)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_html(text, reply_markup=markup)


def _day_keyboard(context: BotContext) -> InlineKeyboardMarkup:
    today = _today(context)
    policy = context.env(RequestEnv).policy
    return views.day_keyboard(today, context.calendar,
                              earliest=today - dt.timedelta(days=policy.backdate_days),
                              latest=today + dt.timedelta(days=policy.max_ahead_days))


async def _ask_start(update: Update, context: BotContext, prefix: str = "", *,
                     edit: bool = True) -> int:
    kind = _kind(_draft(context))
    text = prefix + texts.CHOOSE_FIRST_DAY.format(jenis=escape(kind.label))
    if edit:
        await _say(update, text, _day_keyboard(context))
    else:
        await _reply(update, text, _day_keyboard(context))
    return START


async def begin(update: Update, context: BotContext) -> int:
    """Start a new request: choose the type."""
    assert update.effective_message is not None
    context.user_data[DRAFT] = {}  # type: ignore[index]
    types = svc.offered_types(context.require_employee())
    await update.effective_message.reply_html(texts.CHOOSE_TYPE,
                                              reply_markup=views.type_keyboard(types))
    return TYPE


async def begin_preset(update: Update, context: BotContext) -> int:
    """req:new:<type>:<YYYYMMDD> from an alert: type and first day already known."""
    query = update.callback_query
    assert query is not None and context.matches
    match = context.matches[0]
    kind = request_type(match[1])
    day = bounded.compact_day(match[2])
    if kind is None or day is None:
        log.warning("request.forged_callback data=%r user=%s", query.data, query.from_user.id)
        await query.answer(texts.UNKNOWN_BUTTON, show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[DRAFT] = {"type": kind.key}  # type: ignore[index]
    return await _chose_start(update, context, day, from_calendar=False)


async def begin_fix(update: Update, context: BotContext) -> int:
    """req:fix:<id>: correct a returned request and send it again."""
    query = update.callback_query
    assert query is not None and context.matches
    employee = context.require_employee()
    try:
        view = await svc.get(context.db, int(context.matches[0][1]))
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return ConversationHandler.END
    if view.applicant.nip != employee.nip or view.status != svc.DIKEMBALIKAN:
        log.warning("request.fix_refused request=%s nip=%s status=%s", view.id, employee.nip,
                    view.status)
        await query.answer(texts.UNKNOWN_BUTTON, show_alert=True)
        return ConversationHandler.END
    await query.answer()
    attachment = view.attachment
    context.user_data[DRAFT] = {  # type: ignore[index]
        "type": view.kind.key, "fix_id": view.id, "ground": view.ground,
        "start": view.start.isoformat(),
        "end": view.end.isoformat(), "reason": view.reason,
        "attachment": None if attachment is None else {
            "file_id": attachment.file_id, "kind": attachment.kind, "name": attachment.name,
            "size": attachment.size}}
    note = next((s.note for s in view.steps if s.outcome == "kembalikan"), "") or ""
    await _reply(update, texts.FIX_START.format(id=view.id, jenis=escape(view.kind.label),
                                                catatan=escape(note)).rstrip())
    return await _dates_chosen(update, context, from_calendar=False)


async def chose_type(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and context.matches
    employee = context.require_employee()
    if request_type(context.matches[0][1]) is None:
        await query.answer(texts.UNKNOWN_BUTTON, show_alert=True)
        return TYPE
    try:
        # A button from an older keyboard may offer a type this employee may not take.
        grounds = svc.form_grounds(employee, context.matches[0][1], today=_today(context))
    except DomainError as error:
        log.info("request.type_refused nip=%s type=%s", employee.nip, context.matches[0][1])
        await query.answer(error.message, show_alert=True)
        return TYPE
    await query.answer()
    draft = _draft(context)
    draft["type"] = context.matches[0][1]
    draft.pop("ground", None)
    if grounds:
        await _say(update, texts.CHOOSE_GROUND.format(jenis=escape(_kind(draft).label)),
                   views.ground_keyboard(grounds))
        return GROUND
    return await _ask_start(update, context)


async def chose_ground(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and context.matches
    draft = _draft(context)
    try:
        svc.check_ground(context.require_employee(), draft["type"], context.matches[0][1],
                         today=_today(context))
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return GROUND
    await query.answer()
    draft["ground"] = context.matches[0][1]
    return await _ask_start(update, context)


async def navigate(update: Update, context: BotContext) -> None:
    """Month arrows: redraw the calendar, stay in the same step."""
    query = update.callback_query
    assert query is not None and context.matches
    month = bounded.compact_month(context.matches[0][1])
    if month is None:
        await query.answer(common_texts.STALE_BUTTON, show_alert=True)
        return
    await query.answer()
    await query.edit_message_reply_markup(_calendar(context, month))


async def inert(update: Update, context: BotContext) -> None:
    assert update.callback_query is not None
    await update.callback_query.answer()


def _picked(update: Update, context: BotContext) -> dt.date | None:
    """The date from a calendar tap or a typed DD-MM-YYYY, or None if unreadable."""
    if update.callback_query is not None:
        assert context.matches
        return bounded.compact_day(context.matches[0][1])
    text = update.effective_message.text if update.effective_message else ""
    return bounded.typed_day(text or "")


async def picked_start(update: Update, context: BotContext) -> int | None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    day = _picked(update, context)
    if day is None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(texts.BAD_DATE)
        return None
    return await _chose_start(update, context, day,
                              from_calendar=update.callback_query is not None)


async def _chose_start(update: Update, context: BotContext, day: dt.date, *,
                       from_calendar: bool) -> int:
    """One day unless the employee asks for a later last day ("Sampai tanggal …")."""
    draft = _draft(context)
    draft["start"] = draft["end"] = day.isoformat()
    if draft.get(CHANGING_DATES) and not _kind(draft).single_day:
        # Changing the dates of a request that may span days asks for both.
        if from_calendar and update.callback_query is not None:
            await update.callback_query.edit_message_reply_markup(None)
        return await _ask_end(update, context)
    return await _dates_chosen(update, context, from_calendar=from_calendar)


async def _ask_end(update: Update, context: BotContext) -> int:
    draft = _draft(context)
    start = dt.date.fromisoformat(draft["start"])
    await _reply(update, texts.CHOOSE_END.format(jenis=escape(_kind(draft).label),
                                                 mulai=views.period(start, start)),
                 _calendar(context, start))
    return END


async def ask_end(update: Update, context: BotContext) -> int:
    """"Sampai tanggal …": the calendar for the last day, from the first day's month."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_reply_markup(None)
    return await _ask_end(update, context)


async def picked_end(update: Update, context: BotContext) -> int | None:
    if update.callback_query is not None:
        await update.callback_query.answer()
    day = _picked(update, context)
    if day is None:
        assert update.effective_message is not None
        await update.effective_message.reply_html(texts.BAD_DATE)
        return None
    _draft(context)["end"] = day.isoformat()
    return await _dates_chosen(update, context, from_calendar=update.callback_query is not None)


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """A new message in the chat (the tapped one stays as a record of the choice)."""
    assert update.effective_message is not None
    await update.effective_message.reply_html(text, reply_markup=markup)


async def _dates_chosen(update: Update, context: BotContext, *, from_calendar: bool) -> int:
    draft = _draft(context)
    kind = _kind(draft)
    start, end = dt.date.fromisoformat(draft["start"]), dt.date.fromisoformat(draft["end"])
    employee = context.require_employee()
    try:
        checked = await svc.check_dates(context.db, context.env(RequestEnv).policy,
                                        context.calendar, employee, kind.key, start, end,
                                        today=_today(context), ignore_id=draft.get("fix_id"),
                                        ground=draft.get("ground"))
    except DomainError as error:
        log.info("request.dates_refused nip=%s type=%s reason=%s", employee.nip, kind.key,
                 error.message)
        draft.pop("start", None)
        draft.pop("end", None)
        return await _ask_start(update, context, f"⚠️ {escape(error.message)}\n\n", edit=False)
    if from_calendar and update.callback_query is not None:
        # The dates are settled: the calendar's days must not be tapped again. (A tap on
        # another feature's message, e.g. the morning alert, leaves that message alone.)
        await update.callback_query.edit_message_reply_markup(None)
    draft.pop(CHANGING_DATES, None)
    draft["working_days"] = checked.working_days
    draft["needs_attachment"] = checked.attachment_needed
    draft["attachment_label"] = checked.attachment_label
    draft["type"], draft["ground"] = checked.type_key, checked.ground
    notes = "".join({"sakit_as_cuti": texts.SAKIT_AS_CUTI,
                     "sick_extension": texts.SICK_EXTENSION}[n] for n in checked.notes)
    days_off = context.calendar.days_off(start, end)
    libur = texts.DAYS_OFF_LINE.format(daftar=", ".join(
        f"{d.day:%d/%m} {escape(d.name)}" for d in days_off[:6])) if days_off else ""
    text = notes + texts.DAYS_SUMMARY.format(periode=views.period(start, end),
                                             hari=checked.working_days, libur=libur)
    if checked.balance is not None:
        text += texts.BALANCE_LINE.format(tahun=checked.balance.year,
                                          sisa=checked.balance.remaining)
    if kind.part != FULL_DAY and "expected_time" not in draft:
        await _reply(update, text + texts.ASK_TIME[kind.part], views.time_keyboard(kind.part))
        return TIME
    if "reason" in draft:
        return await _after_reason(update, context, lead=text + "\n\n")
    # Only a request still one day long can be extended; once a last day is chosen, the
    # summary's "Ubah tanggal" changes it.
    can_extend = not kind.single_day and start == end
    await _reply(update, text + (texts.ASK_REASON_OR_EXTEND if can_extend else texts.ASK_REASON),
                 views.reason_keyboard(can_extend=can_extend))
    return REASON


async def got_time(update: Update, context: BotContext) -> int | None:
    """The expected arrival or departure of a part-day permit: a button or typed JJ.MM."""
    query = update.callback_query
    draft = _draft(context)
    if query is not None:
        assert context.matches
        await query.answer()
        raw = context.matches[0][1]
        text = f"{raw[:2]}.{raw[2:]}"
    else:
        assert update.effective_message is not None
        text = update.effective_message.text or ""
    try:
        at = request_rules.parse_time_of_day(text)
    except DomainError as error:
        assert update.effective_message is not None
        await update.effective_message.reply_html(f"⚠️ {escape(error.message)}")
        return None
    if query is not None:
        await query.edit_message_reply_markup(None)
    draft["expected_time"] = at.strftime("%H:%M")
    if "reason" in draft:
        return await _after_reason(update, context)
    await _reply(update, texts.TIME_NOTED[_kind(draft).part].format(jam=f"{at:%H.%M}")
                 + texts.ASK_REASON, views.reason_keyboard(can_extend=False))
    return REASON


async def got_reason(update: Update, context: BotContext) -> int | None:
    assert update.effective_message is not None
    try:
        reason = request_rules.check_reason(update.effective_message.text or "")
    except DomainError as error:
        await update.effective_message.reply_html(f"⚠️ {escape(error.message)}")
        return None
    _draft(context)["reason"] = reason
    return await _after_reason(update, context)


async def _after_reason(update: Update, context: BotContext, lead: str = "") -> int:
    """A required attachment is asked for now; an optional one is offered on the summary."""
    draft = _draft(context)
    if draft.get("needs_attachment") and not draft.get("attachment"):
        return await _ask_attachment(update, context, lead, edit=False)
    return await _summary(update, context, lead)


async def _ask_attachment(update: Update, context: BotContext, lead: str = "", *,
                          edit: bool) -> int:
    draft = _draft(context)
    kind = _kind(draft)
    required = bool(draft.get("needs_attachment"))
    mb = f"{context.env(RequestEnv).policy.max_attachment_bytes / (1024 * 1024):g}"
    label = draft.get("attachment_label") or kind.attachment_label
    text = lead + (texts.ASK_ATTACHMENT_REQUIRED.format(lampiran=escape(label), mb=mb)
                   if required else texts.ASK_ATTACHMENT_OPTIONAL.format(mb=mb))
    markup = views.attach_keyboard(required=required)
    if edit:
        await _say(update, text, markup)
    else:
        await _reply(update, text, markup)
    return ATTACH


async def offer_attachment(update: Update, context: BotContext) -> int:
    """"Lampirkan" on the summary."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    return await _ask_attachment(update, context, edit=True)


async def edit_dates(update: Update, context: BotContext) -> int:
    """"Ubah tanggal" on the summary: the reason and attachment stay."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    draft = _draft(context)
    draft[CHANGING_DATES] = True
    # Another day may need another time.
    draft.pop("expected_time", None)
    return await _ask_start(update, context)


async def edit_reason(update: Update, context: BotContext) -> int:
    """"Ubah alasan" on the summary: the dates and attachment stay."""
    query = update.callback_query
    assert query is not None
    await query.answer()
    _draft(context).pop("reason", None)
    await query.edit_message_text(texts.ASK_REASON.strip(), parse_mode="HTML",
                                  reply_markup=views.cancel_keyboard())
    return REASON


async def got_attachment(update: Update, context: BotContext) -> int | None:
    message = update.effective_message
    assert message is not None
    if message.photo:
        photo = message.photo[-1]
        file_id, size, mime, name, is_photo = (photo.file_id, photo.file_size, None, "foto.jpg",
                                               True)
    elif message.document is not None:
        doc = message.document
        file_id, size, mime, name, is_photo = (doc.file_id, doc.file_size, doc.mime_type,
                                               doc.file_name or "dokumen", False)
    else:
        await message.reply_html(texts.ATTACHMENT_EXPECTED)
        return None
    try:
        kind = svc.check_attachment(context.env(RequestEnv).policy, mime_type=mime, size=size,
                                    is_photo=is_photo)
    except DomainError as error:
        log.info("request.attachment_refused mime=%s size=%s", mime, size)
        await message.reply_html(f"⚠️ {escape(error.message)}")
        return None
    _draft(context)["attachment"] = {"file_id": file_id, "kind": kind, "name": name,
                                     "size": size or 0}
    return await _summary(update, context)


async def got_activity_location(update: Update, context: BotContext) -> int | None:
    """A location shared while a dinas luar form is open: where the activity is."""
    draft = _draft(context)
    if not location_form.take_activity_location(update, context, _kind(draft), draft):
        await location_form.not_an_activity(update, context)
        return None
    return await _summary(update, context)


async def not_an_attachment(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_html(texts.ATTACHMENT_EXPECTED)


async def back_to_summary(update: Update, context: BotContext) -> int | None:
    """"Kembali ke ringkasan" (and the older "Lewati") while an attachment is asked for."""
    query = update.callback_query
    assert query is not None
    draft = _draft(context)
    if draft.get("needs_attachment") and not draft.get("attachment"):
        kind = _kind(draft)
        await query.answer(texts.ATTACHMENT_REQUIRED_ALERT.format(
            lampiran=draft.get("attachment_label") or kind.attachment_label), show_alert=True)
        return None
    await query.answer()
    draft.setdefault("attachment", None)
    await query.edit_message_reply_markup(None)
    return await _summary(update, context)


async def _summary(update: Update, context: BotContext, lead: str = "") -> int:
    draft = _draft(context)
    kind = _kind(draft)
    deciders = await svc.first_deciders(context.db, context.env(RequestEnv).policy,
                                        context.require_employee(), kind.key)
    recipients = (f"{', '.join(escape(e.nama) for e in deciders[1])} ({escape(deciders[0])})"
                  if deciders else "-")
    proposed = svc.proposed_to(context.env(RequestEnv).policy, context.env(OfficeEnv).office,
                               context.require_employee(), kind.key)
    if proposed:
        recipients = usulan_texts.SUMMARY_RECIPIENTS.format(
            tujuan=recipients, kepada=escape(proposed)) if deciders else escape(proposed)
    attachment = draft.get("attachment")
    await _reply(update, lead + views.summary_text(
        kind, dt.date.fromisoformat(draft["start"]), dt.date.fromisoformat(draft["end"]),
        draft["working_days"], draft["reason"], attachment["name"] if attachment else None,
        recipients, _expected_time(draft), draft.get("ground"))
        + location_form.activity_lines(context, kind, draft),
        views.confirm_keyboard(
            can_attach=kind.attachment != ATTACH_NONE and not attachment))
    return CONFIRM


def _expected_time(draft: dict[str, Any]) -> dt.time | None:
    raw = draft.get("expected_time")
    return dt.time.fromisoformat(raw) if raw else None


async def send(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    draft = _draft(context)
    employee = context.require_employee()
    raw = draft.get("attachment")
    request = svc.Draft(draft["type"], dt.date.fromisoformat(draft["start"]),
                        dt.date.fromisoformat(draft["end"]), draft["reason"],
                        svc.Attachment(**raw) if raw else None,
                        location_form.activity_location(draft), _expected_time(draft),
                        ground=draft.get("ground"))
    policy, calendar, now = context.env(RequestEnv).policy, context.calendar, context.clock.now()
    try:
        if draft.get("fix_id"):
            view = await svc.resubmit(context.db, policy, calendar, employee, draft["fix_id"],
                                      request, at=now, telegram_user_id=query.from_user.id)
        else:
            view = await svc.submit(context.db, policy, calendar, employee, request, at=now,
                                    telegram_user_id=query.from_user.id,
                                    office=context.env(OfficeEnv).office)
    except request_rules.RequestRefused as error:
        # Something changed since the dates were checked (another request, the balance):
        # keep the reason and attachment, choose the dates again.
        await query.answer()
        await query.edit_message_reply_markup(None)
        draft.pop("start", None)
        draft.pop("end", None)
        return await _ask_start(update, context, f"⚠️ {escape(error.message)}\n\n")
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        context.user_data.pop(DRAFT, None)
        return ConversationHandler.END
    await query.answer()
    template = texts.RESUBMITTED if draft.get("fix_id") else texts.SUBMITTED
    context.user_data.pop(DRAFT, None)
    log.info("request.submitted id=%s nip=%s type=%s", view.id, employee.nip, view.kind.key)
    await query.edit_message_text(
        template.format(id=view.id, jenis=escape(view.kind.label), tujuan=views.targets(view)),
        parse_mode="HTML")
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    """/batal or the Batal button: drop the draft."""
    if context.user_data is not None:
        context.user_data.pop(DRAFT, None)
    query = update.callback_query
    if query is not None:
        await query.answer()
        await query.edit_message_text(texts.CANCELLED_FORM)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_html(texts.CANCELLED_FORM)
    return ConversationHandler.END


def conversation() -> ConversationHandler:  # type: ignore[type-arg]
    typed_text = filters.TEXT & ~filters.COMMAND
    calendar_taps: list[BaseHandler[Update, BotContext, object]] = [
        CallbackQueryHandler(navigate, pattern=views.FORM_MONTH),
        CallbackQueryHandler(inert, pattern=views.FORM_NOOP)]
    return ConversationHandler(
        entry_points=[CommandHandler("izin", begin),
                      CallbackQueryHandler(begin_preset, pattern=views.NEW),
                      CallbackQueryHandler(begin_fix, pattern=views.FIX)],
        states={
            TYPE: [CallbackQueryHandler(chose_type, pattern=views.FORM_TYPE)],
            GROUND: [CallbackQueryHandler(chose_ground, pattern=views.FORM_GROUND)],
            START: [CallbackQueryHandler(picked_start, pattern=views.FORM_DAY),
                    MessageHandler(typed_text, picked_start), *calendar_taps],
            END: [CallbackQueryHandler(picked_end, pattern=views.FORM_DAY),
                  MessageHandler(typed_text, picked_end), *calendar_taps],
            TIME: [CallbackQueryHandler(got_time, pattern=views.FORM_TIME),
                   MessageHandler(typed_text, got_time)],
            REASON: [MessageHandler(typed_text, got_reason),
                     CallbackQueryHandler(ask_end, pattern=views.FORM_UNTIL)],
            ATTACH: [MessageHandler(filters.PHOTO | filters.Document.ALL, got_attachment),
                     CallbackQueryHandler(back_to_summary, pattern=views.FORM_SKIP),
                     CallbackQueryHandler(back_to_summary, pattern=views.FORM_SUMMARY),
                     MessageHandler(location_form.PLACED_LOCATION, got_activity_location),
                     MessageHandler(typed_text, not_an_attachment)],
            CONFIRM: [CallbackQueryHandler(send, pattern=views.FORM_SEND),
                      CallbackQueryHandler(offer_attachment, pattern=views.FORM_ATTACH),
                      CallbackQueryHandler(edit_dates, pattern=views.FORM_EDIT_DATES),
                      CallbackQueryHandler(edit_reason, pattern=views.FORM_EDIT_REASON),
                      MessageHandler(location_form.PLACED_LOCATION, got_activity_location)],
        },
        fallbacks=[CommandHandler("batal", cancel),
                   CallbackQueryHandler(cancel, pattern=views.FORM_CANCEL)],
        name=CONVERSATION_NAME, persistent=True, allow_reentry=True,
    )


def register(app: BotApp) -> None:
    app.add_handler(conversation())
