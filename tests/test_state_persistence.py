"""Conversation and user state live in the bot's SQLite database: a restart resumes them, a
full disk loses nothing already saved, unreadable state does not stop the bot, the old pickle
file is imported once, and every backup holds the state."""

from __future__ import annotations

import copy
import datetime as dt
import logging
import pickle
import sqlite3
from pathlib import Path

import pytest

from bot.persistence import SQLitePersistence
from services.backup import make_backup
from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import STAFF_A, STAFF_B
from tests.test_requests_flow import choose_dates, config_text, last, start_form

EMPLOYEE = tg(STAFF_A)
__all__ = ["config_text"]      # the [requests] config the form flow needs


def _persistence(h: Harness) -> SQLitePersistence:
    persistence = h.application.persistence
    assert isinstance(persistence, SQLitePersistence)
    return persistence


def _state_rows(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT kind, name FROM bot_state ORDER BY kind, name").fetchall()


async def test_state_is_in_the_database_and_a_restart_resumes(harness: Harness, office,
                                                               settings) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "izin")
    await choose_dates(h, EMPLOYEE, "20261006", "20261007")
    await h.restart()
    kinds = _state_rows(settings.database.path)
    assert ("user", "") in kinds and any(kind == "conversation" for kind, _ in kinds)
    assert not settings.telegram.persistence_path.exists()      # no side file any more
    await h.send(EMPLOYEE, "urusan administrasi kependudukan")
    assert "Periksa kembali" in last(h, EMPLOYEE).text


async def test_one_persistence_run_writes_every_changed_value_in_one_transaction(
        harness: Harness, office, settings) -> None:
    h = harness
    other = tg(STAFF_B)
    for user in (EMPLOYEE, other):
        await start_form(h, user, "izin")
        await choose_dates(h, user, "20261006", "20261007")
    db = await _persistence(h).database()
    commits = 0

    def counted() -> None:
        nonlocal commits
        commits += 1

    db.on_commit(counted)
    await h.application.update_persistence()
    # Two conversations and two people's form data, in one commit.
    assert commits == 1
    with sqlite3.connect(settings.database.path) as conn:
        written = conn.execute("SELECT count(*), count(DISTINCT updated_at) FROM bot_state"
                               " WHERE kind IN ('user', 'conversation')").fetchone()
    assert written[0] >= 4 and written[1] == 1
    await h.restart()
    await h.send(other, "urusan administrasi kependudukan")
    assert "Periksa kembali" in last(h, other).text


async def test_a_full_disk_keeps_the_previous_state_and_the_bot_starts(
        harness: Harness, office, caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "izin")
    await choose_dates(h, EMPLOYEE, "20261006", "20261007")
    await h.application.update_persistence()
    saved = copy.deepcopy(dict(h.application.user_data[EMPLOYEE.id]))
    assert saved
    # The database may not grow any more: SQLite answers "database or disk is full".
    db = await _persistence(h).database()
    async with db.transaction() as conn:
        async with conn.execute("PRAGMA page_count") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        await conn.execute(f"PRAGMA max_page_count = {row[0]}")
    h.application.user_data[EMPLOYEE.id]["lampiran"] = "x" * 1_000_000
    await h.send(EMPLOYEE, "urusan administrasi kependudukan")
    with caplog.at_level(logging.ERROR, logger="bot.persistence"):
        await h.restart()
    assert "state.write_failed" in caplog.text and "full" in caplog.text
    # The previous value is whole, and the bot serves.
    assert dict(h.application.user_data[EMPLOYEE.id]) == saved
    await h.send(EMPLOYEE, "/start")
    assert STAFF_A.nama in last(h, EMPLOYEE).text


async def test_unreadable_state_is_logged_and_the_bot_starts(
        harness: Harness, office, settings, caplog: pytest.LogCaptureFixture) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "izin")
    await h.stop()
    with sqlite3.connect(settings.database.path) as conn:
        conn.execute("INSERT INTO bot_state (kind, name, key, value, updated_at) "
                     "VALUES ('user', '', '4242', x'00ff13', '2026-10-05')")
        conn.execute("INSERT INTO bot_state (kind, name, key, value, updated_at) "
                     "VALUES ('conversation', 'request_form', 'bukan json', x'80', '2026-10-05')")
    with caplog.at_level(logging.ERROR, logger="bot.persistence"):
        await h.restart()
    assert caplog.text.count("state.unreadable") == 2
    assert 4242 not in h.application.user_data and EMPLOYEE.id in h.application.user_data
    await h.send(EMPLOYEE, "/help")
    assert "/izin" in last(h, EMPLOYEE).text


async def test_the_old_pickle_file_is_imported_once(harness: Harness, office,
                                                    settings) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "izin")
    await choose_dates(h, EMPLOYEE, "20261006", "20261007")
    await h.application.update_persistence()
    draft = copy.deepcopy(dict(h.application.user_data[EMPLOYEE.id]))
    conversations = {name: await _persistence(h).get_conversations(name)
                     for name in ("request_form",)}
    await h.stop()
    with sqlite3.connect(settings.database.path) as conn:
        conn.execute("DELETE FROM bot_state")
    legacy = settings.telegram.persistence_path
    legacy.write_bytes(pickle.dumps({"user_data": {EMPLOYEE.id: draft}, "chat_data": {},
                                     "bot_data": {}, "callback_data": None,
                                     "conversations": conversations}))
    await h.restart()
    assert not legacy.exists() and legacy.with_name(legacy.name + ".imported").exists()
    await h.send(EMPLOYEE, "urusan administrasi kependudukan")
    assert "Periksa kembali" in last(h, EMPLOYEE).text


async def test_every_backup_holds_the_state(harness: Harness, office, settings,
                                            tmp_path: Path) -> None:
    h = harness
    await start_form(h, EMPLOYEE, "izin")
    await h.application.update_persistence()
    result = make_backup(settings.database.path, None, tmp_path / "cadangan",
                         dt.datetime(2026, 10, 5, 23, 0), keep=2, keep_days=0)
    assert ("user", "") in _state_rows(result.database)
