"""What the server remembers about fingerprint machines: identity, pull results, ADMS stamps,
and the problems already reported, so the admin chat hears of each problem once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import aiosqlite

FAILURE = "failure"
CLOCK_DRIFT = "clock_drift"


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
    firmware: str | None = None
    push_version: str | None = None
    drift_seen_at: str | None = None
    left_disabled_at: str | None = None


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


async def set_adms_stamp(conn: aiosqlite.Connection, *, serial: str, table: str, stamp: int,
                         at: dt.datetime) -> bool:
    """Move the stamp forward to `stamp`; a smaller one (a late resend) leaves it. True if moved."""
    cursor = await conn.execute(
        "INSERT INTO device_adms_stamps (serial, table_name, stamp, updated_at)"
        " VALUES (?, ?, ?, ?) ON CONFLICT (serial, table_name) DO UPDATE SET"
        " stamp = excluded.stamp, updated_at = excluded.updated_at"
        " WHERE CAST(excluded.stamp AS INTEGER) > CAST(device_adms_stamps.stamp AS INTEGER)",
        (serial, table, str(stamp), at.isoformat()))
    return cursor.rowcount > 0


async def remember_identity(conn: aiosqlite.Connection, *, name: str, firmware: str | None,
                            push_version: str | None) -> None:
    """What a machine says it runs; a value it does not send keeps the one known."""
    await conn.execute(
        "UPDATE device_machines SET firmware = COALESCE(?, firmware),"
        " push_version = COALESCE(?, push_version) WHERE name = ?",
        (firmware, push_version, name))


async def mark_left_disabled(conn: aiosqlite.Connection, *, name: str, at: dt.datetime) -> bool:
    """Note that the machine is locked; True when it was not noted already (tell once)."""
    cursor = await conn.execute(
        "UPDATE device_machines SET left_disabled_at = ? WHERE name = ?"
        " AND left_disabled_at IS NULL", (at.isoformat(), name))
    return cursor.rowcount > 0


async def clear_left_disabled(conn: aiosqlite.Connection, *, name: str) -> None:
    await conn.execute("UPDATE device_machines SET left_disabled_at = NULL WHERE name = ?",
                       (name,))


async def record_drift(conn: aiosqlite.Connection, *, name: str, drift_seconds: float,
                       at: dt.datetime) -> None:
    await conn.execute(
        "UPDATE device_machines SET clock_drift_seconds = ?, drift_seen_at = ? WHERE name = ?",
        (drift_seconds, at.isoformat(), name))


async def claim_report(conn: aiosqlite.Connection, *, key: str, at: dt.datetime,
                       period: dt.timedelta) -> int | None:
    """Count one occurrence of `key`; the occurrences to report when a report is due (none was
    made within `period`), else None and the occurrence waits for the next report."""
    async with conn.execute("SELECT reported_at, pending FROM device_reports WHERE key = ?",
                            (key,)) as cursor:
        row = await cursor.fetchone()
    if row is not None and dt.datetime.fromisoformat(row["reported_at"]) > at - period:
        await conn.execute("UPDATE device_reports SET pending = pending + 1 WHERE key = ?",
                           (key,))
        return None
    pending = (row["pending"] if row is not None else 0) + 1
    await conn.execute(
        "INSERT INTO device_reports (key, reported_at, pending) VALUES (?, ?, 0)"
        " ON CONFLICT (key) DO UPDATE SET reported_at = excluded.reported_at, pending = 0",
        (key, at.isoformat()))
    return pending


# --- commands for ADMS machines (handed out by getrequest, answered through devicecmd) -------
@dataclass(frozen=True)
class DeviceCommand:
    id: int
    serial: str
    command: str
    created_at: str
    sent_at: str | None
    return_code: int | None
    answered_at: str | None


def _command(row: aiosqlite.Row) -> DeviceCommand:
    return DeviceCommand(row["id"], row["serial"], row["command"], row["created_at"],
                         row["sent_at"], row["return_code"], row["answered_at"])


async def queue_commands(conn: aiosqlite.Connection, *, serial: str, commands: list[str],
                         at: dt.datetime) -> list[int]:
    ids = []
    for command in commands:
        cursor = await conn.execute(
            "INSERT INTO device_commands (serial, command, created_at) VALUES (?, ?, ?)",
            (serial, command, at.isoformat()))
        assert cursor.lastrowid is not None
        ids.append(cursor.lastrowid)
    return ids


async def hand_out_commands(conn: aiosqlite.Connection, *, serial: str, at: dt.datetime,
                            limit: int) -> list[DeviceCommand]:
    """Commands not answered yet, oldest first; a command sent but never answered (the machine
    lost our reply) is sent again, which the machine's commands tolerate."""
    async with conn.execute(
        "SELECT * FROM device_commands WHERE serial = ? AND answered_at IS NULL"
        " ORDER BY id LIMIT ?", (serial, limit)) as cursor:
        rows = [_command(r) for r in await cursor.fetchall()]
    if rows:
        await conn.executemany("UPDATE device_commands SET sent_at = ? WHERE id = ?",
                               [(at.isoformat(), r.id) for r in rows])
    return rows


