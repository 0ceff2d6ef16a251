"""Numbered SQL migrations (`NNNN_name.sql`) applied in order, tracked by PRAGMA user_version.

Each file runs in its own transaction together with the version bump, so a crash leaves the
database at the previous version, never half-migrated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

import aiosqlite

_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


class MigrationError(Exception):
    pass


def available_migrations() -> list[Migration]:
    found: list[Migration] = []
    for entry in resources.files(__package__).iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), entry.name, entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    for expected, migration in enumerate(found, start=1):
        if migration.version != expected:
            raise MigrationError(
                f"migrasi {migration.name}: nomor urut {expected} hilang atau ganda")
    return found


async def current_version(conn: aiosqlite.Connection) -> int:
    async with conn.execute("PRAGMA user_version") as cursor:
        row = await cursor.fetchone()
    return int(row[0])


async def apply_migrations(conn: aiosqlite.Connection) -> list[str]:
    """Apply every migration newer than the file's version; return the names applied."""
    migrations = available_migrations()
    version = await current_version(conn)
    if version > len(migrations):
        raise MigrationError(
            f"basis data versi {version} lebih baru dari aplikasi ({len(migrations)}); "
            "perbarui aplikasi")
    applied: list[str] = []
    for migration in migrations[version:]:
        script = (f"BEGIN IMMEDIATE;\n{migration.sql}\n"
                  f"PRAGMA user_version = {migration.version};\nCOMMIT;")
        try:
            await conn.executescript(script)
        except Exception as exc:
            if conn.in_transaction:
                await conn.rollback()
            raise MigrationError(f"migrasi {migration.name} gagal: {exc}") from exc
        applied.append(migration.name)
    return applied
