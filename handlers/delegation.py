"""/delegasi: the Kepala or the pengelola kepegawaian designates, lists and revokes Plh/Plt;
and the renderers of the messages of a designation and of approval steps moved to another
person (delegation, cuti, new atasan), which services.move_notices writes to the outbox with
the move.

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
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import AppServices, BotApp, BotContext
from handlers.html import fill
from handlers.sender import Outgoing, renderer
from handlers.texts import delegation as texts
from services import acting, employees, move_notices, step_moves
from services import delegation as svc
from services.employees import Employee
from services.errors import DomainError
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


async def cancel_tap(update: Update, context: BotContext) -> None:
    """Batal on a revoke confirmation (outside the form)."""
    assert update.callback_query is not None
    await update.callback_query.answer()
    await _say(update, texts.CANCELLED)


# --- the outbox's renderers (services/move_notices.py writes the rows) ------------------------

async def _people(services: AppServices, *nips: str | None) -> dict[str, Employee]:
    found: dict[str, Employee] = {}
    async with services.db.read() as conn:
        for nip in nips:
            if nip and nip not in found and (person := await employees.by_nip(conn, nip)):
                found[nip] = person
    return found


@renderer(move_notices.DESIGNATED)
async def designated(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    view = await svc.get(services.db, payload["delegation"])
    if view is None:
        return None
    d = view.delegation
    template = (texts.DESIGNATED_DELEGATE if payload["role"] == move_notices.NEW
                else texts.DESIGNATED_OFFICIAL)
    return Outgoing(fill(template, prefix=d.prefix, jabatan=view.official.jabatan or "-",
                         official=view.official.nama, delegate=view.delegate.nama,
                         mulai=_date(d.start), selesai=_date(d.end), sp=d.sp_number))


def _item(entity: str, entity_id: int) -> str:
    template = {step_moves.REQUEST: texts.ITEM_REQUEST, step_moves.WORKFLOW_FILE:
                texts.ITEM_FILE, step_moves.RECAP: texts.ITEM_RECAP}[entity]
    return template.format(id=entity_id)


async def _prefix(services: AppServices, delegation_id: int | None) -> str:
    view = await svc.get(services.db, delegation_id) if delegation_id is not None else None
    return view.delegation.prefix if view is not None else svc.PREFIXES[svc.PLH]


@renderer(move_notices.TOLD)
async def told(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    """One person told of one move: the new holder, the one it left, or the applicant."""
    people = await _people(services, payload["from"], payload["to"], payload["applicant"])
    old, new = people.get(payload["from"]), people.get(payload["to"])
    if old is None or new is None:
        return None
    role, back = payload["role"], payload["back"]
    item = _item(payload["entity"], payload["id"])
    if payload["cause"] == acting.DELEGASI:
        official = new if back else old
        values: dict[str, object] = {
            "prefix": await _prefix(services, payload["delegation"]),
            "jabatan": official.jabatan or "-", "item": item, "to": new.nama}
        if back:
            template = texts.BACK_TO_OFFICIAL if role == move_notices.NEW \
                else texts.BACK_FROM_DELEGATE
        else:
            template = texts.TO_DELEGATE if role == move_notices.NEW else texts.FROM_OFFICIAL
    elif payload["cause"] == acting.CUTI:
        values = {"item": item, "to": new.nama, "absent": old.nama}
        template = texts.TO_ATASAN_CUTI if role == move_notices.NEW else texts.APPLICANT_CUTI
    else:
        applicant = people.get(payload["applicant"] or "")
        values = {"item": item, "to": new.nama,
                  "applicant": applicant.nama if applicant else "-"}
        template = texts.TO_NEW_ATASAN if role == move_notices.NEW else texts.FROM_OLD_ATASAN
    return Outgoing(_capital(fill(template, **values)))


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


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
