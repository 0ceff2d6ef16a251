"""The demo office, end to end, through the real services.

`prepare_folder` writes the office's config and employee CSV; `run_demo` then imports the
employees with the real import, and walks the month the way an office would. Each step reports
to a `Progress` so the command line can show where it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from services.calendar import OfficeCalendar
from services.demo_office import DemoMonth, DemoPerson, build_people, plan_month
from services.employee_import import HEADER, import_employees
from services.errors import DomainError
from services.storage import Database, open_database

if TYPE_CHECKING:
    from bot.config import Settings

MARKER = ".presensi-demo"
CONFIG_NAME = "presensi.toml"
EMPLOYEES_NAME = "pegawai.csv"


class DemoError(DomainError):
    pass


class Progress(Protocol):
    def step(self, title: str) -> None:
        """A new step begins."""

    def advance(self, done: int, total: int) -> None:
        """Part of a long step is done."""


@dataclass(frozen=True)
class DemoOptions:
    folder: Path
    employees: int
    year: int
    month: int
    days: int | None = None      # only the first N working days (tests, quick looks)
    seed: int = 17


@dataclass(frozen=True)
class SummaryRow:
    label: str
    values: tuple[str, ...]


@dataclass(frozen=True)
class DemoResult:
    folder: Path
    config: Path
    employees: int
    working_days: int
    files: tuple[Path, ...]
    summary_header: tuple[str, ...]
    summary: tuple[SummaryRow, ...]


def prepare_folder(folder: Path) -> None:
    """An empty folder for the demo; an earlier demo there is replaced, anything else refused."""
    if folder.exists() and any(folder.iterdir()):
        if not (folder / MARKER).is_file():
            raise DemoError(f"Folder {folder} sudah berisi berkas lain. Pilih folder kosong "
                            "dengan --folder.")
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / MARKER).write_text("Folder ini dibuat oleh `presensi demo` dan boleh dihapus.\n",
                                 encoding="utf-8")


def write_employee_csv(path: Path, people: tuple[DemoPerson, ...]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(person.row() for person in people)
    return path


def demo_config_text(office_name: str = "Dinas Komunikasi dan Informatika") -> str:
    """The demo office's presensi.toml: a working config an operator can copy from."""
    return f"""# Konfigurasi kantor demo, dibuat oleh `presensi demo`.
[telegram]
token = ""
admin_chat_id = 0
persistence_path = "data/percakapan.pickle"

[database]
path = "data/presensi.sqlite3"

[office]
name = "{office_name}"
government = "Pemerintah Kota Contoh"
timezone = "Asia/Jakarta"
address = "Jl. Merdeka No. 1, Kota Contoh 12345"
city = "Kota Contoh"
unit_code = "DISKOMINFO"

[backup]
dir = "data/cadangan"
keep = 7
"""


def month_working_days(calendar: OfficeCalendar, year: int, month: int,
                       limit: int | None) -> list[dt.date]:
    first = dt.date(year, month, 1)
    last = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
    days = calendar.working_days(first, last)
    return days[:limit] if limit is not None else days


async def run_demo(options: DemoOptions, load: Callable[[Path], Settings],
                   progress: Progress) -> DemoResult:
    """Build the demo office in `options.folder` and walk its month through the services.

    `load` turns the written config file into Settings (the caller owns config parsing).
    """
    progress.step("Menyiapkan folder kantor demo")
    prepare_folder(options.folder)
    config = options.folder / CONFIG_NAME
    config.write_text(demo_config_text(), encoding="utf-8")
    settings = load(config)
    people = build_people(options.employees, options.seed)
    csv_path = write_employee_csv(options.folder / EMPLOYEES_NAME, people)
    calendar = OfficeCalendar(settings.calendar)
    days = month_working_days(calendar, options.year, options.month, options.days)
    if not days:
        raise DemoError("Bulan demo tidak memiliki hari kerja.")
    plan = plan_month(people, days, options.seed)
    # The recap is made on the morning after the last demo day, as an office would.
    now = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time(8, 0),
                              tzinfo=settings.office.timezone)

    db = await open_database(settings.database.path)
    try:
        progress.step(f"Mengimpor {len(people)} pegawai dari {csv_path.name}")
        result = await import_employees(db, csv_path, at=now)
        if result.errors:
            raise DemoError("Impor pegawai demo gagal: " + "; ".join(
                f"baris {e.line}: {e.reason}" for e in result.errors[:3]))
        header, summary = await _summary(db, people, plan)
    finally:
        await db.close()
    return DemoResult(folder=options.folder, config=config, employees=len(people),
                      working_days=len(days), files=(config, csv_path, settings.database.path),
                      summary_header=header, summary=summary)


async def _summary(db: Database, people: tuple[DemoPerson, ...], plan: DemoMonth
                   ) -> tuple[tuple[str, ...], tuple[SummaryRow, ...]]:
    """Per unit: how many people, and how the planned month breaks down."""
    async with db.read() as conn, conn.execute(
            "SELECT unit, count(*) AS n FROM employees WHERE active = 1 GROUP BY unit"
            " ORDER BY unit") as cursor:
        units = {row["unit"]: row["n"] for row in await cursor.fetchall()}
    unit_of = {p.nip: p.unit for p in people}
    behaviour: dict[str, Counter[str]] = {unit: Counter() for unit in units}
    for (nip, _day), what in plan.behaviour.items():
        behaviour[unit_of[nip]][what] += 1
    header = ("Unit", "Pegawai", "Hari-orang", "Normal", "Terlambat", "Izin/cuti")
    rows = tuple(SummaryRow(unit, (str(n), str(sum(behaviour[unit].values())),
                                   str(behaviour[unit]["normal"]), str(behaviour[unit]["late"]),
                                   str(sum(behaviour[unit][k] for k in
                                           ("sick", "permit", "duty", "leave")))))
                 for unit, n in units.items())
    return header, rows
