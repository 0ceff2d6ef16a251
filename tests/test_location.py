"""Presensi lokasi through the real Application: live locations as Telegram sends them (a
message with live_period, then edited messages as the phone moves)."""

from __future__ import annotations

import datetime as dt
import io
import json
import math

import pytest
from openpyxl import load_workbook

from services import geo
from services.clock import FixedClock
from services.storage import Database
from tests.conftest import BASE_CONFIG, WIB, tg
from tests.support.attendance import add_punches
from tests.support.harness import Harness, TgUser
from tests.support.office import ADMIN, KASUBBAG, STAFF_A, STAFF_B, STAFF_C

OFFICE = (-6.175392, 106.827153)          # "Kantor Dinas", radius 100 m
FIELD = (-6.370000, 106.890000)           # "Pos Lapangan Cibubur", radius 150 m
METRE = 1 / 111_195                       # degrees of latitude in a metre

CONFIG = BASE_CONFIG + f"""
[[sites]]
name = "Kantor Dinas"
latitude = {OFFICE[0]}
longitude = {OFFICE[1]}
radius_m = 100

[[sites]]
name = "Pos Lapangan Cibubur"
latitude = {FIELD[0]}
longitude = {FIELD[1]}
radius_m = 150

[location]
units = ["Bidang Aplikasi"]
employees = ["{STAFF_C.nip}"]
check_seconds = 60
max_accuracy_m = 50
max_speed_kmh = 150
"""


@pytest.fixture
def config_text() -> str:
    return CONFIG


def north(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0] + metres * METRE, point[1]


async def rows(db: Database, sql: str, *args: object) -> list[dict[str, object]]:
    async with db.read() as conn, conn.execute(sql, args) as cursor:
        return [dict(r) for r in await cursor.fetchall()]


async def refusals(db: Database, nip: str) -> list[dict[str, object]]:
    found = await rows(db, "SELECT detail FROM audit_log WHERE action = 'location.refused' "
                           "AND entity_id = ? ORDER BY id", nip)
    return [json.loads(str(r["detail"])) for r in found]


async def live_check(h: Harness, clock: FixedClock, person, point: tuple[float, float], *,
                     accuracy: float = 12.0, seconds: tuple[int, ...] = (30, 65)) -> None:
    """Share a live location at `point` and let the phone send updates after `seconds`."""
    user = tg(person)
    message = await h.share_location(user, *point, accuracy=accuracy, live_period=900)
    started = clock.now()
    for offset in seconds:
        clock.set(started + dt.timedelta(seconds=offset))
        # GPS jitter of a phone standing still: a few metres either way.
        await h.move_location(user, message, *north(point, 3 if offset % 2 else -2),
                              accuracy=accuracy)


def test_haversine_matches_known_distances() -> None:
    # Monas to Bundaran HI, Jakarta: about 2.1 km.
    assert geo.distance_m(-6.175392, 106.827153, -6.194955, 106.823037) == pytest.approx(
        2222, rel=0.01)
    # A degree of latitude is 111.2 km; a degree of longitude at the equator the same.
    assert geo.distance_m(0, 0, 1, 0) == pytest.approx(111_195, rel=1e-4)
    assert geo.distance_m(0, 0, 0, 1) == pytest.approx(111_195, rel=1e-4)
    assert geo.distance_m(10, 20, 10, 20) == 0
    # Antipodes: half the circumference, without a math domain error.
    assert geo.distance_m(0, 0, 0, 180) == pytest.approx(math.pi * geo.EARTH_RADIUS_M)
    assert geo.speed_kmh(1000, 36) == pytest.approx(100)
    assert geo.speed_kmh(10, 0) == pytest.approx(36)


