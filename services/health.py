"""What an operator needs to know that the bot is well: data from the machines, queues, storage.

Tables of other features (device sync state, requests, alerts) are read only when the running
schema has them, so the report works on any database this application can open.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import aiosqlite

from services.storage import Database


@dataclass(frozen=True)
class MachineStatus:
    serial: str
    last_received: dt.datetime | None    # newest punch stored from this machine
    last_success: dt.datetime | None     # last sync that completed, when the sync records it
    last_error: str | None
    punches: int


@dataclass(frozen=True)
class JobRun:
    job: str
    day: dt.date                          # the latest day the job ran to the end for
    finished_at: dt.datetime


@dataclass(frozen=True)
class HealthReport:
    at: dt.datetime
    schema_version: int
    migrations: tuple[str, ...]
    database_bytes: int
    wal_bytes: int
    employees_active: int
    employees_linked: int
    machines: tuple[MachineStatus, ...]
    pending_requests: int | None         # None: this schema has no requests yet
    pending_alerts: int | None
    jobs: tuple[JobRun, ...]


async def _tables(conn: aiosqlite.Connection) -> set[str]:
    async with conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cursor:
        return {row[0] for row in await cursor.fetchall()}


async def _one(conn: aiosqlite.Connection, sql: str, params: tuple[object, ...] = ()) -> int:
    async with conn.execute(sql, params) as cursor:
        row = await cursor.fetchone()
    return int(row[0] or 0) if row is not None else 0


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


async def _machines(conn: aiosqlite.Connection, tables: set[str]) -> tuple[MachineStatus, ...]:
    async with conn.execute(
            "SELECT device_serial, max(received_at) AS last, count(*) AS n FROM punches"
            " GROUP BY device_serial ORDER BY device_serial") as cursor:
        received = {r["device_serial"]: (r["last"], r["n"]) for r in await cursor.fetchall()}
    synced: dict[str, tuple[str | None, str | None]] = {}
    if "device_state" in tables:
        async with conn.execute(
                "SELECT serial, last_success_at, last_error FROM device_state") as cursor:
            synced = {r["serial"]: (r["last_success_at"], r["last_error"])
                      for r in await cursor.fetchall()}
    machines = []
    for serial in sorted(set(received) | set(synced)):
        last, count = received.get(serial, (None, 0))
        success, error = synced.get(serial, (None, None))
        machines.append(MachineStatus(serial, _when(last), _when(success), error, count))
    return tuple(machines)


async def health_report(db: Database, at: dt.datetime) -> HealthReport:
    async with db.read() as conn:
        tables = await _tables(conn)
        version = await _one(conn, "PRAGMA user_version")
        async with conn.execute("SELECT name FROM schema_migrations ORDER BY version") as cursor:
            migrations = tuple(r[0] for r in await cursor.fetchall())
        size = (await _one(conn, "PRAGMA page_count")) * (await _one(conn, "PRAGMA page_size"))
        active = await _one(conn, "SELECT count(*) FROM employees WHERE active = 1")
        linked = await _one(conn, "SELECT count(*) FROM employees WHERE active = 1"
                                  " AND telegram_chat_id IS NOT NULL")
        machines = await _machines(conn, tables)
        pending_requests = (await _one(conn, "SELECT count(*) FROM requests"
                                             " WHERE status = 'menunggu'")
                            if "requests" in tables else None)
        # An alert is claimed before it is sent; one still claimed has not gone out (yet).
        pending_alerts = (await _one(conn, "SELECT count(*) FROM sent_alerts"
                                           " WHERE status = 'claimed'")
                          if "sent_alerts" in tables else None)
        jobs: tuple[JobRun, ...] = ()
        if "job_runs" in tables:
            async with conn.execute(
                    "SELECT job, max(day) AS day, max(finished_at) AS finished FROM job_runs"
                    " GROUP BY job ORDER BY job") as cursor:
                jobs = tuple(JobRun(r["job"], dt.date.fromisoformat(r["day"]),
                                    dt.datetime.fromisoformat(r["finished"]))
                             for r in await cursor.fetchall())
    wal = Path(f"{db.path}-wal")
    return HealthReport(at=at, schema_version=version, migrations=migrations,
                        database_bytes=size, wal_bytes=wal.stat().st_size if wal.exists() else 0,
                        employees_active=active, employees_linked=linked, machines=machines,
                        pending_requests=pending_requests, pending_alerts=pending_alerts,
                        jobs=jobs)
