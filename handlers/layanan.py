"""/layanan: submit an SOP service with its documents, and act on files as a step's actor.

One persistent conversation carries the documents an applicant uploads (state UPLOAD); the
reason or note an actor types goes through handlers.reason_prompt, for that card only. Every
button is an entry point (allow_reentry), so a button works whatever the conversation state;
the file's state lives in SQLite and each tap is checked there (`version` in the data).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import BotApp, BotContext
from handlers import approval_codec as codec
from handlers import reason_prompt, sender
from handlers.html import Html, fill, join
from handlers.sender import Outgoing, media_method
from handlers.texts import layanan as texts
from services.employees import Employee
from services.errors import DomainError
from services.reason_prompts import Prompt
from services.workflows import files as wf
from services.workflows.files import FileView, Notice, Upload, WorkflowEnv
from services.workflows.model import describe_actor

log = logging.getLogger(__name__)

UPLOAD = 0
FILE_KEY = "layanan.file"        # user_data: the file whose documents are being sent


NEW = r"^wf:new:([a-z][a-z0-9_]{0,23})$"
EDIT = r"^wf:edit:(\d{1,10})$"
SEND = r"^wf:send:(\d{1,10}):(\d{1,10})$"
DROP = r"^wf:drop:(\d{1,10})$"
REPLACE = r"^wf:rep:(\d{1,10}):(\d{1,10})$"
SHOW = r"^wf:show:(\d{1,10})$"


def _env(context: BotContext) -> WorkflowEnv:
    return context.env(WorkflowEnv)


def _user_id(update: Update) -> int | None:
    return update.effective_user.id if update.effective_user else None


# --- rendering -----------------------------------------------------------------------------

def status_text(file: FileView) -> str:
    step = file.step
    if file.status == wf.DRAFT:
        return fill(texts.STATUS_DRAFT, have=len(file.documents),
                                         total=len(file.workflow.documents))
    if file.status == wf.RUNNING and step is not None and file.step_index is not None:
        return fill(texts.STATUS_RUNNING, n=file.step_index + 1,
                                           total=len(file.workflow.steps), title=step.title)
    if file.status == wf.RETURNED:
        return fill(texts.STATUS_RETURNED, reason=file.return_reason or "-")
    if file.status == wf.REFUSED:
        return fill(texts.STATUS_REFUSED, reason=file.return_reason or "-")
    if file.agenda_number:
        return fill(texts.STATUS_DONE, agenda=file.agenda_number)
    return texts.STATUS_DONE_PLAIN


def _editor(file: FileView) -> tuple[str, InlineKeyboardMarkup]:
    have = {d.doc_key for d in file.documents}
    lines = [fill(texts.CHECK_LINE, mark="✅" if d.key in have else "⬜", name=d.name,
                  types=", ".join(t.upper() for t in d.types), mb=texts.megabytes(d.max_bytes))
             for d in file.workflow.documents]
    missing = file.missing
    following = (fill(texts.NEXT_DOCUMENT, name=missing[0].name) if missing
                 else Html(texts.COMPLETE))
    text: str = fill(texts.EDITOR, name=file.workflow.name, id=file.id,
                description=file.workflow.description, checklist=join(lines), next=following)
    if file.status == wf.RETURNED:
        text = fill(texts.EDITOR_RETURNED, reason=file.return_reason or "-") + text
    rows = []
    if not missing:
        label = texts.BTN_RESUBMIT if file.status == wf.RETURNED else texts.BTN_SUBMIT
        rows.append([InlineKeyboardButton(label,
                                          callback_data=f"wf:send:{file.id}:{file.version}")])
    for index, document in enumerate(file.workflow.documents):
        if document.key in have:
            rows.append([InlineKeyboardButton(texts.BTN_REPLACE.format(name=document.name),
                                              callback_data=f"wf:rep:{file.id}:{index}")])
    rows.append([InlineKeyboardButton(texts.BTN_CANCEL, callback_data=f"wf:drop:{file.id}")])
    return text, InlineKeyboardMarkup(rows)


def task_text(file: FileView) -> str:
    step = file.step
    assert step is not None and file.step_index is not None
    notes: str = ""
    if file.notes():
        titles = {s.key: s.title for s in file.workflow.steps}
        notes = texts.NOTES_HEADER + join([
            fill(texts.NOTE_LINE, title=titles.get(h.step_key, h.step_key), nama=h.actor_name,
                 verdict=texts.NOTE_VERDICT[h.action], note=h.note)
            for h in file.notes()], "")
    text: str = fill(
        texts.TASK, id=file.id, name=file.workflow.name, nama=file.applicant.nama,
        nip=file.applicant.nip, jabatan=file.applicant.jabatan or "-", n=file.step_index + 1,
        total=len(file.workflow.steps), title=step.title, activity=step.activity,
        standard=step.time_standard.describe(), output=step.output, notes=Html(notes))
    if file.documents:
        text += fill(texts.TASK_DOCUMENTS, count=len(file.documents))
    return text


def _task_keyboard(file: FileView) -> InlineKeyboardMarkup:
    step = file.step
    assert step is not None
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.ACTION_BUTTONS[action],
                             callback_data=codec.file_button(action, file.id, file.version))
        for action in step.actions]])


def notice_text(notice: Notice) -> tuple[str, InlineKeyboardMarkup | None]:
    """The message of a notice that is not a task card."""
    file = notice.file
    last = file.history[-1] if file.history else None
    titles = {s.key: s.title for s in file.workflow.steps}
    by = titles.get(last.step_key, "-") if last else "-"
    if notice.kind == "diproses":
        step = file.step
        assert step is not None and file.step_index is not None
        return fill(texts.PROCESSED, id=file.id, name=file.workflow.name, done_title=by,
                                      n=file.step_index + 1, total=len(file.workflow.steps),
                                      title=step.title), None
    if notice.kind == "dikembalikan":
        markup = InlineKeyboardMarkup([
            [InlineKeyboardButton(texts.BTN_FIX, callback_data=f"wf:edit:{file.id}")],
            [InlineKeyboardButton(texts.BTN_CANCEL, callback_data=f"wf:drop:{file.id}")]])
        return fill(texts.RETURNED, id=file.id, name=file.workflow.name, title=by,
                                     reason=file.return_reason or "-"), markup
    if notice.kind == "ditolak":
        return fill(texts.REFUSED, id=file.id, name=file.workflow.name, title=by,
                                    reason=file.return_reason or "-"), None
    if notice.kind == "selesai":
        return fill(texts.DONE, id=file.id, name=file.workflow.name,
                                 agenda=file.agenda_number or "-",
                                 output=last.output if last else "-"), None
    if notice.kind == "catat_penunjukan":
        return texts.RECORD_DESIGNATION.format(id=file.id, agenda=file.agenda_number or "-"), \
            InlineKeyboardMarkup([[InlineKeyboardButton(
                texts.BTN_RECORD_DESIGNATION, callback_data=f"dlg:file:{file.id}")]])
    step = file.step
    assert notice.kind == "tanpa_pelaksana" and step is not None
    return fill(texts.NO_ACTOR, id=file.id, name=file.workflow.name, title=step.title,
                                 actor=describe_actor(step.actor)), None


def show_button(file_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.BTN_SHOW.format(id=file_id),
                                callback_data=f"wf:show:{file_id}")


# --- sending -------------------------------------------------------------------------------

async def send_to(context: BotContext, employee: Employee, text: str,
                  markup: InlineKeyboardMarkup | None = None) -> None:
    """Send to an employee; a failure is logged and never stops the caller's other sends."""
    if not employee.reachable:
        log.info("workflow.unreachable nip=%s", employee.nip)
        return
    assert employee.telegram_chat_id is not None
    try:
        await context.bot.send_message(employee.telegram_chat_id, text,
                                       parse_mode=ParseMode.HTML, reply_markup=markup)
    except Forbidden:
        log.info("workflow.blocked nip=%s", employee.nip)
    except TelegramError:
        log.warning("workflow.send_failed nip=%s", employee.nip, exc_info=True)


