"""The database handle shared by services.

One aiosqlite connection is the writer. Statements from concurrent coroutines would otherwise
interleave inside each other's transactions, so every write goes through an asyncio lock:
`transaction()` (BEGIN IMMEDIATE, so a competing process waits instead of failing half-way).

Reads never take that lock. With WAL a reader sees the last commit and is not blocked by the
writer, so `read()` lends one of a small pool of read-only aiosqlite connections (a deferred
transaction gives one consistent snapshot), and `snapshot(fn)` runs a long, CPU-heavy read
(a month of a province, the ladder, a recap) as plain sqlite3 in a worker thread, where neither
its queries nor its Python work hold the event loop or a connection the chat needs.
`compute(fn)` is the same for the longest reads, run in a compute process when the wiring
attached one (use_runner): a thread still shares the GIL with the chat, which then waits up to
a switch interval each time it gives the GIL up (every SQLite call, every hop to a thread).
Repositories never commit; the service that opened the transaction does, once, on exit.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import sqlite3
from collections.abc import AsyncIterator, Callable, Hashable, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Concatenate, ParamSpec, TypeVar

import aiosqlite
import aiosqlite.context

from services.storage import reading
from services.storage.files import private_database
from services.storage.migrations import apply_migrations

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000
# Short reads of the chat; each connection is a thread of aiosqlite's.
READERS = 4
# Idle snapshot connections kept for reuse. Snapshots are not queued behind each other: a
# personal month (/hadir) must not wait for the province's morning; the worker threads of the
# default executor bound how many run at once.
SNAPSHOTS = 2

P = ParamSpec("P")
T = TypeVar("T")

# What runs on the caller's thread: a short statement costs SQLite microseconds, while a hop
# to aiosqlite's thread and back costs the event loop 50 µs to milliseconds (a thread wake-up
# and a GIL hand-over each way; a tap made a few hundred). WAL readers never wait for a lock;
# the writer's BEGIN IMMEDIATE is tried without waiting and only waits in the thread when
# another process holds the lock; a large transaction commits in the thread, and the WAL is
# checkpointed there too, so no commit fsyncs on the loop. Bulk work (executemany of more
# than a few rows, scripts, backup) stays in the thread.
_INLINE = frozenset({"execute", "fetchone", "fetchmany", "fetchall", "close", "rollback",
                     "cursor", "_execute_insert", "_execute_fetchall"})
_INLINE_MANY_ROWS = 64
# A bound value above this size goes to the thread with its statement (see _bulky).
_INLINE_VALUE_BYTES = 256 * 1024
# Inline calls do not yield, so a job that runs thousands of statements gives the event loop a
# turn after every this many (the chat waits well under a millisecond for it).
_YIELD_EVERY = 32
# A transaction that changed more rows than this commits in the thread (its commit writes
# that many pages to the WAL).
_INLINE_COMMIT_ROWS = 500
# Rows changed since the last checkpoint after which the next one runs (in a worker thread,
# PASSIVE: it waits for nobody). SQLite's own, inside a commit, is turned off on the writer.
CHECKPOINT_AFTER_ROWS = 500


def _bulky(args: tuple[Any, ...]) -> bool:
    """A statement binding a large value (a recap's PDF and snapshot, megabytes) spends tens
    of milliseconds copying it into pages. Asked of every statement, so written for speed."""
    params = args[1] if len(args) > 1 else ()
    if isinstance(params, dict):
        params = params.values()
    elif not isinstance(params, (tuple, list)) and not isinstance(params, Iterable):
        return False
    for value in params:
        if isinstance(value, (bytes, str)) and len(value) > _INLINE_VALUE_BYTES:
            return True
    return False


def _few(args: tuple[Any, ...]) -> bool:
    """An executemany of a handful of rows (a decision's absence days) is a short statement."""
    rows = args[1] if len(args) > 1 else None
    return isinstance(rows, list | tuple) and len(rows) <= _INLINE_MANY_ROWS


class _Cursor(aiosqlite.Cursor):
    """aiosqlite's cursor, whose fetches and close run right here when its connection may
    run a call inline (the usual case: a statement's three hops then cost what SQLite does,
    not three awaits through aiosqlite)."""

    _conn: _Connection

    async def fetchone(self) -> sqlite3.Row | None:
        if self._conn.inline_now():
            row: sqlite3.Row | None = self._cursor.fetchone()
            return row
        return await super().fetchone()

    async def fetchall(self) -> Iterable[sqlite3.Row]:
        if self._conn.inline_now():
            rows: list[sqlite3.Row] = self._cursor.fetchall()
            return rows
        return await super().fetchall()

    async def close(self) -> None:
        if self._conn.inline_now():
            self._cursor.close()
        else:
            await super().close()


class _Connection(aiosqlite.Connection):
    """aiosqlite's connection with short statements run inline (see _INLINE). Each connection
    is used by one coroutine at a time (the writer behind its lock, a reader while lent), so an
    inline call never runs beside a threaded one."""

    _inline_calls = 0
    # What the open transaction announced (announce()): the commit wakes those listeners.
    announced: frozenset[str] = frozenset()
    # The call running in aiosqlite's thread. A caller cancelled while it runs leaves it
    # running: every later call waits for it, so the thread and the loop never use the
    # connection at once (SQLite's mutex and the GIL would deadlock) and a BEGIN cancelled
    # half-way is rolled back only after it happened.
    _threaded: asyncio.Future[Any] | None = None

    async def _execute(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        if self._threaded is not None:
            await asyncio.shield(self._threaded)
        name = getattr(fn, "__name__", None)
        if (name not in _INLINE and not (name == "executemany" and _few(args))) or (
                name == "execute" and _bulky(args)):
            return await self._in_thread(fn, *args, **kwargs)
        if not self._running or not self._connection:
            raise ValueError("Connection closed")
        self._inline_calls += 1
        if self._inline_calls % _YIELD_EVERY == 0:
            await asyncio.sleep(0)
        return fn(*args, **kwargs)

    def inline_now(self) -> bool:
        """True if the next call may run here without an await: nothing runs in the thread
        and it is not this call's turn to give the loop its turn (the call is then counted)."""
        if not self._idle() or (self._inline_calls + 1) % _YIELD_EVERY == 0:
            return False
        self._inline_calls += 1
        return True

    @aiosqlite.context.contextmanager
    async def execute(self, sql: str, parameters: Any = None) -> aiosqlite.Cursor:
        if parameters is None:
            parameters = []
        if not _bulky((sql, parameters)) and self.inline_now():
            return _Cursor(self, self._conn.execute(sql, parameters))
        return _Cursor(self, await self._execute(self._conn.execute, sql, parameters))

    async def _in_thread(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        running: asyncio.Future[T] = asyncio.ensure_future(
            super()._execute(fn, *args, **kwargs))  # type: ignore[no-untyped-call]
        self._threaded = running
        running.add_done_callback(self._thread_done)
        return await asyncio.shield(running)

    def _thread_done(self, running: asyncio.Future[Any]) -> None:
        if self._threaded is running:
            self._threaded = None
        if not running.cancelled():
            running.exception()  # retrieved: the caller may be gone

    async def begin_immediate(self) -> None:
        """Take the write lock: at once when it is free, else waiting in aiosqlite's thread
        (another process, e.g. a CLI import, holds it) so the event loop does not wait."""
        if self._threaded is not None:
            await asyncio.shield(self._threaded)
        conn = self._conn
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as error:
            if error.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await self._in_thread(conn.execute, "BEGIN IMMEDIATE")

    def _idle(self) -> bool:
        return self._threaded is None and self._running and self._connection is not None

    def begin_now(self) -> bool:
        """A reader's BEGIN right here, with no await a cancellation could land in; False if
        a call still runs in the thread."""
        if not self._idle():
            return False
        self._conn.execute("BEGIN")
        return True

    def data_version_now(self) -> int | None:
        """PRAGMA data_version right here; None if a call still runs in the thread."""
        if not self._idle():
            return None
        row = self._conn.execute("PRAGMA data_version").fetchone()
        return int(row[0])

    def rollback_now(self) -> bool:
        """As begin_now, for the reader's rollback."""
        if not self._idle():
            return False
        self._conn.rollback()
        return True

    async def commit_sized(self, changed: int) -> None:
        if self._threaded is not None:
            await asyncio.shield(self._threaded)
        if changed > _INLINE_COMMIT_ROWS:
            await self._in_thread(self._conn.commit)
        else:
            self._conn.commit()


def announce(conn: aiosqlite.Connection, topic: str) -> None:
    """Inside a transaction: its commit concerns the listeners of `topic` (Database.on_commit)."""
    if not isinstance(conn, _Connection):
        raise TypeError("not a connection of services.storage")
    conn.announced = conn.announced | {topic}


async def in_thread(conn: aiosqlite.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
    """Run `fn` on the connection's own sqlite3 connection in its thread: a bulk statement
    whose parameters take Python a while to build, and SQLite a while to run, must hold neither
    the event loop nor (run inline) the chat."""
    if isinstance(conn, _Connection):
        return await conn._in_thread(fn, conn._conn)
    raise TypeError("not a connection of services.storage")


async def connect(path: Path) -> _Connection:
    def connector() -> sqlite3.Connection:
        # Opened in aiosqlite's thread, used inline from the event loop's.
        return sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn = _Connection(connector, iter_chunk_size=64)
    await conn
    conn.row_factory = sqlite3.Row
    return conn


class Database:
    def __init__(self, conn: _Connection, path: Path) -> None:
        self._conn = conn
        self._lock = asyncio.Lock()
        self._on_commit: list[tuple[str | None, Callable[[], None]]] = []
        self.path = path
        self._readers: asyncio.Queue[_Connection] = asyncio.Queue()
        self._reader_slots = asyncio.Semaphore(READERS)
        self._snapshots: list[sqlite3.Connection] = []
        self._all_snapshots: list[sqlite3.Connection] = []
        self._running: set[asyncio.Future[Any]] = set()
        self._all_readers: list[aiosqlite.Connection] = []
        self._changed_since_checkpoint = 0
        self._checkpointer: sqlite3.Connection | None = None
        self._checkpointing: asyncio.Future[None] | None = None
        self._runner: reading.Runner | None = None
        # What the last transactions built of what they committed (keep), and the
        # data_version they committed it under; the open transaction's, kept if it commits.
        self._kept: dict[Hashable, tuple[int, object]] = {}
        self._keeping: dict[Hashable, object] | None = None

    def on_commit(self, listener: Callable[[], None], *, topic: str | None = None) -> None:
        """Call `listener` after every committed write, or with a `topic` only after those
        whose transaction announced it (announce()): the outbox sender is woken by the
        commits that wrote notices, so one goes out right after the transaction that wrote
        it, and a job's hundreds of other commits (the ladder's tally) do not make it claim,
        taking the write lock, hundreds of times for nothing."""
        self._on_commit.append((topic, listener))

    @asynccontextmanager
    async def transaction(self, *, wake: bool = True) -> AsyncIterator[aiosqlite.Connection]:
        """The one writer's transaction. `wake=False` for a write that gives the commit
        listeners nothing to do and changes nothing but the outbox rows' own bookkeeping: the
        sender recording what it did to its rows (it claims again after every pass anyway).
        Such a commit also leaves what earlier transactions kept valid."""
        async with self._lock:
            # BEGIN inside the try, the rollback shielded: a task cancelled at any await here
            # (a chat request abandoned) never leaves the writer inside its transaction.
            try:
                self._conn.announced = frozenset()
                await self._conn.begin_immediate()
                self._keeping = {}
                before = self._conn.total_changes
                yield self._conn
            except BaseException:
                self._keeping = None
                await asyncio.shield(self._conn.rollback())
                raise
            else:
                keeping, self._keeping = self._keeping, None
                # Read while the write lock is held: no other connection commits until ours.
                version = await self.data_version() if keeping else 0
                changed = self._conn.total_changes - before
                await self._conn.commit_sized(changed)
                self._changed(changed)
                if wake:
                    self._kept.clear()
                for key, value in (keeping or {}).items():
                    self._kept[key] = (version, value)
            announced, self._conn.announced = self._conn.announced, frozenset()
        if wake:
            for topic, listener in self._on_commit:
                if topic is None or topic in announced:
                    listener()

    def keep(self, key: Hashable, value: object) -> None:
        """Inside a transaction, after its last write to what `value` was built from: `value`
        is what a read of `key` returns once it commits (`kept`), until the next commit that
        wakes the listeners or another connection's. Values kept must be immutable."""
        if self._keeping is None:
            raise RuntimeError("keep() belongs inside the writer's transaction")
        self._keeping[key] = value

    def kept(self, key: Hashable) -> object | None:
        """What the transaction that last kept `key` built, if nothing has been committed
        since that could change it; else None (read it from the database). Also None while a
        long write runs in the writer's thread: a reader answers then without waiting for it."""
        found = self._kept.get(key)
        if found is None:
            return None
        version = self._conn.data_version_now()
        if version is None:
            return None
        if version != found[0]:
            self._kept.clear()
            return None
        return found[1]

    async def data_version(self) -> int:
        """SQLite's data_version of the writer: it changes whenever another connection (another
        process, or another handle in this one) commits, which the commit listeners never hear
        of."""
        async with self._conn.execute("PRAGMA data_version") as cursor:
            row = await cursor.fetchone()
        assert row is not None
        return int(row[0])

    def data_version_now(self) -> int | None:
        """data_version() right here, without an await; None while a write runs in the
        writer's thread (asking would wait for it)."""
        return self._conn.data_version_now()

    def _changed(self, rows: int) -> None:
        self._changed_since_checkpoint += max(rows, 1)
        if (self._changed_since_checkpoint < CHECKPOINT_AFTER_ROWS
                or self._checkpointing is not None):
            return
        self._changed_since_checkpoint = 0
        self._checkpointing = asyncio.ensure_future(asyncio.to_thread(self._checkpoint))
        self._checkpointing.add_done_callback(self._checkpointed)

    def _checkpoint(self) -> None:
        if self._checkpointer is None:
            self._checkpointer = sqlite3.connect(self.path, isolation_level=None,
                                                 check_same_thread=False)
        self._checkpointer.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _checkpointed(self, done: asyncio.Future[None]) -> None:
        self._checkpointing = None
        if not done.cancelled() and done.exception() is not None:
            # The next one retries; SQLite checkpoints on close anyway.
            log.warning("storage.checkpoint_failed error=%r", done.exception())

    @asynccontextmanager
    async def read(self) -> AsyncIterator[aiosqlite.Connection]:
        async with self._reader_slots:
            conn = await self._reader()
            try:
                if not conn.begin_now():
                    await conn.execute("BEGIN")
                yield conn
            finally:
                # The rollback at once when nothing runs in the reader's thread (a read's usual
                # end: no task, no await); else shielded: cancelled at any await here, the
                # reader still goes back to the pool only after its rollback (the next user's
                # BEGIN would fail inside it).
                if conn.rollback_now():
                    self._readers.put_nowait(conn)
                else:
                    await asyncio.shield(self._give_back(conn))

    async def _give_back(self, conn: _Connection) -> None:
        await conn.rollback()
        self._readers.put_nowait(conn)

    async def snapshot(self, fn: Callable[Concatenate[sqlite3.Connection, P], T],
                       *args: P.args, **kwargs: P.kwargs) -> T:
        """Run `fn(conn, *args, **kwargs)` in a worker thread on a read-only sqlite3
        connection inside one read transaction, and return its result."""
        conn = self._snapshots.pop() if self._snapshots else await asyncio.to_thread(
            self._open_snapshot)
        # The thread gives the connection back itself: a caller cancelled while waiting
        # (a chat request abandoned) must not hand out a connection still in use, and close()
        # waits for the thread (closing a connection under a running query crashes SQLite).
        running = asyncio.ensure_future(asyncio.to_thread(
            self._in_snapshot, conn, lambda c: fn(c, *args, **kwargs)))
        self._running.add(running)
        running.add_done_callback(self._finished)
        return await asyncio.shield(running)

    def use_runner(self, runner: reading.Runner | None) -> None:
        """Run compute() through `runner` (a compute process) from now on; None: in threads."""
        self._runner = runner

    async def compute(self, fn: Callable[Concatenate[sqlite3.Connection, P], T],
                      *args: P.args, **kwargs: P.kwargs) -> T:
        """snapshot(fn, ...) in the compute process when there is one: `fn` is a module-level
        function and it, its arguments and its result travel by pickle, so it returns only
        what the caller needs (a province's month stays in the process that computed it)."""
        if self._runner is None:
            return await self.snapshot(fn, *args, **kwargs)
        return await self._runner(functools.partial(reading.read, str(self.path), fn,
                                                    *args, **kwargs))

    async def offload(self, fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        """`fn(*args, **kwargs)` (no database: a render, an encoding) in the compute process
        when there is one, else in a worker thread; as for compute(), everything travels by
        pickle."""
        if self._runner is None:
            return await asyncio.to_thread(fn, *args, **kwargs)
        return await self._runner(functools.partial(fn, *args, **kwargs))

    def _finished(self, running: asyncio.Future[Any]) -> None:
        self._running.discard(running)
        if not running.cancelled():
            # Retrieved here too: a caller cancelled meanwhile never sees it.
            running.exception()

    def _in_snapshot(self, conn: sqlite3.Connection, fn: Callable[[sqlite3.Connection], T]) -> T:
        try:
            conn.execute("BEGIN")
            try:
                return fn(conn)
            finally:
                conn.rollback()
        finally:
            if len(self._snapshots) < SNAPSHOTS:
                self._snapshots.append(conn)
            else:
                self._all_snapshots.remove(conn)
                conn.close()

    async def _reader(self) -> _Connection:
        if not self._readers.empty():
            return self._readers.get_nowait()
        conn = await connect(self.path)
        await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        await conn.execute("PRAGMA query_only = ON")
        self._all_readers.append(conn)
        return conn

    def _open_snapshot(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA query_only = ON")
        self._all_snapshots.append(conn)
        return conn

    async def close(self) -> None:
        await asyncio.gather(*self._running, return_exceptions=True)
        if self._checkpointing is not None:
            await asyncio.gather(self._checkpointing, return_exceptions=True)
        if self._checkpointer is not None:
            self._checkpointer.close()
            self._checkpointer = None
        async with self._lock:
            for reader in self._all_readers:
                await reader.close()
            for conn in self._all_snapshots:
                conn.close()
            self._all_readers.clear()
            self._all_snapshots.clear()
            await self._conn.close()


async def _configure(conn: aiosqlite.Connection) -> None:
    await conn.execute("PRAGMA journal_mode = WAL")
    await conn.execute("PRAGMA foreign_keys = ON")
    await conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    await conn.execute("PRAGMA synchronous = NORMAL")


async def open_database(path: Path | str, *, migrate: bool = True,
                        up_to: int | None = None) -> Database:
    """Open (creating if needed) the database file and bring its schema up to date (or only
    up to migration `up_to`)."""
    path = private_database(Path(path))
    # isolation_level=None: we issue BEGIN/COMMIT ourselves instead of sqlite3's implicit ones.
    conn = await connect(path)
    try:
        await _configure(conn)
        if migrate:
            await apply_migrations(conn, up_to=up_to)
        # Checkpoints run in a worker thread (Database._changed), not inside a commit.
        await conn.execute("PRAGMA wal_autocheckpoint = 0")
    except BaseException:
        await conn.close()
        raise
    return Database(conn, path)
