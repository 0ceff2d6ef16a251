"""Importing the employee registry from CSV and XLSX."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import Workbook

from services import audit, employees
from services.employee_import import HEADER, ImportFileError, import_employees
from services.storage import Database
from tests.support.office import KABID, KEPALA, PEOPLE, STAFF_A, write_csv


def _csv(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([",".join(HEADER), *lines]) + "\n", encoding="utf-8")
    return path


async def test_good_file_imports_everyone(db: Database, tmp_path: Path, clock) -> None:
    result = await import_employees(db, write_csv(tmp_path / "p.csv"), at=clock.now())
    assert (result.created, result.updated, result.errors) == (len(PEOPLE), 0, [])
    async with db.read() as conn:
        staff = await employees.by_nip(conn, STAFF_A.nip)
        team = await employees.subordinates(conn, KABID.nip)
    assert staff is not None and staff.telepon == "6281100000006"
    assert staff.device_user_id == "0006"  # leading zeros kept
    assert {e.nip for e in team} == {p.nip for p in PEOPLE if p.atasan_nip == KABID.nip}


async def test_reimport_updates_by_nip_and_never_duplicates(db: Database, tmp_path: Path,
                                                            clock) -> None:
    path = write_csv(tmp_path / "p.csv")
    await import_employees(db, path, at=clock.now())
    text = path.read_text().replace("Dewi Lestari, S.Kom.", "Dewi Lestari, S.Kom., M.T.")
    path.write_text(text)
    result = await import_employees(db, path, at=clock.now())
    assert (result.created, result.updated, result.unchanged) == (0, 1, len(PEOPLE) - 1)
    async with db.read() as conn:
        everyone = await employees.all_active(conn)
        entries = await audit.entries_for(conn, "employee", STAFF_A.nip)
    assert len(everyone) == len(PEOPLE)
    assert [e.action for e in entries] == ["employee.import", "employee.import"]


async def test_every_kind_of_bad_row_is_reported_and_good_rows_kept(db: Database,
                                                                    tmp_path: Path,
                                                                    clock) -> None:
    k = KEPALA
    lines = [
        f"{k.nip},Budi Santoso,Kepala,IV/c,Pimpinan,,081100000001,0001,kepala",      # 2 good
        "12345,Nip Pendek,Staf,II/a,Umum,,081100000010,0010,",                          # 3 bad NIP
        f"199013322015031010,Tanggal Salah,Staf,II/a,Umum,{k.nip},081100000011,0011,",  # 4 bad date
        "199001012015031011,Atasan Hilang,Staf,II/a,Umum,198501012010011099,0811000000"
        "12,0012,",                                                                      # 5 unknown
        f"199001012015031012,Telepon Ganda,Staf,II/a,Umum,{k.nip},081100000001,0013,",  # 6
        "199001012015032013,Siklus A,Staf,II/a,Umum,199001012015032014,081100000014,0014,",  # 7
        "199001012015032014,Siklus B,Staf,II/a,Umum,199001012015032013,081100000015,0015,",  # 8
        f"199001012015031015,Peran Aneh,Staf,II/a,Umum,{k.nip},081100000016,0016,raja",  # 9 role
        f"199001012015031016,Baik Juga,Staf,II/a,Umum,{k.nip},0811 0000 0017,0017,",    # 10 good
        f"199001012015031016,NIP Ganda,Staf,II/a,Umum,{k.nip},081100000018,0018,",      # 11 dup nip
        "199001012015031017,Bawahan Siklus,Staf,II/a,Umum,199001012015032013,"
        "081100000019,0019,",                                                            # 12
    ]
    result = await import_employees(db, _csv(tmp_path / "bad.csv", lines), at=clock.now())
    reasons = {e.line: e.reason for e in result.errors}
    assert result.created == 2
    assert "18 digit" in reasons[3]
    assert "tanggal lahir" in reasons[4]
    assert "atasan 198501012010011099 tidak dikenal" in reasons[5]
    assert "nomor telepon 6281100000001 ganda" in reasons[6]
    assert "siklus atasan" in reasons[7] and "siklus atasan" in reasons[8]
    assert "peran 'raja'" in reasons[9]
    assert "NIP ganda" in reasons[11]
    assert "tidak dikenal" in reasons[12]
    assert set(reasons) == {3, 4, 5, 6, 7, 8, 9, 11, 12}


async def test_cycle_through_existing_rows_is_refused(db: Database, tmp_path: Path,
                                                      clock) -> None:
    await import_employees(db, write_csv(tmp_path / "p.csv"), at=clock.now())
    # Making the Kepala report to one of her own staff closes a loop through the registry.
    k = KEPALA
    path = _csv(tmp_path / "loop.csv",
                [f"{k.nip},Budi,Kepala,IV/c,Pimpinan,{STAFF_A.nip},{k.telepon},0001,kepala"])
    result = await import_employees(db, path, at=clock.now())
    assert result.imported == 0 and "siklus atasan" in result.errors[0].reason
    async with db.read() as conn:
        kepala = await employees.by_nip(conn, k.nip)
    assert kepala is not None and kepala.atasan_nip is None


async def test_xlsx_is_read_like_csv(db: Database, tmp_path: Path, clock) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(list(HEADER))
    for person in PEOPLE:
        sheet.append(person.row())
    sheet.append([180000000000000000, "Angka", "", "", "", "", "", "", ""])
    path = tmp_path / "pegawai.xlsx"
    book.save(path)
    result = await import_employees(db, path, at=clock.now())
    assert result.created == len(PEOPLE)
    assert len(result.errors) == 1 and "sebagai teks" in result.errors[0].reason


async def test_semicolon_csv_from_indonesian_excel(db: Database, tmp_path: Path, clock) -> None:
    path = tmp_path / "p.csv"
    path.write_text(";".join(HEADER) + "\n" + ";".join(KEPALA.row()) + "\n", encoding="utf-8-sig")
    result = await import_employees(db, path, at=clock.now())
    assert result.created == 1


async def test_wrong_header_is_one_clear_error(db: Database, tmp_path: Path, clock) -> None:
    path = tmp_path / "p.csv"
    path.write_text("nip,nama\n197001011995031001,Budi\n")
    with pytest.raises(ImportFileError, match="jabatan"):
        await import_employees(db, path, at=clock.now())


async def test_crash_mid_import_writes_nothing(db: Database, tmp_path: Path, clock,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    calls = 0
    original = audit.record

    async def failing_record(*args, **kwargs):
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("power cut")
        await original(*args, **kwargs)

    monkeypatch.setattr(audit, "record", failing_record)
    with pytest.raises(RuntimeError):
        await import_employees(db, write_csv(tmp_path / "p.csv"), at=clock.now())
    async with db.read() as conn:
        assert await employees.all_active(conn) == []
