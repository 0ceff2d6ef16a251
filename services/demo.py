"""The demo office, end to end, through the real services.

`prepare_folder` writes the office's config and employee CSV; `run_demo` then imports the
employees with the real import, and walks the month the way an office would. Each step reports
to a `Progress` so the command line can show where it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from services.attendance import month_attendance
from services.attendance_model import MonthAttendance
from services.attendance_rules import ABSENCE_CODES, EARLY, LATE, NO_IN, NO_OUT, NO_RECORD, PRESENT
from services.calendar import OfficeCalendar
from services.demo_office import DemoPerson, build_people
from services.employee_import import HEADER, import_employees
from services.errors import DomainError
from services.storage import open_database

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
        progress.step("Menghitung kehadiran sebulan")
        month = await month_attendance(db, settings.attendance, calendar, options.year,
                                       options.month, today=days[-1])
    finally:
        await db.close()
    return DemoResult(folder=options.folder, config=config, employees=len(people),
                      working_days=len(days), files=(config, csv_path, settings.database.path),
                      summary_header=SUMMARY_HEADER, summary=month_summary(month))


SUMMARY_HEADER = ("Unit", "Pegawai", "Hadir", "Terlambat", "Pulang cepat", "Tanpa pindai",
                  "Izin/cuti", "TK", "Potongan TPP")


def month_summary(month: MonthAttendance) -> tuple[SummaryRow, ...]:
    """Per unit, in person-days: present, late, left early, a missing scan, excused, TK; and
    the average TPP deduction. The last row is the whole office."""
    units: dict[str, list[int]] = {}
    deductions: dict[str, list[float]] = {}
    for person in month.employees:
        for unit in (person.unit, ""):
            figures = units.setdefault(unit, [0] * 7)
            deductions.setdefault(unit, []).append(person.tpp_deduction_percent)
            figures[0] += 1
            for day in person.days:
                codes = day.codes
                present = any(c == PRESENT or c.startswith((LATE, EARLY)) or c in (NO_IN, NO_OUT)
                              for c in codes)
                figures[1] += present
                figures[2] += any(c.startswith(LATE) for c in codes)
                figures[3] += any(c.startswith(EARLY) for c in codes)
                figures[4] += any(c in (NO_IN, NO_OUT) for c in codes)
                figures[5] += any(c in ABSENCE_CODES for c in codes)
                figures[6] += NO_RECORD in codes
    rows = []
    for unit in sorted(units, key=lambda u: (u == "", u)):
        figures = units[unit]
        average = sum(deductions[unit]) / len(deductions[unit])
        rows.append(SummaryRow(unit or "Seluruh kantor",
                               (*map(str, figures), f"{average:.2f}%".replace(".", ","))))
    return tuple(rows)