async def record_answer(conn: aiosqlite.Connection, *, serial: str, command_id: int,
                        return_code: int, answer: str, at: dt.datetime) -> bool:
    """The machine's result for one of its commands; False when the id is not its command."""
    cursor = await conn.execute(
        "UPDATE device_commands SET return_code = ?, answer = ?, answered_at = ?"
        " WHERE id = ? AND serial = ? AND answered_at IS NULL",
        (return_code, answer[:1000], at.isoformat(), command_id, serial))
    return cursor.rowcount > 0


async def waiting_commands(conn: aiosqlite.Connection, serial: str) -> int:
    async with conn.execute("SELECT COUNT(*) FROM device_commands WHERE serial = ?"
                            " AND answered_at IS NULL", (serial,)) as cursor:
        row = await cursor.fetchone()
    return int(row[0]) if row else 0


async def commands_of(conn: aiosqlite.Connection, serial: str) -> list[DeviceCommand]:
    async with conn.execute("SELECT * FROM device_commands WHERE serial = ? ORDER BY id",
                            (serial,)) as cursor:
        return [_command(r) for r in await cursor.fetchall()]


async def machine_statuses(conn: aiosqlite.Connection) -> list[MachineStatus]:
    """Every machine seen so far with its last pull result (for health reports)."""
    async with conn.execute(
        "SELECT m.name, m.source, m.serial, m.last_seen_at, s.last_success_at, s.last_error,"
        " COALESCE(s.consecutive_failures, 0) AS failures,"
        " COALESCE(m.clock_drift_seconds, s.clock_drift_seconds) AS drift,"
        " m.firmware, m.push_version, m.drift_seen_at, m.left_disabled_at"
        " FROM device_machines m LEFT JOIN device_sync_state s ON s.name = m.name"
        " ORDER BY m.name") as cursor:
        rows = await cursor.fetchall()
    return [MachineStatus(r["name"], r["source"], r["serial"], r["last_seen_at"],
                          r["last_success_at"], r["last_error"], r["failures"], r["drift"],
                          r["firmware"], r["push_version"], r["drift_seen_at"],
                          r["left_disabled_at"]) for r in rows]


# Where a machine user's privilege was learned (device_user_privileges.source).
REPORTED = "machine"
PUSHED = "pushed"


async def remember_privileges(conn: aiosqlite.Connection, *, serial: str,
                              privileges: Mapping[str, int], source: str,
                              at: dt.datetime) -> None:
    """Users' privileges as the machine reported them or as we wrote them; the latest wins."""
    await conn.executemany(
        "INSERT INTO device_user_privileges (serial, pin, privilege, source, updated_at)"
        " VALUES (?, ?, ?, ?, ?) ON CONFLICT (serial, pin) DO UPDATE SET"
        " privilege = excluded.privilege, source = excluded.source,"
        " updated_at = excluded.updated_at",
        [(serial, pin, privilege, source, at.isoformat())
         for pin, privilege in privileges.items()])


async def user_privileges(conn: aiosqlite.Connection, serial: str) -> dict[str, int]:
    """PIN -> privilege of every user we know of on the machine ({} when it never said)."""
    async with conn.execute("SELECT pin, privilege FROM device_user_privileges WHERE serial = ?",
                            (serial,)) as cursor:
        return {r[0]: int(r[1]) for r in await cursor.fetchall()}
