"""/mesin through the real Application: machine status for the operator and a sync on demand
from the real pyzk client against the simulator over TCP."""

from __future__ import annotations

import datetime as dt

import pytest

from device.machine_data import MachinePunch
from device.simulator import Machine, Simulator
from services import audit
from services.clock import FixedClock
from services.storage import Database
from tests.conftest import BASE_CONFIG, tg
from tests.support.harness import Harness
from tests.support.machines import WIB, device_toml, free_port, office_users
from tests.support.office import ADMIN, PEOPLE, STAFF_A, STAFF_B

SYNC = "\n[sync]\ntimeout_seconds = 3\nretry_attempts = 1\nretry_backoff_seconds = 0\n"


@pytest.fixture
def lobby_port() -> int:
    return free_port()


@pytest.fixture
def config_text(lobby_port: int) -> str:
    return BASE_CONFIG + device_toml("Lobi", lobby_port) + SYNC


async def test_operator_sees_machines_and_syncs_now(harness: Harness, db: Database, office,
                                                    clock: FixedClock, lobby_port: int) -> None:
    h = harness
    operator = tg(ADMIN)
    await h.send(tg(STAFF_B), "/mesin")
    assert "tidak berwenang" in h.api.last_to(STAFF_B.telegram_id).text

    machine = Machine(serial="LOBI-01", users=office_users([p.device_user_id for p in PEOPLE]),
                      tz=WIB, clock=clock.now)
    machine.add_punches([MachinePunch(STAFF_A.device_user_id, dt.datetime(2026, 10, 5, 7, 20))])
    # Nothing listens yet: the sync on demand reports the failure in one line.
    await h.send(operator, "/mesin")
    status = h.api.last_to(operator.id)
    await h.tap(operator, status.button("Sinkronkan"), on=status)
    assert "Sinkronisasi mesin dimulai" in h.api.sent("answerCallbackQuery")[-1].params["text"]
    assert "Lobi: gagal" in h.api.last_to(operator.id).text

    async with Simulator(machine, port=lobby_port):
        await h.tap(operator, status.button("Sinkronkan"), on=status)
    assert "Lobi: 1 pindaian dibaca, 1 baru disimpan" in h.api.last_to(operator.id).text
    await h.send(operator, "/mesin")
    shown = h.api.last_to(operator.id).text
    assert "Lobi (tarik, SN LOBI-01)" in shown and "05-10-2026 08:00" in shown
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "device", "*")
    assert [e.action for e in entries] == ["device.sync_manual", "device.sync_manual"]
    assert {e.actor_nip for e in entries} == {ADMIN.nip}
