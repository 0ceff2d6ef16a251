"""Presensi lokasi: /absen, live locations and their updates, selfies, /gangguan, and the
atasan opening a selfie from the morning summary (lok:foto:<punch id>)."""

from __future__ import annotations

import logging
import re
from html import escape
from typing import Any

from telegram import Message, Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import AppServices, BotApp, BotContext, app_env
from handlers.attendance_notices import clock_time
from handlers.envs import LocationEnv
from handlers.sender import Outgoing, renderer
from handlers.texts import common as common_texts
from handlers.texts import location as texts
from services import location as svc
from services.errors import DomainError
from services.indonesian_dates import long_date_with_day
from services.location_policy import SELFIE_OPTIONAL, SELFIE_REQUIRED, LocationPolicy

log = logging.getLogger(__name__)

SELFIE_PATTERN = r"^lok:foto:(\d{1,12})$"


def selfie_callback(punch_id: int) -> str:
    return f"lok:foto:{punch_id}"


def _metres(value: float | None) -> str:
    return f"{round(value or 0):,}".replace(",", ".")


def _accuracy(value: float | None) -> str:
    return f"{_metres(value)} m" if value is not None else texts.ACCURACY_UNKNOWN


def render_result(result: svc.LocationResult, policy: LocationPolicy) -> str | None:
    """The one message a location result gives the employee (None: say nothing)."""
    if result.state == svc.CHECKING:
        return texts.CHECKING.format(jarak=_metres(result.distance_m),
                                     lokasi=escape(result.site or ""),
                                     akurasi=_metres(result.accuracy_m),
                                     detik=result.seconds_left)
    if result.state == svc.RECORDED:
        punch = result.punch
        assert punch is not None
        text = texts.RECORDED.format(arah=texts.DIRECTION[punch.direction],
                                     jam=clock_time(punch.at), lokasi=escape(punch.site),
                                     jarak=_metres(punch.distance_m),
                                     akurasi=_metres(punch.accuracy_m))
        if result.selfie == SELFIE_OPTIONAL:
            text += texts.RECORDED_SELFIE_OPTIONAL.format(detik=policy.selfie_seconds)
        return text
    if result.state == svc.SELFIE:
        return texts.SELFIE_NEEDED.format(lokasi=escape(result.site or ""),
                                          detik=policy.selfie_seconds)
    if result.state == svc.SELFIE_ATTACHED:
        return texts.SELFIE_ATTACHED.format(lokasi=escape(result.site or ""))
    if result.state == svc.REFUSED:
        assert result.reason is not None
        return texts.REFUSED[result.reason].format(
            akurasi=_accuracy(result.accuracy_m), batas=_metres(
                policy.max_speed_kmh if result.reason == svc.SPEED else policy.max_accuracy_m),
            lebih=_metres(result.outside_by_m), lokasi=escape(result.site or ""),
            radius=_metres(result.radius_m), kecepatan=_metres(result.speed_kmh),
            detik=policy.selfie_seconds)
    return None


async def absen(update: Update, context: BotContext) -> None:
    """Ask for a live location, saying where and why the employee may clock in today."""
    message = update.effective_message
    assert message is not None
    employee = context.require_employee()
    policy = context.env(LocationEnv).policy
    now = context.clock.now()
    if not policy.enabled:
        await message.reply_html(texts.NOT_ENABLED)
        return
    permission = await svc.permission_today(context.db, policy, employee, now.date())
    if permission.basis is None or not permission.sites:
        await message.reply_html(texts.NOT_PERMITTED_TODAY)
        return
    text = texts.ASK.format(
        tanggal=long_date_with_day(now.date()), dasar=texts.BASIS[permission.basis],
        lokasi="\n".join(texts.SITE_LINE.format(nama=escape(site.name),
                                                radius=_metres(site.radius_m))
                         for site in permission.sites),
        detik=policy.check_seconds)
    if policy.selfie == SELFIE_OPTIONAL:
        text += texts.ASK_SELFIE_OPTIONAL.format(detik=policy.selfie_seconds)
    elif policy.selfie == SELFIE_REQUIRED:
        text += texts.ASK_SELFIE_REQUIRED.format(detik=policy.selfie_seconds)
    await message.reply_html(text)


