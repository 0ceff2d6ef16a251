"""The operator (pengelola kepegawaian) runs the office from chat.

/impor: the employee file sent as a document is checked first (the same report as
`presensi import-employees`: counts and every refused row by line) and written only after
"Impor" is tapped. /pegawai NIP: the account card, from which the operator deactivates,
reactivates or unbinds, each after "Yakin?". Every tap is re-checked: the operator's role, the
employee's state; every change is audited by the service with the operator as actor.

callback_data: opr:imp:go | opr:imp:all (with deactivating those missing) | opr:imp:x
               opr:<deact|act|unl>:<nip> (asks)  opr:<deact|act|unl>:<nip>:y (does)  opr:no
"""

from __future__ import annotations

import logging
import tempfile
from html import escape
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotApp, BotContext
from handlers.import_report import render_import_report
from handlers.texts import operator as texts
from services import accounts, audit
from services.employee_import import ImportResult, import_employees
from services.employees import Employee
from services.errors import DomainError
from services.indonesian_dates import long_date
from services.workflows.files import WorkflowEnv

log = logging.getLogger(__name__)

WAIT_FILE, CONFIRM = range(2)
PENDING = "operator_import"          # user_data: the checked file waiting for "Impor"
MAX_IMPORT_BYTES = 5 * 1024 * 1024
# A chat message holds at most 4096 characters; the console lists every refused row.
MAX_ROWS_SHOWN = 40
IMPORT_TAP = r"^opr:imp:(go|all|x)$"
ACCOUNT_ASK = r"^opr:(deact|act|unl):(\d{18})$"
ACCOUNT_DO = r"^opr:(deact|act|unl):(\d{18}):y$"
ACCOUNT_NO = r"^opr:no$"
CHANGES = {"deact": accounts.deactivate, "act": accounts.activate, "unl": accounts.unlink}


def _actor(update: Update, employee: Employee) -> audit.Actor:
    user = update.effective_user
    return audit.Actor(employee.nip, user.id if user else None)


