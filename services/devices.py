"""What the server remembers about fingerprint machines: identity, pull results, ADMS stamps,
and the problems already reported, so the admin chat hears of each problem once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import aiosqlite

FAILURE = "failure"
CLOCK_DRIFT = "clock_drift"
UNKNOWN_SERIAL = "unknown_serial"


@dataclass(frozen=True)
class MachineStatus:
    name: str
    source: str
    serial: str | None
    last_seen_at: str | None
    last_success_at: str | None
    last_error: str | None
    consecutive_failures: int
    clock_drift_seconds: float | None


async def remember_machine(conn: aiosqlite.Connection, *, name: str, source: str,
                           serial: str | None, at: dt.datetime) -> None:
    when = at.isoformat()
    if serial is not None:
        # A serial belongs to one machine; a machine renamed in the config takes it along.
        await conn.execute(
            "UPDATE device_machines SET serial = NULL WHERE serial = ? AND name <> ?",
            (serial, name))
    await conn.execute(
        "INSERT INTO device_machines (name, source, serial, first_seen_at, last_seen_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET source = excluded.source,"
        " serial = COALESCE(excluded.serial, device_machines.serial),"
        " last_seen_at = excluded.last_seen_at", (name, source, serial, when, when))


async def record_success(conn: aiosqlite.Connection, *, name: str, at: dt.datetime, seen: int,
                         new: int, drift_seconds: float | None) -> None:
    await conn.execute(
        "INSERT INTO device_sync_state (name, last_attempt_at, last_success_at, last_error,"
        " consecutive_failures, last_seen, last_new, clock_drift_seconds)"
        " VALUES (?, ?, ?, NULL, 0, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
        " last_attempt_at = excluded.last_attempt_at, last_success_at = excluded.last_success_at,"
        " last_error = NULL, consecutive_failures = 0, last_seen = excluded.last_seen,"
        " last_new = excluded.last_new, clock_drift_seconds = excluded.clock_drift_seconds",
        (name, at.isoformat(), at.isoformat(), seen, new, drift_seconds))


async def record_failure(conn: aiosqlite.Connection, *, name: str, at: dt.datetime,
                         error: str) -> None:
    await conn.execute(
        "INSERT INTO device_sync_state (name, last_attempt_at, last_error, consecutive_failures)"
        " VALUES (?, ?, ?, 1) ON CONFLICT (name) DO UPDATE SET"
        " last_attempt_at = excluded.last_attempt_at, last_error = excluded.last_error,"
        " consecutive_failures = device_sync_state.consecutive_failures + 1",
        (name, at.isoformat(), error))


async def open_problem(conn: aiosqlite.Connection, *, machine: str, kind: str, detail: str,
                       at: dt.datetime) -> bool:
    """Open a problem unless one of that kind is open already; True when it is new."""
    cursor = await conn.execute(
        "INSERT OR IGNORE INTO device_problems (machine, kind, detail, opened_at)"
        " VALUES (?, ?, ?, ?)", (machine, kind, detail, at.isoformat()))
    return cursor.rowcount == 1


async def resolve_problem(conn: aiosqlite.Connection, *, machine: str, kind: str,
                          at: dt.datetime) -> bool:
    """Close the open problem of that kind; True when there was one."""
    cursor = await conn.execute(
        "UPDATE device_problems SET resolved_at = ? WHERE machine = ? AND kind = ?"
        " AND resolved_at IS NULL", (at.isoformat(), machine, kind))
    return cursor.rowcount > 0


async def adms_stamp(conn: aiosqlite.Connection, serial: str, table: str) -> str | None:
    async with conn.execute(
        "SELECT stamp FROM device_adms_stamps WHERE serial = ? AND table_name = ?",
        (serial, table)) as cursor:
        row = await cursor.fetchone()
    return row["stamp"] if row else None


async def set_adms_stamp(conn: aiosqlite.Connection, *, serial: str, table: str, stamp: str,
                         at: dt.datetime) -> None:
    await conn.execute(
        "INSERT INTO device_adms_stamps (serial, table_name, stamp, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (serial, table_name) DO UPDATE SET"
        " stamp = excluded.stamp, updated_at = excluded.updated_at",
        (serial, table, stamp, at.isoformat()))


async def machine_statuses(conn: aiosqlite.Connection) -> list[MachineStatus]:
    """Every machine seen so far with its last pull result (for health reports)."""
    async with conn.execute(
        "SELECT m.name, m.source, m.serial, m.last_seen_at, s.last_success_at, s.last_error,"
        " COALESCE(s.consecutive_failures, 0) AS failures, s.clock_drift_seconds"
        " FROM device_machines m LEFT JOIN device_sync_state s ON s.name = m.name"
        " ORDER BY m.name") as cursor:
        rows = await cursor.fetchall()
    return [MachineStatus(r["name"], r["source"], r["serial"], r["last_seen_at"],
                          r["last_success_at"], r["last_error"], r["failures"],
                          r["clock_drift_seconds"]) for r in rows]