async def test_absen_asks_for_a_live_location_naming_the_sites(
        harness: Harness, office, clock: FixedClock) -> None:
    await harness.send(tg(STAFF_A), "/absen")
    text = harness.api.last_to(STAFF_A.telegram_id).text
    assert "Bagikan Lokasi Langsung" in text
    assert "Kantor Dinas (radius 100 m)" in text
    assert "Pos Lapangan Cibubur (radius 150 m)" in text
    assert "unit kerja Anda" in text
    await harness.send(tg(KASUBBAG), "/absen")
    assert "tidak termasuk pegawai" in harness.api.last_to(KASUBBAG.telegram_id).text


async def test_inside_the_radius_records_an_in_then_an_out_punch(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    clock.set(dt.datetime(2026, 10, 5, 7, 20, tzinfo=WIB))
    harness.api.clear()
    await live_check(harness, clock, STAFF_A, north(OFFICE, 40))
    sent = [c.text for c in harness.api.sent_to(STAFF_A.telegram_id)]
    # One message when the check starts, none for the update in between, one at the end.
    assert len(sent) == 2, sent
    assert "Tetap bagikan lokasi selama 60 detik" in sent[0]
    assert "Presensi masuk tercatat pukul 07.20 di Kantor Dinas" in sent[1]
    punches = await rows(db, "SELECT * FROM punches WHERE source = 'lokasi'")
    assert len(punches) == 1
    assert punches[0]["device_user_id"] == STAFF_A.device_user_id
    assert punches[0]["punched_at"] == "2026-10-05T07:20:00+07:00"
    located = await rows(db, "SELECT * FROM location_punches")
    assert located[0]["site"] == "Kantor Dinas" and located[0]["basis"] == "unit"
    assert located[0]["distance_m"] == pytest.approx(40, abs=5)   # the last fix
    assert located[0]["accuracy_m"] == 12.0
    # Later updates of the same live location say nothing and store nothing more.
    clock.set(dt.datetime(2026, 10, 5, 7, 25, tzinfo=WIB))
    harness.api.clear()
    message = {"message_id": 1_000_000, "date": int(clock.now().timestamp()) - 300,
               "chat": {"id": STAFF_A.telegram_id, "type": "private", "first_name": "Dewi"},
               "from": tg(STAFF_A).as_dict(),
               "location": {"latitude": OFFICE[0], "longitude": OFFICE[1], "live_period": 900}}
    await harness.move_location(tg(STAFF_A), message, *OFFICE, accuracy=10)
    assert harness.api.sent_to(STAFF_A.telegram_id) == []

    # Going home from the field post: the second punch of the day is the OUT punch.
    clock.set(dt.datetime(2026, 10, 5, 16, 5, tzinfo=WIB))
    await live_check(harness, clock, STAFF_A, north(FIELD, -100), accuracy=20)
    assert "Presensi pulang tercatat pukul 16.05 di Pos Lapangan Cibubur" in \
        harness.api.last_to(STAFF_A.telegram_id).text
    clock.set(dt.datetime(2026, 10, 5, 17, 0, tzinfo=WIB))
    await harness.send(tg(STAFF_A), "/hadir")
    hadir = harness.api.last_to(STAFF_A.telegram_id).text
    assert "07.20" in hadir and "16.05" in hadir
    assert "H (Hadir)" in hadir
    assert await refusals(db, STAFF_A.nip) == []


@pytest.mark.parametrize(("case", "expected", "reason"), [
    ("outside", "berada 250 m di luar radius Kantor Dinas (radius 100 m)", "outside"),
    ("accuracy", "Akurasi GPS terlalu rendah (120 m, paling besar 50 m)", "accuracy"),
    ("no_accuracy", "Akurasi GPS terlalu rendah (tidak diketahui", "accuracy"),
    ("static", "Titik lokasi biasa tidak dapat dipakai", "static"),
    ("venue", "Titik lokasi biasa tidak dapat dipakai", "static"),
    ("forwarded", "Lokasi yang diteruskan dari pesan lain", "forwarded"),
])
async def test_refused_locations_get_one_sentence_and_store_nothing(
        harness: Harness, office, db: Database, clock: FixedClock, case: str, expected: str,
        reason: str) -> None:
    user = tg(STAFF_B)
    if case == "outside":
        await harness.share_location(user, *north(OFFICE, 350), accuracy=10, live_period=900)
    elif case == "accuracy":
        await harness.share_location(user, *OFFICE, accuracy=120, live_period=900)
    elif case == "no_accuracy":
        await harness.share_location(user, *OFFICE, live_period=900)
    elif case == "static":
        await harness.share_location(user, *OFFICE, accuracy=5)
    elif case == "venue":
        await harness.share_location(user, *OFFICE, venue_title="Kantor Dinas")
    else:
        await harness.share_location(user, *OFFICE, accuracy=5, live_period=900,
                                     forwarded_from=tg(STAFF_A))
    replies = [c.text for c in harness.api.sent_to(STAFF_B.telegram_id)]
    assert len(replies) == 1 and expected in replies[0], replies
    assert await rows(db, "SELECT * FROM punches") == []
    assert [r["reason"] for r in await refusals(db, STAFF_B.nip)] == [reason]


async def test_a_speed_jump_is_refused(harness: Harness, office, db: Database,
                                       clock: FixedClock) -> None:
    user = tg(STAFF_B)
    message = await harness.share_location(user, *OFFICE, accuracy=10, live_period=900)
    clock.advance(seconds=10)
    # 2 km in ten seconds (720 km/h): a location faked by an app, not a person walking.
    await harness.move_location(user, message, *north(OFFICE, 2000), accuracy=10)
    assert "Lokasi berpindah tidak wajar (713 km/jam, paling cepat 150 km/jam)" in \
        harness.api.last_to(STAFF_B.telegram_id).text
    # Back at the office a minute later: the check is closed, nothing is recorded.
    clock.advance(seconds=60)
    harness.api.clear()
    await harness.move_location(user, message, *OFFICE, accuracy=10)
    assert harness.api.sent_to(STAFF_B.telegram_id) == []
    assert await rows(db, "SELECT * FROM punches") == []
    assert [r["reason"] for r in await refusals(db, STAFF_B.nip)] == ["speed"]


async def test_a_live_location_stopped_before_the_check_completes_is_refused(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    user = tg(STAFF_C)      # listed by NIP
    message = await harness.share_location(user, *OFFICE, accuracy=10, live_period=900)
    clock.advance(seconds=20)
    await harness.move_location(user, message, *OFFICE, accuracy=10, stopped=True)
    assert "berhenti sebelum pemeriksaan selesai" in harness.api.last_to(STAFF_C.telegram_id).text
    assert await rows(db, "SELECT * FROM punches") == []
    assert [r["reason"] for r in await refusals(db, STAFF_C.nip)] == ["stopped"]


async def test_an_employee_not_permitted_today_is_refused(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    await harness.share_location(tg(KASUBBAG), *OFFICE, accuracy=10, live_period=900)
    assert "tidak termasuk pegawai yang dapat melakukan presensi lokasi" in \
        harness.api.last_to(KASUBBAG.telegram_id).text
    assert await rows(db, "SELECT * FROM punches") == []
    assert [r["reason"] for r in await refusals(db, KASUBBAG.nip)] == ["not_permitted"]


async def test_an_outage_day_lets_everyone_clock_in_by_location(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    await harness.send(tg(KASUBBAG), "/gangguan")
    # Kasubbag is an office admin (peran kasubbag): the declaration stands.
    assert "Gangguan mesin presensi dinyatakan untuk Senin, 5 Oktober 2026" in \
        harness.api.last_to(KASUBBAG.telegram_id).text
    await harness.send(tg(STAFF_A), "/gangguan")
    assert "Hanya pengelola kepegawaian" in harness.api.last_to(STAFF_A.telegram_id).text
    await harness.send(tg(ADMIN), "/absen")
    assert "gangguan mesin presensi hari ini" in harness.api.last_to(ADMIN.telegram_id).text
    await live_check(harness, clock, ADMIN, OFFICE)
    assert "Presensi masuk tercatat pukul 08.00 di Kantor Dinas" in \
        harness.api.last_to(ADMIN.telegram_id).text
    located = await rows(db, "SELECT basis FROM location_punches")
    assert located == [{"basis": "outage"}]

    await harness.send(tg(ADMIN), "/gangguan batal")
    assert "dibatalkan" in harness.api.last_to(ADMIN.telegram_id).text
    await harness.share_location(tg(KASUBBAG), *OFFICE, accuracy=10, live_period=900)
    assert "tidak termasuk pegawai" in harness.api.last_to(KASUBBAG.telegram_id).text
    actions = await rows(db, "SELECT action, actor_nip FROM audit_log WHERE entity = 'outage'")
    assert actions == [{"action": "location.outage", "actor_nip": KASUBBAG.nip},
                       {"action": "location.outage_cancel", "actor_nip": ADMIN.nip}]


async def test_machine_punches_and_location_punches_make_one_day(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    await add_punches(db, STAFF_A, "2026-10-05 07:25:00")
    clock.set(dt.datetime(2026, 10, 5, 16, 10, tzinfo=WIB))
    await live_check(harness, clock, STAFF_A, FIELD)
    assert "Presensi pulang tercatat pukul 16.10" in harness.api.last_to(STAFF_A.telegram_id).text
    clock.set(dt.datetime(2026, 10, 5, 17, 0, tzinfo=WIB))
    await harness.send(tg(STAFF_A), "/hadir")
    hadir = harness.api.last_to(STAFF_A.telegram_id).text
    assert "07.25" in hadir and "16.10" in hadir and "H (Hadir)" in hadir


ACTIVITY = (-6.600000, 106.800000)        # a village hall some 50 km from the office


async def test_a_dinas_luar_with_its_activity_location_is_a_site_for_that_day(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    h, user, atasan = harness, tg(ADMIN), tg(KASUBBAG)
    # Not listed: the admin may not clock in by location on an ordinary day.
    await h.share_location(user, *ACTIVITY, accuracy=10, live_period=900)
    assert "tidak termasuk pegawai" in h.api.last_to(ADMIN.telegram_id).text

    await h.send(user, "/izin")
    await h.tap(user, "rqf:t:dinas_luar")
    await h.tap(user, "rqf:d:20261005", on=h.api.last_to(ADMIN.telegram_id))
    await h.send(user, "sosialisasi aplikasi di Desa Sukamaju")
    await h.send_document(user, b"%PDF-1.4 surat tugas", file_name="surat-tugas.pdf",
                          mime_type="application/pdf")
    summary = h.api.last_to(ADMIN.telegram_id).text
    assert "Bagikan lokasi kegiatan dinas luar" in summary
    # A place picked on the map names where the activity is; it proves nothing yet.
    await h.share_location(user, *ACTIVITY, venue_title="Balai Desa Sukamaju")
    assert "Lokasi kegiatan: Balai Desa Sukamaju" in h.api.last_to(ADMIN.telegram_id).text
    await h.tap(user, "rqf:send")
    assert await rows(db, "SELECT label FROM request_locations") == [
        {"label": "Balai Desa Sukamaju"}]
    cards = [c for c in h.api.sent_to(KASUBBAG.telegram_id) if c.buttons]
    await h.tap(atasan, cards[-1].button("Setujui"), on=cards[-1])

    clock.set(dt.datetime(2026, 10, 5, 9, 0, tzinfo=WIB))
    await h.send(user, "/absen")
    ask = h.api.last_to(ADMIN.telegram_id).text
    assert "dinas luar yang disetujui" in ask and "Balai Desa Sukamaju (radius 200 m)" in ask
    await live_check(h, clock, ADMIN, north(ACTIVITY, 120))
    assert "Presensi masuk tercatat pukul 09.00 di Balai Desa Sukamaju" in \
        h.api.last_to(ADMIN.telegram_id).text
    located = await rows(db, "SELECT site, site_kind, basis FROM location_punches")
    assert located == [{"site": "Balai Desa Sukamaju", "site_kind": "activity",
                        "basis": "dinas_luar"}]
    # The next day is not covered by the dinas luar: refused again.
    clock.set(dt.datetime(2026, 10, 6, 9, 0, tzinfo=WIB))
    await h.share_location(user, *ACTIVITY, accuracy=10, live_period=900)
    assert "tidak termasuk pegawai" in h.api.last_to(ADMIN.telegram_id).text


async def test_location_punches_appear_in_the_months_recap(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    clock.set(dt.datetime(2026, 10, 5, 7, 20, tzinfo=WIB))
    await live_check(harness, clock, STAFF_A, OFFICE)
    clock.set(dt.datetime(2026, 10, 5, 16, 5, tzinfo=WIB))
    await live_check(harness, clock, STAFF_A, FIELD)
    # A machine day for comparison: no mark.
    await add_punches(db, STAFF_A, "2026-10-06 07:15:00", "2026-10-06 16:10:00")

    clock.set(dt.datetime(2026, 11, 2, 10, 0, tzinfo=WIB))
    await harness.send(tg(ADMIN), "/rekap 10-2026")
    xlsx = [c for c in harness.api.sent_to(ADMIN.telegram_id) if c.method == "sendDocument"
            and c.file_names["document"].endswith(".xlsx")][-1]
    book = load_workbook(io.BytesIO(xlsx.files["document"]))
    grid = book["Rekap Oktober 2026"]
    row = next(r for r in grid.iter_rows(min_row=5) if r[2].value == STAFF_A.nip)
    day5, day6 = row[6 + 4], row[6 + 5]
    assert day5.value == "H" and day6.value == "H"
    assert day5.comment is not None
    assert day5.comment.text == "Presensi lokasi: Kantor Dinas, Pos Lapangan Cibubur"
    assert day6.comment is None
    listed = [[c.value for c in r] for r in book["Presensi Lokasi"].iter_rows(min_row=3)]
    assert listed == [[STAFF_A.nip, STAFF_A.nama, STAFF_A.unit, "05-10-2026", "H",
                       "Kantor Dinas, Pos Lapangan Cibubur"]]


async def test_a_live_location_during_an_open_form_is_still_presensi_lokasi(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    h, user = harness, tg(STAFF_A)
    await h.send(user, "/izin")
    await h.tap(user, "rqf:t:izin")
    await h.tap(user, "rqf:d:20261006", on=h.api.last_to(STAFF_A.telegram_id))
    await h.send(user, "mengurus keperluan keluarga")
    assert "Periksa kembali" in h.api.last_to(STAFF_A.telegram_id).text
    # A pin in a form that takes no activity location gets what it gets outside the form.
    await h.share_location(user, *OFFICE, accuracy=5)
    assert "Titik lokasi biasa tidak dapat dipakai" in h.api.last_to(STAFF_A.telegram_id).text
    await live_check(h, clock, STAFF_A, OFFICE)
    assert "Presensi masuk tercatat pukul 08.00" in h.api.last_to(STAFF_A.telegram_id).text
    # The form is still open where it was.
    await h.tap(user, "rqf:send")
    assert await rows(db, "SELECT type FROM requests") == [{"type": "izin"}]


async def test_a_stranger_sharing_a_live_location_is_told_once(
        harness: Harness, office, db: Database, clock: FixedClock) -> None:
    stranger = TgUser(99_001, first_name="Tamu")
    message = await harness.share_location(stranger, *OFFICE, accuracy=5, live_period=900)
    for _ in range(3):
        clock.advance(seconds=20)
        await harness.move_location(stranger, message, *OFFICE, accuracy=5)
    replies = harness.api.sent_to(stranger.id)
    assert len(replies) == 1 and "Anda belum terdaftar" in replies[0].text
    assert await rows(db, "SELECT * FROM punches") == []
