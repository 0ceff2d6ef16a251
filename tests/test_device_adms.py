"""The ADMS receiver, driven over real HTTP with the requests a push machine sends."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import aiohttp
import pytest

from device import adms, zkwire
from device.adms import AdmsNotice, AdmsReceiver, AdmsServer
from device.adms_lines import Refusal, parse_line
from device.commands import queue_set_time, queue_user_push
from device.config import AdmsSettings
from handlers.health import render_report
from services import devices as state
from services import outbox
from services.clock import FixedClock
from services.health import health_report
from services.storage import Database
from tests.support.machines import adms_settings

SERIAL = "CKJ6230960001"
WIB = ZoneInfo("Asia/Jakarta")


ADMIN_CHAT = -100500


class Reports:
    """The reports for the admin chat, as the receiver wrote them to the outbox."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def notices(self) -> list[AdmsNotice]:
        rows = await outbox.rows(self.db, kind=adms.ALERT)
        assert all(r.chat_id == ADMIN_CHAT for r in rows)
        return [AdmsNotice(p["kind"], p["machine"], p["count"], p["detail"],
                           tuple(Refusal(line, reason) for line, reason in p["refusals"]),
                           p["drift_seconds"]) for p in (r.payload for r in rows)]


@pytest.fixture
def reports(db: Database) -> Reports:
    return Reports(db)


Http = tuple[str, aiohttp.ClientSession]


@pytest.fixture
def adms_config() -> AdmsSettings:
    return adms_settings([SERIAL])


@pytest.fixture
async def adms_http(db: Database, clock: FixedClock, reports: Reports,
                    adms_config: AdmsSettings) -> AsyncIterator[Http]:
    receiver = AdmsReceiver(db, adms_config, clock, ADMIN_CHAT)
    server = AdmsServer(receiver, "127.0.0.1", 0)
    await server.start()
    # Machines speak plain HTTP/1.1 without cookies; so does this client.
    async with aiohttp.ClientSession(f"http://127.0.0.1:{server.port}") as http:
        yield SERIAL, http
    await server.stop()


def _lines(*records: tuple[str, str, int, int]) -> str:
    return "".join(f"{pin}\t{at}\t{status}\t{verify}\t0\t0\t0\n"
                   for pin, at, status, verify in records)


async def _punches(db: Database) -> list[tuple[object, ...]]:
    async with db.read() as conn, conn.execute(
            "SELECT device_serial, device_user_id, punched_at, status, punch, source"
            " FROM punches ORDER BY punched_at, device_user_id") as cursor:
        return [tuple(r) for r in await cursor.fetchall()]


async def _upload(http: aiohttp.ClientSession, body: str | bytes, stamp: str | None = None,
                  serial: str = SERIAL, path: str = "/iclock/cdata") -> tuple[int, str]:
    params = {"SN": serial, "table": "ATTLOG"}
    if stamp is not None:
        params["Stamp"] = stamp
    data = body.encode() if isinstance(body, str) else body
    async with http.post(path, params=params, data=data) as answer:
        return answer.status, await answer.text()


async def _options(http: aiohttp.ClientSession, serial: str = SERIAL) -> list[str]:
    async with http.get("/iclock/cdata", params={"SN": serial, "options": "all"}) as answer:
        return (await answer.text()).splitlines()


