"""/delegasi: the Kepala or the pengelola kepegawaian designates, lists and revokes Plh/Plt;
and the messages of approval steps moved to another person (delegation, cuti, new atasan).

The form: kind → NIP of the official → NIP of the delegate → Surat Perintah number → start →
end → summary → Simpan. /batal cancels at any step; the draft lives in user_data.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from html import escape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotApp, BotContext
from handlers import layanan, request_notify
from handlers.texts import delegation as texts
from services import acting, employees, recap, requests, step_moves
from services import delegation as svc
from services.employees import Employee
from services.errors import DomainError
from services.workflows import files as wf
from services.workflows.files import WorkflowEnv

log = logging.getLogger(__name__)

KIND, OFFICIAL, DELEGATE, SP, START, END, CONFIRM = range(7)
DRAFT = "delegation_draft"
NEW = r"^dlg:new$"
KIND_TAP = r"^dlg:kind:(plh|plt)$"
SAVE = r"^dlg:save$"
CANCEL = r"^dlg:cancel$"
FROM_FILE = r"^dlg:file:(\d{1,10})$"
REVOKE = r"^dlg:rev:(\d{1,9})$"
REVOKE_YES = r"^dlg:rvy:(\d{1,9})$"
_TYPED_DATE = re.compile(r"^\s*(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\s*$")


def _draft(context: BotContext) -> dict[str, Any]:
    assert context.user_data is not None
    draft: dict[str, Any] = context.user_data.setdefault(DRAFT, {})
    return draft


def _date(value: dt.date) -> str:
    return f"{value:%d-%m-%Y}"


async def _say(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    query = update.callback_query
    if query is not None:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_html(text, reply_markup=markup)


def _line(no: int, view: svc.DelegationView, today: dt.date) -> str:
    d = view.delegation
    return texts.LIST_LINE.format(
        no=no, prefix=d.prefix, jabatan=escape(view.official.jabatan or "-"),
        delegate=escape(view.delegate.nama), delegate_nip=view.delegate.nip,
        official=escape(view.official.nama), mulai=_date(d.start), selesai=_date(d.end),
        sp=escape(d.sp_number),
        status=texts.STATUS_ACTIVE if d.in_force(today) else texts.STATUS_PLANNED)


async def delegasi(update: Update, context: BotContext) -> None:
    employee = context.require_employee()
    assert update.effective_message is not None
    if not svc.may_designate(employee):
        await update.effective_message.reply_html(texts.ONLY_DESIGNATORS)
        return
    today = context.clock.now().date()
    current = await svc.current(context.db, today)
    if current:
        listing = "\n".join([texts.LIST_HEADER, *(_line(i, v, today)
                                                  for i, v in enumerate(current, 1))])
    else:
        listing = texts.NONE_ACTIVE
    rows = [[InlineKeyboardButton(texts.BTN_NEW, callback_data="dlg:new")]]
    rows += [[InlineKeyboardButton(texts.BTN_REVOKE.format(no=i),
                                   callback_data=f"dlg:rev:{v.delegation.id}")]
             for i, v in enumerate(current, 1)]
    await update.effective_message.reply_html(texts.MENU.format(daftar=listing),
                                              reply_markup=InlineKeyboardMarkup(rows))


async def begin(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None
    employee = context.require_employee()
    if not svc.may_designate(employee):
        await query.answer(texts.ONLY_DESIGNATORS, show_alert=True)
        return ConversationHandler.END
    await query.answer()
    assert context.user_data is not None
    context.user_data[DRAFT] = {}
    return await _ask_kind(update)


async def begin_from_file(update: Update, context: BotContext) -> int:
    """The button on an approved Plt/Plh file: the form, numbered as the file."""
    query = update.callback_query
    assert query is not None and context.matches and context.user_data is not None
    file_id = int(context.matches[0][1])
    try:
        number = await svc.from_file(context.db, context.env(WorkflowEnv).catalogue, file_id,
                                     by=context.require_employee())
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return ConversationHandler.END
    await query.answer()
    context.user_data[DRAFT] = {"file": file_id, "sp": number}
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id,
                                   texts.FROM_FILE.format(id=file_id, sp=escape(number)),
                                   parse_mode=ParseMode.HTML)
    return await _ask_kind(update, edit=False)


async def _ask_kind(update: Update, *, edit: bool = True) -> int:
    markup = InlineKeyboardMarkup([
        [InlineKeyboardButton(texts.BTN_PLH, callback_data="dlg:kind:plh")],
        [InlineKeyboardButton(texts.BTN_PLT, callback_data="dlg:kind:plt")],
        [InlineKeyboardButton(texts.BTN_CANCEL, callback_data="dlg:cancel")]])
    if edit:
        await _say(update, texts.ASK_KIND, markup)
    else:
        assert update.effective_message is not None
        await update.effective_message.reply_html(texts.ASK_KIND, reply_markup=markup)
    return KIND


async def chose_kind(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and context.matches
    await query.answer()
    _draft(context)["kind"] = context.matches[0][1]
    await _say(update, texts.ASK_OFFICIAL)
    return OFFICIAL


async def _typed_person(update: Update, context: BotContext) -> Employee | None:
    assert update.effective_message is not None
    try:
        return await svc.person(context.db, update.effective_message.text or "")
    except DomainError as error:
        await update.effective_message.reply_html(escape(error.message))
        return None


async def got_official(update: Update, context: BotContext) -> int:
    person = await _typed_person(update, context)
    if person is None:
        return OFFICIAL
    draft = _draft(context)
    draft["official"] = person.nip
    await _say(update, texts.ASK_DELEGATE.format(
        nama=escape(person.nama), jabatan=escape(person.jabatan or "-"),
        prefix=svc.PREFIXES[draft.get("kind", svc.PLH)]))
    return DELEGATE


async def got_delegate(update: Update, context: BotContext) -> int:
    person = await _typed_person(update, context)
    if person is None:
        return DELEGATE
    draft = _draft(context)
    if person.nip == draft.get("official"):
        assert update.effective_message is not None
        await update.effective_message.reply_html(
            "Pejabat tidak dapat ditunjuk sebagai Plh/Plt bagi dirinya sendiri. Ketik NIP "
            "pegawai lain.")
        return DELEGATE
    draft["delegate"] = person.nip
    if draft.get("sp"):
        # Numbered by the approved file: no Surat Perintah number to type.
        await _say(update, texts.ASK_START)
        return START
    await _say(update, texts.ASK_SP.format(nama=escape(person.nama),
                                           jabatan=escape(person.jabatan or "-")))
    return SP


async def got_sp(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None
    number = (update.effective_message.text or "").strip()
    if problem := svc.sp_problem(number):
        await update.effective_message.reply_html(escape(problem))
        return SP
    _draft(context)["sp"] = number
    await _say(update, texts.ASK_START)
    return START


def _parse_date(text: str) -> dt.date | None:
    match = _TYPED_DATE.match(text)
    if not match:
        return None
    try:
        return dt.date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        return None


async def got_start(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None
    day = _parse_date(update.effective_message.text or "")
    if day is None:
        await update.effective_message.reply_html(texts.BAD_DATE)
        return START
    _draft(context)["start"] = day.isoformat()
    await _say(update, texts.ASK_END.format(mulai=_date(day)))
    return END


def _order(draft: dict[str, Any]) -> svc.Designation:
    return svc.Designation(official_nip=draft["official"], delegate_nip=draft["delegate"],
                           kind=draft["kind"], sp_number=draft["sp"],
                           start=dt.date.fromisoformat(draft["start"]),
                           end=dt.date.fromisoformat(draft["end"]))


async def got_end(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None
    day = _parse_date(update.effective_message.text or "")
    if day is None:
        await update.effective_message.reply_html(texts.BAD_DATE)
        return END
    draft = _draft(context)
    start = dt.date.fromisoformat(draft["start"])
    if problem := svc.period_problem(start, day, context.clock.now().date()):
        await update.effective_message.reply_html(escape(problem))
        return END
    draft["end"] = day.isoformat()
    order = _order(draft)
    official = await svc.person(context.db, order.official_nip)
    delegate = await svc.person(context.db, order.delegate_nip)
    await _say(update, texts.SUMMARY.format(
        jenis=svc.NAMES[order.kind], official=escape(official.nama),
        official_nip=official.nip, jabatan=escape(official.jabatan or "-"),
        delegate=escape(delegate.nama), delegate_nip=delegate.nip,
        delegate_jabatan=escape(delegate.jabatan or "-"), sp=escape(order.sp_number),
        mulai=_date(order.start), selesai=_date(order.end)),
        InlineKeyboardMarkup([[InlineKeyboardButton(texts.BTN_SAVE, callback_data="dlg:save"),
                               InlineKeyboardButton(texts.BTN_CANCEL,
                                                    callback_data="dlg:cancel")]]))
    return CONFIRM


async def save(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and context.user_data is not None
    await query.answer()
    draft = context.user_data.pop(DRAFT, None)
    if not draft or "end" not in draft:
        await _say(update, texts.EXPIRED)
        return ConversationHandler.END
    try:
        done = await svc.designate(
            context.db, _order(draft), by=context.require_employee(), now=context.clock.now(),
            file=((context.env(WorkflowEnv).catalogue, draft["file"]) if "file" in draft
                  else None))
    except DomainError as error:
        await _say(update, escape(error.message))
        return ConversationHandler.END
    d = done.view.delegation
    view = done.view
    await _say(update, texts.SAVED.format(
        prefix=d.prefix, jabatan=escape(view.official.jabatan or "-"),
        delegate=escape(view.delegate.nama), mulai=_date(d.start), selesai=_date(d.end),
        moved=texts.SAVED_MOVED.format(count=len(done.moves)) if done.moves else ""))
    await tell_designation(context, view)
    await announce(context, done.moves)
    return ConversationHandler.END


async def cancel(update: Update, context: BotContext) -> int:
    assert context.user_data is not None
    context.user_data.pop(DRAFT, None)
    if update.callback_query is not None:
        await update.callback_query.answer()
    await _say(update, texts.CANCELLED)
    return ConversationHandler.END


async def ask_revoke(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and context.matches
    if not svc.may_designate(context.require_employee()):
        await query.answer(texts.ONLY_DESIGNATORS, show_alert=True)
        return
    await query.answer()
    delegation_id = int(context.matches[0][1])
    found = [v for v in await svc.current(context.db, context.clock.now().date())
             if v.delegation.id == delegation_id]
    if not found:
        await _say(update, "Penunjukan ini sudah berakhir atau dicabut sebelumnya.")
        return
    view = found[0]
    d = view.delegation
    await _say(update, texts.CONFIRM_REVOKE.format(
        prefix=d.prefix, jabatan=escape(view.official.jabatan or "-"),
        delegate=escape(view.delegate.nama), mulai=_date(d.start), selesai=_date(d.end),
        official=escape(view.official.nama)),
        InlineKeyboardMarkup([[InlineKeyboardButton(texts.BTN_REVOKE_YES,
                                                    callback_data=f"dlg:rvy:{d.id}"),
                               InlineKeyboardButton(texts.BTN_CANCEL,
                                                    callback_data="dlg:cancel")]]))


async def revoke(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and context.matches
    await query.answer()
    try:
        done = await svc.revoke(context.db, int(context.matches[0][1]),
                                by=context.require_employee(), now=context.clock.now())
    except DomainError as error:
        await _say(update, escape(error.message))
        return
    view = done.view
    await _say(update, texts.REVOKED.format(
        prefix=view.delegation.prefix, jabatan=escape(view.official.jabatan or "-"),
        delegate=escape(view.delegate.nama),
        moved=texts.REVOKED_MOVED.format(count=len(done.moves)) if done.moves else ""))
    await announce(context, done.moves)


async def cancel_tap(update: Update, context: BotContext) -> None:
    """Batal on a revoke confirmation (outside the form)."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _say(update, texts.CANCELLED)


