"""Leave rules by employee status (PNS, CPNS, PPPK) with fixed dates, through the services and
the real /izin form: the registry's status column, the types offered, cuti besar and the year's
cuti tahunan, sakit and cuti sakit, cuti melahirkan, a PPPK's early cuti tahunan and carry-over,
and cuti bersama duty."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from bot.cli import main
from bot.config import Settings
from services import cuti_bersama
from services import leave_balance as leave
from services import leave_rights as rights
from services import requests as svc
from services.calendar import OfficeCalendar
from services.clock import FixedClock
from services.employee_import import FULL_HEADER, HEADER, import_employees
from services.request_rules import RequestRefused
from services.request_types import request_type
from services.storage import Database
from services.storage.migrations import available_migrations
from tests.conftest import BASE_CONFIG, tg
from tests.support.harness import Harness
from tests.support.office import (
    ADMIN,
    KABID,
    KASUBBAG,
    KEPALA,
    PEOPLE,
    STAFF_A,
    STAFF_B,
    STAFF_C,
    Person,
    stored_employee,
)

D = dt.date
LETTER = svc.Attachment("surat", "pdf", "surat.pdf", 1000)

# NI PPPK: birth date, appointment year 2023, two digits (21), gender 2 (female), sequence.
PPPK_F = Person("199503152023212001", "Nur Aini", "Penata Layanan Operasional", "IX",
                "Bidang Aplikasi", KABID.nip, "081100000101", "0101", "pegawai", 5101)
# Appointed in January 2026: less than one year of service on 5 October 2026.
PPPK_NEW = Person("199601012026011002", "Rudi Hartono", "Pengelola Umum Operasional", "V",
                  "Bidang Aplikasi", KABID.nip, "081100000102", "0102", "pegawai", 5102)
CPNS_P = Person("199902022025032010", "Fitri Handayani", "Analis Kebijakan", "III/a",
                "Bidang Aplikasi", KABID.nip, "081100000103", "0103", "pegawai", 5103)
# A female PNS appointed March 2022: four and a half years of service in October 2026.
PNS_F = Person("199505052022032011", "Lina Marlina", "Arsiparis", "III/a",
               "Bidang Aplikasi", KABID.nip, "081100000104", "0104", "pegawai", 5104)
EXTRA = {PPPK_F.nip: ("PPPK", "31-12-2027", ""), PPPK_NEW.nip: ("PPPK", "", ""),
         CPNS_P.nip: ("CPNS", "", ""), PNS_F.nip: ("", "", ""),
         # The registry says what the NIP's gender digit gets wrong.
         STAFF_A.nip: ("PNS", "", "P")}
STAFF = (*PEOPLE, PPPK_F, PPPK_NEW, CPNS_P, PNS_F)


def write_full_csv(path: Path, people: tuple[Person, ...] = STAFF,
                   extra: dict[str, tuple[str, str, str]] = EXTRA) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FULL_HEADER)
        for person in people:
            writer.writerow([*person.row(), *extra.get(person.nip, ("", "", ""))])
    return path


@pytest.fixture
async def staff(db: Database, tmp_path: Path, clock: FixedClock) -> tuple[Person, ...]:
    result = await import_employees(db, write_full_csv(tmp_path / "pegawai.csv"), at=clock.now())
    assert not result.errors, result.errors
    async with db.transaction() as conn:
        for person in STAFF:
            await conn.execute(
                "UPDATE employees SET telegram_user_id = ?, telegram_chat_id = ? WHERE nip = ?",
                (person.telegram_id, person.telegram_id, person.nip))
    return STAFF


def _calendar(settings: Settings) -> OfficeCalendar:
    return OfficeCalendar(settings.calendar)


async def _check(db: Database, settings: Settings, clock: FixedClock, person: Person,
                 type_key: str, start: dt.date, end: dt.date,
                 ground: str | None = None) -> svc.DatesCheck:
    return await svc.check_dates(db, settings.requests, _calendar(settings),
                                 await stored_employee(db, person.nip), type_key, start, end,
                                 today=clock.now().date(), ground=ground)


async def _submit(db: Database, settings: Settings, clock: FixedClock, person: Person,
                  type_key: str, start: dt.date, end: dt.date, *, ground: str | None = None,
                  attachment: svc.Attachment | None = LETTER) -> svc.RequestView:
    return await svc.submit(db, settings.requests, _calendar(settings),
                            await stored_employee(db, person.nip),
                            svc.Draft(type_key, start, end, "keperluan pribadi", attachment,
                                      ground=ground),
                            at=clock.now(), telegram_user_id=None)


async def _approve_all(db: Database, settings: Settings, clock: FixedClock,
                       view: svc.RequestView) -> svc.RequestView:
    while view.current is not None:
        decision = await svc.decide(
            db, settings.requests, _calendar(settings), settings.office, request_id=view.id,
            position=view.current_step, round_=view.round,
            action="setujui" if "setujui" in view.current.actions else "pertimbangan_setuju",
            nip=view.current.actors[0].nip, note=None, at=clock.now(), telegram_user_id=None)
        view = decision.request
    assert view.status == svc.DISETUJUI
    return view


# --- the registry ------------------------------------------------------------------------------

async def test_status_column_is_checked_against_the_golongan(db: Database, tmp_path: Path,
                                                             clock: FixedClock) -> None:
    rows = [
        ("PPPK", "IX", "", ""),           # line 2: fine
        ("PPPK", "III/a", "", ""),        # line 3: a PNS golongan
        ("", "IX", "", ""),               # line 4: empty status is PNS, IX is PPPK
        ("CPNS", "III/a", "", ""),        # line 5: fine
        ("HONORER", "", "", ""),          # line 6: unknown status
        ("PPPK", "VII", "32-13-2027", ""),  # line 7: not a date
        ("PNS", "III/b", "31-12-2027", ""),  # line 8: a contract end for a PNS
        ("PPPK", "XVII", "2029-06-30", "X"),  # line 9: jenis_kelamin must be L or P
    ]
    path = tmp_path / "pegawai.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FULL_HEADER)
        for n, (status, golongan, kontrak, jk) in enumerate(rows, start=1):
            writer.writerow([f"199001012023011{n:03d}", f"Pegawai {n}", "", golongan, "", "",
                             "", "", "", status, kontrak, jk])
    result = await import_employees(db, path, at=clock.now())
    reasons = {e.line: e.reason for e in result.errors}
    assert result.created == 2 and sorted(reasons) == [3, 4, 6, 7, 8, 9]
    assert "golongan III/a adalah golongan PNS, tidak cocok dengan status PPPK" in reasons[3]
    assert "golongan IX adalah golongan PPPK, tidak cocok dengan status PNS" in reasons[4]
    assert "status 'HONORER' tidak dikenal" in reasons[6]
    assert "akhir_kontrak '32-13-2027' bukan tanggal" in reasons[7]
    assert "akhir_kontrak hanya diisi untuk PPPK" in reasons[8]
    assert "jenis_kelamin 'X' harus L atau P" in reasons[9]


async def test_old_header_files_still_import_and_keep_the_status(db: Database, tmp_path: Path,
                                                                 clock: FixedClock,
                                                                 staff) -> None:
    # A file from before the status column: the CPNS stays CPNS, the PPPK keeps its contract,
    # and a new employee with a PPPK golongan is taken as PPPK.
    newcomer = Person("199707072024212003", "Sari Dewi", "Operator", "VII", "Sekretariat",
                      KASUBBAG.nip, "081100000105", "0105", "pegawai", 5105)
    path = tmp_path / "lama.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for person in (CPNS_P, PPPK_F, newcomer):
            writer.writerow(person.row())
    result = await import_employees(db, path, at=clock.now())
    assert not result.errors and result.created == 1 and result.unchanged == 2
    assert (await stored_employee(db, CPNS_P.nip)).status == "CPNS"
    pppk = await stored_employee(db, PPPK_F.nip)
    assert pppk.status == "PPPK" and pppk.akhir_kontrak == D(2027, 12, 31)
    assert (await stored_employee(db, newcomer.nip)).status == "PPPK"
    assert (await stored_employee(db, STAFF_A.nip)).gender == "P"
    assert (await stored_employee(db, STAFF_B.nip)).gender == "L"


def test_migration_sets_status_from_golongan_and_tells_the_operator(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "presensi.toml"
    config.write_text(BASE_CONFIG)
    # A database as it was before the status column, with one PNS and two PPPK golongan.
    conn = sqlite3.connect(tmp_path / "presensi.sqlite3", isolation_level=None)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, "
                 "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for migration in available_migrations():
        if migration.version >= 60:
            break
        conn.executescript(f"BEGIN;\n{migration.sql}\nINSERT INTO schema_migrations "
                           f"VALUES ({migration.version}, '{migration.name}', 'x');\nCOMMIT;")
    for nip, golongan in ((STAFF_A.nip, "III/b"), (PPPK_F.nip, "IX"), (PPPK_NEW.nip, "V")):
        conn.execute("INSERT INTO employees (nip, nama, golongan, created_at, updated_at) "
                     "VALUES (?, 'X', ?, 'x', 'x')", (nip, golongan))
    conn.close()
    assert main(["--config", str(config), "migrate"]) == 0
    out = capsys.readouterr().out
    assert "0060_employee_status.sql" in out
    assert "Status pegawai ditetapkan dari golongan: 1 PNS, 2 PPPK" in out
    conn = sqlite3.connect(tmp_path / "presensi.sqlite3")
    statuses = dict(conn.execute("SELECT nip, status FROM employees ORDER BY nip").fetchall())
    conn.close()
    assert statuses == {STAFF_A.nip: "PNS", PPPK_F.nip: "PPPK", PPPK_NEW.nip: "PPPK"}
    # Run again, nothing is applied and nothing is said about statuses.
    assert main(["--config", str(config), "migrate"]) == 0
    assert "Status pegawai" not in capsys.readouterr().out


# --- what the form offers ----------------------------------------------------------------------

@pytest.mark.parametrize(("person", "types"), [
    (PNS_F, ["izin", "sakit", "dinas_luar", "izin_terlambat", "izin_pulang_cepat",
             "cuti_tahunan", "cuti_besar", "cuti_sakit", "cuti_melahirkan",
             "cuti_alasan_penting", "cuti_cltn"]),
    # Cuti melahirkan is for female employees only.
    (STAFF_B, ["izin", "sakit", "dinas_luar", "izin_terlambat", "izin_pulang_cepat",
               "cuti_tahunan", "cuti_besar", "cuti_sakit", "cuti_alasan_penting", "cuti_cltn"]),
    (CPNS_P, ["izin", "sakit", "dinas_luar", "izin_terlambat", "izin_pulang_cepat",
              "cuti_tahunan", "cuti_sakit", "cuti_melahirkan", "cuti_alasan_penting"]),
    (PPPK_F, ["izin", "sakit", "dinas_luar", "izin_terlambat", "izin_pulang_cepat",
              "cuti_tahunan", "cuti_sakit", "cuti_melahirkan"]),
])
async def test_izin_offers_the_types_of_the_status(harness: Harness, staff, person: Person,
                                                   types: list[str]) -> None:
    user = tg(person)
    await harness.send(user, "/izin")
    form = harness.api.last_to(user.id)
    offered = [b["callback_data"].removeprefix("rqf:t:") for b in form.buttons
               if b["callback_data"].startswith("rqf:t:")]
    assert offered == types


@pytest.mark.parametrize(("person", "type_key", "rule"), [
    (PPPK_F, "cuti_besar", "Cuti besar tidak diberikan kepada PPPK: PPPK berhak atas cuti "
                           "tahunan, cuti sakit, cuti melahirkan dan cuti bersama (PP 49/2018)."),
    (PPPK_F, "cuti_cltn", "tidak diberikan kepada PPPK"),
    (PPPK_F, "cuti_alasan_penting", "tidak diberikan kepada PPPK"),
    (CPNS_P, "cuti_besar", "belum dapat diambil oleh CPNS"),
    (CPNS_P, "cuti_cltn", "belum dapat diambil oleh CPNS"),
])
async def test_a_stale_button_for_an_excluded_type_is_refused_with_the_rule(
        harness: Harness, staff, person: Person, type_key: str, rule: str) -> None:
    user = tg(person)
    await harness.send(user, "/izin")
    await harness.tap(user, f"rqf:t:{type_key}")
    answer = harness.api.sent("answerCallbackQuery")[-1].params
    assert rule in answer["text"] and answer.get("show_alert")
    # Nothing moved on: the type keyboard is still the last thing the employee was sent.
    assert "pilih jenis pengajuan" in harness.api.last_to(user.id).text


async def test_the_service_refuses_an_excluded_type_too(db: Database, staff, settings: Settings,
                                                        clock: FixedClock) -> None:
    with pytest.raises(RequestRefused, match="tidak diberikan kepada PPPK"):
        await _submit(db, settings, clock, PPPK_F, "cuti_alasan_penting", D(2026, 10, 6),
                      D(2026, 10, 6))


# --- cuti besar and the year's cuti tahunan ----------------------------------------------------

async def test_cuti_besar_sets_off_cuti_tahunan_and_takes_the_year(
        db: Database, staff, settings: Settings, clock: FixedClock, harness: Harness) -> None:
    calendar = _calendar(settings)
    # STAFF_C (TMT January 2012) takes 3 days of cuti tahunan: Mon 12 – Wed 14 Oct 2026.
    annual = await _submit(db, settings, clock, STAFF_C, "cuti_tahunan", D(2026, 10, 12),
                           D(2026, 10, 14), attachment=None)
    await _approve_all(db, settings, clock, annual)
    # Three months from Mon 19 Oct hold this many working days; the 3 days taken come off.
    window = calendar.working_days(D(2026, 10, 19), D(2027, 1, 18))
    with pytest.raises(RequestRefused, match=(
            r"Cuti tahunan yang sudah diambil pada tahun 2026 \(3 hari kerja\) mengurangi cuti "
            rf"besar: paling lama {len(window) - 3} hari kerja \(sampai dengan "
            rf"{window[-4]:%d-%m-%Y}\)")):
        await _submit(db, settings, clock, STAFF_C, "cuti_besar", D(2026, 10, 19),
                      D(2027, 1, 18), ground=rights.BESAR_BIASA, attachment=None)
    besar = await _submit(db, settings, clock, STAFF_C, "cuti_besar", D(2026, 10, 19),
                          D(2026, 11, 13), ground=rights.BESAR_BIASA, attachment=None)
    # Waiting already holds the year's cuti tahunan back; approved, it takes it.
    for approved in (False, True):
        balance = await svc.annual_balance(db, settings.requests, calendar, STAFF_C.nip, 2026)
        assert balance.remaining == 0 and balance.besar is not None
        assert balance.besar.request_id == besar.id and balance.besar.approved is approved
        with pytest.raises(RequestRefused, match=(
                rf"Anda mengambil cuti besar pada tahun 2026 \(pengajuan #{besar.id}\), sehingga "
                "tidak berhak atas cuti tahunan pada tahun itu")):
            await _submit(db, settings, clock, STAFF_C, "cuti_tahunan", D(2026, 12, 1),
                          D(2026, 12, 2), attachment=None)
        if not approved:
            await _approve_all(db, settings, clock, besar)
    # Nothing of 2026 carries into 2027.
    next_year = await svc.annual_balance(db, settings.requests, calendar, STAFF_C.nip, 2027)
    assert next_year.available == 12 and next_year.besar is None
    # /saldo says why the balance is 0.
    await harness.send(tg(STAFF_C), "/saldo")
    text = harness.api.last_to(tg(STAFF_C).id).text
    assert "Sisa: 0 hari kerja" in text and f"pengajuan #{besar.id}" in text
    assert "tidak berhak atas cuti tahunan pada tahun yang sama" in text


async def test_cuti_besar_exceptions_before_five_years(db: Database, staff, settings: Settings,
                                                       clock: FixedClock) -> None:
    # PNS_F has 4½ years of service.
    with pytest.raises(RequestRefused, match="setelah masa kerja 5 tahun"):
        await _check(db, settings, clock, PNS_F, "cuti_besar", D(2026, 10, 6), D(2026, 10, 30),
                     ground=rights.BESAR_BIASA)
    for ground in (rights.BESAR_AGAMA, rights.BESAR_ANAK_KEEMPAT):
        checked = await _check(db, settings, clock, PNS_F, "cuti_besar", D(2026, 10, 6),
                               D(2026, 12, 30), ground=ground)
        assert checked.ground == ground
    # The fourth-child ground is offered to female employees only, and refused for others.
    male = await stored_employee(db, STAFF_B.nip)
    assert rights.BESAR_ANAK_KEEMPAT not in {
        g.key for g in svc.form_grounds(male, "cuti_besar", today=D(2026, 10, 5))}
    with pytest.raises(RequestRefused, match="anak ke-4 hanya diberikan kepada pegawai perempuan"):
        await _check(db, settings, clock, STAFF_B, "cuti_besar", D(2026, 10, 6),
                     D(2026, 10, 30), ground=rights.BESAR_ANAK_KEEMPAT)
    with pytest.raises(RequestRefused, match="Pilih keterangan cuti besar"):
        await _check(db, settings, clock, STAFF_B, "cuti_besar", D(2026, 10, 6),
                     D(2026, 10, 30))
    # It replaces cuti melahirkan and cannot be postponed; religious cuti besar can be.
    besar = request_type("cuti_besar")
    assert besar is not None
    assert not rights.may_postpone(besar, rights.BESAR_ANAK_KEEMPAT)
    assert rights.may_postpone(besar, rights.BESAR_AGAMA)


# --- cuti melahirkan ---------------------------------------------------------------------------

async def test_cuti_melahirkan_for_female_employees_and_the_child_stated(
        db: Database, staff, settings: Settings, clock: FixedClock) -> None:
    start, end = D(2026, 10, 6), D(2027, 1, 5)
    with pytest.raises(RequestRefused, match="hanya diberikan kepada pegawai perempuan"):
        await _check(db, settings, clock, STAFF_B, "cuti_melahirkan", start, end,
                     ground="anak1")
    with pytest.raises(RequestRefused, match="Pilih keterangan cuti melahirkan"):
        await _check(db, settings, clock, PNS_F, "cuti_melahirkan", start, end)
    with pytest.raises(RequestRefused, match="anak keempat dan seterusnya ajukan cuti besar"):
        await _check(db, settings, clock, PNS_F, "cuti_melahirkan", start, end, ground="anak4")
    view = await _submit(db, settings, clock, PNS_F, "cuti_melahirkan", start, end,
                         ground="anak2")
    assert view.ground == "anak2" and view.ground_label == "Anak ke-2"
    # PPPK (PP 49/2018) has no child limit.
    await _check(db, settings, clock, PPPK_F, "cuti_melahirkan", start, end, ground="anak4")
    # STAFF_A's NIP digit says male; the registry says female, and the registry wins.
    await _check(db, settings, clock, STAFF_A, "cuti_melahirkan", start, end, ground="anak1")


# --- sakit and cuti sakit ----------------------------------------------------------------------

async def test_every_sakit_day_needs_a_letter_and_more_than_one_is_cuti_sakit(
        db: Database, staff, settings: Settings, clock: FixedClock) -> None:
    with pytest.raises(RequestRefused, match="Sakit wajib dilampiri surat keterangan dokter"):
        await _submit(db, settings, clock, STAFF_B, "sakit", D(2026, 10, 5), D(2026, 10, 5),
                      attachment=None)
    one = await _submit(db, settings, clock, STAFF_B, "sakit", D(2026, 10, 5), D(2026, 10, 5))
    assert one.kind.key == "sakit" and [s.title for s in one.steps] == ["Atasan Langsung"]
    checked = await _check(db, settings, clock, STAFF_B, "sakit", D(2026, 10, 6),
                           D(2026, 10, 7))
    assert checked.type_key == "cuti_sakit" and checked.notes == ("sakit_as_cuti",)
    two = await _submit(db, settings, clock, STAFF_B, "sakit", D(2026, 10, 6), D(2026, 10, 7))
    assert two.kind.key == "cuti_sakit" and two.kind.code == "CS"
    assert [s.title for s in two.steps] == ["Atasan Langsung",
                                            "Pejabat yang Berwenang Memberikan Cuti"]
    assert [a.nip for a in two.steps[-1].actors] == [KEPALA.nip]


async def test_cuti_sakit_is_counted_over_the_spell(db: Database, staff, settings: Settings,
                                                    clock: FixedClock) -> None:
    first = await _submit(db, settings, clock, STAFF_B, "cuti_sakit", D(2026, 10, 6),
                          D(2027, 4, 5))
    await _approve_all(db, settings, clock, first)
    clock.set(dt.datetime(2027, 4, 5, 8, 0, tzinfo=clock.tz))
    # Tue 6 Apr 2027 follows straight on: the spell reaches one year on 5 Oct 2027.
    second = await _submit(db, settings, clock, STAFF_B, "cuti_sakit", D(2027, 4, 6),
                           D(2027, 10, 5))
    assert second.ground is None
    await _approve_all(db, settings, clock, second)
    clock.set(dt.datetime(2027, 10, 5, 8, 0, tzinfo=clock.tz))
    past_a_year = await _check(db, settings, clock, STAFF_B, "cuti_sakit", D(2027, 10, 6),
                               D(2028, 4, 5))
    assert past_a_year.ground == rights.SAKIT_TIM_PENGUJI
    assert past_a_year.attachment_label == "surat keterangan tim penguji kesehatan"
    with pytest.raises(RequestRefused, match="wajib dilampiri surat keterangan tim penguji"):
        await _submit(db, settings, clock, STAFF_B, "cuti_sakit", D(2027, 10, 6),
                      D(2028, 4, 5), attachment=None)
    with pytest.raises(RequestRefused, match=(
            r"paling lama 1 tahun dan dapat ditambah paling lama 6 bulan .* sejak 06-10-2026: "
            r"paling lambat sampai dengan 05-04-2028")):
        await _check(db, settings, clock, STAFF_B, "cuti_sakit", D(2027, 10, 6), D(2028, 4, 6))
    third = await _submit(db, settings, clock, STAFF_B, "cuti_sakit", D(2027, 10, 6),
                          D(2028, 4, 5))
    assert third.ground == rights.SAKIT_TIM_PENGUJI


async def test_a_working_day_between_ends_the_spell(db: Database, staff, settings: Settings,
                                                    clock: FixedClock) -> None:
    await _submit(db, settings, clock, STAFF_B, "cuti_sakit", D(2026, 10, 6), D(2027, 4, 5))
    clock.set(dt.datetime(2027, 4, 5, 8, 0, tzinfo=clock.tz))
    # Back at work on Tue 6 Apr 2027: a cuti sakit from Wed 7 Apr is a new spell, so a year of
    # it needs no tim penguji letter.
    checked = await _check(db, settings, clock, STAFF_B, "cuti_sakit", D(2027, 4, 7),
                           D(2028, 4, 5))
    assert checked.ground is None
    # Straight on from the first one it would.
    joined = await _check(db, settings, clock, STAFF_B, "cuti_sakit", D(2027, 4, 6),
                          D(2027, 11, 5))
    assert joined.ground == rights.SAKIT_TIM_PENGUJI


async def test_pppk_cuti_sakit_is_at_most_one_month(db: Database, staff, settings: Settings,
                                                    clock: FixedClock) -> None:
    with pytest.raises(RequestRefused, match="Cuti sakit paling lama 1 bulan"):
        await _check(db, settings, clock, PPPK_F, "cuti_sakit", D(2026, 10, 6), D(2026, 11, 6))
    # PNS may take it far longer.
    await _check(db, settings, clock, STAFF_B, "cuti_sakit", D(2026, 10, 6), D(2027, 6, 6))
    await _submit(db, settings, clock, PPPK_F, "cuti_sakit", D(2026, 10, 6), D(2026, 10, 20))
    with pytest.raises(RequestRefused, match=(
            r"Cuti sakit PPPK paling lama 1 bulan \(PP 49/2018\), dihitung bersama cuti sakit "
            r"sebelumnya sejak 06-10-2026: paling lambat sampai dengan 05-11-2026")):
        await _check(db, settings, clock, PPPK_F, "cuti_sakit", D(2026, 10, 21),
                     D(2026, 11, 10))
    await _check(db, settings, clock, PPPK_F, "cuti_sakit", D(2026, 10, 21), D(2026, 11, 5))


# --- PPPK cuti tahunan -------------------------------------------------------------------------

async def test_pppk_early_cuti_tahunan_up_to_six_days_on_its_grounds(
        db: Database, staff, settings: Settings, clock: FixedClock) -> None:
    newcomer = await stored_employee(db, PPPK_NEW.nip)
    grounds = svc.form_grounds(newcomer, "cuti_tahunan", today=D(2026, 10, 5))
    assert [g.key for g in grounds] == [rights.EARLY_KELUARGA_SAKIT,
                                        rights.EARLY_KELUARGA_MENINGGAL, rights.EARLY_PERKAWINAN]
    # A PNS of the same seniority has no such grounds; a PPPK after a year neither.
    assert svc.form_grounds(await stored_employee(db, PPPK_F.nip), "cuti_tahunan",
                            today=D(2026, 10, 5)) == ()
    with pytest.raises(RequestRefused, match="setelah masa kerja 1 tahun, yaitu mulai 01-01-2027"):
        await _check(db, settings, clock, PPPK_NEW, "cuti_tahunan", D(2026, 10, 6),
                     D(2026, 10, 7))
    await _submit(db, settings, clock, PPPK_NEW, "cuti_tahunan", D(2026, 10, 6), D(2026, 10, 9),
                  ground=rights.EARLY_PERKAWINAN, attachment=None)
    with pytest.raises(RequestRefused, match=(
            "paling banyak 6 hari kerja karena keluarga sakit atau meninggal atau perkawinan "
            "pertama; yang masih dapat diambil 2 hari kerja")):
        await _check(db, settings, clock, PPPK_NEW, "cuti_tahunan", D(2026, 10, 19),
                     D(2026, 10, 21), ground=rights.EARLY_KELUARGA_SAKIT)
    await _check(db, settings, clock, PPPK_NEW, "cuti_tahunan", D(2026, 10, 19),
                 D(2026, 10, 20), ground=rights.EARLY_KELUARGA_SAKIT)


def test_pppk_carry_over_depends_on_the_contract() -> None:
    start = D(2023, 1, 1)
    assert rights.pppk_carry_over("PNS", start, None, years=2)
    assert not rights.pppk_carry_over("PPPK", start, None, years=1)
    # Exactly two years is not longer than two.
    assert not rights.pppk_carry_over("PPPK", start, D(2024, 12, 31), years=1)
    assert rights.pppk_carry_over("PPPK", start, D(2025, 1, 1), years=1)
    assert not rights.pppk_carry_over("PPPK", start, D(2025, 12, 31), years=2)
    assert rights.pppk_carry_over("PPPK", start, D(2026, 1, 1), years=2)
    # Two idle years: 24 with the long contract, 18 with a 2–3 year one, 12 without.
    for carry, expected in ((leave.CarryRules(True, True), 24),
                            (leave.CarryRules(True, False), 18),
                            (leave.CarryRules(False, False), 12)):
        assert leave.available_days(2028, {}, 2026, carry=carry) == expected


async def test_pppk_balance_carries_only_with_a_long_contract(
        db: Database, staff, settings: Settings) -> None:
    calendar = _calendar(settings)
    # PPPK_F: contract 2023 – 2027 (five years): 2026 unused carries to 18.
    with_contract = await svc.annual_balance(db, settings.requests, calendar, PPPK_F.nip, 2027)
    assert with_contract.available == 18
    # PPPK_NEW has no recorded contract end: no carry-over.
    without = await svc.annual_balance(db, settings.requests, calendar, PPPK_NEW.nip, 2028)
    assert without.available == 12
    pns = await svc.annual_balance(db, settings.requests, calendar, STAFF_B.nip, 2027)
    assert pns.available == 18


# --- cuti bersama ------------------------------------------------------------------------------

async def test_cuti_bersama_never_reduces_and_duty_adds_a_day(
        db: Database, staff, settings: Settings, clock: FixedClock, harness: Harness) -> None:
    calendar = _calendar(settings)
    plain = await svc.annual_balance(db, settings.requests, calendar, STAFF_A.nip, 2026)
    assert plain.available == 12 and plain.remaining == 12
    admin = tg(ADMIN)
    # Thu 24 Dec 2026 is Cuti Bersama Hari Raya Natal.
    await harness.send(admin, f"/cutibersama 24-12-2026 {STAFF_A.nip} {STAFF_B.nip}")
    assert "2 pegawai ditandai" in harness.api.last_to(admin.id).text
    await harness.send(admin, f"/cutibersama 24-12-2026 {STAFF_A.nip}")
    assert "ditandai" not in harness.api.last_to(admin.id).text.split("\n")[0]
    marked = await svc.annual_balance(db, settings.requests, calendar, STAFF_A.nip, 2026)
    assert marked.available == 13 and marked.added_bersama == 1 and marked.remaining == 13
    await harness.send(tg(STAFF_A), "/saldo")
    assert "tetap bertugas pada hari cuti bersama: 1 hari kerja" in harness.api.last_to(
        tg(STAFF_A).id).text
    # Not a cuti bersama day; not an admin; taking a mark back.
    await harness.send(admin, f"/cutibersama 23-12-2026 {STAFF_A.nip}")
    assert "bukan hari cuti bersama" in harness.api.last_to(admin.id).text
    await harness.send(tg(STAFF_B), f"/cutibersama 24-12-2026 {STAFF_B.nip}")
    assert "Hanya pengelola kepegawaian" in harness.api.last_to(tg(STAFF_B).id).text
    await harness.send(admin, f"/cutibersama hapus 24-12-2026 {STAFF_B.nip}")
    assert "Tanda 1 pegawai dihapus" in harness.api.last_to(admin.id).text
    listed = await cuti_bersama.marked_on(db, calendar, await stored_employee(db, ADMIN.nip),
                                          D(2026, 12, 24))
    assert [e.nip for e in listed.employees] == [STAFF_A.nip]
    after = await svc.annual_balance(db, settings.requests, calendar, STAFF_B.nip, 2026)
    assert after.available == 12


async def test_the_form_asks_which_child_and_refuses_the_fourth_for_a_pns(
        harness: Harness, staff) -> None:
    user = tg(PNS_F)
    await harness.send(user, "/izin")
    form = harness.api.last_to(user.id)
    await harness.tap(user, "rqf:t:cuti_melahirkan", on=form)
    shown = harness.api.message(user.id, form.message_id)
    assert "Pilih keterangannya" in shown["text"]
    assert [b["callback_data"] for row in shown["reply_markup"]["inline_keyboard"]
            for b in row][:4] == ["rqf:g:anak1", "rqf:g:anak2", "rqf:g:anak3", "rqf:g:anak4"]
    asked = shown
    await harness.tap(user, "rqf:g:anak4", on=asked)
    answer = harness.api.sent("answerCallbackQuery")[-1].params
    assert "ajukan cuti besar" in answer["text"] and answer.get("show_alert")
    await harness.tap(user, "rqf:g:anak2", on=asked)
    assert "Untuk tanggal berapa" in harness.api.message(user.id, form.message_id)["text"]
    # A male employee tapping an old button is told at the first step.
    male = tg(STAFF_B)
    await harness.send(male, "/izin")
    await harness.tap(male, "rqf:t:cuti_melahirkan")
    assert "hanya diberikan kepada pegawai perempuan" in harness.api.sent(
        "answerCallbackQuery")[-1].params["text"]