@pytest.mark.parametrize("suffix", ["", ".aspx"])
async def test_handshake_upload_and_stamp(adms_http: Http, db: Database, suffix: str) -> None:
    serial, http = adms_http
    async with http.get(f"/iclock/cdata{suffix}",
                        params={"SN": serial, "options": "all", "pushver": "2.4.1",
                                "language": "69"}) as answer:
        assert answer.status == 200
        assert answer.content_type == "text/plain"
        options = (await answer.text()).splitlines()
    assert options[0] == f"GET OPTION FROM: {serial}"
    assert "ATTLOGStamp=0" in options and "TimeZone=7" in options
    # The keys firmware before push 2.0 reads are there too.
    assert "Stamp=0" in options and "OpStamp=0" in options
    assert "TransFlag=TransData AttLog\tOpLog\tEnrollUser\tChgUser" in options

    body = _lines(("0001", "2026-10-05 07:12:09", 0, 1), ("0002", "2026-10-05 07:31:40", 0, 15))
    assert await _upload(http, body, "9999", path=f"/iclock/cdata{suffix}") == (200, "OK:2")
    assert await _punches(db) == [
        (serial, "0001", "2026-10-05T07:12:09+07:00", 1, 0, "adms"),
        (serial, "0002", "2026-10-05T07:31:40+07:00", 15, 0, "adms")]
    options = await _options(http)
    assert "ATTLOGStamp=9999" in options and "Stamp=9999" in options
    # The same upload again (the machine did not get our answer): nothing stored twice.
    assert await _upload(http, body, "9999") == (200, "OK:2")
    assert len(await _punches(db)) == 2

    for path, method in (("getrequest", "GET"), ("devicecmd", "POST"), ("ping", "GET")):
        async with http.request(method, f"/iclock/{path}{suffix}", params={"SN": serial},
                                data=b"ID=1&Return=0&CMD=INFO" if method == "POST" else None
                                ) as answer:
            assert (answer.status, await answer.text()) == (200, "OK")


async def test_every_line_with_a_pin_and_a_time_is_stored(adms_http: Http, db: Database,
                                                          reports: Reports) -> None:
    serial, http = adms_http
    epoch = int(dt.datetime(2026, 10, 5, 7, 5, 0, tzinfo=WIB).timestamp())
    body = ("\ufeff0001\t2026-10-05 07:01:00\tI\tFP\t0\t0\n"       # BOM, letters for codes
            "0002\t2026-10-05T07:02:00\t0\t15\n"                 # T-separated
            "0003\t2026-10-05T00:03:00+00:00\t1\t1\n"            # with an offset (UTC)
            f"0004\t{epoch}\t0\t1\n"                              # Unix seconds
            "0005\t2026-10-05 07:06:00\t0\t15\t0\t0\t36.5\t1\t0\n"   # temperature, mask
            "0006\t2026-10-05 07:07:00\n"                        # PIN and time only
            "garbage without tabs\n"
            "0007\t2026-13-45 07:01:00\t0\t1\n"
            "\t2026-10-05 07:02:00\t0\t1\n"
            "\n"
            "0008\tkemarin\t0\t1\n")
    assert await _upload(http, body, "10") == (200, "OK:6")
    stored = {r[1]: (r[2], r[3], r[4]) for r in await _punches(db)}
    assert stored == {
        "0001": ("2026-10-05T07:01:00+07:00", 1, 0),
        "0002": ("2026-10-05T07:02:00+07:00", 15, 0),
        "0003": ("2026-10-05T07:03:00+07:00", 1, 1),
        "0004": ("2026-10-05T07:05:00+07:00", 1, 0),
        "0005": ("2026-10-05T07:06:00+07:00", 15, 0),
        "0006": ("2026-10-05T07:07:00+07:00", None, None)}
    [notice] = (await reports.notices())
    assert notice.kind == adms.LINES_REFUSED and notice.machine == f"ADMS {serial}"
    assert [(r.line, r.reason) for r in notice.refusals] == [
        (7, "no_time"), (8, "bad_time"), (9, "bad_pin"), (11, "bad_time")]
    # Refusals are reported once per machine and day; the log has every one.
    assert await _upload(http, "0009\tx\n") == (200, "OK:0")
    assert len(await reports.notices()) == 1


async def test_scans_outside_the_window_are_refused_and_reported(
        adms_http: Http, db: Database, reports: Reports) -> None:
    _serial, http = adms_http
    # The clock says 2026-10-05 08:00 WIB; tolerance 10 minutes, window 90 days.
    body = _lines(("0001", "2026-10-05 08:09:00", 0, 1),      # within the tolerance
                  ("0002", "2026-10-05 08:11:00", 0, 1),      # future
                  ("0003", "2026-11-05 07:00:00", 0, 1),      # forged, next month
                  ("0004", "2026-07-08 07:00:00", 0, 1),      # 89 days old
                  ("0005", "2026-07-01 07:00:00", 0, 1))      # too old
    assert await _upload(http, body, "5") == (200, "OK:2")
    assert [r[1] for r in await _punches(db)] == ["0004", "0001"]
    [notice] = (await reports.notices())
    assert [(r.line, r.reason) for r in notice.refusals] == [
        (2, "future"), (3, "future"), (5, "too_old")]


