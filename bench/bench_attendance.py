"""Attendance at office scale: daily statuses for 5,000 employees and the morning alerts.

Builds a 5,000-employee office (a Kepala, 50 Kabid, their staff) with one month of simulated
scans on two machines, times month_attendance (every employee-day of October 2026),
day_statuses and the year's TK count, then runs the morning job of Monday 2 November 2026 at
08:00 through the real Application with its AIORateLimiter and a recording Bot API that answers
at once: the run writes its notices to the outbox, the one sender delivers them, and the
bench prints messages per second (Telegram's broadcast limit, and so the floor the bot must
reach, is 30 per second).

    .venv/bin/python bench/bench_attendance.py [--employees 5000] [--absent 0.10]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

# The recording Bot API lives with the tests; make the repository importable when run as a file.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot import outbox
from bot.app import build_application, start_services, stop_services
from bot.config import load_settings
from bot.context import SERVICES_KEY
from bot.jobs.attendance import run_morning
from services import alerts, attendance
from services import outbox as rows
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.storage import Database, open_database
from tests.support.botapi import RecordingRequest
from tests.support.harness import TEST_TOKEN

WIB = ZoneInfo("Asia/Jakarta")
MONTH = (2026, 10)
MORNING = dt.datetime(2026, 11, 2, 8, 0, tzinfo=WIB)
CONFIG = """
[database]
path = "presensi.sqlite3"

[telegram]
persistence_path = "percakapan.pickle"

