"""/rekap, the paraf chain's buttons, the reason for a return, and /arsip.

callback_data (state lives in SQLite; `rev` changes with every step): the chain's buttons
rkp:sub|ok|ret:<id>:<rev> are handlers.approval_codec's (Kembalikan asks for the reason
through handlers.reason_prompt);
  rkp:arsip:<id>        send a copy of an archived (signed) recap
"""

from __future__ import annotations

import logging
import re
from html import escape
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
)

from bot.context import AppServices, BotApp, BotContext
from handlers import approval_codec as codec
from handlers import reason_prompt
from handlers.texts import recap as texts
from reports.recap_pdf import clock_time
from services import employees, recap
from services.employees import Employee
from services.errors import Conflict, DomainError, NotAllowed, NotFound
from services.indonesian_dates import long_date
from services.reason_prompts import Prompt
from services.recap import DailyReport, Outcome, Recap, RecapEnv
from services.recap_flow import DRAFT, KEPALA, ROLE_TITLES, parse_period

log = logging.getLogger(__name__)

ARCHIVE = re.compile(r"^rkp:arsip:(\d{1,9})$")
DAILY_MAX_LINES = 40
MAX_CAPTION = 1024


# --- rendering and sending ------------------------------------------------------------------

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


async def _names(services: AppServices, item: Recap) -> dict[str, Employee]:
    nips = {n for n in (item.operator_nip, item.kasubbag_nip, item.sekretaris_nip,
                        item.kepala_nip, item.returned_by) if n}
    found: dict[str, Employee] = {}
    async with services.db.read() as conn:
        for nip in nips:
            person = await employees.by_nip(conn, nip)
            if person is not None:
                found[nip] = person
    return found


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


async def caption_for(services: AppServices, outcome: Outcome) -> str:
    item = outcome.recap
    people = await _names(services, item)
    if outcome.action == "recap.sign":
        signer = people.get(item.kepala_nip or "")
        assert item.signed_at is not None and item.agenda_number and item.sha256
        return texts.SIGNED_CAPTION.format(periode=item.period, nomor=escape(item.agenda_number),
                                           nama=escape(signer.nama if signer else "-"),
                                           waktu=clock_time(item.signed_at, services.clock.tz),
                                           hash=item.sha256)
    if outcome.action == "recap.return":
        returner = people.get(item.returned_by or "")
        text = texts.RETURNED_TO_YOU.format(
            periode=item.period, nama=escape(returner.nama if returner else "-"),
            jabatan=escape(returner.jabatan if returner else "-"),
            alasan=escape(item.returned_reason or "-"))
        return text + (texts.RETURNED_TO_OPERATOR_HINT if item.state == DRAFT
                       else texts.RETURNED_TO_REVIEWER_HINT)
    if item.state == DRAFT:
        text = texts.DRAFT_CAPTION.format(periode=item.period, versi=item.version,
                                          pegawai=outcome.employees,
                                          hari_kerja=outcome.working_days)
        if item.returned_reason:
            text += texts.DRAFT_RETURNED_NOTE.format(alasan=escape(item.returned_reason))
        if outcome.actor is None:
            text += texts.AUTO_DRAFT_NOTE
        return text
    operator = people.get(item.operator_nip or "")
    return texts.REVIEW_CAPTION.format(
        periode=item.period, versi=item.version,
        operator=escape(operator.nama if operator else "-"),
        jejak=_trail(item, people, services.clock.tz),
        tombol=texts.BUTTON_SIGN if item.state == KEPALA else texts.BUTTON_PARAF)


async def _send(bot: Bot, services: AppServices, person: Employee, outcome: Outcome,
                caption: str, markup: InlineKeyboardMarkup | None) -> bool:
    if not person.reachable:
        return False
    assert person.telegram_chat_id is not None
    try:
        await bot.send_document(person.telegram_chat_id, document=outcome.pdf,
                                filename=outcome.recap.filename, caption=caption,
                                parse_mode=ParseMode.HTML, reply_markup=markup)
        if outcome.xlsx is not None:
            await bot.send_document(
                person.telegram_chat_id, document=outcome.xlsx,
                filename=outcome.recap.filename.replace(".pdf", ".xlsx"),
                caption=texts.XLSX_CAPTION)
    except Forbidden:
        async with services.db.transaction() as conn:
            await employees.mark_blocked(conn, person.nip, services.clock.now())
        log.info("recap.blocked nip=%s", person.nip)
        return False
    except TelegramError:
        log.warning("recap.send_failed nip=%s", person.nip, exc_info=True)
        return False
    return True