async def test_a_stamp_only_moves_forward_and_never_past_what_was_stored(
        adms_http: Http, db: Database) -> None:
    _serial, http = adms_http
    # An empty upload moves nothing, whatever stamp it claims.
    assert await _upload(http, "", "99999999999") == (200, "OK:0")
    assert "ATTLOGStamp=0" in await _options(http)
    # Nor does an upload whose every line is refused.
    assert await _upload(http, _lines(("0001", "2030-01-01 07:00:00", 0, 1)),
                         "99999999999") == (200, "OK:0")
    assert "ATTLOGStamp=0" in await _options(http)
    # One record cannot carry the stamp past itself.
    at = dt.datetime(2026, 10, 5, 7, 0, 0)
    assert await _upload(http, _lines(("0001", at.isoformat(" "), 0, 1)),
                         "99999999999") == (200, "OK:1")
    ceiling = zkwire.encode_time(at)
    assert f"ATTLOGStamp={ceiling}" in await _options(http)
    # A late resend of older records leaves the stamp where it is.
    assert await _upload(http, _lines(("0002", "2026-10-05 06:00:00", 0, 1)), "500") == (
        200, "OK:1")
    assert f"ATTLOGStamp={ceiling}" in await _options(http)
    assert await _upload(http, _lines(("0003", "2026-10-05 07:30:00", 0, 1)),
                         str(ceiling + 10)) == (200, "OK:1")
    assert f"ATTLOGStamp={ceiling + 10}" in await _options(http)
    # Non-numeric stamps are ignored rather than stored.
    assert await _upload(http, _lines(("0004", "2026-10-05 07:40:00", 0, 1)), "abc") == (
        200, "OK:1")
    assert f"ATTLOGStamp={ceiling + 10}" in await _options(http)


async def test_unknown_serials_are_reported_once_an_hour_with_the_count(
        adms_http: Http, db: Database, reports: Reports, clock: FixedClock) -> None:
    _serial, http = adms_http
    for n in range(200):
        async with http.get("/iclock/cdata", params={"SN": f"FAKE{n:04d}"}) as answer:
            assert answer.status == 403
    assert [(n.kind, n.count) for n in (await reports.notices())] == [(adms.UNKNOWN_SERIAL, 1)]
    assert await _punches(db) == []
    async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM device_problems") as cur:
        assert (await cur.fetchone())[0] == 0        # no row per made-up serial
    clock.set(clock.now() + dt.timedelta(minutes=61))
    assert await _upload(http, _lines(("0001", "2026-10-05 08:30:00", 0, 1)),
                         serial="FAKE9999") == (403, "UNKNOWN DEVICE")
    assert [(n.kind, n.count) for n in (await reports.notices())] == [
        (adms.UNKNOWN_SERIAL, 1), (adms.UNKNOWN_SERIAL, 200)]
    assert (await reports.notices())[-1].detail == "FAKE9999 127.0.0.1"


@pytest.mark.parametrize("adms_config", [adms_settings([SERIAL],
                                                       allow_from={SERIAL: ["10.1.2.0/24"]})])
async def test_a_pinned_machine_is_refused_from_other_addresses(
        adms_http: Http, db: Database, reports: Reports) -> None:
    _serial, http = adms_http
    # Every machine is pinned, so a connection from elsewhere is hung up on at once.
    with pytest.raises(aiohttp.ClientError):
        await _upload(http, _lines(("0001", "2026-10-05 07:00:00", 0, 1)), "1")
    assert await _punches(db) == []


@pytest.mark.parametrize("adms_config", [adms_settings(
    [SERIAL, "OTHER0001"], allow_from={SERIAL: ["10.1.2.0/24", "192.168.7.8"]})])
