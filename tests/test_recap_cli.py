"""`presensi recap` and the [recap] config section."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from bot.cli import main
from bot.config import ConfigError, Settings, load_settings
from reports.recap_pdf import render_pdf
from reports.recap_xlsx import render_xlsx
from services import employees, recap
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.storage import open_database
from tests.conftest import BASE_CONFIG, WIB
from tests.support.office import ADMIN, KASUBBAG, KEPALA, PEOPLE, SEKRETARIS, seed_office


def pdf_text(path: Path) -> str:
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(path.read_bytes())).pages)


async def _seed(settings: Settings, tmp_path: Path) -> None:
    db = await open_database(settings.database.path)
    try:
        await seed_office(db, tmp_path, dt.datetime(2025, 11, 1, tzinfo=WIB))
    finally:
        await db.close()


async def _sign_october(settings: Settings) -> recap.Recap:
    clock = FixedClock(dt.datetime(2025, 11, 3, 9, 0, tzinfo=WIB))
    env = recap.RecapEnv(settings.office, settings.attendance, OfficeCalendar(settings.calendar),
                         settings.recap, render_pdf, render_xlsx)
    db = await open_database(settings.database.path)
    try:
        async with db.read() as conn:
            people = {p.nip: await employees.by_nip(conn, p.nip)
                      for p in (ADMIN, KASUBBAG, SEKRETARIS, KEPALA)}
        built = await recap.build_draft(db, env, clock, 2025, 10, actor=people[ADMIN.nip])
        step = await recap.submit(db, env, clock, built.recap.id, built.recap.rev,
                                  actor=people[ADMIN.nip])
        for person in (KASUBBAG, SEKRETARIS, KEPALA):
            step = await recap.approve(db, env, clock, step.recap.id, step.recap.rev,
                                       actor=people[person.nip])
    finally:
        await db.close()
    return step.recap


# The CLI runs its own event loop, so these tests are synchronous.
def test_console_prints_a_draft_from_current_data(config_path: Path, settings: Settings,
                                                  tmp_path: Path, capsys) -> None:
    asyncio.run(_seed(settings, tmp_path))
    out, sheet = tmp_path / "keluar" / "rekap.pdf", tmp_path / "rekap.xlsx"
    code = main(["--config", str(config_path), "recap", "--month", "2025-10", "--out", str(out),
                 "--xlsx", str(sheet)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Oktober 2025 (draf dari data terkini)" in printed and "8 pegawai" in printed
    text = pdf_text(out)
    assert "Bulan OKTOBER 2025" in text and "di luar alur paraf" in text
    assert all(person.nip in text for person in PEOPLE)
    rows = list(load_workbook(sheet)["Rekap Oktober 2025"].iter_rows(min_row=5,
                                                                     values_only=True))
    assert {row[2] for row in rows} == {person.nip for person in PEOPLE}


def test_console_prints_the_signed_archive_copy(config_path: Path, settings: Settings,
                                                tmp_path: Path, capsys) -> None:
    asyncio.run(_seed(settings, tmp_path))
    signed = asyncio.run(_sign_october(settings))
    assert signed.state == "signed" and signed.sha256

    out = tmp_path / "resmi.pdf"
    assert main(["--config", str(config_path), "recap", "--month", "10-2025",
                 "--out", str(out)]) == 0
    assert hashlib.sha256(out.read_bytes()).hexdigest() == signed.sha256
    assert f"nomor {signed.agenda_number}" in capsys.readouterr().out


def test_console_refuses_an_unreadable_month(config_path: Path, tmp_path: Path,
                                             capsys) -> None:
    assert main(["--config", str(config_path), "recap", "--month", "oktober",
                 "--out", str(tmp_path / "x.pdf")]) == 2
    assert "Bulan tidak dikenali" in capsys.readouterr().out


@pytest.mark.parametrize("line, problem", [
    ('agenda_format = "800/{unit}/{year}"', "wajib memuat {seq}"),
    ('agenda_format = "800/{seq}/{nomor}"', "kolom tidak dikenal"),
    ("auto_build_day = 0", "minimal 1"),
    ('daily_report_time = "25:00"', "jam tidak valid"),
])
def test_recap_config_errors_name_the_key(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "presensi.toml"
    path.write_text(BASE_CONFIG + "\n[recap]\n" + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(str(path))
    assert caught.value.key.startswith("recap.") and problem in caught.value.problem


def test_recap_config_defaults(settings: Settings, tmp_path: Path) -> None:
    assert settings.recap.archive_dir == tmp_path / "data" / "arsip-rekap"
    assert settings.recap.daily_report_time == dt.time(9, 0)
    assert settings.recap.auto_build_enabled and settings.recap.auto_build_day == 1
