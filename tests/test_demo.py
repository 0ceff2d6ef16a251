"""`presensi demo` on a small office: it runs offline and leaves the office's files behind."""

from __future__ import annotations

import asyncio
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.cli import main
from bot.demo.office import REQUEST_TYPES, build_people, plan_month
from bot.demo.run import month_summary
from services.attendance_model import DayStatus, EmployeeMonth, MonthAttendance
from services.nip import nip_problem


def test_people_have_valid_nips_and_a_hierarchy() -> None:
    people = build_people(30)
    assert len({p.nip for p in people}) == 30
    assert all(nip_problem(p.nip) is None for p in people)
    by_nip = {p.nip: p for p in people}
    roles = [p.peran for p in people]
    assert roles.count("kepala") == 1 and {"sekretaris", "kasubbag", "admin"} <= set(roles)
    for person in people:
        # Every chain of supervisors ends at the Kepala.
        seen: set[str] = set()
        current = person
        while current.atasan_nip:
            assert current.nip not in seen
            seen.add(current.nip)
            current = by_nip[current.atasan_nip]
        assert current.peran == "kepala"
    assert build_people(30) == people, "the demo office is reproducible"


def test_month_plan_covers_absences_with_requests() -> None:
    people = build_people(12)
    days = [dt.date(2026, 10, d) for d in (1, 2, 5, 6, 7, 8, 9)]
    plan = plan_month(people, days)
    covered = {(r.nip, day) for r in plan.requests for day in days if r.start <= day <= r.end}
    for (nip, day), what in plan.behaviour.items():
        assert ((nip, day) in covered) == (what in REQUEST_TYPES)
    assert all(r.type_key in REQUEST_TYPES.values() for r in plan.requests)
    assert {p.at.date() for p in plan.punches} <= set(days)


async def test_demo_runs_on_a_small_office(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PRESENSI_BOT_TOKEN", raising=False)
    folder = tmp_path / "kantor"
    employees = 6
    argv = ["demo", "--folder", str(folder), "--employees", str(employees),
            "--month", "2026-10", "--days", "4"]
    code = await asyncio.to_thread(main, argv)
    out = capsys.readouterr().out
    assert code == 0, out
    assert str(folder) in out
    assert (folder / "presensi.toml").is_file()
    assert (folder / "pegawai.csv").read_text().count("\n") == employees + 1
    database = folder / "data" / "presensi.sqlite3"
    pdf = folder / "rekap-kehadiran-2026-10.pdf"
    xlsx = folder / "rekap-kehadiran-2026-10.xlsx"
    assert pdf.read_bytes().startswith(b"%PDF") and "Seluruh kantor" in out
    assert "REKAPITULASI KEHADIRAN" in PdfReader(pdf).pages[0].extract_text().upper()
    sheet = load_workbook(xlsx).active
    assert sheet is not None and sheet.max_row > employees
    with sqlite3.connect(database) as conn:
        punches = conn.execute("SELECT count(*), count(DISTINCT device_serial) FROM punches"
                               " WHERE source <> 'lokasi'").fetchone()
        located = conn.execute(
            "SELECT p.device_user_id, p.punched_at, l.site FROM punches p JOIN location_punches"
            " l ON l.punch_id = p.id ORDER BY p.punched_at, p.device_user_id").fetchall()
        statuses = dict(conn.execute("SELECT status, count(*) FROM requests GROUP BY status"
                                     ).fetchall())
        absences = conn.execute("SELECT count(*) FROM absence_days").fetchone()[0]
        signed = conn.execute("SELECT state, agenda_number, archive_path FROM recaps").fetchall()
    days = [dt.date(2026, 10, d) for d in (1, 2, 5, 6)]
    plan = plan_month(build_people(employees), days)
    # Every planned punch came through the simulator and the real sync, once.
    assert punches == (len({(p.device_user_id, p.at) for p in plan.punches}), 1)
    # The field post's days came through the real presensi lokasi check, and the machine has
    # nothing of those people on those days.
    assert plan.located and [tuple(r) for r in located] == [
        (p.device_user_id, p.at.isoformat() + "+07:00", "Pos Lapangan Cibubur")
        for p in plan.located]
    assert not {(p.device_user_id, p.at.date()) for p in plan.punches} & {
        (p.device_user_id, p.at.date()) for p in plan.located}
    assert f"{len(plan.located)} presensi lokasi" in out
    assert statuses == {"disetujui": len(plan.requests)}
    assert absences == sum(1 for r in plan.requests for d in days if r.start <= d <= r.end) > 0
    # The recap went through the paraf chain and was signed and archived.
    assert len(signed) == 1 and signed[0][0] == "signed" and signed[0][1] in out
    assert Path(signed[0][2]).read_bytes() == pdf.read_bytes()
    # The demo office is a working office: the operator's health report reads it.
    assert await asyncio.to_thread(
        main, ["--config", str(folder / "presensi.toml"), "health"]) == 0
    health = capsys.readouterr().out
    assert "Mesin Lobi (tarik, SN DEMO0001)" in health
    assert "Pengajuan menunggu keputusan: 0" in health
    # A second run replaces the earlier demo instead of refusing.
    assert await asyncio.to_thread(main, argv) == 0


def test_demo_refuses_a_folder_with_other_files(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "penting.txt").write_text("jangan dihapus")
    assert main(["demo", "--folder", str(tmp_path), "--employees", "5", "--days", "1"]) == 1
    assert "sudah berisi berkas lain" in capsys.readouterr().err
    assert (tmp_path / "penting.txt").exists()


def test_month_summary_counts_person_days_per_unit() -> None:
    def person(nip: str, unit: str, codes: list[tuple[str, ...]], tpp: float) -> EmployeeMonth:
        days = tuple(DayStatus(dt.date(2026, 10, i + 1), c) for i, c in enumerate(codes))
        return EmployeeMonth(nip, nip, "III/a", "Staf", unit, days, tpp_deduction_percent=tpp)

    month = MonthAttendance(2026, 10, (), {}, (
        person("a", "Bidang A", [("H",), ("TL1",), ("TL2", "PSW1"), ("S",), ("TK",)], 4.0),
        person("b", "Bidang A", [("H",), ("TAP",), ("CT",), ("CT",), ()], 2.0),
        person("c", "Sekretariat", [("L",), ("H",), ("TAM", "PSW4"), ("DL",), ("H",)], 3.0),
    ))
    rows = {row.label: row.values for row in month_summary(month)}
    # Pegawai, Hadir, Dinas luar, Terlambat, Pulang cepat, Tanpa pindai, Izin/sakit/cuti, TK, TPP
    assert rows["Bidang A"] == ("2", "5", "0", "2", "1", "1", "3", "1", "3,00%")
    assert rows["Sekretariat"] == ("1", "4", "1", "0", "1", "1", "0", "0", "3,00%")
    assert rows["Seluruh kantor"] == ("3", "9", "1", "2", "2", "2", "3", "1", "3,00%")
    assert list(rows)[-1] == "Seluruh kantor"
