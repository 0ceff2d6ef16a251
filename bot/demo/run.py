"""The demo office, end to end, through the real services.

`run_demo` writes the office's config and employee CSV into an empty folder, imports the
employees with the real import, serves their month of punches from the device simulator to the
real sync, files and approves their requests through the approval chain, computes the month and
carries the recap through its paraf chain to the Kepala's signature. It puts device, services
and reports together, because that is what it demonstrates, so it belongs to the wiring.
Each step reports to a `Progress` so the command line can show where it is.
"""

from __future__ import annotations

import csv
import datetime as dt
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.demo.office import (
    FIELD_SITE,
    FIELD_UNIT,
    OFFICE_SITE,
    DemoMonth,
    DemoPerson,
    DemoRequest,
    build_people,
    plan_month,
)
from device.machine_data import MachinePunch, MachineUser
from device.simulator import Machine, Simulator
from device.sync import sync_all
from reports.recap_pdf import render_pdf
from reports.recap_xlsx import render_xlsx
from services import employees, location, recap, requests
from services.approval_chain import PERTIMBANGAN, SETUJUI
from services.attendance import month_attendance
from services.attendance_model import EXCUSED_CODES, PRESENT_CODES, MonthAttendance
from services.attendance_rules import EARLY, LATE, NO_IN, NO_OUT, NO_RECORD
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.employee_import import HEADER, import_employees
from services.employees import Employee
from services.errors import DomainError
from services.recap import RecapEnv
from services.request_rules import attachment_needed
from services.request_types import request_type
from services.requests import Attachment, Draft
from services.storage import Database, open_database

log = logging.getLogger(__name__)

MARKER = ".presensi-demo"
DEMO_SERIAL = "DEMO0001"
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
    punches_synced: int
    location_punches: int
    requests_approved: int
    requests_refused: int
    recap_agenda_number: str | None
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

# The office's machine. `presensi demo` serves it from a simulator on a free port instead.
[[devices]]
name = "Mesin Lobi"
host = "127.0.0.1"
port = 4370

# A push (ADMS) machine, accepted only from its own address.
[adms]
enabled = false
host = "127.0.0.1"
port = 8081

[[adms.machines]]
serial = "DEMO0000ADMS1"
name = "Mesin Pintu Samping"
allow_from = ["127.0.0.1/32"]

# Presensi lokasi: /absen and a Telegram live location inside one of these sites.
{_site(OFFICE_SITE)}
{_site(FIELD_SITE)}
[location]
units = ["{FIELD_UNIT}"]
"""


def _site(site: tuple[str, float, float, int]) -> str:
    name, latitude, longitude, radius = site
    return (f'[[sites]]\nname = "{name}"\nlatitude = {latitude}\nlongitude = {longitude}\n'
            f"radius_m = {radius}\n")


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
    # The recap is made on the next working morning after the last demo day, as an office would.
    clock = FixedClock(dt.datetime.combine(calendar.next_working_day(days[-1]), dt.time(8, 0),
                                           tzinfo=settings.office.timezone))

    db = await open_database(settings.database.path)
    try:
        progress.step(f"Mengimpor {len(people)} pegawai dari {csv_path.name}")
        await _import(db, csv_path, clock.now())
        progress.step(f"Menyinkronkan {len(plan.punches)} data pindaian dari simulator mesin")
        synced = await _sync(db, settings, people, plan, clock)
        progress.step(f"Mencatat {len(plan.located)} presensi lokasi di {FIELD_SITE[0]} "
                      "lewat lokasi langsung Telegram")
        located = await _locate(db, settings, plan)
        progress.step(f"Mengajukan dan menyetujui {len(plan.requests)} izin, sakit, dinas luar "
                      "dan cuti")
        approved, refused = await _file_requests(db, settings, calendar, plan, progress)
        progress.step("Menghitung kehadiran sebulan")
        month = await month_attendance(db, settings.attendance, calendar, options.year,
                                       options.month, today=days[-1])
        progress.step("Menyusun rekap: draf, paraf Kasubbag dan Sekretaris, tanda tangan Kepala")
        pdf_bytes, xlsx_bytes, agenda_number = await _recap(
            db, settings, calendar, options.year, options.month, people, clock)
    finally:
        await db.close()
    stem = f"rekap-kehadiran-{options.year}-{options.month:02d}"
    pdf = options.folder / f"{stem}.pdf"
    xlsx = options.folder / f"{stem}.xlsx"
    pdf.write_bytes(pdf_bytes)
    xlsx.write_bytes(xlsx_bytes)
    return DemoResult(folder=options.folder, config=config, employees=len(people),
                      working_days=len(days), punches_synced=synced,
                      location_punches=located,
                      requests_approved=approved, requests_refused=refused,
                      recap_agenda_number=agenda_number,
                      files=(config, csv_path, settings.database.path, pdf, xlsx),
                      summary_header=SUMMARY_HEADER, summary=month_summary(month))


async def _import(db: Database, csv_path: Path, at: dt.datetime) -> None:
    result = await import_employees(db, csv_path, at=at)
    if result.errors:
        raise DemoError("Impor pegawai demo gagal: " + "; ".join(
            f"baris {e.line}: {e.reason}" for e in result.errors[:3]))


async def _sync(db: Database, settings: Settings, people: tuple[DemoPerson, ...],
                plan: DemoMonth, clock: FixedClock) -> int:
    """Serve the month's punches from a simulated machine and pull them with the real sync."""
    users = [MachineUser(uid=i, user_id=p.device_user_id, name=p.nama[:24])
             for i, p in enumerate(people, start=1)]
    machine = Machine(serial=DEMO_SERIAL, users=users, tz=settings.office.timezone,
                      clock=clock.now)
    machine.add_punches([MachinePunch(p.device_user_id, p.at) for p in plan.punches])
    async with Simulator(machine) as simulator:
        # The config names the machine at its usual port; the simulator listens on a free one.
        devices = replace(settings.devices, machines=tuple(
            replace(m, port=simulator.port) for m in settings.devices.machines))
        reports = await sync_all(db, devices, clock)
    failed = [r for r in reports if not r.ok]
    if failed or not reports:
        raise DemoError("Sinkronisasi simulator gagal: " + "; ".join(
            f"{r.machine}: {r.error_detail or r.error_kind}" for r in failed))
    return sum(r.new for r in reports)


