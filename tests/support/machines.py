"""Simulated fingerprint machines for tests: build one, serve it, and describe it in config."""

from __future__ import annotations

import datetime as dt
import socket
from zoneinfo import ZoneInfo

from bot.config.devices import parse_devices
from bot.config.reader import Section
from device.config import AdmsSettings, DeviceSettings
from device.machine_data import MachinePunch, MachineUser
from device.simulator import Machine
from services.clock import Clock

WIB = ZoneInfo("Asia/Jakarta")


def office_users(ids: list[str]) -> list[MachineUser]:
    return [MachineUser(uid=i, user_id=user_id, name=f"Pegawai {user_id}")
            for i, user_id in enumerate(ids, start=1)]


def punches_for(ids: list[str], days: list[dt.date]) -> list[MachinePunch]:
    """An arrival and a departure per person per day, a second apart per person."""
    result = []
    for day in days:
        for n, user_id in enumerate(ids):
            result.append(MachinePunch(user_id, dt.datetime.combine(day, dt.time(7, 10, n % 60))))
            result.append(MachinePunch(user_id, dt.datetime.combine(day, dt.time(16, 5, n % 60)),
                                       state=1))
    return result


def make_machine(serial: str, clock: Clock, *, ids: list[str], days: list[dt.date],
                 password: int = 0, firmware: str = "zk8") -> Machine:
    machine = Machine(serial=serial, users=office_users(ids), tz=WIB, clock=clock.now,
                      password=password, firmware=firmware)
    machine.add_punches(punches_for(ids, days))
    return machine


def device_toml(name: str, port: int, *, protocol: str = "tcp", password: int = 0) -> str:
    return (f'\n[[devices]]\nname = "{name}"\nhost = "127.0.0.1"\nport = {port}\n'
            f'protocol = "{protocol}"\npassword = {password}\ntimezone = "Asia/Jakarta"\n')


def device_settings(machines: list[dict[str, object]], **sync: object) -> DeviceSettings:
    """DeviceSettings through the real config parser; `machines` are [[devices]] tables."""
    data: dict[str, object] = {
        "office": {"timezone": "Asia/Jakarta"},
        "devices": [{"host": "127.0.0.1", "timezone": "Asia/Jakarta", **m} for m in machines],
        "sync": {"timeout_seconds": 3, "retry_attempts": 1, "retry_backoff_seconds": 0,
                 **sync},
    }
    return parse_devices(Section(data, ""))


def free_port() -> int:
    """A TCP port nothing listens on (bound once, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def adms_settings(serials: list[str], *, enabled: bool = True,
                  allow_from: dict[str, list[str]] | None = None, **limits: object) -> AdmsSettings:
    """ADMS settings through the real config parser; `limits` are further [adms] keys."""
    machines = [{"serial": s, "name": f"ADMS {s}",
                 **({"allow_from": allow_from[s]} if allow_from and s in allow_from else {})}
                for s in serials]
    data = {"office": {"timezone": "Asia/Jakarta"},
            "adms": {"enabled": enabled, "host": "127.0.0.1", "port": 0, **limits,
                     "machines": machines}}
    return parse_devices(Section(data, "")).adms
