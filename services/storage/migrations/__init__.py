"""Numbered SQL migrations (`NNNN_name.sql`) applied in order at start-up.

Each applied file is recorded in `schema_migrations`, so a migration merged from a parallel
branch with a lower number than one already applied still runs. Each file runs in its own
transaction together with its record, so a crash leaves it either fully applied or not at all.
PRAGMA user_version mirrors the highest applied number for external tools.

Every command opens the database, most often at the current schema, so only the file names are
listed and one query reads what is applied; a file is read only when it is applied.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")
_FOLDER = Path(__file__).parent


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path

    @property
    def sql(self) -> str:
        return self.path.read_text("utf-8")


class MigrationError(Exception):
    pass


def available_migrations() -> list[Migration]:
    found: list[Migration] = []
    with os.scandir(_FOLDER) as entries:
        for entry in entries:
            match = _NAME.match(entry.name)
            if match:
                found.append(Migration(int(match[1]), entry.name, Path(entry.path)))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise MigrationError("dua berkas migrasi memakai nomor yang sama")
    return found


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def _applied(conn: aiosqlite.Connection) -> set[int]:
    await conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    async with conn.execute("SELECT version FROM schema_migrations") as cursor:
        return {int(row[0]) for row in await cursor.fetchall()}


async def apply_migrations(conn: aiosqlite.Connection, *, up_to: int | None = None) -> list[str]:
    """Apply every migration not yet recorded (only those numbered up to `up_to`, when
    given: a database at an older schema, as an earlier release left it); return the names
    applied."""
    everything = available_migrations()
    migrations = [m for m in everything if up_to is None or m.version <= up_to]
    known = {m.version for m in everything}
    applied_before = await _applied(conn)
    unknown = applied_before - known
    if unknown:
        raise MigrationError(
            f"basis data memuat migrasi {sorted(unknown)} yang tidak dikenal aplikasi ini; "
            "basis data lebih baru dari aplikasi, perbarui aplikasi")
    applied: list[str] = []
    done = set(applied_before)
    for migration in migrations:
        if migration.version in done:
            continue
        stamp = dt.datetime.now(dt.UTC).isoformat()
        top = max(done | {migration.version})
        script = (f"BEGIN IMMEDIATE;\n{migration.sql}\n"
                  f"INSERT INTO schema_migrations VALUES ({migration.version}, "
                  f"'{migration.name}', '{stamp}');\n"
                  f"PRAGMA user_version = {top};\nCOMMIT;")
        try:
            await conn.executescript(script)
        except Exception as exc:
            if conn.in_transaction:
                await conn.rollback()
            raise MigrationError(f"migrasi {migration.name} gagal: {exc}") from exc
        applied.append(migration.name)
        done.add(migration.version)
    return applied
