"""Shared fixtures: a real config file, a real SQLite file, a fixed clock, and the harness."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings, load_settings
from services.clock import FixedClock
from services.storage import Database, open_database
from tests.support.harness import Harness, TgUser
from tests.support.office import PEOPLE, Person, seed_office

WIB = ZoneInfo("Asia/Jakarta")

BASE_CONFIG = """
[telegram]
admin_chat_id = -100500
persistence_path = "percakapan.pickle"

[database]
path = "presensi.sqlite3"

[office]
name = "Dinas Komunikasi dan Informatika"
government = "Pemerintah Kota Contoh"
timezone = "Asia/Jakarta"
address = "Jl. Merdeka No. 1"
city = "Kota Contoh"
unit_code = "DISKOMINFO"
"""


@pytest.fixture
def config_text() -> str:
    """Override in a test module to add sections."""
    return BASE_CONFIG


@pytest.fixture
def config_path(tmp_path: Path, config_text: str) -> Path:
    path = tmp_path / "presensi.toml"
    path.write_text(config_text, encoding="utf-8")
    return path


@pytest.fixture
def settings(config_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.delenv("PRESENSI_BOT_TOKEN", raising=False)
    return load_settings(str(config_path))


@pytest.fixture
def clock() -> FixedClock:
    # Monday 5 October 2026, 08:00 WIB: a working day.
    return FixedClock(dt.datetime(2026, 10, 5, 8, 0, tzinfo=WIB))


@pytest.fixture
async def db(settings: Settings) -> AsyncIterator[Database]:
    database = await open_database(settings.database.path)
    yield database
    await database.close()


@pytest.fixture
async def office(db: Database, tmp_path: Path, clock: FixedClock) -> tuple[Person, ...]:
    """The sample office imported, every employee bound to a Telegram account."""
    await seed_office(db, tmp_path, clock.now())
    return PEOPLE


@pytest.fixture
async def harness(settings: Settings, clock: FixedClock) -> AsyncIterator[Harness]:
    h = await Harness.start(settings, clock)
    yield h
    await h.stop()


def tg(person: Person) -> TgUser:
    return TgUser(person.telegram_id, first_name=person.nama.split()[0])
