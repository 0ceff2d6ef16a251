"""The command catalogue: /help, and the command menu Telegram shows (setMyCommands).

Only commands that a registered handler actually serves are shown, so the menu never offers
what the bot cannot do. Feature modules add their entries to CATALOGUE.
"""

from __future__ import annotations

from dataclasses import dataclass

from telegram import BotCommand, BotCommandScopeChat, BotCommandScopeDefault, Update
from telegram.ext import Application, CommandHandler

from bot.context import BotApp, BotContext
from handlers import keyboards
from handlers.texts import common as texts
from handlers.texts import delegation as delegation_texts
from handlers.texts import location as location_texts
from services import employees
from services.employees import Employee


@dataclass(frozen=True)
class Audience:
    """Who sees a command: everyone, supervisors (have subordinates), or certain roles."""

    roles: frozenset[str] | None = None
    supervisors: bool = False

    def admits(self, employee: Employee, is_supervisor: bool) -> bool:
        if self.roles is None and not self.supervisors:
            return True
        return (self.roles is not None and employee.peran in self.roles) or (
            self.supervisors and is_supervisor)


EVERYONE = Audience()


@dataclass(frozen=True)
class MenuCommand:
    command: str
    description: str
    audience: Audience = EVERYONE


SUPERVISORS = Audience(frozenset({"kepala", "sekretaris"}), supervisors=True)
OFFICE_ADMINS = Audience(frozenset({"admin", "kasubbag"}))
RECAP_READERS = Audience(frozenset({"admin", "kasubbag", "sekretaris", "kepala"}))
DESIGNATORS = Audience(frozenset({"kepala", "admin", "kasubbag"}))

# The order here is the order of /help and of Telegram's command menu.
CATALOGUE: list[MenuCommand] = [
    MenuCommand("izin", texts.CMD_IZIN),
    MenuCommand("riwayat", texts.CMD_RIWAYAT),
    MenuCommand("saldo", texts.CMD_SALDO),
    MenuCommand("hadir", texts.CMD_HADIR),
    MenuCommand("absen", location_texts.CMD_ABSEN),
    MenuCommand("kalender", texts.CMD_KALENDER),
    MenuCommand("layanan", texts.CMD_LAYANAN),
    MenuCommand("persetujuan", texts.CMD_PERSETUJUAN, SUPERVISORS),
    MenuCommand("rekap", texts.CMD_REKAP, OFFICE_ADMINS),
    MenuCommand("arsip", texts.CMD_ARSIP, RECAP_READERS),
    MenuCommand("pantau", texts.CMD_PANTAU, OFFICE_ADMINS),
    MenuCommand("delegasi", delegation_texts.CMD_DELEGASI, DESIGNATORS),
    MenuCommand("cutibersama", texts.CMD_CUTIBERSAMA, OFFICE_ADMINS),
    MenuCommand("usulan", texts.CMD_USULAN, OFFICE_ADMINS),
    MenuCommand("kesehatan", texts.CMD_KESEHATAN, OFFICE_ADMINS),
    MenuCommand("impor", texts.CMD_IMPOR, OFFICE_ADMINS),
    MenuCommand("pegawai", texts.CMD_PEGAWAI, OFFICE_ADMINS),
    MenuCommand("mesin", texts.CMD_MESIN, OFFICE_ADMINS),
    MenuCommand("gangguan", location_texts.CMD_GANGGUAN, OFFICE_ADMINS),
    MenuCommand("batal", texts.CMD_BATAL),
    MenuCommand("start", texts.CMD_START),
    MenuCommand("help", texts.CMD_HELP),
]


def _served_commands(app: Application) -> set[str]:  # type: ignore[type-arg]
    served: set[str] = set()
    for group in app.handlers.values():
        for handler in group:
            served.update(_commands_of(handler))
    return served


def _commands_of(handler: object) -> set[str]:
    if isinstance(handler, CommandHandler):
        return set(handler.commands)
    found: set[str] = set()
    # ConversationHandler entry points and fallbacks hold CommandHandlers too.
    for attr in ("entry_points", "fallbacks"):
        for inner in getattr(handler, attr, ()) or ():
            found |= _commands_of(inner)
    return found


def commands_for(app: Application, employee: Employee, is_supervisor: bool  # type: ignore[type-arg]
                 ) -> list[MenuCommand]:
    served = _served_commands(app)
    return [c for c in CATALOGUE
            if c.command in served and c.audience.admits(employee, is_supervisor)]


def render_menu(commands: list[MenuCommand]) -> str:
    lines = [texts.MENU_HEADER] + [f"/{c.command} — {c.description}" for c in commands]
    return "\n".join(lines)


async def publish_default_commands(app: Application) -> None:  # type: ignore[type-arg]
    """Unregistered users see only /start and /help."""
    await app.bot.set_my_commands(
        [BotCommand("start", texts.CMD_START), BotCommand("help", texts.CMD_HELP)],
        scope=BotCommandScopeDefault(), language_code=None)


async def publish_commands_for(app: Application, chat_id: int,  # type: ignore[type-arg]
                               commands: list[MenuCommand]) -> None:
    await app.bot.set_my_commands([BotCommand(c.command, c.description) for c in commands],
                                  scope=BotCommandScopeChat(chat_id))


async def role_menu(context: BotContext, employee: Employee) -> list[MenuCommand]:
    async with context.db.read() as conn:
        is_supervisor = await employees.has_subordinates(conn, employee.nip)
    return commands_for(context.application, employee, is_supervisor)


async def help_command(update: Update, context: BotContext) -> None:
    """Show what this user may do; before registration, how to register."""
    assert update.effective_message is not None
    if context.employee is None:
        await update.effective_message.reply_html(texts.NOT_REGISTERED,
                                                  reply_markup=keyboards.share_phone())
        return
    commands = await role_menu(context, context.employee)
    await update.effective_message.reply_html(render_menu(commands) + texts.HELP_FOOTER)


def register(app: BotApp) -> None:
    app.add_handler(CommandHandler("help", help_command))
