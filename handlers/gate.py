"""Registration gate: runs before every other handler.

It looks the sender up once per update and leaves the employee on the context. Unregistered
users get through only with what registration needs (/start, /help, a shared contact).
"""

from __future__ import annotations

from telegram import Update
from telegram.constants import ChatType
from telegram.ext import ApplicationHandlerStop, TypeHandler

from bot.context import BotApp, BotContext
from handlers import keyboards
from handlers.texts import common as texts
from services import employees

GATE_GROUP = -10


def is_registration_update(update: Update) -> bool:
    message = update.message
    if message is None:
        return False
    if message.contact is not None:
        return True
    text = message.text or ""
    return text.split("@")[0].split(" ")[0] in ("/start", "/help")


async def gate(update: Update, context: BotContext) -> None:
    """Attach the employee to the context, or stop unregistered users politely."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None:
        raise ApplicationHandlerStop
    if update.my_chat_member is not None:
        # Block/unblock notices are handled by registration whoever sends them.
        async with context.db.read() as conn:
            context.employee = await employees.by_telegram_user(conn, user.id)
        return
    if chat is not None and chat.type != ChatType.PRIVATE:
        # The bot only posts into groups (the admin chat); it takes no orders there.
        raise ApplicationHandlerStop
    async with context.db.read() as conn:
        context.employee = await employees.by_telegram_user(conn, user.id)
    if context.employee is not None or is_registration_update(update):
        return
    if update.callback_query is not None:
        await update.callback_query.answer(texts.NOT_REGISTERED_ALERT, show_alert=True)
    elif update.effective_message is not None and update.edited_message is None:
        # Edits are not answered: a live location alone sends one every few seconds.
        await update.effective_message.reply_html(texts.NOT_REGISTERED,
                                                  reply_markup=keyboards.share_phone())
    raise ApplicationHandlerStop


def register(app: BotApp) -> None:
    app.add_handler(TypeHandler(Update, gate), group=GATE_GROUP)
