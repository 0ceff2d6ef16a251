"""/cutibersama: the admin marks who was kept at work on a cuti bersama day.

  /cutibersama DD-MM-YYYY              who is marked on that day
  /cutibersama DD-MM-YYYY NIP [NIP…]   mark them (each day is added to their cuti tahunan)
  /cutibersama hapus DD-MM-YYYY NIP…   take a mark back
"""

from __future__ import annotations

import datetime as dt
from html import escape

from telegram import Update
from telegram.ext import CommandHandler

from bot.context import BotApp, BotContext
from handlers.texts import leave as texts
from services import cuti_bersama as svc
from services.errors import DomainError

REMOVE_WORD = "hapus"


def _date(text: str) -> dt.date | None:
    try:
        return dt.datetime.strptime(text, "%d-%m-%Y").date()
    except ValueError:
        return None


def _render(result: svc.DutyDay) -> str:
    names = "\n".join(texts.DUTY_ITEM.format(nama=escape(e.nama), nip=e.nip)
                      for e in result.employees) or texts.DUTY_NOBODY
    head = texts.DUTY_HEADER.format(tanggal=f"{result.day:%d-%m-%Y}", nama=escape(result.name))
    done = ""
    if result.added:
        done = texts.DUTY_ADDED.format(n=len(result.added))
    elif result.removed:
        done = texts.DUTY_REMOVED.format(n=len(result.removed))
    return f"{done}{head}\n{names}"


async def cuti_bersama(update: Update, context: BotContext) -> None:
    """Mark, unmark or list employees at work on a cuti bersama day."""
    message = update.effective_message
    assert message is not None
    employee = context.require_employee()
    args = list(context.args or [])
    remove = bool(args) and args[0].lower() == REMOVE_WORD
    if remove:
        args = args[1:]
    day = _date(args[0]) if args else None
    if day is None or (remove and len(args) < 2):
        await message.reply_html(texts.DUTY_USAGE)
        return
    now = context.clock.now()
    try:
        if len(args) == 1:
            result = await svc.marked_on(context.db, context.calendar, employee, day)
        else:
            result = await svc.mark(context.db, context.calendar, employee, day, args[1:],
                                    remove=remove, at=now,
                                    telegram_user_id=update.effective_user.id
                                    if update.effective_user else None)
    except DomainError as error:
        await message.reply_html(f"⚠️ {escape(error.message)}")
        return
    await message.reply_html(_render(result))


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("cutibersama", cuti_bersama))
