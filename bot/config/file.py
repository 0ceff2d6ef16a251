"""Finding and reading the TOML file (`--config`, env PRESENSI_CONFIG, default presensi.toml)."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from bot.config.reader import ConfigError

CONFIG_ENV = "PRESENSI_CONFIG"
DEFAULT_CONFIG = "presensi.toml"


def resolve_config_path(explicit: str | None) -> Path:
    return Path(explicit or os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def read_config(explicit: str | None = None) -> tuple[dict[str, Any], Path]:
    """The parsed file and its resolved path (relative paths in it are against its folder)."""
    path = resolve_config_path(explicit)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(str(path), "berkas konfigurasi tidak ditemukan "
                          "(salin presensi.example.toml menjadi presensi.toml)") from None
    except OSError as exc:
        raise ConfigError(str(path),
                          f"berkas konfigurasi tidak dapat dibaca: {exc.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), f"bukan TOML yang valid: {exc}") from None
    return data, path.resolve()
