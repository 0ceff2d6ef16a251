"""/hadir and /kalender through the real Application."""

from __future__ import annotations

import datetime as dt

import pytest

from services.clock import FixedClock
from services.storage import Database
from tests.conftest import WIB, tg
from tests.support.attendance import add_absence, add_punches
from tests.support.harness import Harness
from tests.support.office import KABID, STAFF_A, STAFF_B

LOCAL = """
[calendar.local_holidays]
"2026-10-20" = "Hari Jadi Kota Contoh"

[calendar.working_days]
"2026-10-31" = "Sabtu masuk pengganti"

[[attendance.ramadan]]
start = "2027-02-08"
end = "2027-03-09"
"""


@pytest.fixture
def config_text() -> str:
    from tests.conftest import BASE_CONFIG
    return BASE_CONFIG + LOCAL


async def test_hadir_shows_today_and_the_month(harness: Harness, db: Database, office,
                                               clock: FixedClock) -> None:
    await add_punches(db, STAFF_A, "2026-10-01 07:10:00", "2026-10-01 16:30:00",
                      "2026-10-02 07:50:00", "2026-10-02 16:40:00", "2026-10-05 07:31:00")
    clock.set(dt.datetime(2026, 10, 5, 10, 0, tzinfo=WIB))
    await harness.send(tg(STAFF_A), "/hadir")
    text = harness.api.last_to(STAFF_A.telegram_id).text
    assert "Senin, 5 Oktober 2026" in text
    assert "Jam kerja: 07.30–16.00" in text
    assert "Absen masuk: 07.31" in text
    assert "Status: TL1 (Terlambat 1–30 menit)" in text
    assert "Bulan ini (Oktober 2026)" in text
    assert "H 1 · TL1 2" in text
    assert "Jumlah terlambat 21 menit" in text
    assert "Perkiraan potongan TPP: 1%" in text
    # The year's figure for PP 94/2021 covers finished days: today's minute is not in it.
    assert ("Akumulasi terlambat/pulang cepat tanpa alasan sah tahun 2026 (s.d. kemarin): "
            "20 menit, dihitung <b>0 hari</b>") in text
    assert "(setiap 7 jam 30 menit = 1 hari)" in text
    assert "/hadir bulan 10-2026" in text
    assert "Bawahan Anda" not in text


async def test_hadir_of_an_atasan_lists_the_team_today(harness: Harness, db: Database, office,
                                                       clock: FixedClock) -> None:
    await add_punches(db, STAFF_A, "2026-10-05 07:20:00")
    await add_absence(db, STAFF_B, "2026-10-05", "DL")
    await harness.send(tg(KABID), "/hadir")
    text = harness.api.last_to(KABID.telegram_id).text
    assert "Belum ada pindaian yang tercatat." in text
    assert "Bawahan Anda hari ini" in text
    assert f"{STAFF_A.nama}: H (Hadir)" in text
    assert f"{STAFF_B.nama}: DL (Dinas luar)" in text


async def test_hadir_bulan_lists_every_day_until_today(harness: Harness, db: Database, office,
                                                       clock: FixedClock) -> None:
    await add_punches(db, STAFF_A, "2026-09-01 07:10:00", "2026-09-01 15:10:00")
    await add_absence(db, STAFF_A, "2026-09-02", "S")
    await harness.send(tg(STAFF_A), "/hadir bulan 09-2026")
    text = harness.api.last_to(STAFF_A.telegram_id).text
    assert "Rincian Kehadiran September 2026" in text and STAFF_A.nip in text
    assert "Sel 01 · PSW2 · 07.10–15.10" in text
    assert "Rab 02 · S" in text
    assert "Sab 05 · L (Akhir pekan)" in text
    assert "Rab 30 · TK" in text
    assert "Jumlah:</b> S 1 · PSW2 1 · TK 20" not in text  # order follows the recap codes
    assert "Jumlah:</b> PSW2 1 · TK 20 · S 1" in text


@pytest.mark.parametrize(("command", "expected"), [
    ("/hadir bulan 13-2026", "Bulan 13 tidak dikenal"),
    ("/hadir bulan 11-2026", "Bulan 11-2026 belum berjalan."),
    ("/hadir bulan oktober", "Format bulan tidak dikenali"),
    ("/hadir kemarin", "Perintah tidak dikenali"),
])
async def test_hadir_bad_input_is_explained(harness: Harness, db: Database, office,
                                            command: str, expected: str) -> None:
    await harness.send(tg(STAFF_A), command)
    assert expected in harness.api.last_to(STAFF_A.telegram_id).text


async def test_kalender_shows_holidays_overrides_and_navigates(harness: Harness, db: Database,
                                                               office) -> None:
    user = tg(STAFF_A)
    await harness.send(user, "/kalender")
    shown = harness.api.last_to(user.id)
    assert "Kalender Kerja Oktober 2026" in shown.text
    assert "Hari Jadi Kota Contoh" in shown.text
    assert "Sabtu masuk pengganti" in shown.text
    assert "Hari kerja: 22 hari" in shown.text   # 22 weekdays − 1 local holiday + 1 Saturday
    assert "<pre>Sen Sel Rab Kam Jum Sab Min\n             1   2   3*  4*\n 5   6" in shown.text
    assert [b["callback_data"] for b in shown.buttons] == ["kal:202609", "kal:202611"]

    await harness.tap(user, shown.button("November 2026"))
    november = harness.api.sent("editMessageText")[-1]
    assert "Kalender Kerja November 2026" in november.text
    await harness.tap(user, november.button("Desember 2026"))
    december = harness.api.sent("editMessageText")[-1]
    assert "Kalender Kerja Desember 2026" in december.text
    assert "Hari Raya Natal" in december.text and "Cuti Bersama" in december.text
    # The same button tapped again (a double tap) is answered and changes nothing.
    edits = len(harness.api.sent("editMessageText"))
    await harness.tap(user, november.button("Desember 2026"))
    assert harness.api.sent("answerCallbackQuery")[-1].params.get("text") is None
    assert "Desember 2026" in harness.api.message(user.id, shown.message_id)["text"]
    assert len(harness.api.sent("editMessageText")) == edits + 1   # refused as not modified
    assert harness.api.sent_to(-100500) == []                      # not reported as an error

    await harness.send(user, "/kalender 02-2027")
    assert "Jam kerja Ramadan berlaku 8 Februari 2027 s.d. 9 Maret 2027" in (
        harness.api.last_to(user.id).text)
    await harness.send(user, "/kalender 2027")
    assert "Format bulan tidak dikenali" in harness.api.last_to(user.id).text
    await harness.tap(user, "kal:210001")
    answer = harness.api.sent("answerCallbackQuery")[-1]
    assert "2000–2099" in answer.params["text"]


async def test_hadir_of_a_large_team_stays_one_message(harness: Harness, db: Database,
                                                       office) -> None:
    async with db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO employees (nip, nama, atasan_nip, device_user_id, created_at,"
            " updated_at) VALUES (?, ?, ?, ?, '2026-10-01T08:00:00+07:00',"
            " '2026-10-01T08:00:00+07:00')",
            [(f"19900101202001{1000 + i}", f"Pegawai Tambahan Dengan Nama Panjang {i:02d}",
              KABID.nip, f"9{i:03d}") for i in range(45)])
    await harness.send(tg(KABID), "/hadir")
    text = harness.api.last_to(KABID.telegram_id).text
    assert "• dan 7 pegawai lainnya" in text
    assert text.count("• ") == 41
