"""The database, its WAL, backups and their folders are for the bot's account only, whatever
umask the process was started with."""

from __future__ import annotations

import datetime as dt
import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from services.backup import make_backup
from services.storage import open_database

ROOT = Path(__file__).resolve().parent.parent


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


async def test_database_and_backups_are_private(tmp_path: Path, open_umask: None) -> None:
    database = tmp_path / "data" / "baru" / "presensi.sqlite3"
    db = await open_database(database)
    async with db.transaction() as conn:
        await conn.execute("CREATE TABLE t (x)")
        await conn.execute("INSERT INTO t VALUES (1)")
    wal = database.with_name(database.name + "-wal")
    assert mode(database) == 0o600 and mode(wal) == 0o600
    assert mode(database.parent) == 0o700 and mode(database.parent.parent) == 0o700
    result = make_backup(database, None, tmp_path / "cadangan" / "harian",
                         dt.datetime(2026, 10, 5, 23, 0), keep=3, keep_days=7)
    await db.close()
    assert mode(result.database) == 0o600
    assert mode(result.database.parent) == 0o700 and mode(tmp_path / "cadangan") == 0o700


async def test_an_existing_readable_database_is_tightened(tmp_path: Path,
                                                          open_umask: None) -> None:
    database = tmp_path / "presensi.sqlite3"
    await (await open_database(database)).close()
    os.chmod(database, 0o644)
    db = await open_database(database)
    await db.close()
    assert mode(database) == 0o600


def test_systemd_units_set_a_private_umask() -> None:
    for unit in ("presensi-bot.service", "presensi-backup.service"):
        lines = (ROOT / "deploy" / unit).read_text().splitlines()
        assert "UMask=0077" in lines, unit