async def _refuse(update: Update, error: DomainError) -> None:
    if update.callback_query is not None:
        await update.callback_query.answer(error.message, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_html(escape(error.message))


# --- /impor -------------------------------------------------------------------------------

async def begin_import(update: Update, context: BotContext) -> int:
    """/impor: ask for the file."""
    assert update.effective_message is not None
    try:
        accounts.require_operator(context.require_employee())
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    await update.effective_message.reply_html(
        texts.ASK_FILE.format(mb=MAX_IMPORT_BYTES // (1024 * 1024)))
    return WAIT_FILE


async def _checked(update: Update, context: BotContext, file_id: str, name: str, *,
                   preview: bool, deactivate_missing: bool) -> ImportResult:
    """Download the document into a private temporary folder and run the import on it."""
    with tempfile.TemporaryDirectory(prefix="presensi-impor-") as folder:
        path = Path(folder) / Path(name).name
        telegram_file = await context.bot.get_file(file_id)
        await telegram_file.download_to_drive(path)
        return await import_employees(context.db, path, at=context.clock.now(),
                                      deactivate_missing=deactivate_missing, preview=preview,
                                      catalogue=context.env(WorkflowEnv).catalogue,
                                      actor=_actor(update, context.require_employee()))


def _preview_keyboard(missing: int) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(texts.BUTTON_IMPORT, callback_data="opr:imp:go")]]
    if missing:
        rows.append([InlineKeyboardButton(
            texts.BUTTON_IMPORT_AND_DEACTIVATE.format(jumlah=missing),
            callback_data="opr:imp:all")])
    rows.append([InlineKeyboardButton(texts.BUTTON_CANCEL, callback_data="opr:imp:x")])
    return InlineKeyboardMarkup(rows)


async def got_file(update: Update, context: BotContext) -> int | None:
    message = update.effective_message
    assert message is not None and context.user_data is not None
    document = message.document
    name = (document.file_name or "") if document else ""
    if document is None or Path(name).suffix.lower() not in (".csv", ".xlsx"):
        await message.reply_html(texts.FILE_EXPECTED)
        return None
    if (document.file_size or 0) > MAX_IMPORT_BYTES:
        await message.reply_html(texts.FILE_TOO_LARGE.format(mb=MAX_IMPORT_BYTES // (1 << 20)))
        return None
    try:
        accounts.require_operator(context.require_employee())
        # Checked as if missing employees were to be deactivated: that count goes on the
        # second button; the plain import deactivates nobody.
        result = await _checked(update, context, document.file_id, name, preview=True,
                                deactivate_missing=True)
    except DomainError as error:
        await message.reply_html(texts.FILE_UNREADABLE.format(alasan=escape(error.message)))
        return None
    context.user_data[PENDING] = {"file_id": document.file_id, "name": name}
    missing = len(result.deactivated)
    report = render_import_report(texts.PREVIEW_TITLE.format(nama=name), result, as_html=False,
                                  max_rows=MAX_ROWS_SHOWN)
    await message.reply_html(
        texts.PREVIEW.format(judul=escape(texts.PREVIEW_TITLE.format(nama=name)),
                             laporan=escape(report),
                             hapus=texts.PREVIEW_MISSING.format(jumlah=missing) if missing
                             else ""),
        reply_markup=_preview_keyboard(missing))
    return CONFIRM


async def not_a_file(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_html(texts.FILE_EXPECTED)


async def import_tapped(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and context.matches and context.user_data is not None
    choice = context.matches[0][1]
    pending: dict[str, Any] | None = context.user_data.pop(PENDING, None)
    if choice == "x" or pending is None:
        await query.answer()
        await query.edit_message_reply_markup(None)
        assert query.message is not None
        await context.bot.send_message(query.message.chat.id, texts.IMPORT_CANCELLED
                                       if choice == "x" else texts.IMPORT_EXPIRED)
        return ConversationHandler.END
    await query.answer()
    await query.edit_message_reply_markup(None)
    employee = context.require_employee()
    try:
        accounts.require_operator(employee)
        result = await _checked(update, context, pending["file_id"], pending["name"],
                                preview=False,
                                deactivate_missing=choice == "all")
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    log.info("operator.imported nip=%s file=%s created=%d updated=%d refused=%d "
             "deactivated=%d", employee.nip, pending["name"], result.created, result.updated,
             len(result.errors), len(result.deactivated))
    report = render_import_report(texts.IMPORTED_TITLE.format(nama=pending["name"]), result,
                                  as_html=False, max_rows=MAX_ROWS_SHOWN)
    gone = ", ".join(f"{escape(g.nama)} ({g.nip})" for g in result.deactivated)
    assert query.message is not None
    await context.bot.send_message(
        query.message.chat.id,
        texts.IMPORTED.format(judul=escape(texts.IMPORTED_TITLE.format(nama=pending["name"])),
                              laporan=escape(report),
                              hapus=texts.IMPORTED_DEACTIVATED.format(daftar=gone) if gone
                              else ""),
        parse_mode="HTML")
    return ConversationHandler.END


async def cancel_import(update: Update, context: BotContext) -> int:
    if context.user_data is not None:
        context.user_data.pop(PENDING, None)
    assert update.effective_message is not None
    await update.effective_message.reply_html(texts.IMPORT_CANCELLED)
    return ConversationHandler.END


# --- /pegawai NIP ---------------------------------------------------------------------------

def account_card(employee: Employee) -> tuple[str, InlineKeyboardMarkup]:
    status = (texts.STATUS_ACTIVE if employee.active else texts.STATUS_INACTIVE.format(
        tanggal=long_date(employee.deactivated_on) if employee.deactivated_on else "-"))
    telegram = (texts.TELEGRAM_NONE if employee.telegram_user_id is None
                else texts.TELEGRAM_BLOCKED if employee.telegram_blocked
                else texts.TELEGRAM_BOUND)
    text = texts.ACCOUNT_CARD.format(nama=escape(employee.nama), nip=employee.nip,
                                     jabatan=escape(employee.jabatan or "-"),
                                     unit=escape(employee.unit or "-"), status=status,
                                     telegram=telegram)
    buttons = [InlineKeyboardButton(texts.BUTTON_DEACTIVATE, callback_data=f"opr:deact:"
                                    f"{employee.nip}") if employee.active
               else InlineKeyboardButton(texts.BUTTON_ACTIVATE,
                                         callback_data=f"opr:act:{employee.nip}")]
    if employee.telegram_user_id is not None:
        buttons.append(InlineKeyboardButton(texts.BUTTON_UNLINK,
                                            callback_data=f"opr:unl:{employee.nip}"))
    return text, InlineKeyboardMarkup([buttons])


async def pegawai(update: Update, context: BotContext) -> None:
    """/pegawai NIP: the employee's account card with its actions."""
    message = update.effective_message
    assert message is not None
    args = context.args or []
    if len(args) != 1:
        await message.reply_html(texts.PEGAWAI_USAGE)
        return
    try:
        employee = await accounts.lookup(context.db, args[0], operator=context.require_employee())
    except DomainError as error:
        await _refuse(update, error)
        return
    text, markup = account_card(employee)
    await message.reply_html(text, reply_markup=markup)


async def ask_account_change(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and context.matches
    action, nip = context.matches[0][1], context.matches[0][2]
    try:
        employee = await accounts.lookup(context.db, nip, operator=context.require_employee())
    except DomainError as error:
        await _refuse(update, error)
        return
    await query.answer()
    await query.edit_message_text(
        texts.CONFIRM[action].format(nama=escape(employee.nama), nip=employee.nip),
        parse_mode="HTML", reply_markup=InlineKeyboardMarkup([[
            InlineKeyboardButton(texts.BUTTON_YES, callback_data=f"opr:{action}:{nip}:y"),
            InlineKeyboardButton(texts.BUTTON_NO, callback_data="opr:no")]]))


async def do_account_change(update: Update, context: BotContext) -> None:
    """The confirmed change: answered before the write, so the card says what happened (or
    why nothing did) even when the answer fails; the person's notice is in the outbox."""
    query = update.callback_query
    assert query is not None and context.matches
    action, nip = context.matches[0][1], context.matches[0][2]
    operator = context.require_employee()
    try:
        accounts.require_operator(operator)
    except DomainError as error:
        await _refuse(update, error)
        return
    await query.answer()
    try:
        change = await CHANGES[action](context.db, nip=nip, at=context.clock.now(),
                                       actor=_actor(update, operator))
    except DomainError as error:
        await query.edit_message_text(texts.NOT_CHANGED.format(alasan=escape(error.message)),
                                      parse_mode="HTML")
        return
    log.info("operator.account action=%s nip=%s by=%s", action, nip, operator.nip)
    person = change.employee
    await query.edit_message_text(
        texts.DONE[action].format(nama=escape(person.nama), nip=person.nip)
        + (texts.TOLD if change.notice is not None else texts.TELL_IN_PERSON),
        parse_mode="HTML")


async def keep_account(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(texts.KEPT)


def register(app: BotApp) -> None:
    app.add_handler(ConversationHandler(
        entry_points=[CommandHandler("impor", begin_import)],
        states={
            WAIT_FILE: [MessageHandler(filters.Document.ALL, got_file),
                        MessageHandler(filters.TEXT & ~filters.COMMAND, not_a_file)],
            CONFIRM: [CallbackQueryHandler(import_tapped, pattern=IMPORT_TAP)],
        },
        fallbacks=[CommandHandler("batal", cancel_import)],
        name="operator_import", persistent=True, allow_reentry=True,
    ))
    app.add_handler(CommandHandler("pegawai", pegawai))
    app.add_handler(CallbackQueryHandler(ask_account_change, pattern=ACCOUNT_ASK))
    app.add_handler(CallbackQueryHandler(do_account_change, pattern=ACCOUNT_DO))
    app.add_handler(CallbackQueryHandler(keep_account, pattern=ACCOUNT_NO))
