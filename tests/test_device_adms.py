"""The ADMS receiver, driven over real HTTP with the requests a push machine sends."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator

import aiohttp
import pytest

from device.adms import AdmsReceiver, AdmsServer, UnknownSerial, parse_attlog
from services.clock import FixedClock
from services.storage import Database
from tests.support.machines import adms_settings

SERIAL = "CKJ6230960001"


class Reports:
    def __init__(self) -> None:
        self.unknown: list[UnknownSerial] = []

    async def __call__(self, problem: UnknownSerial) -> None:
        self.unknown.append(problem)


@pytest.fixture
def reports() -> Reports:
    return Reports()


@pytest.fixture
async def adms(db: Database, clock: FixedClock,
               reports: Reports) -> AsyncIterator[tuple[str, aiohttp.ClientSession]]:
    receiver = AdmsReceiver(db, adms_settings([SERIAL]), clock, reports)
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


@pytest.mark.parametrize("suffix", ["", ".aspx"])
async def test_handshake_upload_and_stamp(adms: tuple[str, aiohttp.ClientSession], db: Database,
                                          suffix: str) -> None:
    serial, http = adms
    async with http.get(f"/iclock/cdata{suffix}",
                        params={"SN": serial, "options": "all", "pushver": "2.4.1",
                                "language": "69"}) as answer:
        assert answer.status == 200
        assert answer.content_type == "text/plain"
        options = (await answer.text()).splitlines()
    assert options[0] == f"GET OPTION FROM: {serial}"
    assert "ATTLOGStamp=0" in options and "TimeZone=7" in options
    assert "TransFlag=TransData AttLog\tOpLog\tEnrollUser\tChgUser" in options

    body = _lines(("0001", "2026-10-05 07:12:09", 0, 1), ("0002", "2026-10-05 07:31:40", 0, 15))
    async with http.post(f"/iclock/cdata{suffix}",
                         params={"SN": serial, "table": "ATTLOG", "Stamp": "9999"},
                         data=body.encode()) as answer:
        assert (answer.status, await answer.text()) == (200, "OK:2")
    assert await _punches(db) == [
        (serial, "0001", "2026-10-05T07:12:09+07:00", 1, 0, "adms"),
        (serial, "0002", "2026-10-05T07:31:40+07:00", 15, 0, "adms")]

    async with http.get(f"/iclock/cdata{suffix}", params={"SN": serial}) as answer:
        assert "ATTLOGStamp=9999" in (await answer.text()).splitlines()
    # The same upload again (the machine did not get our answer): nothing stored twice.
    async with http.post(f"/iclock/cdata{suffix}",
                         params={"SN": serial, "table": "ATTLOG", "Stamp": "9999"},
                         data=body.encode()) as answer:
        assert await answer.text() == "OK:2"
    assert len(await _punches(db)) == 2

    for path, method in (("getrequest", "GET"), ("devicecmd", "POST"), ("ping", "GET")):
        async with http.request(method, f"/iclock/{path}{suffix}", params={"SN": serial},
                                data=b"ID=1&Return=0&CMD=INFO" if method == "POST" else None
                                ) as answer:
            assert (answer.status, await answer.text()) == (200, "OK")


async def test_malformed_lines_are_counted_and_the_rest_stored(
        adms: tuple[str, aiohttp.ClientSession], db: Database,
        caplog: pytest.LogCaptureFixture) -> None:
    serial, http = adms
    body = ("0001\t2026-10-05 07:01:00\t0\t1\t0\t0\t0\n"
            "garbage without tabs\n"
            "0002\t2026-13-45 07:01:00\t0\t1\n"
            "\t2026-10-05 07:02:00\t0\t1\n"
            "0003\t2026-10-05 07:03:00\tx\t1\n"
            "\n"
            "0004\t2026-10-05 07:04:00\n")
    async with http.post("/iclock/cdata", params={"SN": serial, "table": "ATTLOG", "Stamp": "7"},
                         data=body.encode()) as answer:
        assert (answer.status, await answer.text()) == (200, "OK:2")
    assert [r[1] for r in await _punches(db)] == ["0001", "0004"]
    assert "lines=2,3,4,5" in caplog.text


def test_parse_attlog_reads_status_and_verify() -> None:
    parsed = parse_attlog("0007\t2026-10-05 16:02:11\t1\t15\t0\t0\t0\r\n")
    assert parsed.malformed == []
    [punch] = parsed.punches
    assert (punch.user_id, punch.at, punch.state, punch.verify) == (
        "0007", dt.datetime(2026, 10, 5, 16, 2, 11), 1, 15)


async def test_unknown_serial_is_refused_and_reported_once(
        adms: tuple[str, aiohttp.ClientSession], db: Database, reports: Reports) -> None:
    _serial, http = adms
    for path in ("/iclock/cdata", "/iclock/cdata.aspx", "/iclock/getrequest"):
        async with http.get(path, params={"SN": "STRANGER1", "options": "all"}) as answer:
            assert answer.status == 403
    async with http.post("/iclock/cdata", params={"SN": "STRANGER1", "table": "ATTLOG"},
                         data=b"0001\t2026-10-05 07:01:00\t0\t1\n") as answer:
        assert answer.status == 403
    assert [r.serial for r in reports.unknown] == ["STRANGER1"]
    assert await _punches(db) == []


async def test_operlog_and_options_tables_are_acknowledged(
        adms: tuple[str, aiohttp.ClientSession], db: Database) -> None:
    serial, http = adms
    oper = "USER PIN=0001\tName=Budi\tPri=0\tPasswd=\tCard=\tGrp=1\tTZ=0000000100000000\n"
    async with http.post("/iclock/cdata", params={"SN": serial, "table": "OPERLOG",
                                                  "Stamp": "55"}, data=oper.encode()) as answer:
        assert await answer.text() == "OK"
    async with http.post("/iclock/cdata", params={"SN": serial, "table": "options"},
                         data=b"~DeviceName=SpeedFace,FWVersion=Ver 8.0.4\n") as answer:
        assert await answer.text() == "OK"
    async with http.get("/iclock/cdata", params={"SN": serial, "options": "all"}) as answer:
        assert "OPERLOGStamp=55" in (await answer.text()).splitlines()
    assert await _punches(db) == []


async def test_answer_is_not_ok_when_the_commit_fails(
        adms: tuple[str, aiohttp.ClientSession], db: Database) -> None:
    serial, http = adms
    async with db.transaction() as conn:
        await conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON punches "
                           "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    async with http.post("/iclock/cdata", params={"SN": serial, "table": "ATTLOG", "Stamp": "3"},
                         data=b"0001\t2026-10-05 07:01:00\t0\t1\n") as answer:
        assert answer.status == 500
    async with db.transaction() as conn:
        await conn.execute("DROP TRIGGER refuse")
    async with http.get("/iclock/cdata", params={"SN": serial}) as answer:
        # The stamp did not move, so the machine sends the same records again.
        assert "ATTLOGStamp=0" in (await answer.text()).splitlines()