def _fix(message: Message, edited: bool) -> svc.Fix:
    location = message.location
    assert location is not None
    # Read as sent: PTB is moving the attribute from seconds to a timedelta.
    raw_period = location.to_dict().get("live_period")
    period = int(raw_period) if raw_period is not None else None
    stamp = message.edit_date if edited and message.edit_date is not None else message.date
    return svc.Fix(latitude=location.latitude, longitude=location.longitude,
                   accuracy_m=location.horizontal_accuracy, at=stamp,
                   # A venue is a place picked from a list: a static pin whatever it carries.
                   live_period=period if message.venue is None else None,
                   forwarded=message.forward_origin is not None)


async def on_location(update: Update, context: BotContext) -> None:
    """A location message, or Telegram's update of a live one (an edited message)."""
    message = update.effective_message
    assert message is not None and message.location is not None
    edited = update.edited_message is not None
    employee = context.require_employee()
    policy = context.env(LocationEnv).policy
    result = await svc.receive_location(
        context.db, policy, context.clock.tz, employee, chat_id=message.chat_id,
        message_id=message.message_id, fix=_fix(message, edited), edited=edited,
        telegram_user_id=update.effective_user.id if update.effective_user else None,
        now=context.clock.now())
    if result.state == svc.REFUSED:
        log.info("location.refused nip=%s reason=%s", employee.nip, result.reason)
    text = render_result(result, policy)
    if text is not None:
        await message.reply_html(text)


async def on_photo(update: Update, context: BotContext) -> None:
    """A photo outside any form: the selfie of a location punch, if one is awaited."""
    message = update.effective_message
    assert message is not None and message.photo
    employee = context.require_employee()
    policy = context.env(LocationEnv).policy
    result = await svc.receive_photo(
        context.db, policy, context.clock.tz, employee, file_id=message.photo[-1].file_id,
        telegram_user_id=update.effective_user.id if update.effective_user else None,
        now=context.clock.now())
    text = render_result(result, policy)
    await message.reply_html(text if text is not None else common_texts.UNEXPECTED_MESSAGE)


async def gangguan(update: Update, context: BotContext) -> None:
    """/gangguan [batal] [keterangan]: an admin declares today a machine outage day."""
    message = update.effective_message
    assert message is not None
    employee = context.require_employee()
    args = context.args or []
    cancel = bool(args) and args[0].lower() == "batal"
    note = " ".join(args[1:] if cancel else args)[:200]
    now = context.clock.now()
    try:
        outcome = await svc.declare_outage(
            context.db, context.env(LocationEnv).policy, employee, now.date(), cancel=cancel,
            note=note, telegram_user_id=update.effective_user.id if update.effective_user
            else None, now=now)
    except DomainError as error:
        await message.reply_html(escape(error.message))
        return
    day = long_date_with_day(outcome.day)
    if cancel:
        template = texts.OUTAGE_CANCELLED if outcome.changed else texts.OUTAGE_NONE
    else:
        template = texts.OUTAGE_DECLARED if outcome.changed else texts.OUTAGE_ALREADY
    log.info("location.outage day=%s active=%s changed=%s", outcome.day, outcome.active,
             outcome.changed)
    await message.reply_html(template.format(tanggal=day))


async def open_selfie(update: Update, context: BotContext) -> None:
    """The atasan taps a name in the summary: send the selfie of that location punch."""
    query = update.callback_query
    assert query is not None and query.data is not None
    match = re.match(SELFIE_PATTERN, query.data)
    assert match is not None
    try:
        view = await svc.selfie_for(context.db, context.require_employee(), int(match[1]))
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return
    await query.answer()
    assert query.message is not None
    await context.bot.send_photo(query.message.chat.id, view.file_id,
                                 caption=texts.SELFIE_CAPTION.format(
                                     nama=escape(view.nama), lokasi=escape(view.site),
                                     jam=clock_time(view.at.astimezone(context.clock.tz))),
                                 parse_mode="HTML")


@renderer(svc.SWEPT)
async def swept(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    """A result the sweep decided, in reply to the live location it judged."""
    result = svc.result_of(payload)
    text = render_result(result, services.env(LocationEnv).policy)
    return Outgoing(text, reply_to=result.reply_to) if text is not None else None


def register(app: BotApp) -> None:
    if not app_env(app, LocationEnv).policy.enabled:
        return      # an office without presensi lokasi keeps every message as it was
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("absen", absen, filters=private))
    app.add_handler(CommandHandler("gangguan", gangguan, filters=private))
    # Both the message and Telegram's edits of it as the phone moves.
    app.add_handler(MessageHandler(private & filters.LOCATION, on_location))
    app.add_handler(MessageHandler(private & filters.PHOTO & filters.UpdateType.MESSAGE,
                                   on_photo))
    app.add_handler(CallbackQueryHandler(open_selfie, pattern=SELFIE_PATTERN))