async def _locate(db: Database, settings: Settings, plan: DemoMonth) -> int:
    """Each field-post punch through the real presensi lokasi check: a live location a few
    dozen metres from the post, then the update Telegram sends when the check's time is up.
    The demo's people have no Telegram chat, so their machine id stands in for the chat id."""
    policy, zone = settings.location, settings.office.timezone
    _, latitude, longitude, _ = FIELD_SITE
    recorded = 0
    for index, punch in enumerate(plan.located, start=1):
        async with db.read() as conn:
            employee = await employees.by_device_user_id(conn, punch.device_user_id)
        assert employee is not None, punch.device_user_id
        start = punch.at.replace(tzinfo=zone)
        later = start + dt.timedelta(seconds=policy.check_seconds)
        offset = 0.0002 * (index % 4)       # 0–70 m north of the post's centre
        result = None
        for at, edited, accuracy in ((start, False, 12.0), (later, True, 9.0)):
            result = await location.receive_location(
                db, policy, zone, employee, chat_id=int(punch.device_user_id), message_id=index,
                fix=location.Fix(latitude + offset, longitude, accuracy, at, live_period=900),
                edited=edited, telegram_user_id=None, now=at)
        if result is None or result.state != location.RECORDED:
            raise DemoError(f"Presensi lokasi demo tidak tercatat: {result}")
        recorded += 1
    return recorded


def _filed_at(request: DemoRequest, zone: ZoneInfo) -> dt.datetime:
    """When a person files: leave a week ahead, duty the afternoon before, the rest that
    morning."""
    if request.type_key == "cuti_tahunan":
        day, hour = request.start - dt.timedelta(days=7), 9
    elif request.type_key == "dinas_luar":
        day, hour = request.start - dt.timedelta(days=1), 14
    else:
        day, hour = request.start, 7
    return dt.datetime.combine(day, dt.time(hour), tzinfo=zone)


def _attachment(request: DemoRequest) -> Attachment | None:
    """A stand-in for the letter a person would upload in Telegram. Its file id is no Telegram
    file (the demo runs without Telegram); the `demo-` prefix says so."""
    kind = request_type(request.type_key)
    if kind is None or not attachment_needed(kind):
        return None
    name = "surat-tugas.pdf" if request.type_key == "dinas_luar" else "surat-dokter.pdf"
    return Attachment(file_id=f"demo-{request.nip}-{request.start:%Y%m%d}-{name}", kind="pdf",
                      name=name, size=85_000)


