"""The typed CallbackContext every handler receives."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram.ext import Application, CallbackContext, ExtBot

from services.calendar import OfficeCalendar
from services.clock import Clock
from services.employees import Employee
from services.storage import Database

if TYPE_CHECKING:
    from bot.config import Settings

SERVICES_KEY = "services"
# The Settings, in bot_data from build_application on: handlers read it when they register.
SETTINGS_KEY = "settings"


@dataclass
class AppServices:
    """Everything handlers and jobs reach; built at start-up, closed at shutdown."""

    settings: Settings
    db: Database
    clock: Clock
    calendar: OfficeCalendar


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, application: BotApp, chat_id: int | None = None,
                 user_id: int | None = None) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        # Set by the registration gate for every update from a registered employee.
        self.employee: Employee | None = None

    @property
    def services(self) -> AppServices:
        services: AppServices = self.application.bot_data[SERVICES_KEY]
        return services

    @property
    def db(self) -> Database:
        return self.services.db

    @property
    def clock(self) -> Clock:
        return self.services.clock

    @property
    def calendar(self) -> OfficeCalendar:
        return self.services.calendar

    @property
    def settings(self) -> Settings:
        return self.services.settings

    def require_employee(self) -> Employee:
        if self.employee is None:
            raise RuntimeError("handler reached without a registered employee; gate missing")
        return self.employee


# The context type is Any: CallbackContext.application does not carry it, so jobs that get the
# Application from their context could not pass it on otherwise.
BotApp = Application[ExtBot[None], Any, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]
