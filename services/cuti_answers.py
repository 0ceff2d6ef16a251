"""The pejabat berwenang's perubahan and penangguhan of a cuti, as stored (cuti_answers).

Each ends the chain, so a request has at most one. While the applicant has not answered a
perubahan, the request row carries the proposed dates (they hold the days and the balance
like any waiting request); the dates as filed stay here, for /riwayat and the letter.
Repositories: they take the caller's connection and never commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import aiosqlite

PERUBAHAN = "perubahan"
TANGGUHKAN = "tangguhkan"
DITERIMA = "diterima"
DITARIK = "ditarik"


@dataclass(frozen=True)
class CutiAnswer:
    request_id: int
    answer: str                      # PERUBAHAN | TANGGUHKAN
    position: int
    round: int
    decided_by: str
    decided_at: dt.datetime
    asked_start: dt.date
    asked_end: dt.date
    asked_days: int
    proposed_start: dt.date | None = None
    proposed_end: dt.date | None = None
    proposed_days: int | None = None
    postponed_until: dt.date | None = None
    reply: str | None = None         # DITERIMA | DITARIK, for a perubahan
    replied_at: dt.datetime | None = None

    @property
    def awaiting_reply(self) -> bool:
        return self.answer == PERUBAHAN and self.reply is None


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def _row(r: aiosqlite.Row) -> CutiAnswer:
    asked_start, asked_end = _date(r["asked_start"]), _date(r["asked_end"])
    assert asked_start is not None and asked_end is not None
    return CutiAnswer(
        request_id=r["request_id"], answer=r["answer"], position=r["position"],
        round=r["round"], decided_by=r["decided_by"],
        decided_at=dt.datetime.fromisoformat(r["decided_at"]), asked_start=asked_start,
        asked_end=asked_end, asked_days=r["asked_days"],
        proposed_start=_date(r["proposed_start"]), proposed_end=_date(r["proposed_end"]),
        proposed_days=r["proposed_days"], postponed_until=_date(r["postponed_until"]),
        reply=r["reply"],
        replied_at=dt.datetime.fromisoformat(r["replied_at"]) if r["replied_at"] else None)


async def load_many(conn: aiosqlite.Connection,
                    request_ids: Sequence[int]) -> dict[int, CutiAnswer]:
    found: dict[int, CutiAnswer] = {}
    ids = list(request_ids)
    for first in range(0, len(ids), 500):
        chunk = ids[first:first + 500]
        marks = ", ".join("?" * len(chunk))
        async with conn.execute(
            f"SELECT * FROM cuti_answers WHERE request_id IN ({marks})", chunk,
        ) as cursor:
            found.update((r["request_id"], _row(r)) for r in await cursor.fetchall())
    return found


async def record(conn: aiosqlite.Connection, answer: CutiAnswer) -> None:
    await conn.execute(
        "INSERT INTO cuti_answers (request_id, answer, position, round, decided_by, decided_at,"
        " asked_start, asked_end, asked_days, proposed_start, proposed_end, proposed_days, "
        "postponed_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (answer.request_id, answer.answer, answer.position, answer.round, answer.decided_by,
         answer.decided_at.isoformat(), answer.asked_start.isoformat(),
         answer.asked_end.isoformat(), answer.asked_days,
         answer.proposed_start.isoformat() if answer.proposed_start else None,
         answer.proposed_end.isoformat() if answer.proposed_end else None,
         answer.proposed_days,
         answer.postponed_until.isoformat() if answer.postponed_until else None))


async def record_reply(conn: aiosqlite.Connection, request_id: int, reply: str,
                       at: dt.datetime) -> bool:
    """The applicant's one answer to a perubahan; False if it was answered already."""
    cursor = await conn.execute(
        "UPDATE cuti_answers SET reply = ?, replied_at = ? "
        "WHERE request_id = ? AND answer = ? AND reply IS NULL",
        (reply, at.isoformat(), request_id, PERUBAHAN))
    return cursor.rowcount == 1


async def postponed_into(conn: aiosqlite.Connection, nip: str, first: dt.date,
                         last: dt.date) -> list[tuple[dt.date, dt.date, dt.date]]:
    """(start, end, may be taken from) of the employee's postponed cuti tahunan overlapping
    first..last."""
    async with conn.execute(
        "SELECT r.start_date, r.end_date, a.postponed_until FROM requests r "
        "JOIN cuti_answers a ON a.request_id = r.id WHERE r.nip = ? AND r.type = ? "
        "AND r.status = ? AND a.answer = ? AND r.end_date >= ? AND r.start_date <= ?",
        (nip, "cuti_tahunan", "ditangguhkan", TANGGUHKAN, first.isoformat(),
         last.isoformat()),
    ) as cursor:
        rows = await cursor.fetchall()
    return [(dt.date.fromisoformat(r[0]), dt.date.fromisoformat(r[1]),
             dt.date.fromisoformat(r[2])) for r in rows]
