"""What a simulated machine holds: its users and a log of generated punches.

The punches follow the office schedule of Perpres 21/2023 (Mon–Thu 07:30–16:00, Fri until
16:30; weekends off): most people arrive between 06:50 and 07:30, some are late, some days have
no punch or no going-home punch, and now and then someone presses twice. Seeded, so the same
arguments always give the same log.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

VERIFY_FINGER = 1
VERIFY_FACE = 15
STATE_IN = 0
STATE_OUT = 1

_FIRST = ("Agus", "Budi", "Dewi", "Eko", "Fitri", "Hadi", "Indah", "Joko", "Lestari", "Made",
          "Nur", "Putu", "Rina", "Siti", "Teguh", "Wulan", "Yusuf", "Ratna", "Slamet", "Ayu")
_LAST = ("Santoso", "Wijaya", "Saputra", "Hidayat", "Nugroho", "Pratama", "Kusuma", "Siregar",
         "Lubis", "Harahap", "Nasution", "Sinaga", "Purnomo", "Setiawan")


@dataclass
class MachineUser:
    uid: int            # the machine's own slot number
    user_id: str        # the enrolment number people type; the real key
    name: str
    privilege: int = 0
    password: str = ""
    group_id: str = ""
    card: int = 0


@dataclass(frozen=True)
class MachinePunch:
    user_id: str
    at: dt.datetime     # naive machine wall-clock time
    verify: int = VERIFY_FINGER
    state: int = STATE_IN


def generate_users(count: int, *, seed: int = 1) -> list[MachineUser]:
    rng = random.Random(seed)
    return [MachineUser(uid=i, user_id=str(i),
                        name=f"{rng.choice(_FIRST)} {rng.choice(_LAST)}"[:24])
            for i in range(1, count + 1)]


def generate_punches(users: list[MachineUser], days: int, *, until: dt.datetime,
                     seed: int = 1) -> list[MachinePunch]:
    """Punches for the `days` calendar days ending on `until`'s date, none after `until`."""
    rng = random.Random(seed)
    punches: list[MachinePunch] = []
    last_day = until.date()
    for offset in range(days - 1, -1, -1):
        day = last_day - dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for user in users:
            punches.extend(_day_of(user, day, rng))
    punches = [p for p in punches if p.at <= until]
    punches.sort(key=lambda p: (p.at, p.user_id))
    return punches


def _day_of(user: MachineUser, day: dt.date, rng: random.Random) -> list[MachinePunch]:
    roll = rng.random()
    if roll < 0.03:
        return []                                   # absent: no punch at all
    verify = VERIFY_FACE if int(user.user_id or 0) % 3 == 0 else VERIFY_FINGER
    start = dt.datetime.combine(day, dt.time(6, 50))
    if roll < 0.13:                                 # late: 07:31–09:00
        arrive = start + dt.timedelta(minutes=41 + rng.randint(0, 89), seconds=rng.randint(0, 59))
    else:                                           # on time: 06:50–07:30
        arrive = start + dt.timedelta(minutes=rng.randint(0, 39), seconds=rng.randint(0, 59))
    result = [MachinePunch(user.user_id, arrive, verify, STATE_IN)]
    if rng.random() < 0.05:                         # pressed twice
        result.append(MachinePunch(user.user_id, arrive + dt.timedelta(seconds=rng.randint(20, 90)),
                                   verify, STATE_IN))
    if rng.random() < 0.02:                         # forgot to punch out
        return result
    closing = dt.time(16, 30) if day.weekday() == 4 else dt.time(16, 0)
    leave = dt.datetime.combine(day, closing) + dt.timedelta(minutes=rng.randint(-20, 70),
                                                             seconds=rng.randint(0, 59))
    # Machines record the in/out key unreliably; a few outs come back as "in".
    state = STATE_IN if rng.random() < 0.1 else STATE_OUT
    result.append(MachinePunch(user.user_id, leave, verify, state))
    return result