async def test_a_pinned_serial_from_a_wrong_address_is_refused_and_reported(
        adms_http: Http, db: Database, reports: Reports) -> None:
    _serial, http = adms_http
    for _ in range(3):
        status, _text = await _upload(http, _lines(("0001", "2026-10-05 07:00:00", 0, 1)), "1")
        assert status == 403
    assert await _punches(db) == []
    assert [(n.kind, n.detail) for n in (await reports.notices())] == [
        (adms.FORBIDDEN_SOURCE, "127.0.0.1")]
    # The unpinned machine still works from here.
    assert await _upload(http, _lines(("0001", "2026-10-05 07:00:00", 0, 1)), "1",
                         serial="OTHER0001") == (200, "OK:1")


async def test_only_the_protocols_tables_are_accepted(adms_http: Http, db: Database) -> None:
    serial, http = adms_http
    async with http.post("/iclock/cdata", params={"SN": serial, "table": "x' OR 1=1 --",
                                                  "Stamp": "9"}, data=b"") as answer:
        assert (answer.status, await answer.text()) == (400, "UNKNOWN TABLE")
    oper = "USER PIN=0001\tName=Budi\tPri=0\tPasswd=\tCard=\tGrp=1\tTZ=0000000100000000\n"
    async with http.post("/iclock/cdata", params={"SN": serial, "table": "OPERLOG",
                                                  "Stamp": "55"}, data=oper.encode()) as answer:
        assert await answer.text() == "OK"
    async with http.post("/iclock/cdata", params={"SN": serial, "table": "options"},
                         data=b"~DeviceName=SpeedFace,FWVersion=Ver 8.0.4\n") as answer:
        assert await answer.text() == "OK"
    assert "OPERLOGStamp=55" in await _options(http)
    async with db.read() as conn:
        assert [r.firmware for r in await state.machine_statuses(conn)] == ["Ver 8.0.4"]
        async with conn.execute("SELECT table_name FROM device_adms_stamps") as cursor:
            assert [r[0] for r in await cursor.fetchall()] == ["OPERLOG"]
    assert await _punches(db) == []


def _big_body(records: int) -> bytes:
    # Newer firmware's lines: temperature, mask and reserved columns make each about 200 bytes.
    start = dt.datetime(2026, 9, 1, 6, 0, 0)
    filler = "\t".join(["0"] * 40)
    lines = [f"{n % 5000:05d}\t{(start + dt.timedelta(seconds=n * 7)).isoformat(' ')}\t0\t1\t0"
             f"\t36.{n % 10}\t1\t{filler}\n" for n in range(records)]
    return "".join(lines).encode()


async def test_a_20_mb_upload_is_stored_whole(adms_http: Http, db: Database) -> None:
    _serial, http = adms_http
    body = _big_body(190_000)
    assert len(body) > 20 * 1024 * 1024
    assert await _upload(http, body, "1") == (200, "OK:190000")
    async with db.read() as conn, conn.execute("SELECT COUNT(*) FROM punches") as cursor:
        assert (await cursor.fetchone())[0] == 190_000


@pytest.mark.parametrize("adms_config", [adms_settings([SERIAL], max_body_mb=1)])
async def test_a_body_over_the_limit_is_refused_logged_and_reported_once_a_day(
        adms_http: Http, db: Database, reports: Reports, clock: FixedClock,
        caplog: pytest.LogCaptureFixture) -> None:
    _serial, http = adms_http
    body = _big_body(10_000)
    caplog.set_level(logging.WARNING)
    for _ in range(2):
        status, _text = await _upload(http, body, "1")
        assert status == 413
    assert "adms.body_too_large" in caplog.text
    assert [(n.kind, n.count) for n in (await reports.notices())] == [(adms.TOO_LARGE, 1)]
    clock.set(clock.now() + dt.timedelta(days=1))
    assert (await _upload(http, body, "1"))[0] == 413
    assert [(n.kind, n.count) for n in (await reports.notices())] == [(adms.TOO_LARGE, 1),
                                                            (adms.TOO_LARGE, 1)]
    assert await _punches(db) == []


