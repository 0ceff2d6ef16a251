"""Migration 0100 rebuilds requests so its status accepts 'perubahan' and 'ditangguhkan':
every row and id is kept, and the tables that point at requests still do, also when the
migration arrives after later ones (0110's request_usulan) were applied."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import aiosqlite
import pytest

from services.storage import migrations, open_database
from tests.support.office import STAFF_A, seed_office

AT = dt.datetime(2026, 10, 5, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=7)))


async def test_requests_rebuilt_with_every_row_and_every_reference(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    everything = migrations.available_migrations()
    monkeypatch.setattr(migrations, "available_migrations",
                        lambda: [m for m in everything if m.version != 100])
    path = tmp_path / "lama.sqlite3"
    db = await open_database(path)
    await seed_office(db, tmp_path, AT, bind=False)
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO requests (id, nip, type, start_date, end_date, part, working_days, "
            "reason, status, agenda_number, created_at, updated_at, ground, expected_time) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(3, STAFF_A.nip, "dinas_luar", "2026-10-06", "2026-10-07", "full", 2,
              "rapat di provinsi", "disetujui", "800/3/X/2026", AT.isoformat(), AT.isoformat(),
              None, None),
             (8, STAFF_A.nip, "cuti_cltn", "2026-11-02", "2027-11-01", "full", 250,
              "mengikuti suami", "menunggu", None, AT.isoformat(), AT.isoformat(), None, None)])
        await conn.execute("INSERT INTO request_locations (request_id, latitude, longitude, "
                           "label) VALUES (3, -2.2, 113.9, 'Kantor Gubernur')")
        await conn.execute("INSERT INTO request_usulan (request_id, basis, addressed_to, "
                           "proposed_at) VALUES (8, 'cltn', 'Bupati', ?)", (AT.isoformat(),))
        async with conn.execute("SELECT * FROM requests ORDER BY id") as cursor:
            before = [tuple(r) for r in await cursor.fetchall()]
    await db.close()

    monkeypatch.setattr(migrations, "available_migrations", lambda: everything)
    db = await open_database(path)
    try:
        async with db.read() as conn:
            async with conn.execute("SELECT * FROM requests ORDER BY id") as cursor:
                assert [tuple(r) for r in await cursor.fetchall()] == before
            async with conn.execute("SELECT request_id, label FROM request_locations") as c:
                assert [tuple(r) for r in await c.fetchall()] == [(3, "Kantor Gubernur")]
            async with conn.execute("SELECT request_id FROM request_usulan") as cursor:
                assert [r[0] for r in await cursor.fetchall()] == [8]
            async with conn.execute("PRAGMA foreign_key_check") as cursor:
                assert await cursor.fetchall() == []
            async with conn.execute(
                    "SELECT name FROM sqlite_master WHERE tbl_name = 'requests' "
                    "AND type = 'index' AND sql IS NOT NULL ORDER BY name") as cursor:
                assert [r[0] for r in await cursor.fetchall()] == ["requests_nip_dates",
                                                                   "requests_status"]
        async with db.transaction() as conn:
            await conn.execute("UPDATE requests SET status = 'ditangguhkan' WHERE id = 3")
            with pytest.raises(aiosqlite.IntegrityError):
                await conn.execute("UPDATE requests SET status = 'entah' WHERE id = 3")
            # The references are enforced still.
            with pytest.raises(aiosqlite.IntegrityError):
                await conn.execute("INSERT INTO request_locations (request_id, latitude, "
                                   "longitude) VALUES (99, 0, 0)")
    finally:
        await db.close()
