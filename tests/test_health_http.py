"""GET /health over real HTTP from the running bot: JSON for monitoring, 503 on a problem."""

from __future__ import annotations

import socket

import aiohttp
import pytest

from bot.health_http import version
from services.storage import Database
from tests.conftest import BASE_CONFIG
from tests.support.harness import Harness
from tests.support.office import Person


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


PORT = _free_port()


@pytest.fixture
def config_text() -> str:
    return BASE_CONFIG + f'\n[health]\nlisten = "127.0.0.1"\nport = {PORT}\n'


async def _get() -> tuple[int, dict[str, object]]:
    async with aiohttp.ClientSession() as session, session.get(
            f"http://127.0.0.1:{PORT}/health") as response:
        return response.status, await response.json()


async def test_health_endpoint_reports_machines_queues_and_version(
        harness: Harness, db: Database, office: tuple[Person, ...]) -> None:
    async with db.transaction() as conn:
        await conn.execute(
            "INSERT INTO device_machines (name, source, serial, first_seen_at, last_seen_at)"
            " VALUES ('Lobi', 'pull', 'SN-PULL', '2026-10-01T07:00:00+07:00',"
            " '2026-10-05T07:30:00+07:00')")
        await conn.execute(
            "INSERT INTO device_sync_state (name, last_attempt_at, last_success_at,"
            " consecutive_failures, clock_drift_seconds) VALUES ('Lobi', ?, ?, 0, 4.0)",
            ("2026-10-05T07:45:00+07:00", "2026-10-05T07:45:00+07:00"))
    status, body = await _get()
    assert status == 200 and body["status"] == "ok"
    assert body["version"] == version() != "unknown"
    assert body["employees"] == {"active": len(office), "linked": len(office)}
    [machine] = body["machines"]  # type: ignore[misc]
    assert machine["name"] == "Lobi" and machine["last_sync"] == "2026-10-05T07:45:00+07:00"
    assert machine["clock_drift_seconds"] == 4.0
    assert isinstance(body["database_bytes"], int) and body["database_bytes"] > 0
    assert "outbox" in body["pending"]  # type: ignore[operator]

    # A failing machine turns the answer into 503, which any HTTP monitor alerts on.
    async with db.transaction() as conn:
        await conn.execute("UPDATE device_sync_state SET last_error = 'timeout',"
                           " consecutive_failures = 2 WHERE name = 'Lobi'")
    status, body = await _get()
    assert status == 503 and body["status"] == "problem"
    assert body["machines"][0]["last_error"] == "timeout"  # type: ignore[index]