@pytest.mark.parametrize("suffix", ["", ".aspx"])
async def test_push_3_firmware_registers_and_pushes(adms_http: Http, db: Database,
                                                    clock: FixedClock, suffix: str) -> None:
    serial, http = adms_http
    params = {"SN": serial}
    registration = ("DeviceType=att,~DeviceName=SpeedFace-V5L,FirmVer=ZAM180-NF-Ver1.2.3,"
                    "PushVersion=3.1.2,MAC=00:17:61:00:00:01")
    async with http.post(f"/iclock/registry{suffix}", params=params,
                         data=registration.encode()) as answer:
        assert answer.status == 200
        assert (await answer.text()).startswith("RegistryCode=")
    async with http.post(f"/iclock/push{suffix}", params=params) as answer:
        config = (await answer.text()).splitlines()
        assert answer.status == 200
    assert "ServerVersion=3.1.2" in config and "TransTables=User Transaction" in config
    assert "ATTLOGStamp=0" in config
    async with http.get(f"/iclock/rtdata{suffix}", params={**params, "type": "time"}) as answer:
        assert await answer.text() == (f"DateTime={int(clock.now().timestamp())},"
                                       "ServerTZ=+0700")
    assert await _upload(http, _lines(("0001", "2026-10-05 07:59:58", 0, 15)), "3",
                         path=f"/iclock/cdata{suffix}") == (200, "OK:1")
    async with http.post(f"/iclock/querydata{suffix}",
                         params={**params, "type": "tabledata", "tablename": "user",
                                 "count": "2", "packcnt": "1", "packidx": "1"},
                         data=b"user uid=1\tpin=0001\tname=Budi\nuser uid=2\tpin=0002\n") as answer:
        assert (answer.status, await answer.text()) == (200, "user=2")
    async with http.post(f"/iclock/exchange{suffix}", params={**params, "type": "publickey"},
                         data=b"PublicKey=abcdef") as answer:
        assert (answer.status, await answer.text()) == (200, "OK")
    async with db.read() as conn:
        [machine] = await state.machine_statuses(conn)
    assert (machine.firmware, machine.push_version) == ("ZAM180-NF-Ver1.2.3", "3.1.2")
    # The real-time upload showed the machine's clock: two seconds behind.
    assert machine.clock_drift_seconds == -2
    # /kesehatan and `presensi health` show what the machine runs and its clock.
    text = render_report(await health_report(db, clock.now()), as_html=False)
    assert "firmware ZAM180-NF-Ver1.2.3, versi push 3.1.2, kontak terakhir" in text
    assert "selisih jam mesin terhadap server: -2 detik" in text


async def test_users_and_the_time_are_pushed_through_getrequest(
        adms_http: Http, db: Database, clock: FixedClock) -> None:
    serial, http = adms_http
    async with http.get("/iclock/cdata", params={"SN": serial, "options": "all",
                                                 "pushver": "2.4.1"}) as answer:
        assert answer.status == 200
    machine = adms_settings([SERIAL]).machines[0]
    ids = await queue_user_push(db, machine, [("0001", "Budi Santoso", 0),
                                              ("0002", "Dewi\tLestari", 14)], clock.now())
    time_id = await queue_set_time(db, machine, clock.now())
    clock.set(clock.now() + dt.timedelta(seconds=30))
    async with http.get("/iclock/getrequest", params={"SN": serial,
                                                      "INFO": "Ver 8.0.4,2,0,10,127.0.0.1"}
                        ) as answer:
        commands = (await answer.text()).splitlines()
    local = clock.now().replace(tzinfo=None)
    assert commands == [
        f"C:{ids[0]}:DATA UPDATE USERINFO PIN=0001\tName=Budi Santoso\tPri=0",
        f"C:{ids[1]}:DATA UPDATE USERINFO PIN=0002\tName=Dewi Lestari\tPri=14",
        f"C:{time_id}:SET OPTIONS DateTime={zkwire.encode_time(local)}"]
    answers = "".join(f"ID={i}&Return={0 if i != ids[1] else -1}&CMD=DATA\n" for i in ids)
    answers += f"ID={time_id}&Return=0&CMD=SET OPTIONS\nID=999&Return=0&CMD=DATA\n"
    async with http.post("/iclock/devicecmd", params={"SN": serial},
                         data=answers.encode()) as answer:
        assert await answer.text() == "OK"
    async with db.read() as conn:
        done = {c.id: c.return_code for c in await state.commands_of(conn, serial)}
        [status] = await state.machine_statuses(conn)
    assert done == {ids[0]: 0, ids[1]: -1, time_id: 0}
    assert status.firmware == "Ver 8.0.4"
    # Answered commands are not handed out again.
    async with http.get("/iclock/getrequest", params={"SN": serial}) as answer:
        assert await answer.text() == "OK"


