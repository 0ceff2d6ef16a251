"""Simulated fingerprint machines for tests: build one, serve it, and describe it in config."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

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
