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
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")

# Two cores are the target machine: two long jobs side by side (a recap while the morning
# runs) and nothing queues behind one of them for a minute.
WORKERS = 2
# Imported once in the fork server, so a fresh worker starts in milliseconds.
PRELOAD = ["services.attendance", "services.alerts", "services.ladder_tally",
           "services.recap_files", "reports.recap_pdf"]


class ComputePool:
    def __init__(self, workers: int = WORKERS) -> None:
        self._workers = workers
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(PRELOAD)
        self._executor = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(self._workers, mp_context=self._context)

    async def __call__(self, fn: Callable[..., T], /, *args: Any) -> T:
        executor = self._executor
        try:
            running = await asyncio.to_thread(executor.submit, fn, *args)
        except BrokenProcessPool:
            # A worker died while idle: nothing of this call was lost.
            executor = self._replace(executor)
            running = await asyncio.to_thread(executor.submit, fn, *args)
        try:
            return await asyncio.wrap_future(running)
        except BrokenProcessPool:
            self._replace(executor)
            raise

    def _replace(self, broken: ProcessPoolExecutor) -> ProcessPoolExecutor:
        if self._executor is broken:
            log.error("compute.worker_died workers=%s", self._workers)
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = self._new()
        return self._executor

    def pids(self) -> list[int]:
        """The worker processes running now (benchmarks measure their memory and CPU)."""
        return [process.pid for process in (self._executor._processes or {}).values()
                if process.pid is not None]

    def close(self) -> None:
        """Wait for what is running, then stop the workers."""
        self._executor.shutdown(wait=True, cancel_futures=True)
