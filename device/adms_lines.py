"""ATTLOG lines as firmware really sends them.

`PIN<TAB>time<TAB>status<TAB>verify<TAB>workcode<TAB>...`: only the PIN and the time matter to
us. Firmware differs in everything else: status may be a digit or a letter (`I`, `O`), verify a
code or a name (`FP`, `FACE`), the time may be `YYYY-MM-DD HH:MM:SS`, `T`-separated (with or
without an offset) or Unix seconds, and newer models append temperature and mask columns. A line
whose PIN or time cannot be read is refused with its line number and the reason.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from services.punches import RawPunch

# The machines' user id field holds 24 bytes; a longer PIN is not from a machine.
MAX_PIN = 24
_PIN = re.compile(r"^[0-9A-Za-z_.-]{1,24}$")
_LOCAL = re.compile(r"^(\d{4})[-/](\d{2})[-/](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$")
_EPOCH = re.compile(r"^\d{9,10}$")

# Why a line was refused (texts in handlers/texts/devices.py).
NO_TIME = "no_time"
BAD_PIN = "bad_pin"
BAD_TIME = "bad_time"
FUTURE = "future"
TOO_OLD = "too_old"
TOO_LONG = "too_long"

_STATES = {"I": 0, "IN": 0, "O": 1, "OUT": 1}
_VERIFIES = {"PW": 0, "PWD": 0, "FP": 1, "FINGER": 1, "RF": 4, "CARD": 4, "FACE": 15,
             "PALM": 25}


@dataclass(frozen=True)
class Refusal:
    line: int
    reason: str


def _code(raw: str, names: dict[str, int]) -> int | None:
    if raw.isdigit():
        return int(raw)
    raw = raw.strip()
    if raw.isdigit():
        return int(raw)
    return names.get(raw.upper())


def parse_time(raw: str, tz: ZoneInfo) -> dt.datetime | None:
    """The machine's naive local wall-clock time, or None when `raw` is no time."""
    raw = raw.strip()
    match = _LOCAL.match(raw)
    try:
        if match:
            year, month, day, hour, minute, second = match.groups()
            return dt.datetime(int(year), int(month), int(day), int(hour), int(minute),
                               int(second or 0))
        if _EPOCH.match(raw):
            return dt.datetime.fromtimestamp(int(raw), tz).replace(tzinfo=None)
        if "T" in raw:
            aware = dt.datetime.fromisoformat(raw)
            if aware.tzinfo is None:
                return aware.replace(microsecond=0)
            return aware.astimezone(tz).replace(tzinfo=None, microsecond=0)
    except (ValueError, OverflowError, OSError):
        return None
    return None


def parse_line(line: str, number: int, tz: ZoneInfo) -> RawPunch | Refusal:
    # Columns after verify are never read, so they are not split apart either.
    fields = line.rstrip("\r\n").split("\t", 4)
    if len(fields) < 2:
        return Refusal(number, NO_TIME)
    pin = fields[0].strip()
    if not _PIN.match(pin):
        return Refusal(number, BAD_PIN)
    raw = fields[1]
    at: dt.datetime | None = None
    if len(raw) == 19 and raw[4] == "-":
        # The usual shape, read by the C parser; anything odd falls through to parse_time.
        try:
            at = dt.datetime.fromisoformat(raw)
        except ValueError:
            at = None
    if at is None:
        at = parse_time(raw, tz)
    if at is None:
        return Refusal(number, BAD_TIME)
    state = _code(fields[2], _STATES) if len(fields) > 2 else None
    verify = _code(fields[3], _VERIFIES) if len(fields) > 3 else None
    return RawPunch(pin, at, verify, state)


@dataclass(frozen=True)
class Window:
    """The times a scan may carry: not after the server's clock plus the tolerance, not older
    than the window (naive, in the machine's zone)."""

    earliest: dt.datetime
    latest: dt.datetime

    @classmethod
    def around(cls, now: dt.datetime, tz: ZoneInfo, *, future_tolerance: dt.timedelta,
               max_age: dt.timedelta) -> Window:
        local = now.astimezone(tz).replace(tzinfo=None)
        return cls(local - max_age, local + future_tolerance)

    def refuse(self, at: dt.datetime) -> str | None:
        if at > self.latest:
            return FUTURE
        if at < self.earliest:
            return TOO_OLD
        return None
