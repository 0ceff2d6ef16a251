"""How long the demo's month takes, step by step, for offices of growing size.

    .venv/bin/python bench/demo_office.py [--sizes 36 150 400]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from pathlib import Path

from bot.config import load_settings
from bot.demo.run import DemoOptions, run_demo


class Timings:
    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []
        self._began = time.perf_counter()

    def step(self, title: str) -> None:
        now = time.perf_counter()
        if self.steps:
            self.steps[-1] = (self.steps[-1][0], now - self._began)
        self.steps.append((title, 0.0))
        self._began = now

    def advance(self, done: int, total: int) -> None:
        pass

    def close(self) -> None:
        self.steps[-1] = (self.steps[-1][0], time.perf_counter() - self._began)


async def main(sizes: list[int]) -> None:
    logging.disable(logging.INFO)
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            timings = Timings()
            began = time.perf_counter()
            result = await run_demo(DemoOptions(Path(folder) / "kantor", size, 2026, 10),
                                    lambda path: load_settings(str(path)), timings)
            timings.close()
            total = time.perf_counter() - began
        print(f"{size} employees, {result.punches_synced} punches, "
              f"{result.requests_approved} requests: {total:.2f} s")
        for title, seconds in timings.steps:
            print(f"  {seconds:6.2f} s  {title}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[36, 150, 400])
    asyncio.run(main(parser.parse_args().sizes))