# --- messages ------------------------------------------------------------------------------

async def _tell(context: BotContext, person: Employee, text: str) -> None:
    if not person.reachable:
        log.info("delegation.unreachable nip=%s", person.nip)
        return
    assert person.telegram_chat_id is not None
    try:
        await context.bot.send_message(person.telegram_chat_id, text, parse_mode=ParseMode.HTML)
    except TelegramError:
        log.warning("delegation.send_failed nip=%s", person.nip, exc_info=True)


async def tell_designation(context: BotContext, view: svc.DelegationView) -> None:
    d = view.delegation
    values = {"prefix": d.prefix, "jabatan": escape(view.official.jabatan or "-"),
              "official": escape(view.official.nama), "delegate": escape(view.delegate.nama),
              "mulai": _date(d.start), "selesai": _date(d.end), "sp": escape(d.sp_number)}
    await _tell(context, view.delegate, texts.DESIGNATED_DELEGATE.format(**values))
    await _tell(context, view.official, texts.DESIGNATED_OFFICIAL.format(**values))


def _item(move: step_moves.Move) -> str:
    template = {step_moves.REQUEST: texts.ITEM_REQUEST, step_moves.WORKFLOW_FILE:
                texts.ITEM_FILE, step_moves.RECAP: texts.ITEM_RECAP}[move.entity]
    return template.format(id=move.entity_id)


