"""Pull sync: pyzk through device/client.py against simulated machines into a real database."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from zk.exception import ZKNetworkError

from device import client, sync
from device.machine_data import generate_punches, generate_users
from device.simulator import Machine, Simulator
from device.sync import DRIFT, DRIFT_FIXED, FAILING, RECOVERED, sync_all
from services import devices as state
from services.clock import FixedClock
from services.punches import unknown_user_punches
from services.storage import Database
from tests.support.machines import WIB, device_settings, free_port, make_machine
from tests.support.office import Person

DAYS = [dt.date(2026, 10, 1), dt.date(2026, 10, 2)]
IDS = ["0001", "0002", "0010", "0099"]


async def _rows(db: Database) -> list[tuple[str, ...]]:
    async with db.read() as conn, conn.execute(
        "SELECT device_serial, device_user_id, punched_at, local_date, status, punch, source"
        " FROM punches ORDER BY device_serial, punched_at, device_user_id"
    ) as cursor:
        return [tuple(r) for r in await cursor.fetchall()]


class SleepLog:
    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


async def test_first_sync_stores_everything_and_resync_stores_nothing(
        db: Database, clock: FixedClock) -> None:
    machine = make_machine("SN-PULL-1", clock, ids=IDS, days=DAYS)
    async with Simulator(machine) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port}])
        [first] = await sync_all(db, devices, clock)
        [again] = await sync_all(db, devices, clock)
    assert (first.ok, first.serial, first.seen, first.new, first.duplicates, first.errors) == (
        True, "SN-PULL-1", 16, 16, 0, 0)
    assert (again.seen, again.new, again.duplicates) == (16, 0, 16)
    rows = await _rows(db)
    assert len(rows) == 16
    assert rows[0] == ("SN-PULL-1", "0001", "2026-10-01T07:10:00+07:00", "2026-10-01", 1, 0,
                       "pull")
    assert rows[-1][1:3] == ("0099", "2026-10-02T16:05:03+07:00")
    assert machine.enabled and len(machine.punches) == 16      # never cleared by a sync


async def test_concurrent_pulls_of_one_machine_take_turns(db: Database,
                                                         clock: FixedClock) -> None:
    # The scheduled pull and the morning job's fresh pull can start at the same moment.
    machine = make_machine("SN-PULL-2", clock, ids=IDS, days=DAYS)
    async with Simulator(machine) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port}])
        first, second = await asyncio.gather(sync_all(db, devices, clock),
                                             sync_all(db, devices, clock))
    assert sim.peak_sessions == 1
    assert sorted(r.new for r in first + second) == [0, 16]
    assert all(r.ok for r in first + second)


async def test_udp_machine_with_comm_key(db: Database, clock: FixedClock) -> None:
    machine = make_machine("SN-UDP", clock, ids=["1", "2"], days=DAYS, firmware="zk6",
                           password=4321)
    async with Simulator(machine, udp=True) as sim:
        devices = device_settings([{"name": "Aula", "port": sim.port, "protocol": "udp",
                                    "password": 4321}])
        [report] = await sync_all(db, devices, clock)
    assert (report.ok, report.new) == (True, 8)


async def test_wrong_comm_key_is_not_retried(db: Database, clock: FixedClock) -> None:
    machine = make_machine("SN-KEY", clock, ids=IDS, days=DAYS, password=1111)
    sleeps = SleepLog()
    async with Simulator(machine) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port, "password": 2222}],
                                  retry_attempts=3)
        [report] = await sync_all(db, devices, clock, sleep=sleeps)
    assert (report.ok, report.error_kind, report.attempts) == (False, client.PASSWORD, 1)
    assert sleeps.waits == []


async def test_drop_mid_read_stores_nothing_and_the_next_sync_completes(
        db: Database, clock: FixedClock) -> None:
    users = generate_users(100, seed=9)
    machine = Machine("SN-DROP", users, WIB, clock.now)
    machine.add_punches(generate_punches(users, 30, until=dt.datetime(2026, 10, 5, 8, 0)))
    machine.faults.drop_read = 2           # the third 64 kB chunk of the log breaks off
    async with Simulator(machine) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port}])
        [broken] = await sync_all(db, devices, clock)
        assert (broken.ok, broken.error_kind) == (False, client.OFFLINE)
        assert machine.faults.drop_read is None            # the drop really happened
        assert await _rows(db) == []
        # The session broke while the machine was disabled; it was enabled on a new connection.
        assert machine.enabled
        [complete] = await sync_all(db, devices, clock)
    assert complete.ok and complete.new == len(machine.punches) > 3000
    assert len(await _rows(db)) == len(machine.punches)


async def test_retry_with_back_off_within_one_cycle(db: Database, clock: FixedClock) -> None:
    users = generate_users(60, seed=4)
    machine = Machine("SN-RETRY", users, WIB, clock.now)
    machine.add_punches(generate_punches(users, 30, until=dt.datetime(2026, 10, 5, 8, 0)))
    machine.faults.drop_read = 0
    sleeps = SleepLog()
    async with Simulator(machine) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port}], retry_attempts=3,
                                  retry_backoff_seconds=4)
        [report] = await sync_all(db, devices, clock, sleep=sleeps)
    assert (report.ok, report.attempts, report.new) == (True, 2, len(machine.punches))
    assert sleeps.waits == [4]
    assert report.notices == ()


async def test_two_machines_with_overlapping_user_ids(db: Database, clock: FixedClock) -> None:
    lobby = make_machine("SN-LOBI", clock, ids=IDS, days=DAYS)
    hall = make_machine("SN-AULA", clock, ids=IDS, days=DAYS)
    async with Simulator(lobby) as one, Simulator(hall, udp=True) as two:
        devices = device_settings([{"name": "Lobi", "port": one.port},
                                   {"name": "Aula", "port": two.port, "protocol": "udp"}])
        reports = await sync_all(db, devices, clock)
    assert [(r.machine, r.ok, r.new) for r in reports] == [("Lobi", True, 16), ("Aula", True, 16)]
    rows = await _rows(db)
    assert len(rows) == 32
    assert {r[0] for r in rows if r[1] == "0001" and r[2] == "2026-10-01T07:10:00+07:00"} == {
        "SN-LOBI", "SN-AULA"}


async def test_offline_machine_is_reported_once_and_its_recovery_once(
        db: Database, clock: FixedClock) -> None:
    good = make_machine("SN-OK", clock, ids=IDS, days=DAYS)
    port = free_port()
    async with Simulator(good) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port},
                                   {"name": "Gudang", "port": port}], retry_attempts=2)
        first = await sync_all(db, devices, clock, sleep=SleepLog())
        good.add_punches([good.punches[0].__class__("0001", dt.datetime(2026, 10, 5, 7, 5))])
        clock.advance(minutes=15)
        second = await sync_all(db, devices, clock, sleep=SleepLog())
        back = make_machine("SN-GUDANG", clock, ids=IDS[:1], days=DAYS)
        async with Simulator(back, port=port):
            clock.advance(minutes=15)
            third = await sync_all(db, devices, clock)
            fourth = await sync_all(db, devices, clock)
    assert [(r.machine, r.ok, r.new) for r in first] == [("Lobi", True, 16), ("Gudang", False, 0)]
    assert first[1].error_kind == client.OFFLINE and first[1].attempts == 2
    assert [n.kind for n in first[1].notices] == [FAILING]
    assert [(r.ok, r.new, r.notices) for r in second] == [(True, 1, ()), (False, 0, ())]
    assert third[1].ok and [n.kind for n in third[1].notices] == [RECOVERED]
    assert fourth[1].notices == ()
    async with db.read() as conn, conn.execute(
            "SELECT machine, kind, resolved_at IS NOT NULL FROM device_problems") as cursor:
        assert [tuple(r) for r in await cursor.fetchall()] == [("Gudang", "failure", 1)]


async def test_slow_and_garbled_machines_fail_with_their_kind(
        db: Database, clock: FixedClock) -> None:
    slow = make_machine("SN-SLOW", clock, ids=IDS, days=DAYS)
    slow.faults.delay_seconds = 1.0
    garbled = make_machine("SN-GARB", clock, ids=IDS, days=DAYS)
    garbled.faults.garbage = True
    async with Simulator(slow) as one, Simulator(garbled) as two:
        devices = device_settings([{"name": "Lambat", "port": one.port},
                                   {"name": "Rusak", "port": two.port}], timeout_seconds=0.3)
        reports = await sync_all(db, devices, clock)
    assert [(r.ok, r.error_kind) for r in reports] == [(False, client.TIMEOUT),
                                                       (False, client.GARBAGE)]
    assert slow.enabled and garbled.enabled


async def test_clock_drift_is_reported_once_and_when_fixed(db: Database,
                                                           clock: FixedClock) -> None:
    machine = make_machine("SN-CLOCK", clock, ids=IDS, days=DAYS)
    machine.clock_offset = dt.timedelta(minutes=-7)
    async with Simulator(machine) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port}],
                                  drift_threshold_seconds=120)
        [drifting] = await sync_all(db, devices, clock)
        [still] = await sync_all(db, devices, clock)
        done = await client.ZkMachine(devices.machines[0], 3).set_time(
            lambda: clock.now().replace(tzinfo=None))
        [fixed] = await sync_all(db, devices, clock)
    assert drifting.clock_drift_seconds == -420 and drifting.drift_exceeded
    assert [(n.kind, n.drift_seconds) for n in drifting.notices] == [(DRIFT, -420)]
    assert still.drift_exceeded and still.notices == ()
    assert done.drift_seconds == -420 and done.after == done.wanted
    assert fixed.clock_drift_seconds == 0 and [n.kind for n in fixed.notices] == [DRIFT_FIXED]


async def test_unknown_user_ids_are_kept_and_listed(db: Database, clock: FixedClock,
                                                    office: tuple[Person, ...]) -> None:
    machine = make_machine("SN-UNK", clock, ids=IDS, days=DAYS)
    async with Simulator(machine) as sim:
        await sync_all(db, device_settings([{"name": "Lobi", "port": sim.port}]), clock)
    async with db.read() as conn:
        unknown = await unknown_user_punches(conn)
    # 0001 and 0002 are employees; 0010 and 0099 are on the machine but in nobody's record.
    assert [(u.device_serial, u.machine, u.device_user_id, u.punches) for u in unknown] == [
        ("SN-UNK", "Lobi", "0010", 4), ("SN-UNK", "Lobi", "0099", 4)]
    assert unknown[0].first_at == "2026-10-01T07:10:02+07:00"


async def test_no_machines_configured(db: Database, clock: FixedClock) -> None:
    assert await sync_all(db, device_settings([]), clock) == []


async def test_udp_drop_mid_read_times_out_and_leaves_the_machine_enabled(
        db: Database, clock: FixedClock) -> None:
    users = generate_users(40, seed=2)
    machine = Machine("SN-UDPDROP", users, WIB, clock.now, firmware="zk6")
    machine.add_punches(generate_punches(users, 20, until=dt.datetime(2026, 10, 5, 8, 0)))
    machine.faults.drop_read = 1
    async with Simulator(machine, udp=True) as sim:
        devices = device_settings([{"name": "Aula", "port": sim.port, "protocol": "udp"}],
                                  timeout_seconds=0.3)
        [broken] = await sync_all(db, devices, clock)
        [complete] = await sync_all(db, devices, clock)
    assert (broken.ok, broken.error_kind) == (False, client.TIMEOUT)
    assert machine.faults.drop_read is None and machine.enabled
    assert complete.ok and complete.new == len(machine.punches)


async def test_firmware_refusing_bulk_reads_is_not_retried(db: Database,
                                                           clock: FixedClock) -> None:
    machine = make_machine("SN-H5L", clock, ids=IDS, days=DAYS)
    machine.faults.refuse_bulk_read = True
    async with Simulator(machine) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port}], retry_attempts=3)
        [report] = await sync_all(db, devices, clock, sleep=SleepLog())
    assert (report.ok, report.error_kind, report.attempts) == (False, client.UNSUPPORTED, 1)
    assert machine.enabled


async def test_49_byte_records_pyzk_garbles_are_read_right(db: Database,
                                                           clock: FixedClock) -> None:
    machine = make_machine("SN-V5L", clock, ids=IDS, days=DAYS, firmware="v5l")
    async with Simulator(machine) as sim:
        [report] = await sync_all(db, device_settings([{"name": "Lobi", "port": sim.port}]),
                                  clock)
    assert (report.ok, report.seen, report.new) == (True, 16, 16)
    assert sorted((r[1], r[2]) for r in await _rows(db)) == sorted(
        (p.user_id, p.at.isoformat() + "+07:00") for p in machine.punches)
    assert machine.enabled


async def test_machine_without_serial_is_known_by_its_name(db: Database,
                                                          clock: FixedClock) -> None:
    machine = make_machine("", clock, ids=IDS[:1], days=DAYS)
    async with Simulator(machine) as sim:
        [report] = await sync_all(db, device_settings([{"name": "Lobi", "port": sim.port}]),
                                  clock)
    assert (report.serial, report.new) == ("NOSN-Lobi", 4)
    assert {row[0] for row in await _rows(db)} == {"NOSN-Lobi"}


def test_end_of_stream_inside_a_command_counts_as_offline() -> None:
    assert client.classify(ZKNetworkError(client.CLOSED)).kind == client.OFFLINE
    assert client.classify(ZKNetworkError("TCP packet invalid")).kind == client.GARBAGE
    assert client.classify(ZKNetworkError("timed out")).kind == client.TIMEOUT


@pytest.mark.parametrize("udp", [False, True], ids=["tcp", "udp"])
async def test_a_machine_locked_by_an_outage_is_enabled_once_it_answers(
        db: Database, clock: FixedClock, udp: bool) -> None:
    # Enough records to be read in chunks (READ_BUFFER), which is where the drop happens.
    machine = make_machine("SN-LOCK", clock, ids=[str(n) for n in range(1, 40)], days=DAYS,
                           firmware="zk6" if udp else "zk8")
    # The network goes down right in the middle of the read and stays down past the retries.
    machine.faults.drop_read = 0
    machine.faults.unreachable_after_drop = True
    async with Simulator(machine, udp=udp) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port,
                                    "protocol": "udp" if udp else "tcp"}],
                                  timeout_seconds=1, retry_attempts=2)
        [report] = await sync_all(db, devices, clock)
        assert not report.ok and not machine.enabled
        assert [n.kind for n in report.notices] == [sync.FAILING, sync.LEFT_DISABLED]
        async with db.read() as conn:
            [status] = await state.machine_statuses(conn)
        assert status.left_disabled_at == clock.now().isoformat()
        # Still down: nothing to tell, the next try comes 30 s later.
        assert await sync.enable_locked_machines(db, devices, clock) == []
        assert not machine.enabled
        machine.faults.unreachable = False
        assert [n.kind for n in await sync.enable_locked_machines(db, devices, clock)] == [
            sync.REENABLED]
        assert machine.enabled
        assert await sync.enable_locked_machines(db, devices, clock) == []
        # The next pull stores everything, and the lock is not reported twice.
        [report] = await sync_all(db, devices, clock)
    assert report.ok and report.new == len(machine.punches)


async def test_a_log_older_than_clear_after_days_is_verified_then_cleared(
        db: Database, clock: FixedClock) -> None:
    old_days = [dt.date(2026, 7, 1) + dt.timedelta(days=n) for n in range(60)]
    # More records than one verification query checks, with a double press among them.
    machine = make_machine("SN-CLEAR", clock, ids=[str(n) for n in range(1, 50)],
                           days=old_days)
    machine.add_punches([machine.punches[0]])
    async with Simulator(machine) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port}], clear_after_days=90)
        # The oldest record is 96 days old. A manual `presensi sync` never clears...
        [report] = await sync_all(db, devices, clock, track_problems=False)
        assert report.cleared is None and len(machine.punches) == 5_881
        # ...the scheduled pull does, once every record is verified stored.
        [report] = await sync_all(db, devices, clock)
        assert report.cleared == 5_881 and machine.punches == () and machine.enabled
    async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM punches") as cursor:
        assert (await cursor.fetchone())[0] == 5_880
    async with db.read() as conn, conn.execute(
            "SELECT action FROM audit_log WHERE entity = 'device'") as cursor:
        assert [r[0] for r in await cursor.fetchall()] == ["device.clear_log"]


async def test_a_recent_log_is_left_on_the_machine(db: Database, clock: FixedClock) -> None:
    machine = make_machine("SN-KEEP", clock, ids=IDS, days=DAYS)
    async with Simulator(machine) as sim:
        devices = device_settings([{"name": "Lobi", "port": sim.port}], clear_after_days=60)
        [report] = await sync_all(db, devices, clock)
    assert report.ok and report.cleared is None and len(machine.punches) == 16
