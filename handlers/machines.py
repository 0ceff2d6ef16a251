"""/mesin: the admin sees each machine's last sync, clock and errors, pulls the machines now,
writes the employees to a machine and sets its clock, each after a confirmation.

Every tap is checked again (admin, machine still configured). The tap is answered first; a
pull machine's work then runs as a task of its own (its pyzk calls in worker threads), so the
chat goes on while the machine is busy, and the result arrives through the outbox. An ADMS
machine's commands are queued at once; its answers come through the outbox when it polls.
"""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import CallbackQueryHandler, CommandHandler

from bot.context import AppServices, BotApp, BotContext
from device import machine_ops
from device.machine_ops import ADMS, MachineView, Overview, Plan
from handlers.envs import MachinesEnv
from handlers.health import machine_lines
from handlers.html import Html, esc, fill, join
from handlers.sender import Outgoing, renderer
from handlers.texts import devices as device_texts
from handlers.texts import machines as texts
from handlers.texts import operator as operator_texts
from services import machine_admin
from services.errors import DomainError
from services.machine_admin import TIME, USER_PRIVILEGE, USERS, Requester

log = logging.getLogger(__name__)

SYNC_NOW = r"^opr:sync$"
ASK = r"^mes:ask:(users|time):([0-9a-f]{10})$"
DO = r"^mes:do:(users|time):([0-9a-f]{10})$"
CANCEL = r"^mes:no$"
BUTTON_NAME = 18
# PINs of machine admins named in a confirmation; the rest are counted.
LISTED_PINS = 10


def _short(name: str) -> str:
    return name if len(name) <= BUTTON_NAME else name[:BUTTON_NAME - 1] + "…"


def _keyboard(view: Overview) -> InlineKeyboardMarkup | None:
    rows = []
    if view.can_sync:
        rows.append([InlineKeyboardButton(operator_texts.BUTTON_SYNC_NOW,
                                          callback_data="opr:sync")])
    for machine in view.machines:
        key, name = machine.target.key, _short(machine.target.name)
        rows.append([
            InlineKeyboardButton(texts.BUTTON_USERS.format(mesin=name),
                                 callback_data=f"mes:ask:{USERS}:{key}"),
            InlineKeyboardButton(texts.BUTTON_TIME.format(mesin=name),
                                 callback_data=f"mes:ask:{TIME}:{key}")])
    return InlineKeyboardMarkup(rows) if rows else None


def _seen(at: str | None) -> str:
    return dt.datetime.fromisoformat(at).strftime("%d-%m-%Y %H:%M") if at else "-"


def _clock_line(machine: MachineView) -> Html:
    status, target = machine.status, machine.target
    drift = status.clock_drift_seconds if status else None
    if drift is None:
        state = texts.CLOCK_UNKNOWN_ADMS if target.kind == ADMS else texts.CLOCK_UNKNOWN
    elif abs(drift) < 1:
        state = texts.CLOCK_ON_TIME.format(waktu=_seen(status.drift_seen_at if status else None))
    else:
        state = texts.CLOCK_OFF.format(
            arah=device_texts.AHEAD if drift > 0 else device_texts.BEHIND,
            jumlah=device_texts.duration(drift),
            waktu=_seen(status.drift_seen_at if status else None))
    line = fill(texts.CLOCK_LINE, mesin=target.name, jenis=texts.KIND[target.kind],
                selisih=state)
    if machine.waiting:
        line = Html(line + "\n" + texts.WAITING.format(jumlah=machine.waiting))
    return line


def _overview_text(view: Overview) -> Html:
    lines = [Html(line) for line in machine_lines(view.report, as_html=True)]
    lines += [Html(""), Html(texts.CLOCKS)]
    lines += [_clock_line(m) for m in view.machines] or [Html(texts.NO_MACHINES)]
    return join(lines)


async def machines(update: Update, context: BotContext) -> None:
    """/mesin: the machines as /kesehatan shows them, their clocks, and the admin's buttons."""
    message = update.effective_message
    assert message is not None
    try:
        view = await machine_ops.overview(context.db, context.env(MachinesEnv).devices,
                                          operator=context.require_employee(),
                                          now=context.clock.now())
    except DomainError as error:
        await message.reply_html(esc(error.message))
        return
    await message.reply_html(_overview_text(view), reply_markup=_keyboard(view))


