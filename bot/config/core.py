"""The sections every deployment needs: Telegram, the database and the office."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.config.reader import ConfigError, Section
from services.office import Office

TOKEN_ENV = "PRESENSI_BOT_TOKEN"


@dataclass(frozen=True)
class TelegramSettings:
    token: str
    base_url: str
    base_file_url: str
    admin_chat_id: int | None
    persistence_path: Path
    persistence_interval_seconds: float

    def require_token(self) -> str:
        if not self.token:
            raise ConfigError("telegram.token",
                              f"token bot belum diisi (atur variabel {TOKEN_ENV})")
        return self.token


@dataclass(frozen=True)
class DatabaseSettings:
    path: Path


def parse_telegram(root: Section, base_dir: Path) -> TelegramSettings:
    section = root.section("telegram")
    token = os.environ.get(TOKEN_ENV) or section.str("token", "")
    admin = section.int("admin_chat_id", 0)
    return TelegramSettings(
        token=token.strip(),
        base_url=section.nonempty_str("base_url", "https://api.telegram.org/bot"),
        base_file_url=section.nonempty_str("base_file_url", "https://api.telegram.org/file/bot"),
        admin_chat_id=admin or None,
        persistence_path=base_dir / section.nonempty_str(
            "persistence_path", "data/percakapan.pickle"),
        persistence_interval_seconds=section.float(
            "persistence_interval_seconds", 5.0, minimum=0.5),
    )


def parse_database(root: Section, base_dir: Path) -> DatabaseSettings:
    section = root.section("database")
    return DatabaseSettings(path=base_dir / section.nonempty_str("path", "data/presensi.sqlite3"))


def parse_office(root: Section) -> Office:
    section = root.section("office")
    return Office(
        name=section.nonempty_str("name"),
        timezone=section.zone("timezone", "Asia/Jakarta"),
        address=section.str("address", ""),
        city=section.str("city", ""),
        government=section.str("government", ""),
        unit_code=section.str("unit_code", ""),
        letterhead=tuple(section.str_list("letterhead", [])),
    )
