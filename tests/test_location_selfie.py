"""Selfies with presensi lokasi, the sweep that finishes checks no update finishes, and the
atasan's morning summary listing who clocked in by location and where."""

from __future__ import annotations

import datetime as dt

import pytest

from services import alerts
from services.clock import FixedClock
from services.storage import Database
from tests.conftest import WIB, tg
from tests.support.attendance import run_job
from tests.support.harness import Harness
from tests.support.office import KABID, STAFF_A, STAFF_B
from tests.test_location import CONFIG, OFFICE, live_check, refusals, rows

OPTIONAL = CONFIG + 'selfie = "optional"\n'
REQUIRED = CONFIG + 'selfie = "required"\n'


@pytest.fixture
def config_text() -> str:
    return CONFIG


@pytest.mark.parametrize("config_text", [OPTIONAL])
async def test_optional_selfie_and_the_atasans_summary(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    clock.set(dt.datetime(2026, 10, 5, 7, 20, tzinfo=WIB))
    await live_check(harness, clock, STAFF_A, OFFICE)
    assert "Anda dapat mengirim swafoto dalam 60 detik" in \
        harness.api.last_to(STAFF_A.telegram_id).text
    clock.advance(seconds=30)
    await harness.send_photo(tg(STAFF_A), b"\xff\xd8 wajah dewi")
    assert "Swafoto dilampirkan pada presensi lokasi Anda di Kantor Dinas" in \
        harness.api.last_to(STAFF_A.telegram_id).text
    (located,) = await rows(db, "SELECT punch_id, selfie_file_id FROM location_punches")
    assert str(located["selfie_file_id"]).startswith("upload-")
    # A photo long after the punch is just a photo nobody asked for.
    clock.advance(seconds=120)
    await harness.send_photo(tg(STAFF_A), b"\xff\xd8 lagi")
    assert "tidak ada isian yang sedang berjalan" in harness.api.last_to(STAFF_A.telegram_id).text
    assert len(await rows(db, "SELECT * FROM audit_log WHERE action = 'location.selfie'")) == 1

    clock.set(dt.datetime(2026, 10, 5, 8, 0, tzinfo=WIB))
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    # The location punch counts like a scan: Dewi is not told she has not clocked in, and
    # Yusuf (no punch at all) is.
    assert harness.api.sent_to(STAFF_A.telegram_id) == []
    assert "Anda belum tercatat hadir" in harness.api.last_to(STAFF_B.telegram_id).text
    summary = [c for c in harness.api.sent_to(KABID.telegram_id)
               if "Presensi lokasi" in c.text]
    assert len(summary) == 1
    assert f"{STAFF_A.nama} — Kantor Dinas (07.20) 📸" in summary[0].text
    button = summary[0].button(STAFF_A.nama.split(",")[0])
    assert button["callback_data"] == f"lok:foto:{located['punch_id']}"

    # Someone else may not open it; the atasan gets the photo itself.
    await harness.tap(tg(STAFF_B), button, on=summary[0])
    answer = harness.api.sent("answerCallbackQuery")[-1]
    assert "hanya dapat dibuka oleh atasan" in answer.params["text"]
    await harness.tap(tg(KABID), button, on=summary[0])
    photo = harness.api.sent("sendPhoto", chat_id=KABID.telegram_id)[-1]
    assert photo.params["photo"] == located["selfie_file_id"]
    assert "Kantor Dinas, 07.20" in photo.params["caption"]


@pytest.mark.parametrize("config_text", [REQUIRED])
async def test_a_required_selfie_completes_the_punch_or_its_absence_refuses_it(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    clock.set(dt.datetime(2026, 10, 5, 7, 10, tzinfo=WIB))
    await live_check(harness, clock, STAFF_A, OFFICE)
    assert "Kirim swafoto (foto wajah) dalam 60 detik" in \
        harness.api.last_to(STAFF_A.telegram_id).text
    assert await rows(db, "SELECT * FROM punches") == []
    clock.advance(seconds=40)
    await harness.send_photo(tg(STAFF_A), b"\xff\xd8 wajah")
    assert "Presensi masuk tercatat pukul 07.10 di Kantor Dinas" in \
        harness.api.last_to(STAFF_A.telegram_id).text
    assert len(await rows(db, "SELECT * FROM location_punches WHERE selfie_file_id IS NOT NULL")
               ) == 1

    # Staff B checks in but sends no selfie: the sweep refuses once the minute is over.
    clock.set(dt.datetime(2026, 10, 5, 7, 30, tzinfo=WIB))
    await live_check(harness, clock, STAFF_B, OFFICE)
    clock.advance(seconds=61)
    await run_job(harness, "location.sweep")
    assert "Swafoto tidak diterima dalam 60 detik" in \
        harness.api.last_to(STAFF_B.telegram_id).text
    assert [r["reason"] for r in await refusals(db, STAFF_B.nip)] == ["selfie_late"]
    assert len(await rows(db, "SELECT * FROM punches")) == 1


async def test_the_sweep_records_a_check_no_update_finished(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    # A phone lying still on the desk may send no update at all: the live location still
    # runs when the check's time is up, so the punch is recorded from the first fix.
    clock.set(dt.datetime(2026, 10, 5, 7, 15, tzinfo=WIB))
    await live_check(harness, clock, STAFF_A, OFFICE, seconds=())
    await run_job(harness, "location.sweep")
    assert await rows(db, "SELECT * FROM punches") == []      # not yet: 60 s not over
    clock.advance(seconds=61)
    await run_job(harness, "location.sweep")
    assert "Presensi masuk tercatat pukul 07.15 di Kantor Dinas" in \
        harness.api.last_to(STAFF_A.telegram_id).text
    assert len(await rows(db, "SELECT * FROM punches WHERE source = 'lokasi'")) == 1
    # A second sweep finds nothing left to do.
    harness.api.clear()
    await run_job(harness, "location.sweep")
    assert harness.api.sent_to(STAFF_A.telegram_id) == []