async def _card(context: BotContext, move: step_moves.Move, to: Employee) -> None:
    """The moved item itself, with its buttons, to the person who now holds it."""
    services = context.services
    try:
        if move.entity == step_moves.REQUEST:
            view = await requests.get(context.db, move.entity_id)
            await request_notify.send_card_to(context, view, to)
        elif move.entity == step_moves.WORKFLOW_FILE:
            file = await wf.get_file(context.db, services.env(WorkflowEnv), move.entity_id)
            await layanan.send_task(context, file, to)
        else:
            await recap.queue_card(context.db, move.entity_id, to, now=context.clock.now())
    except DomainError:
        log.info("delegation.card_gone entity=%s id=%s", move.entity, move.entity_id)


async def announce(context: BotContext, moves: tuple[step_moves.Move, ...] | list[
        step_moves.Move]) -> None:
    """Tell both people of every move; the new holder gets the item with its buttons."""
    people: dict[str, Employee] = {}

    async def who(nip: str | None) -> Employee | None:
        if nip is None:
            return None
        if nip not in people:
            async with context.db.read() as conn:
                found = await employees.by_nip(conn, nip)
            if found is None:
                return None
            people[nip] = found
        return people[nip]

    for move in moves:
        old, new = await who(move.from_nip), await who(move.to_nip)
        applicant = await who(move.applicant_nip)
        if old is None or new is None:
            continue
        item = _item(move)
        if move.cause == acting.DELEGASI:
            official = new if move.back else old
            prefix = await _prefix(context, move.delegation_id)
            values = {"prefix": prefix, "jabatan": escape(official.jabatan or "-"),
                      "item": item, "to": escape(new.nama)}
            if move.back:
                lines = ((new, texts.BACK_TO_OFFICIAL), (old, texts.BACK_FROM_DELEGATE))
            else:
                lines = ((new, texts.TO_DELEGATE), (old, texts.FROM_OFFICIAL))
            for person, template in lines:
                await _tell(context, person, _capital(template.format(**values)))
        elif move.cause == acting.CUTI:
            values = {"item": item, "to": escape(new.nama), "absent": escape(old.nama)}
            await _tell(context, new, _capital(texts.TO_ATASAN_CUTI.format(**values)))
            if applicant is not None:
                await _tell(context, applicant, _capital(texts.APPLICANT_CUTI.format(**values)))
        else:
            values = {"item": item, "to": escape(new.nama),
                      "applicant": escape(applicant.nama if applicant else "-")}
            await _tell(context, new, _capital(texts.TO_NEW_ATASAN.format(**values)))
            await _tell(context, old, _capital(texts.FROM_OLD_ATASAN.format(**values)))
        if move.waiting:
            await _card(context, move, new)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


