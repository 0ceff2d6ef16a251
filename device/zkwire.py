"""The ZKTeco "standalone SDK" wire format, as machines speak it on UDP/TCP port 4370.

Written from the public protocol description (adrobinoga/zk-protocol) and checked against the
device captures in pyzk's test suite. A packet is a header `<HHHH` (command, checksum, session,
reply number) followed by data; over TCP every packet travels in a frame `50 50 82 7D` +
uint32 length. Machines compute the checksum as the Internet ones'-complement sum over the whole
packet; they do not check the client's checksum (pyzk's differs from theirs by design: it sums
the header before it bumps the reply number), so the simulator does not check it either.
"""

from __future__ import annotations

import datetime as dt
import struct

TCP_MAGIC = b"\x50\x50\x82\x7d"
HEADER = struct.Struct("<HHHH")
TCP_TOP = struct.Struct("<4sI")
USHRT_MAX = 0xFFFF
# Record layouts of the firmware families the simulator speaks (user and attendance records).
FIRMWARES = ("zk8", "zk6", "v5l")

# Commands the machines answer (names as in the SDK).
CMD_DB_RRQ = 7
CMD_USER_WRQ = 8
CMD_USERTEMP_RRQ = 9
CMD_OPTIONS_RRQ = 11
CMD_OPTIONS_WRQ = 12
CMD_ATTLOG_RRQ = 13
CMD_CLEAR_DATA = 14
CMD_CLEAR_ATTLOG = 15
CMD_DELETE_USER = 18
CMD_GET_FREE_SIZES = 50
CMD_GET_PINWIDTH = 69
CMD_GET_TIME = 201
CMD_SET_TIME = 202
CMD_REG_EVENT = 500
CMD_CONNECT = 1000
CMD_EXIT = 1001
CMD_ENABLEDEVICE = 1002
CMD_DISABLEDEVICE = 1003
CMD_REFRESHDATA = 1013
CMD_GET_VERSION = 1100
CMD_AUTH = 1102
CMD_PREPARE_DATA = 1500
CMD_DATA = 1501
CMD_FREE_DATA = 1502
CMD_PREPARE_BUFFER = 1503
CMD_READ_BUFFER = 1504
CMD_ACK_OK = 2000
CMD_ACK_ERROR = 2001
CMD_ACK_UNAUTH = 2005
CMD_ACK_UNKNOWN = 0xFFFF

FCT_FINGERTMP = 2
FCT_USER = 5

# Record layouts. "zk8" firmware (most machines on TCP): 72-byte users, 40-byte attendance
# records with the user_id as text. "zk6" firmware (older, UDP): 28-byte users and 16-byte
# records that carry the user_id as a number, so leading zeros do not survive on those.
USER_ZK8 = struct.Struct("<HB8s24sIB7sx24s")
USER_ZK6 = struct.Struct("<HB5s8sIxBhI")
ATT_ZK8 = struct.Struct("<H24sB4sB8s")
ATT_ZK6 = struct.Struct("<I4sBB2sI")
# What pyzk sends with CMD_USER_WRQ: the same layouts without the trailing flag byte meaning.
USER_WRQ_ZK8 = struct.Struct("<HB8s24s4sx7sx24s")
USER_WRQ_ZK6 = struct.Struct("<HB5s8sIxBHI")


def checksum(packet: bytes) -> int:
    """Ones'-complement 16-bit checksum of a packet whose checksum field is zero."""
    if len(packet) % 2:
        packet += b"\x00"
    total = sum(struct.unpack(f"<{len(packet) // 2}H", packet))
    while total >> 16:
        total = (total & USHRT_MAX) + (total >> 16)
    return int(~total & USHRT_MAX)


def packet(command: int, session: int, reply: int, data: bytes = b"") -> bytes:
    body = HEADER.pack(command, 0, session, reply) + data
    return HEADER.pack(command, checksum(body), session, reply) + data


def tcp_frame(pkt: bytes) -> bytes:
    return TCP_TOP.pack(TCP_MAGIC, len(pkt)) + pkt


def encode_time(at: dt.datetime) -> int:
    """The machines' packed time: every month has 31 days, years count from 2000."""
    return (((at.year % 100) * 12 * 31 + (at.month - 1) * 31 + at.day - 1) * 86400
            + at.hour * 3600 + at.minute * 60 + at.second)


def decode_time(value: int) -> dt.datetime:
    value, second = divmod(value, 60)
    value, minute = divmod(value, 60)
    value, hour = divmod(value, 24)
    value, day = divmod(value, 31)
    year, month = divmod(value, 12)
    return dt.datetime(2000 + year, month + 1, day + 1, hour, minute, second)


def comm_key(password: int, session: int, ticks: int = 50) -> bytes:
    """The scrambled comm key a client sends with CMD_AUTH (MakeKey in the SDK)."""
    reversed_bits = int(f"{password & 0xFFFFFFFF:032b}"[::-1], 2)
    k = (reversed_bits + session) & 0xFFFFFFFF
    b = bytes(x ^ y for x, y in zip(struct.pack("<I", k), b"ZKSO", strict=True))
    swapped = b[2:4] + b[0:2]
    t = ticks & 0xFF
    return bytes((swapped[0] ^ t, swapped[1] ^ t, t, swapped[3] ^ t))


def comm_key_matches(received: bytes, password: int, session: int) -> bool:
    """Whether `received` is the comm key for `password`; the client chooses the ticks byte."""
    return len(received) >= 4 and received[:4] == comm_key(password, session, received[2])
