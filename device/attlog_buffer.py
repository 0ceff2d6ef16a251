"""The raw attendance buffer a pull machine sends, read in one linear pass.

pyzk 0.9's get_attendance() slices the buffer once per record, which makes a read quadratic
(100,000 records: 10 s, 200,000: 52 s) and garbles 49-byte records. We still let pyzk speak the
protocol (read_with_buffer fetches the bytes); this module only turns them into records.

The record size is the buffer's length divided by the machine's own record count:
- 40 bytes (zk8, most machines): uid, user id as text, verify, time, state, reserved;
- 49 bytes (SpeedFace-V5L family): the same 40 bytes followed by 9 bytes we do not read;
- 16 bytes (zk6, older firmware): the user id as a number (kept as pyzk reads it);
- 8 bytes (oldest firmware): only the machine's uid, mapped to the user id through its users.
"""

from __future__ import annotations

import datetime as dt
import struct
from collections.abc import Callable, Sequence
from typing import Protocol

from services.punches import RawPunch

_ZK8 = struct.Struct("<H24sBIB8s")
_ZK6 = struct.Struct("<IIBB2sI")
_ZK4 = struct.Struct("<HBIB")
SIZES = (8, 16, 40, 49)


class AttendanceBufferError(ValueError):
    """The buffer does not hold `records` records of a size we know."""


class MachineUserLike(Protocol):
    uid: int
    user_id: str


def _time_decoder() -> Callable[[int], dt.datetime]:
    """Decode the packed time (every month 31 days); dates are cached, a log has few."""
    days: dict[int, tuple[int, int, int]] = {}
    datetime = dt.datetime

    def decode(value: int) -> dt.datetime:
        day, second_of_day = divmod(value, 86400)
        ymd = days.get(day)
        if ymd is None:
            year, rest = divmod(day, 372)
            month, day_of_month = divmod(rest, 31)
            ymd = days[day] = (2000 + year, month + 1, day_of_month + 1)
        hour, rest = divmod(second_of_day, 3600)
        minute, second = divmod(rest, 60)
        return datetime(ymd[0], ymd[1], ymd[2], hour, minute, second)
    return decode


def record_size(data: bytes, records: int) -> int:
    if records <= 0 or len(data) < 4:
        return 0
    total: int = struct.unpack_from("<I", data)[0]
    if total % records or total // records not in SIZES or len(data) - 4 < total:
        raise AttendanceBufferError(f"{total} bytes do not hold {records} records of a known size")
    return total // records


def parse_attendance(data: bytes, records: int,
                     users: Callable[[], Sequence[MachineUserLike]]) -> list[RawPunch]:
    """Every record of the buffer; `users` is called only by formats that need the mapping."""
    size = record_size(data, records)
    if size == 0:
        return []
    body = memoryview(data)[4:4 + size * records]
    decode = _time_decoder()
    if size in (40, 49):
        if size == 49:
            body = memoryview(b"".join(body[i:i + 40] for i in range(0, len(body), 49)))
        result: list[RawPunch] = []
        append = result.append
        names: dict[bytes, str] = {}
        for _uid, raw_id, verify, packed, state, _reserved in _ZK8.iter_unpack(body):
            user_id = names.get(raw_id)
            if user_id is None:
                user_id = names[raw_id] = raw_id.split(b"\x00")[0].decode(errors="ignore")
            append(RawPunch(user_id, decode(packed), verify, state))
        return result
    if size == 16:
        return [RawPunch(str(number), decode(packed), verify, state)
                for number, packed, verify, state, _reserved, _workcode
                in _ZK6.iter_unpack(body)]
    ids = {u.uid: u.user_id for u in users()}
    return [RawPunch(ids.get(uid, str(uid)), decode(packed), verify, state)
            for uid, verify, packed, state in _ZK4.iter_unpack(body)]
