"""The compute processes: the long computations (a province's month for the recap, its PDF,
the morning's passes) run here, away from the chat.

In a thread they would share the GIL with the event loop: every time the loop gives it up (each
SQLite call, each hop to a thread) it waits up to a switch interval to get it back, and a long
C call (a full garbage collection, a large unpickling) holds it for hundreds of milliseconds.
A process has a GIL of its own. Workers are started by a fork server, never by forking the bot
(its threads would be copied mid-flight), with the services and the renderer already imported
there, and they open their own read-only connection (services.storage.reading). Calls are
submitted from a thread: submitting may start a worker, which waits for the fork server (a
second or more for the first, while it imports), and the event loop must not wait. A worker that
dies (killed, out of memory) fails the call that was running, if any; the pool is replaced,
and the next call gets a fresh worker.

A call that leaves its worker holding more than RECYCLE_ABOVE_BYTES (a province's month and
PDF grow a worker by a few hundred MiB, which CPython keeps for reuse instead of giving back)
retires the workers: they exit once their calls are done, and fresh ones from the fork server
take the next calls. Other workers live on: a fresh one starts cold (its caches, its SQLite
page cache, the calendar's holidays), which cost a small call more than the call itself. Each
call reports its CPU time and memory, logged for the long ones and summed in `spent`.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Two cores are the target machine: two long jobs side by side (a recap while the morning
# runs) and nothing queues behind one of them for a minute.
WORKERS = 2
# Imported once in the fork server, so a fresh worker starts in milliseconds.
PRELOAD = ["services.attendance", "services.alerts", "services.ladder_tally",
           "services.recap_files", "reports.recap_pdf"]
# Calls that took longer than this are logged with what they cost.
LOG_AFTER_SECONDS = 1.0
# A fresh worker holds about 110 MiB (the preloaded modules); one that holds this much after a
# call is retired.
RECYCLE_ABOVE_BYTES = 384 * 2**20


@dataclass(frozen=True)
class _Done(Generic[T]):
    result: T
    seconds: float
    cpu_seconds: float
    peak_bytes: int     # the worker's largest resident size so far
    held_bytes: int     # its resident size after the call


def _resident_bytes() -> int:
    """Resident size now (Linux /proc); elsewhere the peak so far stands in for it."""
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[1]) * resource.getpagesize()
    except OSError:
        return _peak_bytes()


def _peak_bytes() -> int:
    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _measured(fn: Callable[..., T], *args: Any) -> _Done[T]:
    """Runs in the worker: `fn(*args)` and what it cost."""
    began, cpu = time.perf_counter(), time.process_time()
    result = fn(*args)
    return _Done(result, time.perf_counter() - began, time.process_time() - cpu, _peak_bytes(),
                 _resident_bytes())


def _name(fn: Callable[..., Any]) -> str:
    """What a call ran, for the log: a partial's function, with the first function among its
    arguments (Database.compute's reading.read(path, draft, ...) is "read(draft)")."""
    if isinstance(fn, functools.partial):
        inner = next((arg for arg in fn.args if callable(arg)), None)
        return _name(fn.func) + (f"({_name(inner)})" if inner is not None else "")
    return str(getattr(fn, "__qualname__", fn))


@dataclass
class Spent:
    """What the calls finished so far cost in the workers (benchmarks read it: a worker that
    ran a call is gone by then)."""

    calls: int = 0
    cpu_seconds: float = 0.0
    peak_bytes: int = 0


class ComputePool:
    def __init__(self, workers: int = WORKERS,
                 recycle_above_bytes: int = RECYCLE_ABOVE_BYTES) -> None:
        self._workers = workers
        self._recycle_above = recycle_above_bytes
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._executor = self._new()
        self.spent = Spent()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self._workers, mp_context=self._context)

    async def __call__(self, fn: Callable[..., T], /, *args: Any) -> T:
        executor = self._executor
        try:
            running = await asyncio.to_thread(executor.submit, _measured, fn, *args)
        except BrokenProcessPool:
            # A worker died while idle: nothing of this call was lost.
            executor = self._replace(executor)
            running = await asyncio.to_thread(executor.submit, _measured, fn, *args)
        try:
            done: _Done[T] = await asyncio.wrap_future(running)
        except BrokenProcessPool:
            self._replace(executor)
            raise
        if done.held_bytes > self._recycle_above and executor is self._executor:
            log.info("compute.recycled held_mib=%.0f", done.held_bytes / 2**20)
            # Idle workers exit now, busy ones once their call is done.
            executor.shutdown(wait=False)
            self._executor = self._new()
        self.spent.calls += 1
        self.spent.cpu_seconds += done.cpu_seconds
        self.spent.peak_bytes = max(self.spent.peak_bytes, done.peak_bytes)
        if done.seconds > LOG_AFTER_SECONDS:
            log.info("compute.done fn=%s seconds=%.2f cpu=%.2f peak_mib=%.0f", _name(fn),
                     done.seconds, done.cpu_seconds, done.peak_bytes / 2**20)
        return done.result

    def _replace(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        if self._executor is broken:
            log.error("compute.worker_died workers=%s", self._workers)
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new()
        return self._executor

    def pids(self) -> list[int]:
        """The worker processes alive now (benchmarks show that none is left holding memory)."""
        return [process.pid for process in (self._executor._processes or {}).values()
                if process.pid is not None]

    def close(self) -> None:
        """Wait for what is running, then stop the workers."""
        self._executor.shutdown(wait=True, cancel_futures=True)
