"""Migrations on an empty file, start-up on a migrated file, and the audit log's guarantees."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import aiosqlite
import pytest

from services import audit
from services.storage import announce, open_database
from services.storage.migrations import available_migrations, current_version


async def test_migrations_from_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "baru.sqlite3"
    db = await open_database(path)
    await db.close()
    with sqlite3.connect(path) as conn:
        top = available_migrations()[-1].version
        assert conn.execute("PRAGMA user_version").fetchone()[0] == top
        recorded = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY 1")]
        assert recorded == [m.name for m in available_migrations()]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"employees", "audit_log", "punches", "absence_days"} <= tables


async def test_start_up_on_an_already_migrated_file_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "lama.sqlite3"
    db = await open_database(path)
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO employees (nip, nama, created_at, updated_at) VALUES (?, ?, ?, ?)",
            ("197001011995031001", "Budi", "2026-01-01T00:00:00+07:00", "x"))
    await db.close()
    db = await open_database(path)
    async with db.read() as conn:
        assert await current_version(conn) == available_migrations()[-1].version
        async with conn.execute("SELECT count(*) FROM employees") as cursor:
            assert (await cursor.fetchone())[0] == 1
    await db.close()


async def test_foreign_keys_are_enforced(tmp_path: Path, clock) -> None:
    db = await open_database(tmp_path / "fk.sqlite3")
    with pytest.raises(aiosqlite.IntegrityError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO absence_days (nip, day, code) VALUES (?, ?, ?)",
                               ("197001011995031001", "2026-10-05", "I"))
    await db.close()


async def test_audit_log_is_append_only(tmp_path: Path, clock) -> None:
    db = await open_database(tmp_path / "audit.sqlite3")
    async with db.transaction() as conn:
        await audit.record(conn, at=clock.now(), actor=audit.Actor("1", 2), action="x",
                           entity="request", entity_id=1)
    for statement in ("UPDATE audit_log SET action = 'y'", "DELETE FROM audit_log"):
        with pytest.raises(aiosqlite.IntegrityError, match="append-only"):
            async with db.transaction() as conn:
                await conn.execute(statement)
    await db.close()


async def test_a_database_newer_than_the_code_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "masa-depan.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT,"
                     " applied_at TEXT)")
        conn.execute("INSERT INTO schema_migrations VALUES (999, '0999_future.sql', 'x')")
    with pytest.raises(Exception, match="lebih baru"):
        await open_database(path)


async def test_a_statement_binding_megabytes_runs_off_the_event_loop(tmp_path: Path) -> None:
    """Short statements run inline on the loop's thread; one binding a recap's PDF (megabytes
    to copy into pages) goes to the connection's thread."""
    db = await open_database(tmp_path / "db.sqlite3")
    try:
        async with db.transaction() as conn:
            await conn.create_function("thread", 0, threading.get_ident)
            await conn.execute("CREATE TABLE blobs (thread INTEGER, body BLOB)")
            await conn.execute("INSERT INTO blobs VALUES (thread(), ?)", (b"%PDF" * 100,))
            await conn.execute("INSERT INTO blobs VALUES (thread(), ?)",
                               (b"%PDF" * 2**20,))
            async with conn.execute("SELECT thread FROM blobs ORDER BY rowid") as cursor:
                small, large = [row[0] for row in await cursor.fetchall()]
        assert small == threading.get_ident()
        assert large != threading.get_ident()
    finally:
        await db.close()


async def test_a_topic_listener_hears_only_the_commits_that_announced_it(tmp_path: Path) -> None:
    db = await open_database(tmp_path / "t.sqlite3")
    heard: list[str] = []
    db.on_commit(lambda: heard.append("every"))
    db.on_commit(lambda: heard.append("notes"), topic="notes")
    try:
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO ladder_days (day, rule) VALUES ('2026-09-01', 'K')")
        assert heard == ["every"]
        with pytest.raises(RuntimeError):
            async with db.transaction() as conn:
                announce(conn, "notes")
                raise RuntimeError("rolled back")
        async with db.transaction() as conn:
            announce(conn, "notes")
        # A rolled-back announcement is not carried into the next transaction either.
        async with db.transaction():
            pass
        assert heard == ["every", "every", "notes", "every"]
        async with db.transaction(wake=False) as conn:
            announce(conn, "notes")
        assert len(heard) == 4
    finally:
        await db.close()