async def send_task(context: BotContext, file: FileView, actor: Employee) -> None:
    """The documents (forwarded by file_id), then the card with the step's buttons."""
    if not actor.reachable:
        log.info("workflow.unreachable nip=%s", actor.nip)
        return
    names = {d.key: d.name for d in file.workflow.documents}
    chat_id = actor.telegram_chat_id
    assert chat_id is not None
    try:
        for document in file.documents:
            caption = fill(texts.DOCUMENT_CAPTION, id=file.id,
                           name=names.get(document.doc_key, ""))
            # A file sent as a document (even a JPEG) goes on as a document.
            await sender.send(context.bot, chat_id, Outgoing(
                caption, method=media_method(document.kind), file=document.telegram_file_id))
    except TelegramError:
        log.warning("workflow.documents_failed nip=%s file=%s", actor.nip, file.id,
                    exc_info=True)
    await send_to(context, actor, task_text(file), _task_keyboard(file))


async def deliver(context: BotContext, notices: Iterable[Notice]) -> None:
    for notice in notices:
        if notice.kind == "tugas":
            await send_task(context, notice.file, notice.to)
        else:
            text, markup = notice_text(notice)
            await send_to(context, notice.to, text, markup)


async def _refuse(update: Update, error: DomainError) -> None:
    query = update.callback_query
    log.info("workflow.refused user=%s data=%s reason=%s", _user_id(update),
             query.data if query else None, type(error).__name__)
    if query is not None:
        await query.answer(error.message, show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_html(error.message)


async def _drop_buttons(context: BotContext, chat_id: int | None,
                        message_id: int | None) -> None:
    if chat_id is None or message_id is None:
        return
    try:
        await context.bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except TelegramError:
        log.info("workflow.card_not_edited chat=%s message=%s", chat_id, message_id)


# --- the applicant -------------------------------------------------------------------------

async def layanan(update: Update, context: BotContext) -> None:
    """List the services this employee may submit and the state of their own files."""
    employee = context.require_employee()
    assert update.effective_message is not None
    env = _env(context)
    offered = [w for w in env.catalogue.services() if w.may_submit(employee.peran)]
    mine = await wf.files_of(context.db, env, employee.nip)
    waiting = await wf.tasks_of(context.db, env, employee)
    text = texts.MENU_HEADER + "\n" + (texts.MENU_CHOOSE if offered else texts.MENU_NONE)
    if mine:
        text += texts.MY_FILES_HEADER + "".join(
            "\n" + fill(texts.FILE_LINE, id=f.id, name=f.workflow.name, status=status_text(f))
            for f in mine)
    if waiting:
        text += texts.TASKS_HEADER + "".join(
            "\n" + fill(texts.FILE_LINE, id=f.id, name=f.workflow.name, status=status_text(f))
            for f in waiting)
    rows = [[InlineKeyboardButton(w.name, callback_data=f"wf:new:{w.key}")] for w in offered]
    rows += [[InlineKeyboardButton(texts.BTN_CONTINUE.format(id=f.id),
                                   callback_data=f"wf:edit:{f.id}")]
             for f in mine if f.status in wf.EDITABLE_STATUSES]
    rows += [[show_button(f.id)] for f in waiting]
    await update.effective_message.reply_html(
        text, reply_markup=InlineKeyboardMarkup(rows) if rows else None)


async def _show_editor(update: Update, context: BotContext, file: FileView) -> int:
    assert context.user_data is not None and update.effective_message is not None
    context.user_data[FILE_KEY] = file.id
    text, markup = _editor(file)
    await update.effective_message.reply_html(text, reply_markup=markup)
    return UPLOAD


async def new_file(update: Update, context: BotContext) -> int:
    """Open a draft of the chosen service and ask for its first document."""
    query = update.callback_query
    assert query is not None and context.matches
    employee = context.require_employee()
    try:
        file = await wf.start_draft(context.db, _env(context), employee, context.matches[0][1],
                                    context.clock.now(), _user_id(update))
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    await query.answer()
    return await _show_editor(update, context, file)


async def edit_file(update: Update, context: BotContext) -> int:
    """Continue a draft, or fix a returned file."""
    query = update.callback_query
    assert query is not None and context.matches
    employee = context.require_employee()
    try:
        file = await wf.get_file(context.db, _env(context), int(context.matches[0][1]))
        if file.applicant.nip != employee.nip or file.status not in wf.EDITABLE_STATUSES:
            raise DomainError("Berkas ini tidak dapat Anda ubah.")
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    await query.answer()
    return await _show_editor(update, context, file)


def _upload_of(update: Update) -> Upload | None:
    message = update.effective_message
    if message is None:
        return None
    if message.document is not None:
        doc = message.document
        return Upload(doc.file_id, "document", doc.file_name or "", doc.mime_type or "",
                      doc.file_size or 0)
    if message.photo:
        photo = message.photo[-1]
        return Upload(photo.file_id, "photo", "", "image/jpeg", photo.file_size or 0)
    return None


async def receive_document(update: Update, context: BotContext) -> int:
    """Attach an uploaded document to the file being filled."""
    assert context.user_data is not None and update.effective_message is not None
    employee = context.require_employee()
    upload = _upload_of(update)
    file_id = context.user_data.get(FILE_KEY)
    if file_id is None or upload is None:
        await update.effective_message.reply_html(texts.NO_FILE_OPEN)
        return ConversationHandler.END
    env = _env(context)
    try:
        file, document = await wf.attach_document(context.db, env, file_id, employee, upload,
                                                  context.clock.now(), _user_id(update))
    except DomainError as error:
        await update.effective_message.reply_html(error.message)
        try:
            current = await wf.get_file(context.db, env, file_id)
        except DomainError:
            return ConversationHandler.END
        if current.status not in wf.EDITABLE_STATUSES:
            return ConversationHandler.END
        return await _show_editor(update, context, current)
    await update.effective_message.reply_html(fill(texts.RECEIVED, name=document.name))
    return await _show_editor(update, context, file)


async def remind_upload(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None
    await update.effective_message.reply_html(texts.SEND_DOCUMENT_PLEASE)
    return UPLOAD


async def replace_document(update: Update, context: BotContext) -> int:
    """Take a document out of the file so the next upload replaces it."""
    query = update.callback_query
    assert query is not None and context.matches and update.effective_message is not None
    employee = context.require_employee()
    file_id, index = int(context.matches[0][1]), int(context.matches[0][2])
    try:
        file, document = await wf.remove_document(context.db, _env(context), file_id, employee,
                                                  index, context.clock.now(), _user_id(update))
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    await query.answer()
    await update.effective_message.reply_html(fill(texts.REMOVED, name=document.name))
    return await _show_editor(update, context, file)


async def submit_file(update: Update, context: BotContext) -> int:
    """Send the complete file to its first (or returning) step."""
    query = update.callback_query
    assert query is not None and context.matches and context.user_data is not None
    employee = context.require_employee()
    file_id, version = int(context.matches[0][1]), int(context.matches[0][2])
    try:
        outcome = await wf.submit(context.db, _env(context), file_id, version, employee,
                                  context.clock.now(), _user_id(update))
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    await query.answer()
    context.user_data.pop(FILE_KEY, None)
    file = outcome.file
    assert file.step is not None
    await query.edit_message_text(
        fill(texts.SUBMITTED, id=file.id, name=file.workflow.name, title=file.step.title),
        parse_mode=ParseMode.HTML)
    await deliver(context, outcome.notices)
    return ConversationHandler.END


async def cancel_file(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and context.matches and context.user_data is not None
    employee = context.require_employee()
    try:
        file = await wf.cancel(context.db, _env(context), int(context.matches[0][1]), employee,
                               context.clock.now(), _user_id(update))
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    await query.answer()
    context.user_data.pop(FILE_KEY, None)
    await query.edit_message_text(fill(texts.CANCELLED, id=file.id, name=file.workflow.name))
    return ConversationHandler.END


async def stop(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None and context.user_data is not None
    context.user_data.pop(FILE_KEY, None)
    await update.effective_message.reply_html(texts.STOPPED)
    return ConversationHandler.END


# --- the actors ----------------------------------------------------------------------------

async def _apply(update: Update, context: BotContext, file_id: int, version: int, action: str,
                 note: str | None, card: tuple[int | None, int | None]) -> None:
    employee = context.require_employee()
    outcome = await wf.act(context.db, _env(context), file_id, version, employee, action,
                           context.clock.now(), note=note, telegram_user_id=_user_id(update))
    log.info("workflow.acted file=%s action=%s nip=%s", file_id, action, employee.nip)
    await _drop_buttons(context, *card)
    assert update.effective_message is not None
    await update.effective_message.reply_html(
        fill(texts.ACTED, verdict=texts.VERDICT[action], id=file_id))
    await deliver(context, outcome.notices)


async def action_tapped(update: Update, context: BotContext) -> None:
    """An actor's button: act now, or ask for the reason/note first (a prompt for this card)."""
    query = update.callback_query
    assert query is not None and query.data is not None
    tap = codec.decode(query.data)
    assert tap is not None
    employee = context.require_employee()
    message = query.message
    card = (message.chat.id, message.message_id) if message is not None else (None, None)
    try:
        _, step = await wf.check_can_act(context.db, _env(context), tap.ref_id, tap.version,
                                         employee, tap.action)
        if wf.needs_note(step, tap.action):
            await query.answer()
            await reason_prompt.ask(update, context, kind=codec.WORKFLOW_FILE,
                                    ref_id=tap.ref_id, action=tap.action, token=tap.token,
                                    label=f"berkas #{tap.ref_id}",
                                    text=fill(texts.ASK_NOTE[tap.action], id=tap.ref_id))
            return
        await _apply(update, context, tap.ref_id, tap.version, tap.action, None, card)
    except DomainError as error:
        await _refuse(update, error)
        return
    await query.answer()


async def note_typed(update: Update, context: BotContext, prompt: Prompt, note: str) -> bool:
    """The reason or note for the card the prompt came from."""
    try:
        await _apply(update, context, prompt.ref_id, int(prompt.token), prompt.action, note,
                     (prompt.chat_id, prompt.message_id))
    except DomainError as error:
        await _refuse(update, error)
    return True


async def show_task(update: Update, context: BotContext) -> None:
    """Send a waiting file's documents and card again (a lost card, a reminder)."""
    query = update.callback_query
    assert query is not None and context.matches
    employee = context.require_employee()
    try:
        file = await wf.task_for(context.db, _env(context), int(context.matches[0][1]),
                                 employee)
    except DomainError as error:
        await _refuse(update, error)
        return
    await query.answer()
    await send_task(context, file, employee)


def register(app: BotApp) -> None:
    buttons: list[BaseHandler[Update, BotContext, object]] = [
        CallbackQueryHandler(new_file, pattern=NEW),
        CallbackQueryHandler(edit_file, pattern=EDIT),
        CallbackQueryHandler(submit_file, pattern=SEND),
        CallbackQueryHandler(cancel_file, pattern=DROP),
        CallbackQueryHandler(replace_document, pattern=REPLACE),
    ]
    conversation = ConversationHandler(
        entry_points=buttons,
        states={
            UPLOAD: [MessageHandler((filters.Document.ALL | filters.PHOTO)
                                    & filters.ChatType.PRIVATE, receive_document),
                     MessageHandler(filters.TEXT & ~filters.COMMAND, remind_upload)],
        },
        fallbacks=[CommandHandler("batal", stop)],
        allow_reentry=True,
        name="layanan",
        persistent=True,
    )
    reason_prompt.on_reason(codec.WORKFLOW_FILE, note_typed, cancelled=texts.NOTE_CANCELLED)
    app.add_handler(CommandHandler("layanan", layanan))
    app.add_handler(CallbackQueryHandler(action_tapped, pattern=codec.FILE_ACTION))
    app.add_handler(CallbackQueryHandler(show_task, pattern=SHOW))
    app.add_handler(conversation)