async def deliver(bot: Bot, services: AppServices, outcome: Outcome) -> list[Employee]:
    """Send the recap to whoever must act next (with buttons) and to those who get copies."""
    caption = await caption_for(services, outcome)
    reached = []
    markup = _decision_keyboard(outcome.recap) if outcome.notify else None
    for person in outcome.notify:
        if await _send(bot, services, person, outcome, caption, markup):
            reached.append(person)
    for person in outcome.copies:
        if await _send(bot, services, person, outcome, caption, None):
            reached.append(person)
    log.info("recap.delivered id=%s action=%s reached=%d", outcome.recap.id, outcome.action,
             len(reached))
    return reached


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


def _forwarded_note(outcome: Outcome, reached: list[Employee], done: str) -> str:
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
    await deliver(context.bot, context.services, outcome)


# --- the chain's buttons ------------------------------------------------------------------------

async def decide(update: Update, context: BotContext) -> None:
    """Submit, paraf or sign: re-checked in SQLite, refused politely when not for this person."""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = codec.decode(query.data)
    assert tap is not None
    recap_id, rev = tap.ref_id, tap.version
    employee = context.require_employee()
    services = context.services
    env = services.env(RecapEnv)
    try:
        if tap.action == "ajukan":
            outcome = await recap.submit(context.db, env, context.clock, recap_id, rev,
                                         actor=employee)
        else:
            outcome = await recap.approve(context.db, env, context.clock, recap_id, rev,
                                          actor=employee)
    except DomainError as error:
        log.info("recap.tap_refused nip=%s data=%s reason=%s", employee.nip, query.data,
                 type(error).__name__)
        await query.answer(error.message[:200], show_alert=True)
        return
    await query.answer()
    reached = await deliver(context.bot, services, outcome)
    now = clock_time(context.clock.now(), context.clock.tz)
    if outcome.action == "recap.submit":
        done = texts.SUBMITTED.format(waktu=now)
    elif outcome.action == "recap.sign":
        done = texts.SIGNED_DONE.format(waktu=now)
    else:
        done = texts.PARAF_DONE.format(waktu=now)
    await _close_card(query.message if isinstance(query.message, Message) else None,
                      _forwarded_note(outcome, reached, done))


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
    reached = await deliver(context.bot, services, outcome)
    done = texts.RETURN_DONE.format(ke=ROLE_TITLES.get(outcome.recap.state, "-"),
                                    waktu=clock_time(context.clock.now(), context.clock.tz))
    note = _forwarded_note(outcome, reached, done)
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

def daily_text(report: DailyReport) -> str:
    lines = [texts.DAILY_HEADER.format(tanggal=long_date(report.day),
                                       jam=f"{report.at:%H.%M}", hadir=report.present,
                                       jumlah=report.total)]
    if not report.away:
        lines.append(texts.DAILY_ALL_PRESENT)
        return "\n".join(lines)
    groups: dict[str, list[Employee]] = {}
    for line in report.away:
        code = line.status.codes[0] if line.status.codes else ""
        groups.setdefault(code, []).append(line.employee)
    shown = 0
    for code, people in groups.items():
        reason = texts.REASONS.get(code, code) if code else texts.DAILY_NOT_YET
        lines.append(texts.DAILY_GROUP.format(keterangan=reason, jumlah=len(people)))
        for person in people:
            if shown == DAILY_MAX_LINES:
                break
            lines.append(texts.DAILY_LINE.format(nama=escape(person.nama),
                                                 unit=escape(person.unit or "-")))
            shown += 1
    if shown < len(report.away):
        lines.append(texts.DAILY_MORE.format(jumlah=len(report.away) - shown))
    return "\n".join(lines)


def register(app: BotApp) -> None:
    reason_prompt.on_reason(codec.RECAP, take_reason, cancelled=texts.REASON_CANCELLED)
    app.add_handler(CallbackQueryHandler(ask_reason, pattern=codec.RECAP_RETURN))
    app.add_handler(CallbackQueryHandler(decide, pattern=codec.RECAP_DECIDE))
    app.add_handler(CallbackQueryHandler(archive_copy, pattern=ARCHIVE))
    app.add_handler(CommandHandler("rekap", rekap))
    app.add_handler(CommandHandler("arsip", arsip))
