"""The one reason prompt: the text typed after Tolak / Kembalikan (or a step that needs a note)
on a card, for that card only.

A prompt names what it is for, lives in SQLite (services.reason_prompts) so it survives a
restart, expires after [approvals] reason_prompt_minutes, and is dropped when the person starts
another command or taps another button: text never decides anything it was not typed for.
Each feature registers what a reason does for its kind (`on_reason`).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.ext import ApplicationHandlerStop, CallbackQueryHandler, MessageHandler, filters

from bot.context import BotApp, BotContext
from handlers.envs import RequestEnv
from handlers.texts import approvals as texts
from services import reason_prompts, text_limits
from services.errors import DomainError
from services.reason_prompts import Prompt

log = logging.getLogger(__name__)

# After the registration gate (-10), before every feature: a prompt sees the text first.
PROMPT_GROUP = -5

# What a reason does for one kind; returns False to keep asking (e.g. too short).
ReasonHandler = Callable[[Update, BotContext, Prompt, str], Awaitable[bool]]


@dataclass(frozen=True)
class _Kind:
    on_reason: ReasonHandler
    cancelled: str


_KINDS: dict[str, _Kind] = {}


def on_reason(kind: str, handler: ReasonHandler, *, cancelled: str) -> None:
    """Register what a typed reason does for `kind`, and what /batal says."""
    _KINDS[kind] = _Kind(handler, cancelled)


async def ask(update: Update, context: BotContext, *, kind: str, ref_id: int, action: str,
              token: str, label: str, text: str,
              markup: InlineKeyboardMarkup | None = None) -> Prompt:
    """Open the person's prompt for the tapped card (replacing an older one) and ask; `markup`
    goes under the question (e.g. a calendar that answers it in one tap)."""
    assert update.effective_chat is not None
    prompt = await hold(update, context, kind=kind, ref_id=ref_id, action=action, token=token,
                        label=label)
    await context.bot.send_message(update.effective_chat.id, text, parse_mode="HTML",
                                   reply_markup=markup)
    return prompt


async def hold(update: Update, context: BotContext, *, kind: str, ref_id: int, action: str,
               token: str, label: str) -> Prompt:
    """Open the person's prompt without asking anew: a button that answers part of it (a
    calendar's month arrow) dropped it like any other button, and the question stands."""
    user = update.effective_user
    query = update.callback_query
    assert user is not None
    card = query.message if query is not None and isinstance(query.message, Message) else None
    return await reason_prompts.ask(
        context.db, telegram_user_id=user.id, nip=context.require_employee().nip, kind=kind,
        ref_id=ref_id, action=action, token=token, label=label,
        chat_id=card.chat_id if card else None, message_id=card.message_id if card else None,
        now=context.clock.now(), minutes=context.env(RequestEnv).reason_prompt_minutes)


async def _reason(update: Update, context: BotContext) -> None:
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return
    prompt = await reason_prompts.pending(context.db, user.id)
    if prompt is None:
        return  # not an answer to anything: the features see the text
    kind = _KINDS.get(prompt.kind)
    if prompt.expired(context.clock.now()) or kind is None:
        await reason_prompts.finish(context.db, prompt)
        log.info("reason_prompt.expired user=%s kind=%s ref=%s", user.id, prompt.kind,
                 prompt.ref_id)
        await message.reply_html(texts.REASON_EXPIRED.format(
            label=escape(prompt.label),
            menit=context.env(RequestEnv).reason_prompt_minutes))
        raise ApplicationHandlerStop
    note = (message.text or "").strip()
    if not note:
        await message.reply_html(texts.REASON_EMPTY.format(label=escape(prompt.label)))
        raise ApplicationHandlerStop
    try:
        note = text_limits.check_note(note)
    except DomainError as error:
        # Nothing decided; the prompt stays open so the reason can be typed again, shorter.
        await message.reply_html(f"⚠️ {escape(error.message)}")
        raise ApplicationHandlerStop from None
    if await kind.on_reason(update, context, prompt, note):
        await reason_prompts.finish(context.db, prompt)
    raise ApplicationHandlerStop


async def _moved_on(update: Update, context: BotContext) -> None:
    """Another command or button: the open prompt is dropped. /batal only cancels it."""
    user = update.effective_user
    if user is None or context.employee is None:
        return
    prompt = await reason_prompts.pending(context.db, user.id)
    if prompt is None:
        return
    await reason_prompts.finish(context.db, prompt)
    kind = _KINDS.get(prompt.kind)
    log.info("reason_prompt.dropped user=%s kind=%s ref=%s", user.id, prompt.kind,
             prompt.ref_id)
    message = update.message
    if message is not None and (message.text or "").split("@")[0].split(" ")[0] == "/batal":
        await message.reply_html(kind.cancelled if kind else texts.REASON_CANCELLED.format(
            label=escape(prompt.label)))
        raise ApplicationHandlerStop


def register(app: BotApp) -> None:
    app.add_handler(MessageHandler(filters.COMMAND, _moved_on), group=PROMPT_GROUP)
    app.add_handler(CallbackQueryHandler(_moved_on), group=PROMPT_GROUP)
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, _reason),
                    group=PROMPT_GROUP)
