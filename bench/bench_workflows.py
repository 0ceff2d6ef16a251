"""How the SOP workflow pieces scale: the SLA watch over many open files, an actor's tap,
the /pantau table, and the monthly compliance figures and PDF.

Builds an office (one admin, kasubbag, sekretaris, kepala and many staff), opens files of the
shipped Kenaikan Gaji Berkala SOP spread over its steps and a month of step history (at the
schema before the approval engine, then migrated), then times the service calls the bot makes.
Prints figures; asserts nothing.

    .venv/bin/python bench/bench_workflows.py [--staff 400] [--files 2000] [--history 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

from reports.sla_report import render_sla_report
from services import employees
from services.calendar import CalendarRules, OfficeCalendar
from services.office import Office
from services.storage import Database, open_database
from services.workflows import files as wf
from services.workflows.files import WorkflowEnv
from services.workflows.loader import load_catalogue
from services.workflows.monitor import due_notices, monthly_compliance, watch
from services.workflows.sla import OfficeTime, WorkingHours

WIB = ZoneInfo("Asia/Jakarta")
NOW = dt.datetime(2026, 10, 28, 10, 0, tzinfo=WIB)
STAMP = "2026-10-01T07:30:00+07:00"


def nip(index: int) -> str:
    """Birth date, TMT year and month (used as a thousands counter), gender, sequence."""
    return f"198501012010{index // 1000 + 1:02d}1{index % 1000:03d}"


async def seed(db: Database, staff: int, files: int, history: int) -> None:
    heads = [("kepala", None), ("sekretaris", 0), ("kasubbag", 1), ("admin", 2)]
    rows = [(nip(i), f"Pegawai {i}", peran, nip(boss) if boss is not None else None)
            for i, (peran, boss) in enumerate(heads)]
    rows += [(nip(i), f"Pegawai {i}", "pegawai", nip(2)) for i in range(4, 4 + staff)]
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO employees (nip, nama, peran, atasan_nip, telegram_user_id, "
            "telegram_chat_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [(n, name, peran, boss, 10_000 + i, 10_000 + i, STAMP, STAMP)
             for i, (n, name, peran, boss) in enumerate(rows)])
        rng = random.Random(7)
        for i in range(files):
            started = NOW - dt.timedelta(minutes=rng.randint(1, 600))
            cursor = await conn.execute(
                "INSERT INTO workflow_files (workflow_key, workflow_name, applicant_nip, status,"
                " step_index, step_started_at, created_at, submitted_at) VALUES "
                "('kenaikan_gaji_berkala', 'Kenaikan Gaji Berkala', ?, 'berjalan', ?, ?, ?, ?)",
                (nip(4 + i % staff), rng.randint(0, 4), started.isoformat(), STAMP, STAMP))
            await conn.executemany(
                "INSERT INTO workflow_documents (file_id, doc_key, telegram_file_id, kind, "
                "file_name, size, uploaded_at) VALUES (?, ?, ?, 'document', ?, 1000, ?)",
                [(cursor.lastrowid, key, f"f{i}-{key}", f"{key}.pdf", STAMP)
                 for key in ("sk_kgb", "sk_pangkat", "skp")])
        steps = ["periksa", "ajukan", "tandatangan", "agenda", "arsip"]
        await conn.executemany(
            "INSERT INTO workflow_steps (file_id, workflow_key, step_index, step_key, actor_nip,"
            " action, output, standard_minutes, elapsed_minutes, started_at, acted_at) VALUES "
            "(?, 'kenaikan_gaji_berkala', ?, ?, ?, 'teruskan', 'x', 10, ?, ?, ?)",
            [(1 + k % files, k % 5, steps[k % 5], nip(3), rng.uniform(1, 30), STAMP,
              (NOW - dt.timedelta(days=rng.randint(0, 26))).isoformat())
             for k in range(history)])


async def timed(label: str, work):  # type: ignore[no-untyped-def]
    began = time.perf_counter()
    result = await work
    print(f"{label:<52} {1000 * (time.perf_counter() - began):8.1f} ms")
    return result


async def main(staff: int, files: int, history: int) -> None:
    calendar = OfficeCalendar(CalendarRules())
    env = WorkflowEnv(load_catalogue(),
                      OfficeTime(WorkingHours(dt.time(7, 30), dt.time(16, 0)),
                                 calendar.is_working_day), "DISKOMINFO")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "presensi.sqlite3"
        # Seeded as the release before the approval engine stored files, so the run also
        # times the migration of files in flight.
        old = await open_database(path, up_to=8)
        await seed(old, staff, files, history)
        await old.close()
        print(f"office of {staff + 4} employees, {files} open files, {history} step records")
        began = time.perf_counter()
        db = await open_database(path)
        adopted = await wf.adopt_migrated(db, env.catalogue)
        print(f"{'migration to the engine + adopt_migrated()':<52} "
              f"{1000 * (time.perf_counter() - began):8.1f} ms ({adopted} files)")
        items = await timed(f"watch(): /pantau over {files} open files", watch(db, env, NOW))
        print(f"{'':<52} late or escalated: {sum(i.level != 'tepat' for i in items)}")
        notices = await timed("due_notices(): first SLA run (marks and audits)",
                              due_notices(db, env, NOW))
        print(f"{'':<52} notices: {len(notices)}")
        await timed("due_notices(): next run (nothing new)", due_notices(db, env, NOW))

        async with db.read() as conn:
            admin = await employees.by_nip(conn, nip(3))
        assert admin is not None
        latencies = []
        for item in items:
            if len(latencies) == 200:
                break
            if item.file.step is None or admin.nip not in {a.nip for a in item.actors}:
                continue
            began = time.perf_counter()
            await wf.act(db, env, item.file.id, item.file.version, admin, "teruskan", NOW)
            latencies.append(time.perf_counter() - began)
        print(f"{'act(): one tap (median / max of ' + str(len(latencies)) + ')':<52} "
              f"{1000 * statistics.median(latencies):8.1f} ms / {1000 * max(latencies):.1f} ms")

        rows = await timed("monthly_compliance(): October", monthly_compliance(db, env, 2026,
                                                                                10))
        office = Office("Dinas Komunikasi dan Informatika", WIB, government="Kota Contoh")
        began = time.perf_counter()
        pdf = await asyncio.to_thread(render_sla_report, office, 2026, 10, rows, NOW)
        print(f"{'render_sla_report(): PDF':<52} {1000 * (time.perf_counter() - began):8.1f} ms"
              f" ({len(pdf) / 1024:.0f} KiB)")
        await db.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--staff", type=int, default=400)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--history", type=int, default=20000)
    args = parser.parse_args()
    asyncio.run(main(args.staff, args.files, args.history))
