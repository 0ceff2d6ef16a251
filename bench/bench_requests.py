"""Throughput of the request flow through the real Application and the recording Bot API.

1,000 employees (20 units of 50 staff under one Kabid each) each file one izin through /izin
(type, start, end, reason, skip attachment, send) and their Kabid approves it, which takes an
agenda number, writes absence_days and renders the PDF letter. Every update goes through
`Application.process_update` against a real SQLite file. Prints updates/s and the p50/p95
processing time per update, overall and per step.

Then the baseline, in the same run: a bare python-telegram-bot Application (no persistence, no
handlers but one, the same rate limiter setting) processes the same updates over its own
RecordingRequest, and its one handler makes exactly the Bot API calls the bot made for each
update (the same methods, parameters and files). The ratio bot / bare per update is the bot's
own cost above PTB's (goal ≤ 3).

The Application throttles its sends with AIORateLimiter (Telegram's 30 messages/s overall), so
by default the figures are what an office sees. `--without-rate-limiter` removes the limiter
to show the bot's own processing cost.

    .venv/bin/python bench/bench_requests.py [--employees 1000] [--without-rate-limiter]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from zoneinfo import ZoneInfo

# The harness lives in tests/, which is not an installed package: run from the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import warnings

from telegram import InputFile, Update
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, TypeHandler

from bot.config import load_settings
from services.clock import FixedClock
from services.storage import open_database
from tests.support.botapi import ApiCall, RecordingRequest
from tests.support.harness import TEST_TOKEN, Harness, TgUser

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
UNIT_SIZE = 50
KEPALA_NIP = "197001011995031001"


def latest_to(api: RecordingRequest, chat_id: int) -> ApiCall:
    """The last message sent to a chat, searched from the end: the recorder's own lookup scans
    every call from the start, which would make the harness, not the bot, dominate."""
    return next(c for c in reversed(api.calls)
                if c.method in ("sendMessage", "sendDocument") and c.chat_id == chat_id)


def nip(index: int) -> str:
    # Valid shape: birth date, TMT CPNS (2015-01), gender, sequence.
    birth = dt.date(1980, 1, 1) + dt.timedelta(days=index)
    return f"{birth:%Y%m%d}201501{1 + index % 2}{index % 1000:03d}"


async def seed(path: Path, employees: int) -> tuple[list[TgUser], dict[int, TgUser]]:
    db = await open_database(path)
    now = "2026-10-01T08:00:00+07:00"
    rows = [(KEPALA_NIP, "Kepala Dinas", None, "kepala", 1, now, now)]
    chiefs = (employees + UNIT_SIZE - 1) // UNIT_SIZE
    for unit in range(chiefs):
        rows.append((nip(100_000 + unit), f"Kabid {unit}", KEPALA_NIP, "pegawai",
                     10_000 + unit, now, now))
    staff: list[TgUser] = []
    atasan_of: dict[int, TgUser] = {}
    for i in range(employees):
        unit = i // UNIT_SIZE
        user_id = 100_000 + i
        rows.append((nip(i), f"Pegawai {i}", nip(100_000 + unit), "pegawai", user_id, now, now))
        staff.append(TgUser(user_id, f"Pegawai{i}"))
        atasan_of[user_id] = TgUser(10_000 + unit, f"Kabid{unit}")
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO employees (nip, nama, atasan_nip, peran, telegram_user_id, "
            "telegram_chat_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(n, name, atasan, peran, uid, uid, c, u) for n, name, atasan, peran, uid, c, u
             in rows])
    await db.close()
    return staff, atasan_of


async def run(employees: int, rate_limited: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "presensi.toml"
        config.write_text(CONFIG, encoding="utf-8")
        settings = load_settings(str(config))
        staff, atasan_of = await seed(settings.database.path, employees)
        clock = FixedClock(dt.datetime(2026, 10, 5, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
        harness = await Harness.start(settings, clock)
        if not rate_limited:
            # A measurement knob only: ExtBot has no public setter for its limiter.
            harness.application.bot._rate_limiter = None
        timings: dict[str, list[float]] = defaultdict(list)
        trace: list[Traced] = []

        async def timed(step: str, action: object) -> None:
            first_call = len(harness.api.calls)
            began = time.perf_counter()
            update = await action  # type: ignore[misc]
            timings[step].append(time.perf_counter() - began)
            trace.append((step, update.to_dict(), harness.api.calls[first_call:]))

        began = time.perf_counter()
        for user in staff:
            await timed("/izin", harness.send(user, "/izin"))
            form = latest_to(harness.api, user.id)
            await timed("jenis", harness.tap(user, "rqf:t:izin", on=form))
            await timed("tanggal", harness.tap(user, "rqf:d:20261006", on=form))
            await timed("alasan", harness.send(user, "keperluan keluarga yang mendesak"))
            await timed("kirim", harness.tap(user, "rqf:send",
                                             on=latest_to(harness.api, user.id)))
            atasan = atasan_of[user.id]
            card = latest_to(harness.api, atasan.id)
            await timed("setujui (nomor, PDF)", harness.tap(atasan, card.button("Setujui"),
                                                            on=card))
        elapsed = time.perf_counter() - began
        await harness.stop()

        db = await open_database(settings.database.path)
        async with db.read() as conn, conn.execute(
                "SELECT count(*), count(DISTINCT agenda_number) FROM requests "
                "WHERE status = 'disetujui'") as cursor:
            approved, numbers = await cursor.fetchone()  # type: ignore[misc]
        await db.close()

    bare, failures, replayed = await bare_baseline(trace, rate_limited)
    made = sum(len(calls) for _, _, calls in trace)
    every = sorted(x for values in timings.values() for x in values)
    print(f"employees: {employees}, approved: {approved}, distinct agenda numbers: {numbers}, "
          f"rate limiter: {'on' if rate_limited else 'off'}")
    print(f"updates: {len(every)} in {elapsed:.1f} s = {len(every) / elapsed:.0f} updates/s")
    print(f"per update: p50 {percentile(every, 50):.2f} ms, p95 {percentile(every, 95):.2f} ms, "
          f"max {every[-1] * 1000:.2f} ms")
    bare_every = sorted(x for values in bare.values() for x in values)
    total, bare_total = sum(every), sum(bare_every)
    print(f"bare PTB Application, the same updates and Bot API calls ({replayed} of {made}"
          f" calls made, {failures} refused): "
          f"{len(bare_every) / bare_total:.0f} updates/s, p50 {percentile(bare_every, 50):.2f}"
          f" ms, p95 {percentile(bare_every, 95):.2f} ms")
    print(f"bot / bare per update: {total / bare_total:.2f} (goal ≤ 3), at the median "
          f"{percentile(every, 50) / percentile(bare_every, 50):.2f}")
    for step, values in timings.items():
        values.sort()
        mean = statistics.mean(values) * 1000
        baseline = sorted(bare[step])
        ratio = statistics.mean(values) / statistics.mean(baseline)
        print(f"  {step:<22} p50 {percentile(values, 50):7.2f} ms  "
              f"p95 {percentile(values, 95):7.2f} ms  mean {mean:7.2f} ms  bare p50 "
              f"{percentile(baseline, 50):6.2f} ms  ratio {ratio:5.2f}")


Traced = tuple[str, dict[str, object], list[ApiCall]]


async def bare_baseline(trace: list[Traced], rate_limited: bool
                        ) -> tuple[dict[str, list[float]], int, int]:
    """The same updates through a bare Application whose one handler replays the bot's calls."""
    api = RecordingRequest()
    builder = ApplicationBuilder().token(TEST_TOKEN).request(api).get_updates_request(api)
    if rate_limited:
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))
    app = builder.build()
    calls: dict[int, list[ApiCall]] = {}
    refused = 0

    async def replay(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        nonlocal refused
        for call in calls[update.update_id]:
            kwargs: dict[str, object] = dict(call.params)
            for name, content in call.files.items():
                kwargs[name] = InputFile(content, filename=call.file_names.get(name))
            try:
                await context.bot.do_api_request(call.method, api_kwargs=kwargs)
            except TelegramError:
                refused += 1

    app.add_handler(TypeHandler(Update, replay))
    timings: dict[str, list[float]] = defaultdict(list)
    await app.initialize()
    with warnings.catch_warnings():
        # do_api_request warns that each of these methods has its own Bot method.
        warnings.simplefilter("ignore")
        for step, payload, made in trace:
            update = Update.de_json(payload, app.bot)
            calls[update.update_id] = made
            began = time.perf_counter()
            await app.process_update(update)
            timings[step].append(time.perf_counter() - began)
    await app.shutdown()
    return timings, refused, len(api.calls)


def percentile(sorted_seconds: list[float], pct: int) -> float:
    index = min(len(sorted_seconds) - 1, round(pct / 100 * (len(sorted_seconds) - 1)))
    return sorted_seconds[index] * 1000


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--without-rate-limiter", action="store_true")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.employees, not arguments.without_rate_limiter))
