"""Running the bot for real: backups, webhook mode and the log format."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from bot.config.reader import ConfigError, Section

WEBHOOK_SECRET_ENV = "PRESENSI_WEBHOOK_SECRET"
# Telegram accepts 1–256 characters from this set in X-Telegram-Bot-Api-Secret-Token; anything
# shorter than 32 can be guessed by whoever can reach the listening port.
SECRET_MIN_LENGTH = 32
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
SECRET_HINT = "buat dengan: python3 -c \"import secrets; print(secrets.token_urlsafe(32))\""
_PATH = re.compile(r"^[A-Za-z0-9_\-/]*$")
LOG_FORMATS = ("text", "json")


@dataclass(frozen=True)
class BackupSettings:
    dir: Path
    keep: int          # the newest `keep` copies are always kept
    keep_days: int     # copies younger than this are kept too (0: count only)


@dataclass(frozen=True)
class WebhookSettings:
    url: str           # public HTTPS base address; empty means long polling
    listen: str
    port: int
    path: str
    secret_token: str
    max_connections: int

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    @property
    def webhook_url(self) -> str:
        return f"{self.url.rstrip('/')}/{self.path}" if self.path else self.url


@dataclass(frozen=True)
class HealthHttpSettings:
    listen: str
    port: int          # 0: no HTTP endpoint

    @property
    def enabled(self) -> bool:
        return self.port != 0


@dataclass(frozen=True)
class OperationsSettings:
    backup: BackupSettings
    webhook: WebhookSettings
    log_format: str
    health: HealthHttpSettings


def parse_operations(root: Section, base_dir: Path) -> OperationsSettings:
    return OperationsSettings(backup=_parse_backup(root.section("backup"), base_dir),
                              webhook=_parse_webhook(root.section("webhook")),
                              log_format=root.section("logging").choice(
                                  "format", LOG_FORMATS, "text"),
                              health=_parse_health(root.section("health")))


def _parse_health(section: Section) -> HealthHttpSettings:
    return HealthHttpSettings(listen=section.nonempty_str("listen", "127.0.0.1"),
                              port=section.int("port", 0, minimum=0, maximum=65535))


def _parse_backup(section: Section, base_dir: Path) -> BackupSettings:
    return BackupSettings(dir=base_dir / section.nonempty_str("dir", "data/cadangan"),
                          keep=section.int("keep", 14, minimum=1),
                          keep_days=section.int("keep_days", 0, minimum=0))


def _parse_webhook(section: Section) -> WebhookSettings:
    url = section.str("url", "").strip()
    if url and not url.startswith("https://"):
        raise ConfigError(section.key("url"), "harus diawali https:// (syarat Telegram)")
    path = section.str("path", "telegram").strip("/")
    if not _PATH.match(path):
        raise ConfigError(section.key("path"), "hanya huruf, angka, -, _ dan /")
    secret = os.environ.get(WEBHOOK_SECRET_ENV) or section.str("secret_token", "")
    if url and not _SECRET.match(secret):
        raise ConfigError(section.key("secret_token"),
                          "wajib diisi bila url diisi: 32–256 karakter A-Z, a-z, 0-9, _ atau - "
                          f"(atau atur variabel {WEBHOOK_SECRET_ENV}); {SECRET_HINT}")
    if url and len(secret) < SECRET_MIN_LENGTH:
        raise ConfigError(section.key("secret_token"),
                          f"terlalu pendek ({len(secret)} karakter), minimal {SECRET_MIN_LENGTH}; "
                          + SECRET_HINT)
    return WebhookSettings(url=url, listen=section.nonempty_str("listen", "127.0.0.1"),
                           port=section.int("port", 8443, minimum=1, maximum=65535),
                           path=path, secret_token=secret,
                           max_connections=section.int("max_connections", 40, minimum=1,
                                                       maximum=100))
