"""The usulan phase in chat: the usulan letter (outbox renderers), /usulan for the admin, and
recording the SK that came back — result (buttons); for a perubahan the dates it grants; number
and date (typed, through the one
reason prompt, so a text answers only this question and a restart keeps it), then Simpan.

Every tap and every typed answer goes through services.usulan, which re-reads the admin's
role and the request: a stale or forged button, or someone who is not admin, changes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import AppServices, BotApp, BotContext
from handlers import approval_codec as codec
from handlers import reason_prompt
from handlers import request_views as views
from handlers.envs import OfficeEnv, RequestEnv
from handlers.html import Html, fill
from handlers.sender import DOCUMENT, Outgoing, renderer
from handlers.texts import usulan as texts
from reports.usulan_letter import build_usulan_letter
from services import request_notices as notices
from services import requests as svc
from services import usulan as usulan_svc
from services import usulan_phase as phase
from services.errors import DomainError
from services.reason_prompts import Prompt

log = logging.getLogger(__name__)

PROMPT_KIND = "usulan_sk"
ASK_PERIOD = "periode"
ASK_NUMBER = "nomor"
ASK_DATE = "tanggal"


def _common(view: svc.RequestView) -> dict[str, object]:
    assert view.usulan is not None
    return {"id": view.id, "jenis": view.kind.label, "nama": view.applicant.nama,
            "periode": views.period(view.start, view.end), "kepada": view.usulan.addressed_to,
            "nomor": view.agenda_number or "-"}


def _record_keyboard(request_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(
        texts.BUTTON_RECORD.format(id=request_id),
        callback_data=codec.usulan_record_button(request_id))]])


# --- outbox renderers --------------------------------------------------------------------

@renderer(notices.USULAN_LETTER)
async def usulan_letter(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    view = await svc.get(services.db, payload["request"])
    if view.usulan is None:
        return None
    pdf = await asyncio.to_thread(build_usulan_letter, services.env(OfficeEnv).office, view)
    common = _common(view)
    markup = None
    if payload["for"] == "applicant":
        caption = fill(texts.LETTER_CAPTION_APPLICANT, **common)
    elif payload["for"] == "admin":
        caption = fill(texts.LETTER_CAPTION_ADMIN, **common)
        # Only while the SK is still awaited; a late delivery carries no dead button.
        markup = _record_keyboard(view.id) if view.status == svc.DIUSULKAN else None
    else:
        caption = fill(texts.LETTER_CAPTION_SIGNER, **common)
    return Outgoing(caption, method=DOCUMENT, file=pdf, markup=markup,
                    filename=f"usulan-{view.kind.key.replace('_', '-')}-{view.id}.pdf")


@renderer(notices.SK_RECORDED)
async def sk_recorded(services: AppServices, payload: dict[str, Any]) -> Outgoing | None:
    view = await svc.get(services.db, payload["request"])
    decided = view.usulan
    if decided is None or not decided.decided or decided.sk_date is None:
        return None
    values = {**_common(view), "nomor": decided.sk_number,
              "tanggal": f"{decided.sk_date:%d-%m-%Y}"}
    template = {phase.DISETUJUI: texts.SK_APPROVED, phase.PERUBAHAN: texts.SK_CHANGED}.get(
        decided.sk_result or "", texts.SK_REFUSED)
    text = fill(template, **values)
    if payload["for"] != "applicant":
        text = Html(text + fill(texts.SK_SIGNER_SUFFIX, nama=view.applicant.nama))
    return Outgoing(text)


# --- /usulan and the SK -------------------------------------------------------------------

async def waiting(update: Update, context: BotContext) -> None:
    """/usulan: what waits for an SK, each with its Catat SK button."""
    message = update.effective_message
    assert message is not None
    try:
        items = await usulan_svc.waiting(context.db, context.require_employee().nip)
    except DomainError:
        await message.reply_html(texts.NOT_ADMIN)
        return
    if not items:
        await message.reply_html(texts.WAITING_EMPTY)
        return
    text = texts.WAITING_HEADER.format(n=len(items))
    for view in items:
        assert view.usulan is not None
        text += fill(texts.WAITING_ITEM, **_common(view),
                     tanggal=f"{view.usulan.proposed_at:%d-%m-%Y}")
    rows = [[InlineKeyboardButton(texts.BUTTON_RECORD.format(id=v.id),
                                  callback_data=codec.usulan_record_button(v.id))]
            for v in items]
    await message.reply_html(text, reply_markup=InlineKeyboardMarkup(rows))


async def _refuse(update: Update, error: DomainError) -> None:
    query = update.callback_query
    assert query is not None
    user = update.effective_user
    log.warning("usulan.tap_refused data=%r telegram_user=%s reason=%s", query.data,
                user.id if user else None, error.message)
    await query.answer(error.message, show_alert=True)


async def ask_result(update: Update, context: BotContext) -> None:
    """Catat SK #id: which result the SK gives."""
    query = update.callback_query
    assert query is not None and context.matches
    request_id = int(context.matches[0][1])
    try:
        view = await usulan_svc.check_waiting(context.db, request_id,
                                              context.require_employee().nip)
    except DomainError as error:
        await _refuse(update, error)
        return
    await query.answer()
    keyboard = InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_APPROVED, callback_data=codec.usulan_result_button(
            view.id, phase.DISETUJUI)),
        InlineKeyboardButton(texts.BUTTON_CHANGED, callback_data=codec.usulan_result_button(
            view.id, phase.PERUBAHAN))], [
        InlineKeyboardButton(texts.BUTTON_REFUSED, callback_data=codec.usulan_result_button(
            view.id, phase.TIDAK_DISETUJUI))]])
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id,
                                   fill(texts.ASK_RESULT, **_common(view)),
                                   parse_mode="HTML", reply_markup=keyboard)