[office]
name = "Dinas Contoh"
timezone = "Asia/Jakarta"
"""


def nip(i: int) -> str:
    """Distinct 18-digit NIPs: birth date, TMT 2005-01, gender, sequence."""
    return f"198001{1 + (i // 1000) % 28:02d}200501{1 + i % 2}{i % 1000:03d}"


async def seed(db: Database, count: int, absent_share: float, calendar: OfficeCalendar) -> int:
    rng = random.Random(5)
    kabid_count = max(1, count // 100)
    rows = []
    for i in range(count):
        if i == 0:
            atasan, peran = None, "kepala"
        elif i <= kabid_count:
            atasan, peran = nip(0), "pegawai"
        else:
            atasan, peran = nip(1 + i % kabid_count), "pegawai"
        rows.append((nip(i), f"Pegawai {i:05d}", "Pelaksana", "III/a", f"Bidang {i % 12}",
                     atasan, f"U{i:05d}", peran, 100_000 + i, 100_000 + i,
                     "2026-01-01T08:00:00+07:00", "2026-01-01T08:00:00+07:00"))
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO employees (nip, nama, jabatan, golongan, unit, atasan_nip, "
            "device_user_id, peran, telegram_user_id, telegram_chat_id, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
    punches = []
    absences = []
    first, last = dt.date(*MONTH, 1), MORNING.date()
    for day in calendar.working_days(first, last):
        is_morning = day == MORNING.date()
        for i in range(count):
            user = f"U{i:05d}"
            roll = rng.random()
            if roll < 0.02:
                absences.append((nip(i), day.isoformat(), rng.choice(("S", "I", "DL", "CT"))))
                continue
            if roll < 0.02 + (absent_share if is_morning else 0.03):
                continue
            arrive = dt.datetime.combine(day, dt.time(7, 20)) + dt.timedelta(
                seconds=rng.gauss(0, 600))
            scans = [arrive]
            if not is_morning and rng.random() > 0.02:
                scans.append(dt.datetime.combine(day, dt.time(16, 10)) + dt.timedelta(
                    seconds=rng.gauss(0, 900)))
            for scan in scans:
                if is_morning and scan > MORNING.replace(tzinfo=None):
                    continue
                punches.append((f"SN{i % 2}", user, scan.replace(microsecond=0).isoformat()
                                + "+07:00", day.isoformat()))
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO punches (device_serial, device_user_id, punched_at, local_date, "
            "source, received_at) VALUES (?, ?, ?, ?, 'pull', '2026-11-02T08:00:00+07:00')",
            punches)
        await conn.executemany(
            "INSERT INTO absence_days (nip, day, code) VALUES (?, ?, ?)", absences)
    return len(punches)


async def main(options: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "presensi.toml"
        config.write_text(CONFIG, encoding="utf-8")
        settings = load_settings(str(config))
        policy, calendar = settings.attendance, OfficeCalendar(settings.calendar)
        db = await open_database(settings.database.path)
        started = time.perf_counter()
        punch_count = await seed(db, options.employees, options.absent, calendar)
        print(f"seeded {options.employees} employees, {punch_count} scans "
              f"in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        month = await attendance.month_attendance(db, policy, calendar, *MONTH,
                                                  today=dt.date(2026, 10, 31))
        elapsed = time.perf_counter() - started
        cells = sum(len(e.days) for e in month.employees)
        print(f"month_attendance Oct 2026: {cells} employee-days in {elapsed:.2f} s "
              f"({cells / elapsed:,.0f} per s)")

        started = time.perf_counter()
        statuses = await attendance.day_statuses(db, policy, calendar, MORNING.date(), MORNING)
        print(f"day_statuses 2 Nov 08:00: {len(statuses)} employees in "
              f"{time.perf_counter() - started:.3f} s")

        started = time.perf_counter()
        tk = await attendance.tk_days(db, policy, calendar, dt.date(2026, 1, 1),
                                      dt.date(2026, 11, 1))
        print(f"tk_days 2026 (PP 94 ladder): {sum(len(v) for v in tk.values())} TK days in "
              f"{time.perf_counter() - started:.2f} s")

        started = time.perf_counter()
        lost = await attendance.lost_minutes(db, policy, calendar, dt.date(2026, 1, 1),
                                             dt.date(2026, 11, 1))
        print(f"lost_minutes 2026 (PP 94 ladder, late/early minutes): "
              f"{sum(m.total for m in lost.values())} minutes of {len(lost)} employees in "
              f"{time.perf_counter() - started:.2f} s")
        await db.close()

        api = RecordingRequest()
        app = build_application(settings, request=api, clock=FixedClock(MORNING),
                                token=TEST_TOKEN)
        await app.initialize()
        await start_services(app)
        try:
            services = app.bot_data[SERVICES_KEY]
            started = time.perf_counter()
            notices = await alerts.plan_morning(services.db, policy, services.calendar, MORNING)
            notices += await alerts.plan_ladder(services.db, policy, services.calendar, MORNING)
            print(f"planning the morning: {len(notices)} notices in "
                  f"{time.perf_counter() - started:.2f} s")
            api.clear()
            started = time.perf_counter()
            queued = await alerts.queue_run(services.db, policy, alerts.MORNING_JOB,
                                            MORNING.date(), notices, MORNING)
            written = time.perf_counter() - started
            while await outbox.flush(app):
                pass
            elapsed = time.perf_counter() - started
            sent = len(api.sent("sendMessage"))
            counts = await rows.counts(services.db)
            print(f"written to the outbox: {queued.queued} notices in {queued.messages} rows in "
                  f"{written:.2f} s")
            print(f"sent through the outbox sender (AIORateLimiter): {sent} messages in "
                  f"{elapsed:.1f} s = {sent / elapsed:.1f} messages/s (floor: 30/s, the Bot API "
                  f"broadcast limit); rows by status: {counts}")
            api.clear()
            started = time.perf_counter()
            again = await run_morning(app)
            assert again is None  # the run is recorded with its rows: no second run today
            async with services.db.transaction() as conn:
                await conn.execute("DELETE FROM job_runs")
            again = await run_morning(app)
            assert again is not None
            while await outbox.flush(app):
                pass
            print(f"the morning job re-run with its record lost: "
                  f"{len(api.sent('sendMessage'))} messages ({again.already} notices already "
                  f"queued) in {time.perf_counter() - started:.2f} s")
        finally:
            await app.shutdown()
            await stop_services(app)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=5000)
    parser.add_argument("--absent", type=float, default=0.10,
                        help="share of employees without a scan by 08:00 on the morning")
    asyncio.run(main(parser.parse_args()))
