"""Answers for whatever no feature took: registered last, so it only sees leftovers.

Every message gets a reply and every button tap an answer, so the user is never left wondering
whether the bot heard them.
"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.context import BotApp, BotContext
from handlers.texts import common as texts

log = logging.getLogger(__name__)


async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """/batal outside any conversation."""
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.NOTHING_TO_CANCEL)


async def unknown_command(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.UNKNOWN_COMMAND)


async def unexpected_message(update: Update, context: BotContext) -> None:
    assert update.effective_message is not None
    await update.effective_message.reply_text(texts.UNEXPECTED_MESSAGE)


async def stale_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    log.info("callback.unhandled data_prefix=%s", (query.data or "").split(":")[0][:16])
    await query.answer(texts.STALE_BUTTON, show_alert=True)


def register(app: BotApp) -> None:
    private = filters.ChatType.PRIVATE
    app.add_handler(CommandHandler("batal", nothing_to_cancel, filters=private))
    app.add_handler(MessageHandler(private & filters.COMMAND, unknown_command))
    app.add_handler(MessageHandler(private & ~filters.COMMAND & ~filters.StatusUpdate.ALL,
                                   unexpected_message))
    app.add_handler(CallbackQueryHandler(stale_button))
