"""`presensi backup`: consistent copies while the bot writes, verification, pruning."""

from __future__ import annotations

import asyncio
import datetime as dt
import pickle
import shutil
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from services.backup import (
    BackupError,
    backups_to_prune,
    list_backups,
    make_backup,
    prune_backups,
)
from services.storage import Database, open_database
from tests.conftest import BASE_CONFIG
from tests.support.office import Person

AT = dt.datetime(2026, 10, 5, 23, 30)


async def _write_pairs(db: Database, stop: asyncio.Event, counter: list[int]) -> None:
    """Each transaction writes two punches; a consistent snapshot always holds an even number."""
    while not stop.is_set():
        n = counter[0]
        async with db.transaction() as conn:
            for half in range(2):
                await conn.execute(
                    "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date,"
                    " source, received_at) VALUES ('SN1', ?, ?, '2026-10-05', 'pull', ?)",
                    (f"{n}-{half}", f"2026-10-05T07:{n % 60:02d}:00+07:00", "2026-10-05"))
        counter[0] = n + 1


async def test_backup_during_writes_is_consistent(db: Database, settings: Settings,
                                                  tmp_path: Path) -> None:
    # Enough data that the copy takes a while, so the writer really runs alongside it.
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date, source,"
            " received_at) VALUES ('SN0', ?, '2026-10-01T07:00:00+07:00', '2026-10-01', 'pull',"
            " '2026-10-01')", [(f"bulk{i:06d}-{'x' * 200}",) for i in range(20_000)])
    stop = asyncio.Event()
    counter = [0]
    writer = asyncio.create_task(_write_pairs(db, stop, counter))
    while counter[0] < 20:
        await asyncio.sleep(0)
    before = counter[0]
    result = await asyncio.to_thread(make_backup, settings.database.path, None,
                                     tmp_path / "cadangan", AT, keep=3, keep_days=0)
    stop.set()
    await writer
    assert counter[0] > before, "the writer must have run while the copy was made"

    copy = sqlite3.connect(result.database)
    try:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        written = copy.execute("SELECT count(*) FROM punches WHERE device_serial = 'SN1'"
                               ).fetchone()[0]
        bulk = copy.execute("SELECT count(*) FROM punches WHERE device_serial = 'SN0'").fetchone()
        tables = {r[0] for r in copy.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        copy.close()
    assert bulk[0] == 20_000
    assert written % 2 == 0 and 2 * before <= written <= 2 * counter[0]
    assert {"employees", "punches", "audit_log", "schema_migrations"} <= tables
    assert result.database.name == "presensi-20261005-233000.sqlite3"
    assert not list((tmp_path / "cadangan").glob("*.part"))


def test_prune_rule_keeps_newest_and_recent() -> None:
    now = dt.datetime(2026, 10, 10, 12, 0)
    stamps = [now - dt.timedelta(days=d) for d in range(10)]
    assert backups_to_prune(stamps, now, keep=3, keep_days=0) == set(stamps[3:])
    # Copies from the last 5 days survive even beyond the newest 3.
    assert backups_to_prune(stamps, now, keep=3, keep_days=5) == set(stamps[6:])
    # Old copies are never pruned below `keep`.
    assert backups_to_prune(stamps[7:], now, keep=3, keep_days=1) == set()


def test_prune_removes_database_and_conversation_copies_together(tmp_path: Path) -> None:
    for day in range(1, 6):
        (tmp_path / f"presensi-202610{day:02d}-010000.sqlite3").write_bytes(b"x")
        (tmp_path / f"percakapan-202610{day:02d}-010000.pickle").write_bytes(b"x")
    (tmp_path / "catatan.txt").write_text("bukan cadangan")
    removed = prune_backups(tmp_path, dt.datetime(2026, 10, 6), keep=2, keep_days=0)
    assert sorted(p.name for p in removed) == sorted(
        f"{kind}-202610{d:02d}-010000.{ext}" for d in (1, 2, 3)
        for kind, ext in (("presensi", "sqlite3"), ("percakapan", "pickle")))
    assert [p.name for p in list_backups(tmp_path)] == [
        "presensi-20261005-010000.sqlite3", "presensi-20261004-010000.sqlite3"]
    assert (tmp_path / "catatan.txt").exists()


def test_corrupt_conversation_file_is_refused(db: Database, settings: Settings,
                                              tmp_path: Path) -> None:
    broken = tmp_path / "percakapan.pickle"
    broken.write_bytes(pickle.dumps({"user_data": {1: {}}})[:-5])
    with pytest.raises(BackupError):
        make_backup(settings.database.path, broken, tmp_path / "cadangan", AT, keep=3,
                    keep_days=0)


@pytest.fixture
def config_text() -> str:
    return BASE_CONFIG + '\n[backup]\ndir = "cadangan"\nkeep = 2\n'


async def test_backup_command(db: Database, settings: Settings, tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    settings.telegram.persistence_path.write_bytes(
        pickle.dumps({"user_data": {}, "conversations": {}}))
    code = await asyncio.to_thread(main, ["--config", str(settings.source), "backup"])
    out = capsys.readouterr().out
    assert code == 0 and "lolos pemeriksaan integritas" in out
    copies = list_backups(tmp_path / "cadangan")
    assert len(copies) == 1
    assert len(list((tmp_path / "cadangan").glob("percakapan-*.pickle"))) == 1
    assert await asyncio.to_thread(main, ["--config", str(settings.source), "backup", "--list"]
                                   ) == 0
    assert "1 cadangan" in capsys.readouterr().out


async def test_restore_as_documented(db: Database, settings: Settings, tmp_path: Path,
                                     office: tuple[Person, ...]) -> None:
    """README: stop the bot, move the database and its -wal/-shm away, copy the backup in."""
    result = await asyncio.to_thread(make_backup, settings.database.path, None,
                                     tmp_path / "cadangan", AT, keep=3, keep_days=0)
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET nama = 'Sesudah Cadangan'")
    await db.close()
    live = settings.database.path
    for path in live.parent.glob(live.name + "*"):
        path.unlink()
    shutil.copyfile(result.database, live)
    restored = await open_database(live)
    try:
        async with restored.read() as conn, conn.execute(
                "SELECT nip, nama FROM employees ORDER BY nip") as cursor:
            rows = [tuple(r) for r in await cursor.fetchall()]
    finally:
        await restored.close()
    assert rows == sorted((p.nip, p.nama) for p in office)
