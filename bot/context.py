"""The typed CallbackContext every handler receives."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from telegram.ext import Application, CallbackContext, ExtBot

from services.calendar import OfficeCalendar
from services.clock import Clock
from services.employees import Employee
from services.storage import Database

if TYPE_CHECKING:
    from bot.config import Settings

E = TypeVar("E")

SERVICES_KEY = "services"
# The Settings, in bot_data from build_application on, for bot/ only.
SETTINGS_KEY = "settings"
# The FeatureEnvs, in bot_data from build_application on: a handler that registers only when
# its feature is configured reads its environment with `app_env` when it registers.
ENVS_KEY = "envs"


class FeatureEnvs:
    """The features' environments by type: each handler asks for the one it was built for."""

    def __init__(self, envs: Iterable[object]) -> None:
        self._by_kind: dict[type, object] = {type(env): env for env in envs}

    def get(self, kind: type[E]) -> E:
        env = self._by_kind.get(kind)
        if not isinstance(env, kind):
            raise RuntimeError(f"no {kind.__name__} was built by bot.app.feature_envs")
        return env


@dataclass
class AppServices:
    """Everything handlers and jobs reach; built at start-up, closed at shutdown.

    `settings` is for bot/ (jobs, servers); handlers take their feature's environment."""

    settings: Settings
    db: Database
    clock: Clock
    calendar: OfficeCalendar
    envs: FeatureEnvs

    def env(self, kind: type[E]) -> E:
        return self.envs.get(kind)


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

    def env(self, kind: type[E]) -> E:
        return self.services.envs.get(kind)

    def require_employee(self) -> Employee:
        if self.employee is None:
            raise RuntimeError("handler reached without a registered employee; gate missing")
        return self.employee


def app_env(app: BotApp, kind: type[E]) -> E:
    envs: FeatureEnvs = app.bot_data[ENVS_KEY]
    return envs.get(kind)


# The context type is Any: CallbackContext.application does not carry it, so jobs that get the
# Application from their context could not pass it on otherwise.
BotApp = Application[ExtBot[None], Any, dict[Any, Any], dict[Any, Any], dict[Any, Any], Any]