async def _file_requests(db: Database, settings: Settings, calendar: OfficeCalendar,
                         plan: DemoMonth, progress: Progress) -> tuple[int, int]:
    """File every planned request as its employee would and let each approver in the chain
    approve it. Requests the rules refuse (e.g. leave without enough balance) are counted."""
    approved = refused = 0
    zone = settings.office.timezone
    for index, planned in enumerate(plan.requests, start=1):
        at = _filed_at(planned, zone)
        async with db.read() as conn:
            employee = await employees.by_nip(conn, planned.nip)
        assert employee is not None, planned.nip
        try:
            await requests.check_dates(db, settings.requests, calendar, employee,
                                       planned.type_key, planned.start, planned.end,
                                       today=at.date())
            draft = Draft(planned.type_key, planned.start, planned.end, planned.reason,
                          _attachment(planned))
            view = await requests.submit(db, settings.requests, calendar, employee, draft,
                                         at=at, telegram_user_id=None)
            while view.current is not None:
                at += dt.timedelta(hours=1)
                decision = await requests.decide(
                    db, settings.requests, calendar, settings.office, request_id=view.id,
                    position=view.current_step, round_=view.round,
                    # The atasan's step of a cuti gives a pertimbangan, which passes it on.
                    action=SETUJUI if SETUJUI in view.current.actions else PERTIMBANGAN[0],
                    nip=view.current.actors[0].nip, note=None, at=at, telegram_user_id=None)
                view = decision.request
            approved += 1
        except DomainError as refusal:
            log.info("demo.request_refused type=%s nip=%s reason=%s", planned.type_key,
                     planned.nip, type(refusal).__name__)
            refused += 1
        progress.advance(index, len(plan.requests))
    return approved, refused


async def _recap(db: Database, settings: Settings, calendar: OfficeCalendar, year: int,
                 month: int, people: tuple[DemoPerson, ...], clock: FixedClock
                 ) -> tuple[bytes, bytes, str | None]:
    """The recap through its real paraf chain: the Pengelola Kepegawaian drafts and submits,
    the Kasubbag and the Sekretaris initial, the Kepala signs (agenda number, archive copy).
    Returns the signed PDF, the spreadsheet and the agenda number."""
    env = RecapEnv(office=settings.office, policy=settings.attendance, calendar=calendar,
                   settings=settings.recap, render_pdf=render_pdf, render_xlsx=render_xlsx,
                   chain=settings.workflows.catalogue.recap_chain())
    by_role: dict[str, Employee] = {}
    async with db.read() as conn:
        for role in ("admin", "kasubbag", "sekretaris", "kepala"):
            nip = next(p.nip for p in people if p.peran == role)
            employee = await employees.by_nip(conn, nip)
            assert employee is not None, nip
            by_role[role] = employee
    built = await recap.build_draft(db, env, clock, year, month, actor=by_role["admin"])
    xlsx = await recap.spreadsheet(db, env, built.recap.id)
    clock.advance(minutes=30)
    outcome = await recap.submit(db, env, clock, built.recap.id, built.recap.rev,
                                 actor=by_role["admin"])
    for role in ("kasubbag", "sekretaris", "kepala"):
        clock.advance(hours=2)
        outcome = await recap.approve(db, env, clock, outcome.recap.id, outcome.recap.rev,
                                      actor=by_role[role])
    return outcome.pdf, xlsx, outcome.recap.agenda_number


SUMMARY_HEADER = ("Unit", "Pegawai", "Hadir", "Dinas luar", "Terlambat", "Pulang cepat",
                  "Tanpa pindai", "Izin/sakit/cuti", "TK", "Potongan TPP")


def month_summary(month: MonthAttendance) -> tuple[SummaryRow, ...]:
    """Per unit, in person-days, counted as the recap counts them (dinas luar is present):
    present, of which on duty elsewhere, late, left early, a missing scan, excused, TK; and the
    average TPP deduction. The last row is the whole office."""
    units: dict[str, list[int]] = {}
    deductions: dict[str, list[float]] = {}
    for person in month.employees:
        for unit in (person.unit, ""):
            figures = units.setdefault(unit, [0] * 8)
            deductions.setdefault(unit, []).append(person.tpp_deduction_percent)
            figures[0] += 1
            for day in person.days:
                codes = set(day.codes)
                present = bool(codes & PRESENT_CODES)
                figures[1] += present
                figures[2] += "DL" in codes
                figures[3] += any(c.startswith(LATE) for c in codes)
                figures[4] += any(c.startswith(EARLY) for c in codes)
                figures[5] += bool(codes & {NO_IN, NO_OUT})
                figures[6] += not present and bool(codes & EXCUSED_CODES)
                figures[7] += NO_RECORD in codes
    rows = []
    for unit in sorted(units, key=lambda u: (u == "", u)):
        figures = units[unit]
        average = sum(deductions[unit]) / len(deductions[unit])
        rows.append(SummaryRow(unit or "Seluruh kantor",
                               (*map(str, figures), f"{average:.2f}%".replace(".", ","))))
    return tuple(rows)