async def got_result(update: Update, context: BotContext) -> None:
    """The result tapped: a draft, then the SK's dates (perubahan) or its number."""
    query = update.callback_query
    assert query is not None and context.matches
    request_id, result = int(context.matches[0][1]), codec.USULAN_RESULTS[context.matches[0][2]]
    try:
        draft = await usulan_svc.start(context.db, request_id, context.require_employee().nip,
                                       result, at=context.clock.now())
    except DomainError as error:
        await _refuse(update, error)
        return
    await query.answer()
    await query.edit_message_reply_markup(None)
    label = f"SK usulan #{draft.request.id}"
    if draft.result == phase.PERUBAHAN:
        await reason_prompt.ask(update, context, kind=PROMPT_KIND, ref_id=draft.request.id,
                                action=ASK_PERIOD, token=str(draft.id), label=label,
                                text=fill(texts.ASK_PERIOD, periode=views.period(
                                    draft.request.start, draft.request.end)))
        return
    await reason_prompt.ask(update, context, kind=PROMPT_KIND, ref_id=draft.request.id,
                            action=ASK_NUMBER, token=str(draft.id), label=label,
                            text=fill(texts.ASK_NUMBER,
                                      hasil=phase.RESULT_LABELS[draft.result]))


def _confirm_keyboard(draft_id: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_SAVE, callback_data=codec.usulan_save_button(draft_id)),
        InlineKeyboardButton(texts.BUTTON_CANCEL,
                             callback_data=codec.usulan_drop_button(draft_id))]])


