"""Opening cuti tahunan balances from the paper era: the rules, the import, /saldo and the
request check through the real Application."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from openpyxl import Workbook

from bot.cli import main
from bot.config import Settings
from services import audit, employees
from services import requests as svc
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.employee_import import ImportFileError, ImportResult
from services.leave_balance import LeaveBalance, Opening, available_days, opening_problem
from services.leave_opening_import import HEADER, import_leave_openings
from services.storage import Database
from tests.conftest import BASE_CONFIG, tg
from tests.support.harness import Harness
from tests.support.office import (
    KABID,
    KASUBBAG,
    KEPALA,
    STAFF_A,
    STAFF_B,
    STAFF_C,
    Person,
    write_csv,
)

D = dt.date
# Appointed (TMT) June 2025: one year of service in June 2026, so nothing carries from 2025.
NEW_IN_2025 = "199801012025061009"
# Appointed March 2026: no cuti tahunan before March 2027.
NEW_IN_2026 = "199801012026031010"


# --- the rules ---------------------------------------------------------------------------------

def test_opening_figures_make_the_first_year() -> None:
    assert available_days(2026, {}, 2026, Opening(2026, 0, 4, 0)) == 16
    assert available_days(2026, {}, 2026, Opening(2026, 6, 6, 0)) == 24
    # Days taken on paper count as use of the opening year at its end: 18 − (5 + 3) = 10
    # left, of which 6 carry.
    assert available_days(2027, {2026: 3}, 2026, Opening(2026, 0, 6, 5)) == 18
    # 16 − (9 + 4) = 3 left → 15 the next year.
    assert available_days(2027, {2026: 4}, 2026, Opening(2026, 0, 4, 9)) == 15
    # Nothing left at all → 12.
    assert available_days(2027, {}, 2026, Opening(2026, 0, 4, 16)) == 12
    with pytest.raises(ValueError):
        available_days(2026, {}, 2025, Opening(2026, 0, 0, 0))


def test_caps_after_an_opening_year() -> None:
    # Days from N-2 prove N-2 and N-1 were idle: an idle opening year makes the next 24.
    assert available_days(2027, {}, 2026, Opening(2026, 6, 6, 0)) == 24
    # One day taken before the bot ends the idle run: back to 18.
    assert available_days(2027, {}, 2026, Opening(2026, 6, 6, 1)) == 18
    # So does a day the bot approved.
    assert available_days(2027, {2026: 1}, 2026, Opening(2026, 6, 6, 0)) == 18
    # Without N-2 days the card does not say whether N-1 was idle: 18, then 24 after a second
    # idle year.
    assert available_days(2027, {}, 2026, Opening(2026, 0, 6, 0)) == 18
    assert available_days(2028, {}, 2026, Opening(2026, 0, 6, 0)) == 24
    # Never above 24, and later years follow the ordinary rules.
    assert available_days(2030, {}, 2026, Opening(2026, 6, 6, 0)) == 24
    assert available_days(2029, {2027: 20, 2028: 2}, 2026, Opening(2026, 6, 6, 0)) == 18


def test_opening_problems_name_the_broken_rule() -> None:
    long_ago = D(2010, 3, 1)
    assert opening_problem(Opening(2026, 6, 6, 24), long_ago) is None
    assert "sisa_n1 7 melebihi batas" in (opening_problem(Opening(2026, 0, 7, 0), long_ago)
                                          or "")
    assert "sisa_n2 7 melebihi batas" in (opening_problem(Opening(2026, 7, 6, 0), long_ago)
                                          or "")
    assert "sisa_n1 mestinya 6" in (opening_problem(Opening(2026, 3, 5, 0), long_ago) or "")
    assert "terpakai 19 melebihi hak tahun 2026 (18 hari kerja)" in (
        opening_problem(Opening(2026, 0, 6, 19), long_ago) or "")
    assert "belum berhak cuti tahunan pada tahun 2026" in (
        opening_problem(Opening(2026, 0, 0, 0), D(2027, 3, 1)) or "")
    assert "sisa_n1 harus 0: pada tahun 2025" in (
        opening_problem(Opening(2026, 0, 2, 0), D(2026, 6, 1)) or "")
    assert "sisa_n2 harus 0: pada tahun 2024" in (
        opening_problem(Opening(2026, 6, 6, 0), D(2025, 6, 1)) or "")
    assert opening_problem(Opening(2026, 0, 6, 0), D(2025, 6, 1)) is None


# --- the import --------------------------------------------------------------------------------

def _csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([",".join(HEADER), *lines]) + "\n", encoding="utf-8")
    return path


async def _import(db: Database, settings: Settings, clock: FixedClock,
                  path: Path) -> ImportResult:
    return await import_leave_openings(db, path, opening_year=2026,
                                       calendar=OfficeCalendar(settings.calendar), at=clock.now())


async def _balance(db: Database, settings: Settings, nip: str, year: int) -> LeaveBalance:
    return await svc.annual_balance(db, settings.requests, OfficeCalendar(settings.calendar),
                                    nip, year)


async def _add_employee(db: Database, nip: str) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO employees (nip, nama, atasan_nip, peran, created_at, updated_at) "
            "VALUES (?, 'Pegawai Baru', ?, 'pegawai', '2026-01-01', '2026-01-01')",
            (nip, KABID.nip))


async def _approved_cuti(db: Database, settings: Settings, clock: FixedClock, nip: str,
                         start: dt.date, end: dt.date, approvers: tuple[Person, ...]) -> None:
    calendar = OfficeCalendar(settings.calendar)
    async with db.read() as conn:
        employee = await employees.by_nip(conn, nip)
    assert employee is not None
    view = await svc.submit(db, settings.requests, calendar, employee,
                            svc.Draft("cuti_tahunan", start, end, "keperluan keluarga"),
                            at=clock.now(), telegram_user_id=None)
    for approver in approvers:
        current = await svc.get(db, view.id)
        await svc.decide(db, settings.requests, calendar, settings.office, request_id=view.id,
                         position=current.current_step, round_=current.round,
                         action="setujui" if current.current_step == len(current.steps) - 1
                         else "pertimbangan_setuju",
                         nip=approver.nip, note=None, at=clock.now(), telegram_user_id=None)


async def test_good_file_sets_the_opening_year(db: Database, office, settings: Settings,
                                               clock: FixedClock, tmp_path: Path) -> None:
    result = await _import(db, settings, clock, _csv(tmp_path / "saldo.csv", [
        f"{STAFF_A.nip},2026,6,6,4",
        f"{STAFF_B.nip};2026;0;3;".replace(";", ","),   # a blank cell is 0
    ]))
    assert (result.created, result.updated, result.unchanged, result.errors) == (2, 0, 0, [])
    a = await _balance(db, settings, STAFF_A.nip, 2026)
    assert (a.available, a.carried, a.used_before, a.remaining) == (24, 12, 4, 20)
    assert a.opening == Opening(2026, 6, 6, 4)
    b = await _balance(db, settings, STAFF_B.nip, 2026)
    assert (b.available, b.used_before, b.remaining) == (15, 0, 15)
    # The next year follows from the rules: 20 left of 2026, capped at 18; no opening there.
    a_next = await _balance(db, settings, STAFF_A.nip, 2027)
    assert (a_next.available, a_next.opening, a_next.remaining) == (18, None, 18)
    # Employees without a row keep the plain first year.
    c = await _balance(db, settings, STAFF_C.nip, 2026)
    assert (c.available, c.remaining) == (12, 12)
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "leave_opening", STAFF_A.nip)
    assert [e.action for e in entries] == ["leave_opening.import"]
    assert entries[0].detail["before"] is None
    assert entries[0].detail["after"] == {"carried_n2": 6, "carried_n1": 6, "used_before": 4}


async def test_every_kind_of_bad_row_is_reported_and_good_rows_kept(
        db: Database, office, settings: Settings, clock: FixedClock, tmp_path: Path) -> None:
    await _add_employee(db, NEW_IN_2025)
    await _add_employee(db, NEW_IN_2026)
    # Mon 12 – Fri 16 Oct 2026: five days STAFF_C already took through the bot.
    await _approved_cuti(db, settings, clock, STAFF_C.nip, D(2026, 10, 12), D(2026, 10, 16),
                         (KASUBBAG, KEPALA))
    lines = [
        f"{STAFF_A.nip},2026,0,6,2",                 # 2 good
        "12345,2026,0,0,0",                          # 3 bad NIP
        "198501012010011099,2026,0,0,0",             # 4 not in the registry
        f"{STAFF_B.nip},2025,0,0,0",                 # 5 not the tracking year
        f"{KABID.nip},2026,0,dua,0",                 # 6 not a number
        f"{KEPALA.nip},2026,0,-1,0",                 # 7 negative
        f"{KEPALA.nip},2026,0,0,1.5",                # 8 half a day
        f"{STAFF_B.nip},2026,0,7,0",                 # 9 above the N-1 cap
        f"{STAFF_B.nip},2026,6,3,0",                 # 10 N-2 without an idle N-1
        f"{STAFF_B.nip},2026,0,6,19",                # 11 more taken than the year holds
        f"{NEW_IN_2025},2026,0,2,0",                 # 12 no entitlement in 2025
        f"{NEW_IN_2026},2026,0,0,0",                 # 13 no entitlement in 2026
        f"{STAFF_A.nip},2026,0,0,0",                 # 14 duplicate of line 2
        f"{STAFF_C.nip},2026,0,0,10",                # 15 10 + 5 approved > 12
        f"{NEW_IN_2025},2026,0,0,1",                 # 16 good (line 12 was rejected)
    ]
    result = await _import(db, settings, clock, _csv(tmp_path / "salah.csv", lines))
    reasons = {e.line: e.reason for e in result.errors}
    assert set(reasons) == set(range(3, 16))
    assert "18 digit" in reasons[3]
    assert "NIP tidak terdaftar" in reasons[4]
    assert "tahun 2025 bukan tahun awal pencatatan" in reasons[5]
    assert "sisa_n1 'dua' bukan bilangan bulat" in reasons[6]
    assert "sisa_n1 '-1' bukan bilangan bulat" in reasons[7]
    assert "terpakai '1.5' bukan bilangan bulat" in reasons[8]
    assert "sisa_n1 7 melebihi batas" in reasons[9]
    assert "sisa_n1 mestinya 6" in reasons[10]
    assert "terpakai 19 melebihi hak" in reasons[11]
    assert "sisa_n1 harus 0" in reasons[12]
    assert "belum berhak cuti tahunan pada tahun 2026" in reasons[13]
    assert "NIP ganda dalam berkas (sudah ada di baris 2)" in reasons[14]
    assert "disetujui lewat bot pada tahun 2026 (5 hari kerja)" in reasons[15]
    assert result.created == 2
    a = await _balance(db, settings, STAFF_A.nip, 2026)
    assert (a.available, a.remaining) == (18, 16)
    c = await _balance(db, settings, STAFF_C.nip, 2026)
    assert (c.opening, c.remaining) == (None, 7)


async def test_reimport_updates_and_never_duplicates(db: Database, office, settings: Settings,
                                                     clock: FixedClock, tmp_path: Path) -> None:
    path = _csv(tmp_path / "saldo.csv", [f"{STAFF_A.nip},2026,0,6,4", f"{STAFF_B.nip},2026,0,2,0"])
    await _import(db, settings, clock, path)
    _csv(path, [f"{STAFF_A.nip},2026,0,6,7", f"{STAFF_B.nip},2026,0,2,0"])
    result = await _import(db, settings, clock, path)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    async with db.read() as conn:
        async with conn.execute("SELECT COUNT(*) FROM leave_openings") as cursor:
            row = await cursor.fetchone()
        entries = await audit.entries_for(conn, "leave_opening", STAFF_A.nip)
        b_entries = await audit.entries_for(conn, "leave_opening", STAFF_B.nip)
    assert row is not None and row[0] == 2
    assert len(entries) == 2 and len(b_entries) == 1   # unchanged rows leave no audit row
    assert entries[1].detail["before"] == {"carried_n2": 0, "carried_n1": 6, "used_before": 4}
    assert entries[1].detail["after"]["used_before"] == 7
    assert (await _balance(db, settings, STAFF_A.nip, 2026)).remaining == 11


async def test_xlsx_with_numeric_cells(db: Database, office, settings: Settings,
                                       clock: FixedClock, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["NIP", "Tahun", "Sisa_N2", "Sisa_N1", "Terpakai"])
    sheet.append([STAFF_A.nip, 2026, 0, 5, 3])          # NIP as text, numbers as numbers
    sheet.append([int(STAFF_B.nip), 2026, 0, 0, 0])     # NIP typed as a number
    sheet.append([None, None, None, None, None])        # blank row
    sheet.append([KABID.nip, 2026.0, 6.0, 6.0, 0.0])    # floats from formulas
    path = tmp_path / "saldo.xlsx"
    book.save(path)
    result = await _import(db, settings, clock, path)
    assert result.created == 2
    assert [(e.line, e.reason[:21]) for e in result.errors] == [(3, "NIP tersimpan sebagai")]
    assert (await _balance(db, settings, STAFF_A.nip, 2026)).remaining == 14
    assert (await _balance(db, settings, KABID.nip, 2026)).available == 24


async def test_wrong_header_is_refused_whole(db: Database, office, settings: Settings,
                                             clock: FixedClock, tmp_path: Path) -> None:
    path = tmp_path / "saldo.csv"
    path.write_text(f"nip,tahun,sisa,terpakai\n{STAFF_A.nip},2026,6,0\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match="sisa_n2, sisa_n1") as caught:
        await _import(db, settings, clock, path)
    assert ",".join(HEADER) in caught.value.message


def test_cli_imports_and_reports_rejected_rows(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "presensi.toml"
    config.write_text(BASE_CONFIG + "\n[requests]\nleave_tracking_from = 2026\n")
    assert main(["--config", str(config), "migrate"]) == 0
    assert main(["--config", str(config), "import-employees",
                 str(write_csv(tmp_path / "pegawai.csv"))]) == 0
    capsys.readouterr()
    path = _csv(tmp_path / "saldo.csv", [f"{STAFF_A.nip},2026,0,6,4",
                                         f"{STAFF_B.nip},2027,0,6,4"])
    assert main(["--config", str(config), "import-leave-balances", str(path)]) == 1
    out = capsys.readouterr().out
    assert "Saldo awal cuti tahun 2026 diimpor: 1 baris (baru 1" in out
    assert f"baris 3: {STAFF_B.nip}: tahun 2027 bukan tahun awal pencatatan" in out


# --- through the Application -------------------------------------------------------------------

async def test_opening_with_days_taken_limits_requests_and_shows_in_saldo(
        harness: Harness, office, db: Database, settings: Settings, clock: FixedClock,
        tmp_path: Path) -> None:
    h = harness
    employee = tg(STAFF_A)
    # The leave card: 3 days carried from 2025, 10 taken in 2026 before the bot → 5 left.
    result = await _import(db, settings, clock, _csv(tmp_path / "saldo.csv",
                                                     [f"{STAFF_A.nip},2026,0,3,10"]))
    assert result.created == 1
    await h.send(employee, "/saldo")
    shown = h.api.last_to(employee.id).text
    for line in ("Sisa tahun 2024 yang dibawa (kartu cuti): 0 hari kerja",
                 "Sisa tahun 2025 yang dibawa (kartu cuti): 3 hari kerja",
                 "Jumlah hak: 15 hari kerja",
                 "Diambil sebelum memakai bot (kartu cuti): 10 hari kerja",
                 "Sudah diambil: 0 hari kerja", "Sisa: 5 hari kerja"):
        assert line in shown

    # Mon 19 – Mon 26 Oct 2026: six working days, one more than is left.
    await h.send(employee, "/izin")
    await h.tap(employee, "rqf:t:cuti_tahunan")
    await h.tap(employee, "rqf:d:20261019", on=h.api.last_to(employee.id))
    await h.tap(employee, "rqf:until")
    await h.send(employee, "26-10-2026")
    assert any("Sisa cuti tahunan Anda 5 hari kerja, sedangkan yang diajukan 6 hari kerja"
               in c.text for c in h.api.sent_to(employee.id)[-2:])
    async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM requests") as cursor:
        row = await cursor.fetchone()
    assert row is not None and row[0] == 0
