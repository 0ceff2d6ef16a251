"""Long reads in another process: what a compute process runs for Database.compute.

The process opens its own read-only connection to the database file (WAL lets it read beside
the bot's writer) once and keeps it for the next call; each call is one read transaction, so
it sees one consistent state, the last commit before it began.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Awaitable, Callable
from typing import Any, Concatenate, ParamSpec, Protocol, TypeVar

P = ParamSpec("P")
T = TypeVar("T")

BUSY_TIMEOUT_MS = 10_000

_connections: dict[str, sqlite3.Connection] = {}


class Runner(Protocol):
    """Runs `fn(*args)` elsewhere (another process) and hands back its result; `fn` and its
    arguments travel by pickle, so `fn` is a module-level function."""

    def __call__(self, fn: Callable[..., T], /, *args: Any) -> Awaitable[T]: ...


def _connection(path: str) -> sqlite3.Connection:
    conn = _connections.get(path)
    if conn is None:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
        _connections[path] = conn
    return conn


def read(path: str, fn: Callable[Concatenate[sqlite3.Connection, P], T],
         *args: P.args, **kwargs: P.kwargs) -> T:
    """`fn(conn, *args, **kwargs)` inside one read transaction on this process's connection to
    the database at `path`. `fn` may end the transaction itself once it has read everything
    (conn.rollback()), so a long computation after it does not keep the WAL from being
    checkpointed."""
    conn = _connection(path)
    conn.execute("BEGIN")
    try:
        return fn(conn, *args, **kwargs)
    finally:
        conn.rollback()