async def got_text(update: Update, context: BotContext, prompt: Prompt, text: str) -> bool:
    """The typed dates, SK number or date; a bad one is answered in one sentence and asked
    again."""
    message = update.effective_message
    assert message is not None
    nip = context.require_employee().nip
    draft_id = int(prompt.token)
    today = context.clock.now().date()
    try:
        if prompt.action == ASK_PERIOD:
            draft = await usulan_svc.set_period(context.db, context.env(RequestEnv).policy,
                                                context.calendar, draft_id, nip, text,
                                                today=today)
        elif prompt.action == ASK_NUMBER:
            draft = await usulan_svc.set_number(context.db, draft_id, nip, text)
        else:
            draft = await usulan_svc.set_date(context.db, draft_id, nip, text, today=today)
    except usulan_svc.BadInput as error:
        await message.reply_html(fill("⚠️ {m}", m=error.message))
        return False
    except DomainError as error:
        await message.reply_html(fill("⚠️ {m}", m=error.message))
        return True
    if prompt.action == ASK_PERIOD:
        assert draft.start is not None and draft.end is not None
        await reason_prompt.ask(update, context, kind=PROMPT_KIND, ref_id=draft.request.id,
                                action=ASK_NUMBER, token=str(draft.id), label=prompt.label,
                                text=fill(texts.ASK_NUMBER, hasil=texts.RESULT_CHANGED.format(
                                    periode=views.period(draft.start, draft.end))))
        return True
    if prompt.action == ASK_NUMBER:
        await reason_prompt.ask(update, context, kind=PROMPT_KIND, ref_id=draft.request.id,
                                action=ASK_DATE, token=str(draft.id), label=prompt.label,
                                text=fill(texts.ASK_DATE, nomor=draft.number))
        return True
    assert draft.day is not None
    result = phase.RESULT_LABELS[draft.result]
    if draft.start is not None and draft.end is not None:
        result = texts.RESULT_CHANGED.format(periode=views.period(draft.start, draft.end))
    await message.reply_html(
        fill(texts.CONFIRM, **{**_common(draft.request), "nomor": draft.number},
             hasil=result, tanggal=f"{draft.day:%d-%m-%Y}"),
        reply_markup=_confirm_keyboard(draft.id))
    return True


async def save(update: Update, context: BotContext) -> None:
    """Simpan: the SK is recorded and the request ends."""
    query = update.callback_query
    assert query is not None and context.matches
    draft_id = int(context.matches[0][1])
    user = update.effective_user
    try:
        view = await usulan_svc.record(context.db, context.env(RequestEnv).policy,
                                       context.calendar, draft_id=draft_id,
                                       admin_nip=context.require_employee().nip,
                                       at=context.clock.now(),
                                       telegram_user_id=user.id if user else None)
    except DomainError as error:
        await _refuse(update, error)
        return
    await query.answer(texts.ANSWER_RECORDED)
    assert view.usulan is not None and view.usulan.sk_result is not None
    log.info("usulan.sk_recorded id=%s result=%s", view.id, view.usulan.sk_result)
    await query.edit_message_text(
        fill(texts.RECORDED, id=view.id, nomor=view.usulan.sk_number,
             hasil=phase.RESULT_LABELS[view.usulan.sk_result]), parse_mode="HTML")


async def drop(update: Update, context: BotContext) -> None:
    """Batal on the summary: the draft goes, nothing else changes."""
    query = update.callback_query
    assert query is not None and context.matches
    draft_id = int(context.matches[0][1])
    try:
        request_id = await usulan_svc.discard(context.db, draft_id,
                                              context.require_employee().nip)
    except DomainError as error:
        await _refuse(update, error)
        return
    await query.answer()
    await query.edit_message_text(fill(texts.DISCARDED, id=request_id), parse_mode="HTML")


def register(app: BotApp) -> None:
    reason_prompt.on_reason(PROMPT_KIND, got_text, cancelled=texts.PROMPT_CANCELLED)
    app.add_handler(CommandHandler("usulan", waiting))
    app.add_handler(CallbackQueryHandler(ask_result, pattern=codec.USULAN_RECORD))
    app.add_handler(CallbackQueryHandler(got_result, pattern=codec.USULAN_RESULT))
    app.add_handler(CallbackQueryHandler(save, pattern=codec.USULAN_SAVE))
    app.add_handler(CallbackQueryHandler(drop, pattern=codec.USULAN_DROP))
