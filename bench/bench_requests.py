"""Throughput of the request flow through the real Application and the recording Bot API.

1,000 employees (20 units of 50 staff under one Kabid each) each file one izin through /izin
(type, start, end, reason, skip attachment, send) and their Kabid approves it, which takes an
agenda number and writes absence_days; the outbox sender then delivers the cards and the PDF
letter. Every update goes through `Application.process_update` against a real SQLite file.

Each update is timed twice: its handling (`process_update`: what the person waits for, the
tap answered and the decision committed) and its deliveries (what the outbox sends because
of it, the letter rendered off the event loop included).

Then the baseline, in the same run: a bare python-telegram-bot Application (no persistence, no
handlers but one, the same rate limiter setting) processes the same updates over its own
RecordingRequest, and its one handler makes exactly the Bot API calls the bot made for each
update (the same methods, parameters and files): the calls of the handling in the update's
own turn, the deliveries after it. It makes them as a PTB bot does, through the typed Bot
methods with PTB objects (`typed`), and as the floor of PTB's request path, raw
`do_api_request` with the recorded JSON (`raw`). The ratio bot / bare per update is the bot's
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
import json
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

# The harness lives in tests/, which is not an installed package: run from the repository.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import warnings

from telegram import (
    Bot,
    ForceReply,
    InlineKeyboardMarkup,
    InputFile,
    LinkPreviewOptions,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    TelegramObject,
    Update,
)
from telegram.error import TelegramError
from telegram.ext import AIORateLimiter, ApplicationBuilder, ContextTypes, TypeHandler

from bot.config import load_settings
from handlers import request_notify
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


class TimedHarness(Harness):
    """The harness's feed, with the update's handling and its deliveries timed apart."""

    last: Fed

    async def feed(self, payload: dict[str, Any]) -> Update:
        payload = {"update_id": next(self._update_ids), **payload}
        update = Update.de_json(payload, self.application.bot)
        await self.deliver()
        first = len(self.api.calls)
        began, began_cpu = time.perf_counter(), time.process_time()
        await self.application.process_update(update)
        handled, handled_cpu = time.perf_counter(), time.process_time()
        middle = len(self.api.calls)
        await self.deliver()
        delivered, delivered_cpu = time.perf_counter(), time.process_time()
        self.last = Fed(update.to_dict(), handled - began, delivered - handled,
                        self.api.calls[first:middle], self.api.calls[middle:],
                        handled_cpu - began_cpu, delivered_cpu - handled_cpu)
        return update


@dataclass
class Fed:
    payload: dict[str, Any]
    handling: float
    delivery: float
    handling_calls: list[ApiCall]
    delivery_calls: list[ApiCall]
    handling_cpu: float
    delivery_cpu: float


async def run(employees: int, rate_limited: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "presensi.toml"
        config.write_text(CONFIG, encoding="utf-8")
        settings = load_settings(str(config))
        staff, atasan_of = await seed(settings.database.path, employees)
        clock = FixedClock(dt.datetime(2026, 10, 5, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
        harness = await TimedHarness.start(settings, clock)
        if not rate_limited:
            # A measurement knob only: ExtBot has no public setter for its limiter.
            harness.application.bot._rate_limiter = None
        trace: list[tuple[str, Fed]] = []
        letters: list[float] = []
        build = request_notify.build_letter

        def timed_letter(*args: Any) -> bytes:
            began = time.perf_counter()
            try:
                return build(*args)
            finally:
                letters.append(time.perf_counter() - began)

        request_notify.build_letter = timed_letter  # type: ignore[assignment]

        async def step(name: str, action: Awaitable[Update]) -> None:
            await action
            trace.append((name, harness.last))

        began = time.perf_counter()
        for user in staff:
            await step("/izin", harness.send(user, "/izin"))
            form = latest_to(harness.api, user.id)
            await step("jenis", harness.tap(user, "rqf:t:izin", on=form))
            await step("tanggal", harness.tap(user, "rqf:d:20261006", on=form))
            await step("alasan", harness.send(user, "keperluan keluarga yang mendesak"))
            await step("kirim", harness.tap(user, "rqf:send", on=latest_to(harness.api, user.id)))
            atasan = atasan_of[user.id]
            card = latest_to(harness.api, atasan.id)
            await step(TAP, harness.tap(atasan, card.button("Setujui"), on=card))
        elapsed = time.perf_counter() - began
        request_notify.build_letter = build
        await harness.stop()

        db = await open_database(settings.database.path)
        async with db.read() as conn, conn.execute(
                "SELECT count(*), count(DISTINCT agenda_number) FROM requests "
                "WHERE status = 'disetujui'") as cursor:
            approved, numbers = await cursor.fetchone()  # type: ignore[misc]
        await db.close()

    typed, refused_typed = await bare_baseline(trace, rate_limited, typed=True)
    raw, refused_raw = await bare_baseline(trace, rate_limited, typed=False)
    made = sum(len(f.handling_calls) + len(f.delivery_calls) for _, f in trace)
    print(f"employees: {employees}, approved: {approved}, distinct agenda numbers: {numbers}, "
          f"rate limiter: {'on' if rate_limited else 'off'}, Bot API calls: {made} "
          f"(bare refused: typed {refused_typed}, raw {refused_raw})")
    print(f"the whole flow: {len(trace)} updates in {elapsed:.1f} s = "
          f"{len(trace) / elapsed:.0f} updates/s, deliveries and letters included")
    handling = [f.handling for _, f in trace]
    delivery = [f.handling + f.delivery for _, f in trace]
    for label, bot, bare_of in (
            ("handling (process_update)", handling, lambda b: b.handling),
            ("handling + deliveries", delivery, lambda b: b.handling + b.delivery)):
        print(f"{label}: bot {len(bot) / sum(bot):.0f} updates/s, p50 "
              f"{percentile(bot, 50):.2f} ms, p95 {percentile(bot, 95):.2f} ms")
        for name, bare in (("typed", typed), ("raw", raw)):
            base = [bare_of(b) for _, b in bare]
            print(f"  bare PTB {name:<5}: {len(base) / sum(base):.0f} updates/s, p50 "
                  f"{percentile(base, 50):.2f} ms; bot / bare per update "
                  f"{sum(bot) / sum(base):.2f} (goal ≤ 3), at the median "
                  f"{percentile(bot, 50) / percentile(base, 50):.2f}")
    # CPU seconds of the process (every thread: the letters' too) are what the bot costs, and
    # unlike the wall clock they do not grow when other processes hold the machine's cores.
    for label, bot_cpu, bare_cpu in (
            ("CPU per update, handling", [f.handling_cpu for _, f in trace],
             lambda b: b.handling_cpu),
            ("CPU per update, handling + deliveries",
             [f.handling_cpu + f.delivery_cpu for _, f in trace],
             lambda b: b.handling_cpu + b.delivery_cpu)):
        mean = statistics.mean(bot_cpu) * 1000
        ratios = "; ".join(
            f"bare {name} {statistics.mean(bare_cpu(b) for _, b in bare) * 1000:.2f} ms, "
            f"bot / bare {sum(bot_cpu) / sum(bare_cpu(b) for _, b in bare):.2f}"
            for name, bare in (("typed", typed), ("raw", raw)))
        print(f"{label}: bot {mean:.2f} ms; {ratios} (goal ≤ 3)")
    print("per step: handling p50 / p95, bare typed p50, ratio of means; deliveries p50; "
          "mean CPU of handling and of deliveries, bot / bare typed")
    for step_name in dict.fromkeys(name for name, _ in trace):
        fed = [f for name, f in trace if name == step_name]
        base = [b for name, b in typed if name == step_name]
        own = [f.handling for f in fed]
        cpu = (f"{statistics.mean(f.handling_cpu for f in fed) * 1000:5.2f} / "
               f"{statistics.mean(b.handling_cpu for b in base) * 1000:5.2f} ms, "
               f"{statistics.mean(f.delivery_cpu for f in fed) * 1000:5.2f} / "
               f"{statistics.mean(b.delivery_cpu for b in base) * 1000:5.2f} ms")
        print(f"  {step_name:<10} {percentile(own, 50):7.2f} / {percentile(own, 95):7.2f} ms  "
              f"bare {percentile([b.handling for b in base], 50):5.2f} ms  ratio "
              f"{statistics.mean(own) / statistics.mean(b.handling for b in base):5.2f}  "
              f"deliveries {percentile([f.delivery for f in fed], 50):7.2f} ms  CPU {cpu}")
    taps = [f.handling for name, f in trace if name == TAP]
    print(f"approval tap (Setujui answered, decision committed): p50 "
          f"{percentile(taps, 50):.2f} ms (goal ≤ 10), p95 {percentile(taps, 95):.2f} ms; "
          f"letters rendered off the event loop: {len(letters)}, p50 "
          f"{percentile(letters, 50):.2f} ms each")


TAP = "setujui"


@dataclass
class Replayed:
    handling: float
    delivery: float
    handling_cpu: float
    delivery_cpu: float


async def bare_baseline(trace: list[tuple[str, Fed]], rate_limited: bool, *, typed: bool
                        ) -> tuple[list[tuple[str, Replayed]], int]:
    """The same updates through a bare Application whose one handler replays the bot's calls:
    an update's handling calls in its own turn, then its deliveries as a second update."""
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
            try:
                if typed:
                    await typed_call(context.bot, call)
                else:
                    kwargs: dict[str, object] = dict(call.params)
                    for name, content in call.files.items():
                        kwargs[name] = InputFile(content, filename=call.file_names.get(name))
                    await context.bot.do_api_request(call.method, api_kwargs=kwargs)
            except TelegramError:
                refused += 1

    app.add_handler(TypeHandler(Update, replay))
    timings: list[tuple[str, Replayed]] = []
    await app.initialize()
    with warnings.catch_warnings():
        # do_api_request warns that each of these methods has its own Bot method.
        warnings.simplefilter("ignore")
        for step, fed in trace:
            update = Update.de_json(fed.payload, app.bot)
            calls[update.update_id] = fed.handling_calls
            began, began_cpu = time.perf_counter(), time.process_time()
            await app.process_update(update)
            handled, handled_cpu = time.perf_counter(), time.process_time()
            # The deliveries come as one more turn of the same update.
            calls[update.update_id] = fed.delivery_calls
            if fed.delivery_calls:
                await app.process_update(update)
            timings.append((step, Replayed(handled - began, time.perf_counter() - handled,
                                           handled_cpu - began_cpu,
                                           time.process_time() - handled_cpu)))
    await app.shutdown()
    return timings, refused


