"""The morning job pulls the machines first (the real pyzk client against the simulator)."""

from __future__ import annotations

import datetime as dt

import pytest

from device.machine_data import MachinePunch
from device.simulator import Machine, Simulator
from services import alerts
from services.clock import FixedClock
from services.storage import Database
from tests.conftest import BASE_CONFIG
from tests.support.attendance import run_job, texts_to
from tests.support.harness import Harness
from tests.support.machines import WIB, device_toml, free_port, office_users
from tests.support.office import KABID, KEPALA, PEOPLE, STAFF_A, STAFF_B

ADMIN_CHAT = -100500
SYNC = "\n[sync]\ntimeout_seconds = 3\nretry_attempts = 1\nretry_backoff_seconds = 0\n"


@pytest.fixture
def lobby_port() -> int:
    return free_port()


@pytest.fixture
def config_text(lobby_port: int) -> str:
    return BASE_CONFIG + device_toml("Lobi", lobby_port) + SYNC


def lobby(clock: FixedClock) -> Machine:
    """Scans made this morning that the database has not seen yet."""
    machine = Machine(serial="LOBI-01", users=office_users([p.device_user_id for p in PEOPLE]),
                      tz=WIB, clock=clock.now)
    machine.add_punches([MachinePunch(STAFF_A.device_user_id, dt.datetime(2026, 10, 5, 7, 20)),
                         MachinePunch(KABID.device_user_id, dt.datetime(2026, 10, 5, 7, 50))])
    return machine


async def test_morning_alerts_follow_a_fresh_pull(harness: Harness, db: Database, office,
                                                  clock: FixedClock, lobby_port: int) -> None:
    harness.api.clear()
    async with Simulator(lobby(clock), port=lobby_port):
        await run_job(harness, alerts.MORNING_JOB)
    # Staff A scanned at 07:20: no notice; Staff B did not.
    assert texts_to(harness, STAFF_A) == []
    assert "belum tercatat hadir" in texts_to(harness, STAFF_B)[0]
    # Kabid's 07:50 scan came from the machine a moment ago: late in the Kepala's summary.
    summary = [t for t in texts_to(harness, KEPALA) if "Ringkasan" in t]
    assert f"{KABID.nama} — masuk 07.50 (TL1, 20 menit)" in summary[0]


async def test_an_unreadable_machine_tells_nobody_they_are_missing(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)        # nothing listens on the Lobi port
    assert not any("Anda belum tercatat hadir" in c.text
                   for c in harness.api.sent("sendMessage"))
    summary = texts_to(harness, KABID)
    assert len(summary) == 1
    assert "Data mesin presensi Lobi belum dapat diambil" in summary[0]
    assert "Belum tercatat hadir (2)" in summary[0]


async def test_a_machine_the_morning_pull_cannot_read_is_reported_once(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    """The morning pull opens the machine's problem, so it reports it too: the scheduled pull
    that follows finds the problem open and stays quiet."""
    await run_job(harness, alerts.MORNING_JOB)        # nothing listens on the Lobi port
    await run_job(harness, "device-sync")
    reports = [c.text for c in harness.api.sent("sendMessage", ADMIN_CHAT)
               if c.result is not None]
    assert len(reports) == 1 and "Lobi" in reports[0] and "gagal ditarik" in reports[0]
