"""/rekap, the paraf chain's buttons, the reason for a return, /arsip, and the renderers of the
recap's outbox rows (services/recap_notices.py: the PDF cards and copies, the spreadsheet, the
Kepala's daily report), drawn from the recap as it stands when the row is sent.

callback_data (state lives in SQLite; `rev` changes with every step): the chain's buttons
rkp:sub|ok|ret:<id>:<rev> are handlers.approval_codec's (Kembalikan asks for the reason
through handlers.reason_prompt);
  rkp:arsip:<id>        send a copy of an archived (signed) recap
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
)

from bot.context import AppServices, BotApp, BotContext
from handlers import approval_codec as codec
from handlers import reason_prompt
from handlers.html import fill
from handlers.sender import DOCUMENT, Outgoing, renderer
from handlers.texts import recap as texts
from reports.recap_pdf import clock_time
from services import recap, recap_notices
from services.employees import Employee
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.indonesian_dates import long_date
from services.reason_prompts import Prompt
from services.recap import Outcome, Recap, RecapEnv
from services.recap_flow import DRAFT, KEPALA, ROLE_TITLES, parse_period

log = logging.getLogger(__name__)

ARCHIVE = re.compile(r"^rkp:arsip:(\d{1,9})$")
MAX_CAPTION = 1024


# --- rendering (the outbox rows services/recap_notices.py writes) ----------------------------

def _decision_keyboard(item: Recap) -> InlineKeyboardMarkup:
    if item.state == DRAFT:
        return InlineKeyboardMarkup([[InlineKeyboardButton(
            texts.BUTTON_SUBMIT, callback_data=codec.recap_button("ajukan", item.id, item.rev))]])
    approve = texts.BUTTON_SIGN if item.state == KEPALA else texts.BUTTON_PARAF
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(approve,
                             callback_data=codec.recap_button("setujui", item.id, item.rev)),
        InlineKeyboardButton(texts.BUTTON_RETURN,
                             callback_data=codec.recap_button("kembalikan", item.id, item.rev)),
    ]])


def _trail(item: Recap, people: dict[str, Employee], zone: ZoneInfo) -> str:
    lines = []
    for nip, at in ((item.kasubbag_nip, item.kasubbag_at),
                    (item.sekretaris_nip, item.sekretaris_at)):
        if nip and at and nip in people:
            person = people[nip]
            lines.append(texts.TRAIL_PARAF.format(jabatan=escape(person.jabatan or "-"),
                                                  nama=escape(person.nama),
                                                  waktu=clock_time(at, zone)))
    return "\n".join(lines)


async def caption_for(services: AppServices, item: Recap, payload: dict[str, Any]) -> str:
    """The caption of the recap's PDF as the step that wrote the row left it."""
    people = await recap.by_nips(services.db, {
        n for n in (item.operator_nip, item.kasubbag_nip, item.sekretaris_nip, item.kepala_nip,
                    item.returned_by) if n})
    action = payload["action"]
    if action == "recap.sign":
        signer = people.get(item.kepala_nip or "")
        assert item.signed_at is not None and item.agenda_number and item.sha256
        return texts.SIGNED_CAPTION.format(periode=item.period, nomor=escape(item.agenda_number),
                                           nama=escape(signer.nama if signer else "-"),
                                           waktu=clock_time(item.signed_at, services.clock.tz),
                                           hash=item.sha256)
    if action == "recap.return":
        returner = people.get(item.returned_by or "")
        text = texts.RETURNED_TO_YOU.format(
            periode=item.period, nama=escape(returner.nama if returner else "-"),
            jabatan=escape(returner.jabatan if returner else "-"),
            alasan=escape(item.returned_reason or "-"))
        return text + (texts.RETURNED_TO_OPERATOR_HINT if item.state == DRAFT
                       else texts.RETURNED_TO_REVIEWER_HINT)
    if item.state == DRAFT:
        text = texts.DRAFT_CAPTION.format(periode=item.period, versi=item.version,
                                          pegawai=payload["employees"],
                                          hari_kerja=payload["working_days"])
        if item.returned_reason:
            text += texts.DRAFT_RETURNED_NOTE.format(alasan=escape(item.returned_reason))
        if payload["auto"]:
            text += texts.AUTO_DRAFT_NOTE
        return text
    operator = people.get(item.operator_nip or "")
    return texts.REVIEW_CAPTION.format(
        periode=item.period, versi=item.version,
        operator=escape(operator.nama if operator else "-"),
        jejak=_trail(item, people, services.clock.tz),
        tombol=texts.BUTTON_SIGN if item.state == KEPALA else texts.BUTTON_PARAF)


