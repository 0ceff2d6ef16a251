"""5,000 outbox notices through the one sender, against Telegram's 30 messages/s floor.

The real Application (with its AIORateLimiter: 30 messages/s overall) and the real sender
deliver notices written to the outbox of a real SQLite file to the recording Bot API. Notices
go to 1,000 chats, five each, written in batches of 50 per transaction as decisions would
write them. Every 250th call is answered with a 500 so that retries are part of the run
(--flood-every adds 429s with retry_after 1 s). Prints the time until every row is sent, the
ratio to the floor (notices / 30 per second; goal ≤ 1.1×), and what was lost (rows not sent)
and doubled (a notice delivered twice).

    .venv/bin/python bench/bench_outbox.py [--notices 5000] [--fail-every 250]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# The harness lives in tests/, which is not an installed package: run from the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import load_settings
from bot.context import AppServices
from handlers.sender import Outgoing, renderer
from services import outbox
from services.clock import SystemClock
from services.outbox import Notice
from tests.support.botapi import RecordingRequest
from tests.support.harness import Harness

CONFIG = """
[telegram]
persistence_path = "percakapan.pickle"
persistence_interval_seconds = 60
[database]
path = "presensi.sqlite3"
[office]
name = "Dinas Komunikasi dan Informatika"
government = "Pemerintah Kota Contoh"
timezone = "Asia/Jakarta"
city = "Kota Contoh"
unit_code = "DISKOMINFO"
"""
TELEGRAM_RATE = 30.0       # messages per second, Telegram's overall limit for a bot
CHATS = 1000
BATCH = 50


@renderer("bench.note")
async def _note(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    return Outgoing(f"Pemberitahuan <b>#{payload['n']}</b> untuk Anda.")


class FlakyRequest(RecordingRequest):
    """Every `fail_every`-th sendMessage is answered 500; every `flood_every`-th 429 with
    retry_after 1 s (which pauses the whole bot for that second, as Telegram means it)."""

    def __init__(self, fail_every: int, flood_every: int) -> None:
        super().__init__()
        self._fail_every = fail_every
        self._flood_every = flood_every
        self._sends = 0

    def handle(self, call: Any) -> tuple[int, bytes]:
        if call.method == "sendMessage":
            self._sends += 1
            if self._fail_every and self._sends % self._fail_every == 0:
                self.fail_calls(500, "Internal Server Error", chat_id=call.chat_id)
            elif self._flood_every and self._sends % self._flood_every == 0:
                self.fail_calls(429, "Too Many Requests: retry after 1", chat_id=call.chat_id,
                                retry_after=1)
        return super().handle(call)


async def run(notices: int, fail_every: int, flood_every: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "presensi.toml"
        path.write_text(CONFIG, encoding="utf-8")
        os.chdir(folder)
        settings = load_settings(str(path))
        api = FlakyRequest(fail_every, flood_every)
        harness = await Harness.start(settings, SystemClock(ZoneInfo("Asia/Jakarta")), api)
        services: AppServices = harness.application.bot_data["services"]
        db = services.db
        started = time.perf_counter()
        for first in range(0, notices, BATCH):
            batch = [Notice("bench.note", None, 10_000 + n % CHATS, {"n": n}, f"bench:{n}")
                     for n in range(first, min(first + BATCH, notices))]
            async with db.transaction() as conn:
                await outbox.enqueue(conn, batch, now=services.clock.now())
        written = time.perf_counter() - started
        while True:
            counts = await outbox.counts(db)
            if counts.get("sent", 0) + counts.get("failed", 0) >= notices:
                break
            await asyncio.sleep(0.25)
        elapsed = time.perf_counter() - started
        delivered = Counter(c.params["text"] for c in api.sent("sendMessage")
                            if c.result is not None)
        refused = sum(1 for c in api.sent("sendMessage") if c.result is None)
        counts = await outbox.counts(db)
        await harness.stop()
    floor = notices / TELEGRAM_RATE
    lost = notices - len(delivered)
    doubled = sum(n - 1 for n in delivered.values() if n > 1)
    print(f"notices                 {notices}  (to {CHATS} chats, {BATCH} per transaction)")
    print(f"written in              {written:.2f} s")
    print(f"all sent after          {elapsed:.1f} s")
    print(f"Telegram floor          {floor:.1f} s  ({TELEGRAM_RATE:.0f} msg/s)")
    print(f"ratio to the floor      {elapsed / floor:.3f}x  (goal <= 1.1x)")
    print(f"answered 500 or 429     {refused}  (retried)")
    print(f"rows by status          {dict(sorted(counts.items()))}")
    print(f"lost                    {lost}")
    print(f"doubled                 {doubled}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notices", type=int, default=5000)
    parser.add_argument("--fail-every", type=int, default=250,
                        help="answer every Nth sendMessage with 500 and the next with 429 "
                             "(0: never)")
    parser.add_argument("--flood-every", type=int, default=0,
                        help="answer every Nth sendMessage with 429, retry_after 1 s (0: never)")
    args = parser.parse_args()
    asyncio.run(run(args.notices, args.fail_every, args.flood_every))


if __name__ == "__main__":
    main()
