"""/start, registration by shared phone number, and tracking whether the user blocked the bot."""

from __future__ import annotations

import logging

from telegram import ChatMember, ReplyKeyboardRemove, Update
from telegram.constants import ChatType
from telegram.ext import ChatMemberHandler, CommandHandler, MessageHandler, filters

from bot.context import BotApp, BotContext
from handlers import keyboards, menu
from handlers.html import Html, fill
from handlers.texts import common as texts
from services import employees, requests
from services.employees import Employee
from services.errors import DomainError

log = logging.getLogger(__name__)


async def _greet(update: Update, context: BotContext, employee: Employee, template: str) -> None:
    commands = await menu.role_menu(context, employee)
    assert update.effective_message is not None and update.effective_chat is not None
    text: str = fill(template, nama=employee.nama, nip=employee.nip,
                     jabatan=employee.jabatan or "-",
                     menu=Html(menu.render_menu(commands)))
    if template == texts.GREETING:
        # Requests filed while this person had no Telegram yet were never carded to them.
        waiting = await requests.waiting_for(context.db, employee.nip)
        if waiting:
            text += fill(texts.GREETING_WAITING, n=len(waiting))
    await update.effective_message.reply_html(text, reply_markup=ReplyKeyboardRemove())
    await menu.publish_commands_for(context.application, update.effective_chat.id, commands)


async def start(update: Update, context: BotContext) -> None:
    """Greet a registered employee, or ask a newcomer for their phone number."""
    assert update.effective_message is not None
    if context.employee is not None:
        await _greet(update, context, context.employee, texts.GREETING_AGAIN)
        return
    await update.effective_message.reply_html(texts.WELCOME_UNREGISTERED,
                                              reply_markup=keyboards.share_phone())


async def contact(update: Update, context: BotContext) -> None:
    """Bind the sender to the employee whose phone number they shared."""
    message = update.effective_message
    user = update.effective_user
    assert message is not None and message.contact is not None and user is not None
    if context.employee is not None:
        await _greet(update, context, context.employee, texts.GREETING_AGAIN)
        return
    try:
        employee = await employees.register_by_contact(
            context.db, sender_id=user.id, chat_id=message.chat_id,
            contact_user_id=message.contact.user_id, phone_number=message.contact.phone_number,
            at=context.clock.now())
    except DomainError as error:
        log.info("registration.refused telegram_user_id=%s reason=%s", user.id,
                 type(error).__name__)
        await message.reply_html(error.message, reply_markup=keyboards.share_phone())
        return
    context.employee = employee
    log.info("registration.bound nip=%s", employee.nip)
    await _greet(update, context, employee, texts.GREETING)


async def membership(update: Update, context: BotContext) -> None:
    """Remember whether the user blocked the bot, so alerts skip them instead of failing."""
    change = update.my_chat_member
    if change is None or context.employee is None:
        return
    if change.chat.type != ChatType.PRIVATE:
        # Someone removed the bot from (or added it to) a group: that says nothing about
        # whether they can receive our private messages.
        log.info("telegram.group_membership chat=%s status=%s", change.chat.id,
                 change.new_chat_member.status)
        return
    blocked = change.new_chat_member.status in (ChatMember.BANNED, ChatMember.LEFT)
    async with context.db.transaction() as conn:
        await employees.mark_blocked(conn, context.employee.nip,
                                     context.clock.now() if blocked else None)
    log.info("telegram.%s nip=%s", "blocked" if blocked else "unblocked", context.employee.nip)


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.CONTACT & filters.ChatType.PRIVATE, contact))
    app.add_handler(ChatMemberHandler(membership, ChatMemberHandler.MY_CHAT_MEMBER))
