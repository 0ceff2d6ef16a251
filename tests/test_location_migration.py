"""Migration 0080 rebuilds punches to accept source 'lokasi': every row and id is kept, and so
are the indexes and the ladder tally's triggers that live on the table."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest

from services.storage import migrations, open_database


async def test_punches_rebuilt_with_every_row_index_and_trigger(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = migrations.available_migrations()
    monkeypatch.setattr(migrations, "available_migrations",
                        lambda: [m for m in everything if m.version < 80])
    path = tmp_path / "lama.sqlite3"
    db = await open_database(path)
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO punches (id, device_serial, device_user_id, punched_at, local_date,"
            " status, punch, source, received_at) VALUES (?, 'SN1', ?, ?, ?, 1, 0, ?, ?)",
            [(7, "0006", "2026-10-05T07:20:00+07:00", "2026-10-05", "pull",
              "2026-10-05T08:00:00+07:00"),
             (9, "0007", "2026-10-05T07:31:00+07:00", "2026-10-05", "adms",
              "2026-10-05T07:31:05+07:00")])
    async with db.read() as conn, conn.execute(
            "SELECT name FROM sqlite_master WHERE tbl_name = 'punches' AND type IN"
            " ('index', 'trigger') AND sql IS NOT NULL ORDER BY name") as cursor:
        before = [r[0] for r in await cursor.fetchall()]
    await db.close()

    # Up to 0080 itself: later migrations may add indexes of their own (0130 does).
    monkeypatch.setattr(migrations, "available_migrations",
                        lambda: [m for m in everything if m.version <= 80])
    db = await open_database(path)
    try:
        async with db.read() as conn:
            async with conn.execute("SELECT * FROM punches ORDER BY id") as cursor:
                rows = [tuple(r) for r in await cursor.fetchall()]
            async with conn.execute(
                    "SELECT name FROM sqlite_master WHERE tbl_name = 'punches' AND type IN"
                    " ('index', 'trigger') AND sql IS NOT NULL ORDER BY name") as cursor:
                after = [r[0] for r in await cursor.fetchall()]
        assert rows == [
            (7, "SN1", "0006", "2026-10-05T07:20:00+07:00", "2026-10-05", 1, 0, "pull",
             "2026-10-05T08:00:00+07:00"),
            (9, "SN1", "0007", "2026-10-05T07:31:00+07:00", "2026-10-05", 1, 0, "adms",
             "2026-10-05T07:31:05+07:00")]
        assert after == before
        assert {"ladder_punch_added", "ladder_punch_removed", "punches_date"} <= set(after)
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date,"
                " source, received_at) VALUES ('lokasi', '0006', '2026-10-05T16:05:00+07:00',"
                " '2026-10-05', 'lokasi', '2026-10-05T16:06:00+07:00')")
            with pytest.raises(aiosqlite.IntegrityError):
                await conn.execute(
                    "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date,"
                    " source, received_at) VALUES ('x', '1', 't', 'd', 'gps', 'r')")
    finally:
        await db.close()
