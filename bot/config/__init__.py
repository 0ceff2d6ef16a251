"""Settings from a TOML file (`--config`, env PRESENSI_CONFIG, default presensi.toml).

Each section is parsed by its own module; `bot.config.settings` assembles them all. Importing
this package stays cheap because every `bot.config.*` import runs it: the machine commands
read only their own sections (`bot.config.machines`) and must not pay for every feature's
policy modules, so the whole `Settings` is imported on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.config.file import CONFIG_ENV
from bot.config.reader import ConfigError

if TYPE_CHECKING:
    from bot.config.settings import Settings, load_settings, parse_settings

__all__ = ["CONFIG_ENV", "ConfigError", "Settings", "load_settings", "parse_settings"]

_WHOLE = frozenset({"Settings", "load_settings", "parse_settings"})


def __getattr__(name: str) -> Any:
    if name in _WHOLE:
        from bot.config import settings

        return getattr(settings, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