async def _as_written(services: AppServices, payload: dict[str, Any]) -> Recap | None:
    """The recap if it still stands at the rev the row was written for; a recap that moved on
    meanwhile has rows of its own for the later step."""
    try:
        item = await recap.get(services.db, payload["recap"])
    except NotFound:
        return None
    return item if item.rev == payload["rev"] else None


@renderer(recap_notices.DOCUMENT)
async def document(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    item = await _as_written(services, payload)
    if item is None:
        return None
    caption = await caption_for(services, item, payload)
    return Outgoing(caption, method=DOCUMENT,
                    markup=_decision_keyboard(item) if payload["buttons"] else None,
                    file=await recap.current_pdf(services.db, item.id), filename=item.filename)


@renderer(recap_notices.SPREADSHEET)
async def spreadsheet(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    item = await _as_written(services, payload)
    if item is None:
        return None
    data = await recap.spreadsheet(services.db, services.env(RecapEnv), item.id)
    return Outgoing(texts.XLSX_CAPTION, method=DOCUMENT, file=data,
                    filename=item.filename.replace(".pdf", ".xlsx"))


def _reached(outcome: Outcome) -> list[Employee]:
    """Who the step's card is on its way to (the outbox delivers it at least once)."""
    return [p for p in outcome.notify if p.reachable]


async def _close_card(message: Message | None, note: str) -> None:
    """Remove the buttons from the tapped message and say what happened to it."""
    if message is None:
        return
    caption = (message.caption_html or "") + "\n\n" + note
    if len(caption) > MAX_CAPTION:
        caption = note  # cutting HTML could break a tag; the outcome is what matters now
    try:
        await message.edit_caption(caption=caption, parse_mode=ParseMode.HTML,
                                   reply_markup=None)
    except TelegramError:
        log.info("recap.card_not_closed message_id=%s", message.message_id, exc_info=True)


def _forwarded_note(outcome: Outcome, done: str) -> str:
    reached = _reached(outcome)
    if outcome.notify and not reached:
        role = ROLE_TITLES.get(outcome.recap.state, outcome.recap.state)
        return done + "\n" + texts.NOBODY_TO_NOTIFY.format(jabatan=role)
    if outcome.notify:
        names = ", ".join(escape(p.nama) for p in reached)
        role = ROLE_TITLES.get(outcome.recap.state, outcome.recap.state)
        return done + " " + texts.FORWARDED_TO.format(nama=names, jabatan=escape(role))
    return done


# --- /rekap ---------------------------------------------------------------------------------

async def rekap(update: Update, context: BotContext) -> None:
    """Build the draft of a month (default: last month) and send it to the operator."""
    message = update.effective_message
    assert message is not None
    employee = context.require_employee()
    period = parse_period(" ".join(context.args or []), context.clock.now().date())
    if period is None:
        await message.reply_html(texts.REKAP_USAGE)
        return
    year, month = period
    await message.reply_chat_action(ChatAction.UPLOAD_DOCUMENT)
    try:
        outcome = await recap.build_draft(context.db, context.env(RecapEnv), context.clock,
                                          year, month, actor=employee)
    except DomainError as error:
        log.info("recap.build_refused nip=%s reason=%s", employee.nip, type(error).__name__)
        await message.reply_html(f"⚠️ {escape(error.message)}")
        return
    log.info("recap.built id=%s version=%s", outcome.recap.id, outcome.recap.version)


# --- the chain's buttons ------------------------------------------------------------------------

async def decide(update: Update, context: BotContext) -> None:
    """Submit, paraf or sign: re-checked in SQLite, refused politely when not for this person."""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = codec.decode(query.data)
    assert tap is not None
    recap_id, rev = tap.ref_id, tap.version
    employee = context.require_employee()
    env = context.services.env(RecapEnv)
    try:
        await recap.check_step(context.db, recap_id, rev, actor=employee, action=tap.action)
    except DomainError as error:
        log.info("recap.tap_refused nip=%s data=%s reason=%s", employee.nip, query.data,
                 type(error).__name__)
        await query.answer(error.message[:200], show_alert=True)
        return
    # Answered before the PDF is drawn; a failed answer is logged by the bot and skips nothing.
    await query.answer()
    try:
        if tap.action == "ajukan":
            outcome = await recap.submit(context.db, env, context.clock, recap_id, rev,
                                         actor=employee)
        else:
            outcome = await recap.approve(context.db, env, context.clock, recap_id, rev,
                                          actor=employee)
    except DomainError as error:
        # Someone else acted between the check and the step: the tap is answered already.
        log.info("recap.tap_refused_late nip=%s data=%s reason=%s", employee.nip, query.data,
                 type(error).__name__)
        if update.effective_chat is not None:
            await context.bot.send_message(update.effective_chat.id,
                                           f"⚠️ {escape(error.message)}",
                                           parse_mode=ParseMode.HTML)
        return
    now = clock_time(context.clock.now(), context.clock.tz)
    if outcome.action == "recap.submit":
        done = texts.SUBMITTED.format(waktu=now)
    elif outcome.action == "recap.sign":
        done = texts.SIGNED_DONE.format(waktu=now)
    else:
        done = texts.PARAF_DONE.format(waktu=now)
    await _close_card(query.message if isinstance(query.message, Message) else None,
                      _forwarded_note(outcome, done))


async def ask_reason(update: Update, context: BotContext) -> None:
    """Kembalikan: check the tap, then ask for the reason (a prompt for this recap)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = codec.decode(query.data)
    assert tap is not None
    employee = context.require_employee()
    try:
        item = await recap.check_return(context.db, tap.ref_id, tap.version, actor=employee)
    except DomainError as error:
        log.info("recap.return_refused nip=%s data=%s reason=%s", employee.nip, query.data,
                 type(error).__name__)
        await query.answer(error.message[:200], show_alert=True)
        return
    await query.answer()
    await reason_prompt.ask(update, context, kind=codec.RECAP, ref_id=item.id,
                            action="kembalikan", token=tap.token,
                            label=f"rekapitulasi kehadiran {item.period}",
                            text=texts.ASK_REASON.format(periode=item.period))


async def take_reason(update: Update, context: BotContext, prompt: Prompt, reason: str) -> bool:
    """The reason for returning the recap the prompt came from; False: ask again."""
    message = update.effective_message
    assert message is not None
    employee = context.require_employee()
    services = context.services
    try:
        outcome = await recap.send_back(context.db, services.env(RecapEnv), context.clock,
                                        prompt.ref_id, int(prompt.token), actor=employee,
                                        reason=reason)
    except (Conflict, NotAllowed, NotFound) as error:
        await message.reply_html(f"⚠️ {escape(error.message)}")
        return True
    except DomainError as error:
        await message.reply_html(f"⚠️ {escape(error.message)}")  # e.g. too short: ask again
        return False
    done = texts.RETURN_DONE.format(ke=ROLE_TITLES.get(outcome.recap.state, "-"),
                                    waktu=clock_time(context.clock.now(), context.clock.tz))
    note = _forwarded_note(outcome, done)
    await message.reply_html(note)
    if prompt.chat_id and prompt.message_id:
        try:
            await context.bot.edit_message_reply_markup(prompt.chat_id, prompt.message_id,
                                                        reply_markup=None)
        except TelegramError:
            log.info("recap.card_not_closed message_id=%s", prompt.message_id)
    return True


# --- /arsip ---------------------------------------------------------------------------------

async def arsip(update: Update, context: BotContext) -> None:
    """List the signed recaps, each with a button to receive a copy."""
    message = update.effective_message
    assert message is not None
    employee = context.require_employee()
    try:
        items = await recap.archived(context.db, actor=employee)
    except DomainError as error:
        await message.reply_html(f"⚠️ {escape(error.message)}")
        return
    if not items:
        await message.reply_html(texts.ARCHIVE_EMPTY)
        return
    lines = [texts.ARCHIVE_HEADER]
    buttons = []
    for item in items:
        assert item.signed_at is not None
        lines.append(texts.ARCHIVE_LINE.format(periode=item.period,
                                               nomor=escape(item.agenda_number or "-"),
                                               tanggal=long_date(item.signed_at.date())))
        buttons.append(InlineKeyboardButton(texts.ARCHIVE_BUTTON.format(periode=item.period),
                                            callback_data=f"rkp:arsip:{item.id}"))
    rows = [buttons[i:i + 2] for i in range(0, len(buttons), 2)]
    await message.reply_html("\n".join(lines), reply_markup=InlineKeyboardMarkup(rows))


async def archive_copy(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    match = ARCHIVE.match(query.data)
    assert match is not None
    employee = context.require_employee()
    try:
        item, pdf = await recap.archived_copy(context.db, int(match[1]), actor=employee)
    except DomainError as error:
        log.info("recap.archive_refused nip=%s data=%s", employee.nip, query.data)
        await query.answer(error.message[:200], show_alert=True)
        return
    await query.answer()
    assert item.signed_at is not None and update.effective_chat is not None
    await context.bot.send_document(
        update.effective_chat.id, document=pdf, filename=item.filename,
        caption=texts.ARCHIVE_COPY_CAPTION.format(periode=item.period,
                                                  nomor=escape(item.agenda_number or "-"),
                                                  tanggal=clock_time(item.signed_at,
                                                                     context.clock.tz),
                                                  hash=item.sha256),
        parse_mode=ParseMode.HTML)
    log.info("recap.archive_sent id=%s to=%s", item.id, employee.nip)


# --- the Kepala's daily report --------------------------------------------------------------

@renderer(recap_notices.DAILY_REPORT)
async def daily_report(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    """The Kepala's absence report of the day, as planned by services.recap."""
    day = dt.date.fromisoformat(payload["day"])
    lines: list[str] = [fill(texts.DAILY_HEADER, tanggal=long_date(day),
                             jam=payload["at"].replace(":", "."), hadir=payload["present"],
                             jumlah=payload["total"])]
    if not payload["away"]:
        lines.append(texts.DAILY_ALL_PRESENT)
        return Outgoing("\n".join(lines))
    shown = 0
    for group in payload["groups"]:
        code = group["code"]
        reason = texts.REASONS.get(code, code) if code else texts.DAILY_NOT_YET
        lines.append(fill(texts.DAILY_GROUP, keterangan=reason, jumlah=group["count"]))
        for person in group["people"]:
            lines.append(fill(texts.DAILY_LINE, nama=person["nama"], unit=person["unit"] or "-"))
            shown += 1
    if shown < payload["away"]:
        lines.append(fill(texts.DAILY_MORE, jumlah=payload["away"] - shown))
    return Outgoing("\n".join(lines))


def register(app: BotApp) -> None:
    reason_prompt.on_reason(codec.RECAP, take_reason, cancelled=texts.REASON_CANCELLED)
    app.add_handler(CallbackQueryHandler(ask_reason, pattern=codec.RECAP_RETURN))
    app.add_handler(CallbackQueryHandler(decide, pattern=codec.RECAP_DECIDE))
    app.add_handler(CallbackQueryHandler(archive_copy, pattern=ARCHIVE))
    app.add_handler(CommandHandler("rekap", rekap))
    app.add_handler(CommandHandler("arsip", arsip))
