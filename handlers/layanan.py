"""/layanan: submit an SOP service with its documents, and act on files as a step's actor.

One persistent conversation carries the documents an applicant uploads (state UPLOAD); the
reason or note an actor types goes through handlers.reason_prompt, for that card only. Every
button is an entry point (allow_reentry), so a button works whatever the conversation state;
the file's state lives in SQLite and each tap is checked there (`version` in the data).
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.context import AppServices, BotApp, BotContext
from handlers import approval_codec as codec
from handlers import reason_prompt, sender
from handlers.html import Html, esc, fill, join
from handlers.sender import Outgoing, media_method, renderer
from handlers.texts import layanan as texts
from services.errors import DomainError
from services.reason_prompts import Prompt
from services.workflows import files as wf
from services.workflows import notices as file_notices
from services.workflows.files import FileView, StoredDocument, Upload, WorkflowEnv
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


def notice_text(file: FileView, kind: str, history: int,
                step_index: int | None) -> tuple[str, InlineKeyboardMarkup | None]:
    """The message of a notice that is not a task card, as the file stood when it was
    written: after `history` step records, at `step_index`."""
    done = file.history[:history]
    last = done[-1] if done else None
    titles = {s.key: s.title for s in file.workflow.steps}
    by = titles.get(last.step_key, "-") if last else "-"
    reason = (last.note if last else None) or file.return_reason or "-"
    step = (file.workflow.steps[step_index]
            if step_index is not None and 0 <= step_index < len(file.workflow.steps) else None)
    if kind == "diproses":
        assert step is not None and step_index is not None
        return fill(texts.PROCESSED, id=file.id, name=file.workflow.name, done_title=by,
                    n=step_index + 1, total=len(file.workflow.steps), title=step.title), None
    if kind == "dikembalikan":
        markup = InlineKeyboardMarkup([
            [InlineKeyboardButton(texts.BTN_FIX, callback_data=f"wf:edit:{file.id}")],
            [InlineKeyboardButton(texts.BTN_CANCEL, callback_data=f"wf:drop:{file.id}")]])
        return fill(texts.RETURNED, id=file.id, name=file.workflow.name, title=by,
                    reason=reason), markup
    if kind == "ditolak":
        return fill(texts.REFUSED, id=file.id, name=file.workflow.name, title=by,
                    reason=reason), None
    if kind == "selesai":
        return fill(texts.DONE, id=file.id, name=file.workflow.name,
                    agenda=file.agenda_number or "-",
                    output=(last.output if last else None) or "-"), None
    if kind == "catat_penunjukan":
        return fill(texts.RECORD_DESIGNATION, id=file.id, agenda=file.agenda_number or "-"), \
            InlineKeyboardMarkup([[InlineKeyboardButton(
                texts.BTN_RECORD_DESIGNATION, callback_data=f"dlg:file:{file.id}")]])
    assert kind == "tanpa_pelaksana" and step is not None
    return fill(texts.NO_ACTOR, id=file.id, name=file.workflow.name, title=step.title,
                actor=describe_actor(step.actor)), None


def show_button(file_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(texts.BTN_SHOW.format(id=file_id),
                                callback_data=f"wf:show:{file_id}")


# --- the outbox's renderers (services/workflows/notices.py writes the rows) -------------------

def document_message(file: FileView, document: StoredDocument) -> Outgoing:
    names = {d.key: d.name for d in file.workflow.documents}
    # A file sent as a document (even a JPEG) goes on as a document.
    return Outgoing(fill(texts.DOCUMENT_CAPTION, id=file.id,
                         name=names.get(document.doc_key, "")),
                    method=media_method(document.kind), file=document.telegram_file_id)


def task_message(file: FileView) -> Outgoing:
    return Outgoing(task_text(file), markup=_task_keyboard(file))


async def _file(services: AppServices, file_id: int) -> FileView | None:
    try:
        return await wf.get_file(services.db, services.env(WorkflowEnv), file_id)
    except DomainError:
        return None


async def _still_waiting(services: AppServices, payload: dict[str, Any]) -> FileView | None:
    """The file, if it still waits for this person at the version the row was written at."""
    file = await _file(services, payload["file"])
    if (file is None or file.status != wf.RUNNING or file.version != payload["version"]
            or payload["nip"] not in {a.nip for a in file.actors}):
        return None
    return file


@renderer(file_notices.DOCUMENT)
async def document_row(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    file = await _still_waiting(services, payload)
    found = [d for d in file.documents if d.doc_key == payload["doc"]] if file else []
    return document_message(file, found[0]) if file and found else None


@renderer(file_notices.TASK)
async def task_row(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    file = await _still_waiting(services, payload)
    return task_message(file) if file else None


@renderer(file_notices.NOTICE)
async def notice_row(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    file = await _file(services, payload["file"])
    if file is None:
        return None
    text, markup = notice_text(file, payload["kind"], payload["history"], payload["step"])
    return Outgoing(text, markup=markup)


@renderer(file_notices.ACTED)
async def acted_row(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    return Outgoing(fill(texts.ACTED, verdict=texts.VERDICT[payload["action"]],
                         id=payload["file"]))


async def _refuse(update: Update, error: DomainError, *, answered: bool = False) -> None:
    """The refusal as the tap's alert, or (the tap already answered, or typed text) as a
    reply in the chat."""
    query = update.callback_query
    log.info("workflow.refused user=%s data=%s reason=%s", _user_id(update),
             query.data if query else None, type(error).__name__)
    if query is not None and not answered:
        await query.answer(error.message, show_alert=True)
    elif update.effective_chat is not None:
        await update.effective_chat.send_message(esc(error.message), parse_mode=ParseMode.HTML)


async def _edit_tapped(query: CallbackQuery, text: str) -> None:
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except TelegramError:
        log.info("workflow.tapped_not_edited data=%r", query.data, exc_info=True)


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
    key = context.matches[0][1]
    try:
        await wf.check_may_start(context.db, _env(context), employee, key)
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    await query.answer()
    try:
        file = await wf.start_draft(context.db, _env(context), employee, key,
                                    context.clock.now(), _user_id(update))
    except DomainError as error:
        await _refuse(update, error, answered=True)
        return ConversationHandler.END
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
        await wf.check_editable(context.db, _env(context), file_id, employee)
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    await query.answer()
    try:
        file, document = await wf.remove_document(context.db, _env(context), file_id, employee,
                                                  index, context.clock.now(), _user_id(update))
    except DomainError as error:
        await _refuse(update, error, answered=True)
        return ConversationHandler.END
    await update.effective_message.reply_html(fill(texts.REMOVED, name=document.name))
    return await _show_editor(update, context, file)


async def submit_file(update: Update, context: BotContext) -> int:
    """Send the complete file to its first (or returning) step."""
    query = update.callback_query
    assert query is not None and context.matches and context.user_data is not None
    employee = context.require_employee()
    file_id, version = int(context.matches[0][1]), int(context.matches[0][2])
    try:
        await wf.check_may_submit(context.db, _env(context), file_id, version, employee)
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    await query.answer()
    try:
        outcome = await wf.submit(context.db, _env(context), file_id, version, employee,
                                  context.clock.now(), _user_id(update))
    except DomainError as error:
        await _refuse(update, error, answered=True)
        return ConversationHandler.END
    context.user_data.pop(FILE_KEY, None)
    file = outcome.file
    assert file.step is not None
    # The cards went to the outbox with the submission; this edit only says so.
    await _edit_tapped(query, fill(texts.SUBMITTED, id=file.id, name=file.workflow.name,
                                   title=file.step.title))
    return ConversationHandler.END


async def cancel_file(update: Update, context: BotContext) -> int:
    query = update.callback_query
    assert query is not None and context.matches and context.user_data is not None
    employee = context.require_employee()
    try:
        await wf.check_editable(context.db, _env(context), int(context.matches[0][1]), employee)
    except DomainError as error:
        await _refuse(update, error)
        return ConversationHandler.END
    await query.answer()
    try:
        file = await wf.cancel(context.db, _env(context), int(context.matches[0][1]), employee,
                               context.clock.now(), _user_id(update))
    except DomainError as error:
        await _refuse(update, error, answered=True)
        return ConversationHandler.END
    context.user_data.pop(FILE_KEY, None)
    await _edit_tapped(query, fill(texts.CANCELLED, id=file.id, name=file.workflow.name))
    return ConversationHandler.END


async def stop(update: Update, context: BotContext) -> int:
    assert update.effective_message is not None and context.user_data is not None
    context.user_data.pop(FILE_KEY, None)
    await update.effective_message.reply_html(texts.STOPPED)
    return ConversationHandler.END


# --- the actors ----------------------------------------------------------------------------

async def _apply(update: Update, context: BotContext, file_id: int, version: int, action: str,
                 note: str | None, card: tuple[int | None, int | None]) -> None:
    """Act; the confirmation, the applicant's notice and the next cards are outbox rows of
    the action's transaction. Only the tapped card is edited here."""
    employee = context.require_employee()
    await wf.act(context.db, _env(context), file_id, version, employee, action,
                 context.clock.now(), note=note, telegram_user_id=_user_id(update))
    log.info("workflow.acted file=%s action=%s nip=%s", file_id, action, employee.nip)
    await _drop_buttons(context, *card)


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
    except DomainError as error:
        await _refuse(update, error)
        return
    await query.answer()
    if wf.needs_note(step, tap.action):
        await reason_prompt.ask(update, context, kind=codec.WORKFLOW_FILE,
                                ref_id=tap.ref_id, action=tap.action, token=tap.token,
                                label=f"berkas #{tap.ref_id}",
                                text=fill(texts.ASK_NOTE[tap.action], id=tap.ref_id))
        return
    try:
        await _apply(update, context, tap.ref_id, tap.version, tap.action, None, card)
    except DomainError as error:  # someone acted between the check and the tap's write
        await _refuse(update, error, answered=True)


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
    # A reply to this tap, sent now: the documents, then the card.
    assert update.effective_chat is not None
    chat_id = update.effective_chat.id
    try:
        for document in file.documents:
            await sender.send(context.bot, chat_id, document_message(file, document))
        await sender.send(context.bot, chat_id, task_message(file))
    except TelegramError:
        log.warning("workflow.show_failed nip=%s file=%s", employee.nip, file.id, exc_info=True)


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