def _requester(query: CallbackQuery, context: BotContext) -> Requester:
    assert query.message is not None
    return Requester(context.require_employee().nip, query.from_user.id, query.message.chat.id)


async def sync_now(update: Update, context: BotContext) -> None:
    """Pull every pull-mode machine now; the tap is answered first, the pull runs on its own."""
    query = update.callback_query
    assert query is not None and query.message is not None
    try:
        machine_admin.require_admin(context.require_employee())
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return
    await query.answer(operator_texts.SYNC_STARTED)
    context.application.create_task(
        machine_ops.sync_now(context.db, context.env(MachinesEnv).devices,
                             _requester(query, context), context.clock),
        update=update, name="machines.sync_now")


async def _plan(query: CallbackQuery, context: BotContext, purpose: str,
                key: str) -> Plan | None:
    try:
        return await machine_ops.plan(context.db, context.env(MachinesEnv).devices,
                                      purpose=purpose, key=key,
                                      operator=context.require_employee())
    except DomainError as error:
        await query.answer(error.message, show_alert=True)
        return None


def _privileges(request: Plan) -> str:
    """How many users are written with each privilege, the PINs of all but ordinary users."""
    groups: dict[int, list[str]] = {}
    for user in request.users:
        groups.setdefault(user.privilege, []).append(user.pin)
    parts = []
    for privilege in sorted(groups, reverse=True):
        pins = groups[privilege]
        name = texts.PRIVILEGE_NAMES.get(privilege,
                                         texts.PRIVILEGE_OTHER.format(hak=privilege))
        part = texts.PRIVILEGE_GROUP.format(jumlah=len(pins), nama=name, hak=privilege)
        if privilege != USER_PRIVILEGE:
            shown = ", ".join(pins[:LISTED_PINS])
            if len(pins) > LISTED_PINS:
                shown += texts.MORE.format(jumlah=len(pins) - LISTED_PINS)
            part = texts.PRIVILEGE_PINS.format(kelompok=part, daftar=shown)
        parts.append(part)
    return texts.PRIVILEGE_GROUPS_JOIN.join(parts)


def _confirmation(request: Plan, context: BotContext) -> Html:
    target = request.target
    if request.purpose == USERS:
        if target.kind == ADMS:
            return fill(texts.CONFIRM_USERS_ADMS, jumlah=len(request.users),
                        mesin=target.name, hak=_privileges(request))
        return fill(texts.CONFIRM_USERS_PULL, jumlah=len(request.users), mesin=target.name)
    if target.kind == ADMS:
        return fill(texts.CONFIRM_TIME_ADMS, mesin=target.name)
    assert target.pull is not None
    local = context.clock.now().astimezone(target.pull.timezone)
    return fill(texts.CONFIRM_TIME, mesin=target.name,
                waktu=local.strftime("%d-%m-%Y %H:%M %Z"))


async def ask(update: Update, context: BotContext) -> None:
    """A machine's button: say exactly what will be done, and ask."""
    query = update.callback_query
    assert query is not None and query.data is not None
    purpose, key = query.data.split(":")[2:4]
    request = await _plan(query, context, purpose, key)
    if request is None:
        return
    await query.answer()
    markup = InlineKeyboardMarkup([[
        InlineKeyboardButton(texts.BUTTON_YES, callback_data=f"mes:do:{purpose}:{key}"),
        InlineKeyboardButton(texts.BUTTON_NO, callback_data="mes:no")]])
    await query.edit_message_text(_confirmation(request, context), parse_mode="HTML",
                                  reply_markup=markup)


async def do(update: Update, context: BotContext) -> None:
    """The confirmation: queue the ADMS commands, or start the pull machine's work."""
    query = update.callback_query
    assert query is not None and query.data is not None
    purpose, key = query.data.split(":")[2:4]
    request = await _plan(query, context, purpose, key)
    if request is None:
        return
    target = request.target
    requester = _requester(query, context)
    if target.kind == ADMS:
        count = await machine_ops.queue_on_adms(context.db, request, requester, context.clock)
        await query.answer(texts.QUEUED_SHORT)
        await query.edit_message_text(fill(texts.QUEUED, jumlah=count, mesin=target.name),
                                      parse_mode="HTML")
        return
    if not machine_ops.claim(target):
        await query.answer(machine_ops.BUSY, show_alert=True)
        return
    await query.answer(texts.STARTED)
    timeout = context.env(MachinesEnv).devices.sync.timeout_seconds
    context.application.create_task(
        machine_ops.run_on_pull(context.db, request, requester, context.clock,
                                timeout=timeout),
        update=update, name=f"machines.{purpose}")
    try:
        await query.edit_message_text(fill(texts.WORKING, mesin=target.name),
                                      parse_mode="HTML")
    except TelegramError as error:
        log.warning("machines.edit_failed error=%s", error)


