"""What an operator needs to know that the bot is well: data from the machines, queues, storage.

Tables of other features (device sync state, requests, alerts) are read only when the running
schema has them, so the report works on any database this application can open.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from services.storage import Database


@dataclass(frozen=True)
class MachineStatus:
    name: str                            # the configured name, or the serial of unknown punches
    source: str                          # pull, adms, or '' for punches of no known machine
    serial: str | None
    last_success: dt.datetime | None     # pull: last completed sync; ADMS: last upload
    last_received: dt.datetime | None    # newest punch stored from this machine
    last_error: str | None
    consecutive_failures: int
    clock_drift_seconds: float | None
    punches: int
    firmware: str | None = None
    push_version: str | None = None
    last_contact: dt.datetime | None = None  # the machine last talked to us (or we to it)
    left_disabled: bool = False              # locked by an interrupted read, not open yet


@dataclass(frozen=True)
class OpenProblem:
    machine: str
    kind: str                            # failure, clock_drift, unknown_serial
    detail: str
    since: dt.datetime


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
    pending_alerts: int | None           # attendance notices written and not yet delivered
    pending_outbox: int | None           # messages decided and not yet delivered
    jobs: tuple[JobRun, ...]
    problems: tuple[OpenProblem, ...]    # machine problems reported and not yet resolved

    @property
    def healthy(self) -> bool:
        """No open machine problem and no machine whose last attempt failed."""
        return not self.problems and not any(m.last_error or m.left_disabled
                                             for m in self.machines)


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _one(conn: sqlite3.Connection, sql: str, params: tuple[object, ...] = ()) -> int:
    row = conn.execute(sql, params).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _when(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def _machines(conn: sqlite3.Connection, tables: set[str]) -> tuple[MachineStatus, ...]:
    # Every punch is read (about a second for a province's month): health_report runs this in
    # a snapshot, never on the event loop.
    received = {r["device_serial"]: (r["last"], r["n"]) for r in conn.execute(
        # Location punches come from no machine (presensi lokasi).
        "SELECT device_serial, max(received_at) AS last, count(*) AS n FROM punches"
        " WHERE source <> 'lokasi' GROUP BY device_serial ORDER BY device_serial")}
    machines: list[MachineStatus] = []
    if "device_machines" in tables:
        for r in conn.execute(
                "SELECT m.name, m.source, m.serial, m.last_seen_at, s.last_success_at,"
                " s.last_error, s.consecutive_failures,"
                " COALESCE(m.clock_drift_seconds, s.clock_drift_seconds) AS clock_drift_seconds,"
                " m.firmware, m.push_version, m.left_disabled_at"
                " FROM device_machines m LEFT JOIN device_sync_state s ON s.name = m.name"
                " ORDER BY m.name"):
            last, count = received.pop(r["serial"], (None, 0))
            # A pushing machine has no sync cycle: its last upload is its last success.
            success = r["last_seen_at"] if r["source"] == "adms" else r["last_success_at"]
            machines.append(MachineStatus(
                name=r["name"], source=r["source"], serial=r["serial"],
                last_success=_when(success), last_received=_when(last),
                last_error=r["last_error"],
                consecutive_failures=int(r["consecutive_failures"] or 0),
                clock_drift_seconds=r["clock_drift_seconds"], punches=count,
                firmware=r["firmware"], push_version=r["push_version"],
                last_contact=_when(r["last_seen_at"]),
                left_disabled=r["left_disabled_at"] is not None))
    for serial, (last, count) in received.items():
        machines.append(MachineStatus(name=serial, source="", serial=serial, last_success=None,
                                      last_received=_when(last), last_error=None,
                                      consecutive_failures=0, clock_drift_seconds=None,
                                      punches=count))
    return tuple(machines)


async def health_report(db: Database, at: dt.datetime) -> HealthReport:
    """Read in a snapshot: counting a province's punches per machine takes about a second,
    which on the event loop every chat (and every health check over HTTP) would wait for."""
    return await db.snapshot(_report, at, db.path)


def _report(conn: sqlite3.Connection, at: dt.datetime, path: Path) -> HealthReport:
    tables = _tables(conn)
    version = _one(conn, "PRAGMA user_version")
    migrations = tuple(r[0] for r in conn.execute(
        "SELECT name FROM schema_migrations ORDER BY version"))
    size = _one(conn, "PRAGMA page_count") * _one(conn, "PRAGMA page_size")
    active = _one(conn, "SELECT count(*) FROM employees WHERE active = 1")
    linked = _one(conn, "SELECT count(*) FROM employees WHERE active = 1"
                        " AND telegram_chat_id IS NOT NULL")
    machines = _machines(conn, tables)
    pending_requests = (_one(conn, "SELECT count(*) FROM requests WHERE status = 'menunggu'")
                        if "requests" in tables else None)
    # Attendance notices are outbox rows (services.alerts.queue_run): those still to go.
    pending_alerts = (_one(conn, "SELECT count(*) FROM outbox WHERE kind LIKE 'attendance.%'"
                                 " AND status IN ('pending', 'sending')")
                      if "outbox" in tables else None)
    pending_outbox = (_one(conn, "SELECT count(*) FROM outbox"
                                 " WHERE status IN ('pending', 'sending')")
                      if "outbox" in tables else None)
    jobs: tuple[JobRun, ...] = ()
    if "job_runs" in tables:
        jobs = tuple(JobRun(r["job"], dt.date.fromisoformat(r["day"]),
                            dt.datetime.fromisoformat(r["finished"])) for r in conn.execute(
            "SELECT job, max(day) AS day, max(finished_at) AS finished FROM job_runs"
            " GROUP BY job ORDER BY job"))
    problems: tuple[OpenProblem, ...] = ()
    if "device_problems" in tables:
        problems = tuple(OpenProblem(r["machine"], r["kind"], r["detail"],
                                     dt.datetime.fromisoformat(r["opened_at"]))
                         for r in conn.execute(
            "SELECT machine, kind, detail, opened_at FROM device_problems"
            " WHERE resolved_at IS NULL ORDER BY opened_at"))
    wal = Path(f"{path}-wal")
    return HealthReport(at=at, schema_version=version, migrations=migrations,
                        database_bytes=size, wal_bytes=wal.stat().st_size if wal.exists() else 0,
                        employees_active=active, employees_linked=linked, machines=machines,
                        pending_requests=pending_requests, pending_alerts=pending_alerts,
                        pending_outbox=pending_outbox, jobs=jobs, problems=problems)