_MARKUPS: dict[str, type[TelegramObject]] = {
    "inline_keyboard": InlineKeyboardMarkup, "keyboard": ReplyKeyboardMarkup,
    "remove_keyboard": ReplyKeyboardRemove, "force_reply": ForceReply}


async def typed_call(bot: Bot, call: ApiCall) -> object:
    """One recorded call made as a PTB bot makes it: the Bot method of its name, its markup as
    PTB objects, its files as InputFile, its result parsed into PTB objects."""
    kwargs: dict[str, Any] = dict(call.params)
    markup = kwargs.get("reply_markup")
    if isinstance(markup, str):
        markup = json.loads(markup)
    if isinstance(markup, dict):
        kind = next(key for key in _MARKUPS if key in markup)
        kwargs["reply_markup"] = _MARKUPS[kind].de_json(markup, bot)
    for name, content in call.files.items():
        kwargs[name] = InputFile(content, filename=call.file_names.get(name))
    if "link_preview_options" in kwargs:
        kwargs["link_preview_options"] = LinkPreviewOptions.de_json(
            kwargs["link_preview_options"], bot)
    method = getattr(bot, re.sub(r"(?<!^)([A-Z])", r"_\1", call.method).lower())
    return await method(**kwargs)


def percentile(seconds: list[float], pct: int) -> float:
    ordered = sorted(seconds)
    index = min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))
    return ordered[index] * 1000


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--without-rate-limiter", action="store_true")
    arguments = parser.parse_args()
    asyncio.run(run(arguments.employees, not arguments.without_rate_limiter))