async def _prefix(context: BotContext, delegation_id: int | None) -> str:
    if delegation_id is None:
        return svc.PREFIXES[svc.PLH]
    async with context.db.read() as conn:
        found = await svc.by_id(conn, delegation_id)
    return found.prefix if found else svc.PREFIXES[svc.PLH]


def conversation() -> ConversationHandler:  # type: ignore[type-arg]
    typed = filters.TEXT & ~filters.COMMAND
    return ConversationHandler(
        entry_points=[CallbackQueryHandler(begin, pattern=NEW),
                      CallbackQueryHandler(begin_from_file, pattern=FROM_FILE)],
        states={
            KIND: [CallbackQueryHandler(chose_kind, pattern=KIND_TAP)],
            OFFICIAL: [MessageHandler(typed, got_official)],
            DELEGATE: [MessageHandler(typed, got_delegate)],
            SP: [MessageHandler(typed, got_sp)],
            START: [MessageHandler(typed, got_start)],
            END: [MessageHandler(typed, got_end)],
            CONFIRM: [CallbackQueryHandler(save, pattern=SAVE)],
        },
        fallbacks=[CommandHandler("batal", cancel), CallbackQueryHandler(cancel, pattern=CANCEL)],
        name="delegation_form", persistent=True, allow_reentry=True,
    )


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("delegasi", delegasi))
    app.add_handler(conversation())
    app.add_handler(CallbackQueryHandler(ask_revoke, pattern=REVOKE))
    app.add_handler(CallbackQueryHandler(revoke, pattern=REVOKE_YES))
    app.add_handler(CallbackQueryHandler(cancel_tap, pattern=CANCEL))
