"""The punches table: storing machine records once, and the punches nobody can be matched to.

A punch is stored raw, as the machine gave it, keyed by (machine serial, user_id, time); it is
matched to an employee only when read (employees.device_user_id), so a punch of an id that is
not registered yet is kept and shows up in `unknown_user_punches` until someone is given it.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple
from zoneinfo import ZoneInfo

import aiosqlite

from services.storage import in_thread

SOURCES = ("pull", "adms")
# Rows of one machine sorted by user id follow the unique key (serial, user id, time): machine
# logs are in time order and the sort is stable. The index fills twice as fast in that order.
_BY_USER = operator.itemgetter(1)


class RawPunch(NamedTuple):
    """One record as a machine reports it: naive wall-clock time in the machine's zone.

    A NamedTuple rather than a dataclass: a pull makes 100,000 of them at once.
    """

    user_id: str
    at: dt.datetime
    verify: int | None
    state: int | None


@dataclass(frozen=True)
class PreparedPunches:
    """One machine's records as rows of `punches`; every row has the same serial, source and
    received_at."""

    rows: list[tuple[str, str, str, str, int | None, int | None, str, str]]
    errors: int                                     # records that cannot be stored


@dataclass(frozen=True)
class UnknownUser:
    device_serial: str
    machine: str | None
    device_user_id: str
    punches: int
    first_at: str
    last_at: str


def prepare_punches(serial: str, tz: ZoneInfo, records: Iterable[RawPunch], *, source: str,
                    received_at: dt.datetime) -> PreparedPunches:
    """Rows for `insert_punches`. Pure; records without a user id are counted, not stored."""
    if source not in SOURCES:
        raise ValueError(f"unknown punch source {source!r}")
    received = received_at.isoformat()
    offsets: dict[str, str] = {}
    rows: list[tuple[str, str, str, str, int | None, int | None, str, str]] = []
    errors = 0
    append = rows.append
    for user_id, at, verify, state in records:
        user_id = user_id.strip()
        if not user_id or at.tzinfo is not None:
            errors += 1
            continue
        if at.microsecond:
            at = at.replace(microsecond=0)     # machines count whole seconds
        local = at.isoformat()
        # The zone's offset is looked up once per hour of the log, not once per record.
        hour = local[:13]
        offset = offsets.get(hour)
        if offset is None:
            offset = offsets[hour] = at.replace(tzinfo=tz).isoformat()[19:]
        append((serial, user_id, local + offset, local[:10], verify, state, source, received))
    rows.sort(key=_BY_USER)
    return PreparedPunches(rows, errors)


# The rows go to SQLite as one JSON array of what differs per row: one statement instead of an
# executemany binding eight values a row takes a quarter less time for a large pull.
_INSERT = (
    "INSERT OR IGNORE INTO punches (device_serial, device_user_id, punched_at, local_date,"
    " status, punch, source, received_at)"
    " SELECT ?1, json_extract(value, '$[0]'), json_extract(value, '$[1]'),"
    " substr(json_extract(value, '$[1]'), 1, 10), json_extract(value, '$[2]'),"
    " json_extract(value, '$[3]'), ?2, ?3 FROM json_each(?4)")


async def insert_punches(conn: aiosqlite.Connection, prepared: PreparedPunches) -> int:
    """Insert what is not stored yet; returns how many rows are new."""
    rows = prepared.rows
    if not rows:
        return 0
    serial, source, received = rows[0][0], rows[0][6], rows[0][7]

    def insert(raw: sqlite3.Connection) -> int:
        # In rows' order, which follows the unique key (see _BY_USER).
        varying = json.dumps([(r[1], r[2], r[4], r[5]) for r in rows])
        return max(raw.execute(_INSERT, (serial, source, received, varying)).rowcount, 0)

    return await in_thread(conn, insert)


# Rows checked by one query (three variables each; SQLite allows 32,766 since 3.32).
VERIFY_BATCH = 5_000


async def count_stored(conn: aiosqlite.Connection, prepared: PreparedPunches) -> int:
    """How many of `prepared` are in the table (used to verify before a machine is cleared):
    one query per batch of rows, each row found through the unique key."""
    found = 0
    keys = list(dict.fromkeys((r[0], r[1], r[2]) for r in prepared.rows))
    for start in range(0, len(keys), VERIFY_BATCH):
        batch = keys[start:start + VERIFY_BATCH]
        values = ",".join(["(?, ?, ?)"] * len(batch))
        async with conn.execute(
            "SELECT COUNT(*) FROM punches WHERE (device_serial, device_user_id, punched_at)"
            f" IN (VALUES {values})", [v for key in batch for v in key]) as cursor:
            row = await cursor.fetchone()
        found += int(row[0]) if row else 0
    return found


async def unknown_user_punches(conn: aiosqlite.Connection) -> list[UnknownUser]:
    """Punches whose user id belongs to no employee, grouped by machine and user id."""
    async with conn.execute(
        "SELECT p.device_serial, m.name, p.device_user_id, COUNT(*) AS n,"
        " MIN(p.punched_at) AS first_at, MAX(p.punched_at) AS last_at"
        " FROM punches p"
        " LEFT JOIN employees e ON e.device_user_id = p.device_user_id"
        " LEFT JOIN device_machines m ON m.serial = p.device_serial"
        " WHERE e.nip IS NULL"
        " GROUP BY p.device_serial, p.device_user_id"
        " ORDER BY p.device_serial, p.device_user_id") as cursor:
        rows = await cursor.fetchall()
    return [UnknownUser(r["device_serial"], r["name"], r["device_user_id"], r["n"],
                        r["first_at"], r["last_at"]) for r in rows]