async def test_the_users_privileges_a_machine_reports_are_kept_the_latest_winning(
        adms_http: Http, db: Database, clock: FixedClock) -> None:
    serial, http = adms_http
    operlog = ("\ufeffOPLOG 4\t0\t2026-10-05 07:00:00\t0\t0\t0\t0\n"
               "USER PIN=0001\tName=Budi\tPri=14\tPasswd=\tCard=\tGrp=1\tTZ=0\n"
               "FP PIN=0001\tFID=6\tSize=4\tValid=1\tTMP=AAAA\n"
               "USER PIN=0002\tName=Dewi\tPri=0\n"
               "USER PIN=0003\tName=Tanpa hak\n"
               "USER PIN=0004\tName=Rusak\tPri=admin\n"
               "USER PIN=0002\tName=Dewi\tPri=6\n")
    params = {"SN": serial, "table": "OPERLOG", "Stamp": "9"}
    async with http.post("/iclock/cdata", params=params, data=operlog.encode()) as answer:
        assert await answer.text() == "OK"
    async with db.read() as conn:
        assert await state.user_privileges(conn, serial) == {"0001": 14, "0002": 6}
        assert await state.adms_stamp(conn, serial, "OPERLOG") == "9"
    # What we write later wins over the machine's earlier report, and the next report over it.
    await queue_user_push(db, adms_settings([SERIAL]).machines[0], [("0001", "Budi", 0)],
                          clock.now())
    async with db.read() as conn:
        assert (await state.user_privileges(conn, serial))["0001"] == 0
    async with http.post("/iclock/cdata", params={"SN": serial, "table": "USERINFO"},
                         data=b"PIN=0001\tName=Budi\tPri=14\n") as answer:
        assert await answer.text() == "OK"
    async with db.read() as conn:
        assert (await state.user_privileges(conn, serial))["0001"] == 14
        assert await state.user_privileges(conn, "OTHER") == {}


async def test_older_push_firmware_gets_the_old_user_command(
        adms_http: Http, db: Database, clock: FixedClock) -> None:
    serial, http = adms_http
    async with http.get("/iclock/cdata", params={"SN": serial, "pushver": "2.0.1"}) as answer:
        assert answer.status == 200
    [ident] = await queue_user_push(db, adms_settings([SERIAL]).machines[0],
                                    [("7", "Agus", 0)], clock.now())
    async with http.get("/iclock/getrequest", params={"SN": serial}) as answer:
        assert await answer.text() == f"C:{ident}:DATA USER PIN=7\tName=Agus\tPri=0\n"


async def test_answer_is_not_ok_when_the_commit_fails(adms_http: Http, db: Database) -> None:
    _serial, http = adms_http
    async with db.transaction() as conn:
        await conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON punches "
                           "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    assert (await _upload(http, b"0001\t2026-10-05 07:01:00\t0\t1\n", "3"))[0] == 500
    async with db.transaction() as conn:
        await conn.execute("DROP TRIGGER refuse")
    # The stamp did not move, so the machine sends the same records again.
    assert "ATTLOGStamp=0" in await _options(http)


def test_line_parser_reads_every_time_shape() -> None:
    expected = dt.datetime(2026, 10, 5, 16, 2, 11)
    for raw in ("2026-10-05 16:02:11", "2026-10-05T16:02:11", "2026/10/05 16:02:11",
                "2026-10-05T09:02:11Z", str(int(expected.replace(tzinfo=WIB).timestamp()))):
        punch = parse_line(f"0007\t{raw}\t1\t15\r\n", 1, WIB)
        assert not isinstance(punch, Refusal), raw
        assert (punch.user_id, punch.at, punch.state, punch.verify) == ("0007", expected, 1, 15)
