"""Pure pieces of the device feature: config parsing, row preparation, notice texts."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from bot.config.devices import parse_devices
from bot.config.reader import ConfigError, Section
from device.adms import handshake
from device.config import AdmsMachine, DeviceSettings
from device.sync import DRIFT, FAILING, Notice
from handlers.device_notices import notice_text
from services.punches import RawPunch, prepare_punches

WITA = ZoneInfo("Asia/Makassar")
AT = dt.datetime(2026, 10, 5, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta"))


def _parse(data: dict[str, object]) -> DeviceSettings:
    return parse_devices(Section({"office": {"timezone": "Asia/Jakarta"}, **data}, ""))


def test_devices_config_defaults_and_errors() -> None:
    devices = _parse({"devices": [{"name": "Lobi", "host": "10.0.0.5"}]})
    [lobby] = devices.machines
    assert (lobby.port, lobby.protocol, lobby.password, lobby.timezone.key) == (
        4370, "tcp", 0, "Asia/Jakarta")
    assert devices.sync.interval_minutes == 15
    assert devices.adms.enabled is False
    with pytest.raises(ConfigError, match=r"devices\[0\]\.protocol"):
        _parse({"devices": [{"name": "A", "host": "h", "protocol": "http"}]})
    with pytest.raises(ConfigError, match=r"devices\[1\]\.name.*dua kali"):
        _parse({"devices": [{"name": "A", "host": "h"}, {"name": "A", "host": "i"}]})
    with pytest.raises(ConfigError, match=r"devices\[0\]\.host"):
        _parse({"devices": [{"name": "A"}]})
    with pytest.raises(ConfigError, match=r"adms\.machines\[0\]\.serial"):
        _parse({"adms": {"machines": [{"serial": "bad serial!"}]}})
    with pytest.raises(ConfigError, match=r"sync\.retry_attempts"):
        _parse({"sync": {"retry_attempts": 0}})


def test_adms_machines_can_be_pinned_to_addresses() -> None:
    adms = _parse({"adms": {"max_body_mb": 30, "max_age_days": 40, "machines": [
        {"serial": "A1", "allow_from": ["192.168.1.0/24", "10.0.0.7"]},
        {"serial": "B2", "allow_from": ["fd00::/8"]}]}}).adms
    first, second = adms.machines
    assert first.allows("192.168.1.77") and first.allows("10.0.0.7")
    assert not first.allows("10.0.0.8") and not first.allows(None) and not first.allows("x")
    assert second.allows("fd00::1") and not second.allows("192.168.1.77")
    assert adms.pinned_sources() is not None
    assert (adms.limits.max_body_bytes, adms.limits.max_age) == (30 * 1024 * 1024,
                                                                dt.timedelta(days=40))
    assert _parse({"adms": {"machines": [{"serial": "A1"}]}}).adms.pinned_sources() is None
    with pytest.raises(ConfigError, match=r"adms\.machines\[0\]\.allow_from.*CIDR"):
        _parse({"adms": {"machines": [{"serial": "A1", "allow_from": ["192.168.1.300/24"]}]}})


def test_prepare_punches_keeps_zone_offset_and_counts_unusable_records() -> None:
    prepared = prepare_punches("SN1", WITA, [
        RawPunch("0007", dt.datetime(2026, 10, 5, 7, 29, 59), 15, 0),
        RawPunch("  ", dt.datetime(2026, 10, 5, 7, 30), 1, 0),
        RawPunch("0002", dt.datetime(2026, 10, 5, 7, 1, 2, 999_999), None, None),
        RawPunch("0003", dt.datetime(2026, 10, 5, 7, 1, 2, tzinfo=WITA), None, None),
    ], source="adms", received_at=AT)
    assert prepared.errors == 2
    assert prepared.rows == [
        ("SN1", "0002", "2026-10-05T07:01:02+08:00", "2026-10-05", None, None, "adms",
         AT.isoformat()),
        ("SN1", "0007", "2026-10-05T07:29:59+08:00", "2026-10-05", 15, 0, "adms",
         AT.isoformat())]


def test_handshake_time_zone_follows_the_machine() -> None:
    lines = handshake(AdmsMachine("X1", "Pintu", ZoneInfo("Asia/Jayapura")),
                      {"ATTLOG": "42"}, AT).splitlines()
    assert "TimeZone=9" in lines and "ATTLOGStamp=42" in lines and "OPERLOGStamp=0" in lines


def test_notice_texts() -> None:
    drift = notice_text(Notice(DRIFT, "Lobi <1>", drift_seconds=-427), 15)
    assert "lebih lambat 7 menit 7 detik" in drift and "Lobi &lt;1&gt;" in drift
    failing = notice_text(Notice(FAILING, "Lobi", "timeout"), 15)
    assert "tidak menjawab" in failing and "15 menit" in failing
