"""A small sample office used across tests: a Kepala, a Sekretaris, a Kasubbag Umum, two Kabid
and their staff, written as the CSV the operator imports."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from services import employees
from services.employee_import import HEADER, import_employees
from services.storage import Database


@dataclass(frozen=True)
class Person:
    nip: str
    nama: str
    jabatan: str
    golongan: str
    unit: str
    atasan_nip: str
    telepon: str
    device_user_id: str
    peran: str
    telegram_id: int

    def row(self) -> list[str]:
        return [self.nip, self.nama, self.jabatan, self.golongan, self.unit, self.atasan_nip,
                self.telepon, self.device_user_id, self.peran]


KEPALA = Person("197001011995031001", "Dr. Budi Santoso, M.Si.", "Kepala Dinas", "IV/c",
                "Pimpinan", "", "081100000001", "0001", "kepala", 5001)
SEKRETARIS = Person("197502022000032002", "Siti Aminah, S.H.", "Sekretaris", "IV/a",
                    "Sekretariat", KEPALA.nip, "081100000002", "0002", "sekretaris", 5002)
KASUBBAG = Person("198003032005011003", "Ahmad Fauzi, S.E.", "Kasubbag Umum dan Kepegawaian",
                  "III/d", "Sekretariat", SEKRETARIS.nip, "081100000003", "0003", "kasubbag", 5003)
ADMIN = Person("199004042015032004", "Rina Wati, A.Md.", "Pengelola Kepegawaian", "II/d",
               "Sekretariat", KASUBBAG.nip, "081100000004", "0004", "admin", 5004)
KABID = Person("198105052006041005", "Hendra Gunawan, S.Kom.", "Kepala Bidang Aplikasi",
               "IV/a", "Bidang Aplikasi", KEPALA.nip, "081100000005", "0005", "pegawai", 5005)
STAFF_A = Person("199206062019031006", "Dewi Lestari, S.Kom.", "Pranata Komputer", "III/b",
                 "Bidang Aplikasi", KABID.nip, "081100000006", "0006", "pegawai", 5006)
STAFF_B = Person("199307072020121007", "Yusuf Hidayat", "Pengadministrasi Umum", "II/c",
                 "Bidang Aplikasi", KABID.nip, "081100000007", "0007", "pegawai", 5007)
STAFF_C = Person("198808082012012008", "Maria Ulfa", "Bendahara", "III/c",
                 "Sekretariat", KASUBBAG.nip, "081100000008", "0008", "pegawai", 5008)

PEOPLE = (KEPALA, SEKRETARIS, KASUBBAG, ADMIN, KABID, STAFF_A, STAFF_B, STAFF_C)


def write_csv(path: Path, people: tuple[Person, ...] = PEOPLE) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for person in people:
            writer.writerow(person.row())
    return path


async def seed_office(db: Database, folder: Path, at: dt.datetime,
                      people: tuple[Person, ...] = PEOPLE, *, bind: bool = True) -> None:
    """Import the sample office and (optionally) bind everyone's Telegram account."""
    result = await import_employees(db, write_csv(folder / "pegawai.csv", people), at=at)
    assert not result.errors, result.errors
    if bind:
        async with db.transaction() as conn:
            for person in people:
                await conn.execute(
                    "UPDATE employees SET telegram_user_id = ?, telegram_chat_id = ? WHERE nip = ?",
                    (person.telegram_id, person.telegram_id, person.nip))


async def seed_old_schema(db: Database, at: dt.datetime,
                          people: tuple[Person, ...] = PEOPLE) -> None:
    """The sample office written as the first release stored it (no column added since), for
    databases opened at an old schema version; today's import writes today's columns."""
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO employees (nip, nama, jabatan, golongan, unit, atasan_nip, telepon, "
            "device_user_id, peran, telegram_user_id, telegram_chat_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(p.nip, p.nama, p.jabatan, p.golongan, p.unit, p.atasan_nip or None,
              "62" + p.telepon[1:], p.device_user_id, p.peran, p.telegram_id, p.telegram_id,
              at.isoformat(), at.isoformat()) for p in people])


async def stored_employee(db: Database, nip: str) -> employees.Employee:
    """The employee as the database holds them now (it must hold them)."""
    async with db.read() as conn:
        found = await employees.by_nip(conn, nip)
    assert found is not None
    return found