async def cancel(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer()
    await query.edit_message_text(texts.CANCELLED)


# --- results delivered through the outbox ----------------------------------------------------
def _reason(kind: str | None) -> str:
    return device_texts.FAILURE_REASONS.get(kind or "", kind or "-")


def _listed(rows: list[Html], total: int) -> Html:
    text = ", ".join(rows)
    if total > len(rows):
        text += texts.MORE.format(jumlah=total - len(rows))
    return Html(text)


@renderer(machine_admin.PULL_RESULT)
async def _pull_result(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    machine, purpose = payload["machine"], payload["purpose"]
    if not payload.get("ok"):
        return Outgoing(fill(texts.PULL_FAILED, mesin=machine,
                             tindakan=texts.ACTION.get(purpose, purpose),
                             alasan=_reason(payload.get("error"))))
    if purpose == TIME:
        drift = float(payload.get("drift") or 0)
        before = (texts.TIME_WAS_RIGHT if abs(drift) < 1 else texts.TIME_WAS_OFF.format(
            arah=device_texts.AHEAD if drift > 0 else device_texts.BEHIND,
            jumlah=device_texts.duration(drift)))
        after = dt.datetime.fromisoformat(payload["after"]).strftime("%d-%m-%Y %H:%M:%S")
        return Outgoing(fill(texts.TIME_DONE, mesin=machine, sesudah=after, selisih=before))
    lines = [fill(texts.USERS_DONE, mesin=machine, ditulis=payload["written"])]
    if payload.get("failed_count"):
        rows = [fill(texts.USERS_FAILED_ROW, pin=pin, alasan=reason)
                for pin, reason in payload["failed"]]
        lines.append(fill(texts.USERS_FAILED, jumlah=payload["failed_count"],
                          daftar=_listed(rows, payload["failed_count"])))
    return Outgoing(join(lines))


@renderer(machine_admin.ADMS_RESULT)
async def _adms_result(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    machine = payload["machine"]
    if payload["purpose"] == TIME:
        if payload["failed_count"]:
            [[_pin, code]] = payload["failed"]
            return Outgoing(fill(texts.ADMS_TIME_FAILED, mesin=machine, kode=code))
        return Outgoing(fill(texts.ADMS_TIME_DONE, mesin=machine))
    lines = [fill(texts.ADMS_USERS_DONE, mesin=machine, ok=payload["ok"],
                  total=payload["total"])]
    if payload["failed_count"]:
        rows = [fill(texts.ADMS_FAILED_ROW, pin=pin, kode=code)
                for pin, code in payload["failed"]]
        lines.append(fill(texts.ADMS_USERS_FAILED, jumlah=payload["failed_count"],
                          daftar=_listed(rows, payload["failed_count"])))
    return Outgoing(join(lines))


@renderer(machine_admin.SYNC_RESULT)
async def _sync_result(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    lines = [Html(operator_texts.SYNC_DONE)]
    for result in payload["results"]:
        if result["ok"]:
            lines.append(fill(operator_texts.SYNC_OK, mesin=result["machine"],
                              dibaca=result["seen"], baru=result["new"]))
        else:
            lines.append(fill(operator_texts.SYNC_FAILED, mesin=result["machine"],
                              alasan=_reason(result["error"])))
    if not payload["results"]:
        lines.append(Html(operator_texts.SYNC_NONE))
    return Outgoing(join(lines))


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("mesin", machines))
    app.add_handler(CallbackQueryHandler(sync_now, pattern=SYNC_NOW))
    app.add_handler(CallbackQueryHandler(ask, pattern=ASK))
    app.add_handler(CallbackQueryHandler(do, pattern=DO))
    app.add_handler(CallbackQueryHandler(cancel, pattern=CANCEL))
