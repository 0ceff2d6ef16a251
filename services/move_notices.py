"""The messages of approval steps moved to another person (services.step_moves) and of a
Plh/Plt designation, as outbox notices written in the move's own transaction (rendered by
handlers/delegation.py at send time).

Both people of every move are told (for an approver on cuti: the new holder and the
applicant); the new holder of a waiting step gets the item itself with its buttons: a
request's card (keyed like every card, so the decision closes it), a file's documents and
card, or the recap's PDF (services.recap_notices, rendered by handlers/recap.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import aiosqlite

from services import outbox, request_notices
from services.acting import CUTI
from services.outbox import Notice
from services.step_moves import RECAP, REQUEST, WORKFLOW_FILE, Move
from services.workflows import notices as file_notices

TOLD = "move.told"                       # one person told of one move
DESIGNATED = "delegation.designated"     # the delegate and the official told of a designation

NEW = "new"                # the person who holds the step now
OLD = "old"                # the person who held it
APPLICANT = "applicant"    # whose item it is (told when an absent approver is bypassed)


def _tag(move: Move) -> str:
    """Which move this is: a step can move to the same person more than once."""
    if move.delegation_id is not None:
        return f"dlg{move.delegation_id}{'b' if move.back else ''}"
    return f"{move.cause}:{move.from_nip}"


def _told(move: Move, role: str, nip: str, stamp: str) -> Notice:
    return Notice(TOLD, nip, None, {
        "role": role, "cause": move.cause, "entity": move.entity, "id": move.entity_id,
        "from": move.from_nip, "to": move.to_nip, "applicant": move.applicant_nip,
        "delegation": move.delegation_id, "back": move.back},
        # Not the step: an item whose several steps moved together is told of once.
        dedupe_key=f"move:{move.entity}:{move.entity_id}:{_tag(move)}:{role}:{nip}:{stamp}")


async def _item(conn: aiosqlite.Connection, move: Move, now: dt.datetime) -> list[Notice]:
    if move.entity == REQUEST:
        async with conn.execute("SELECT round FROM approval_subjects WHERE kind = ? AND"
                                " ref_id = ?", (REQUEST, move.entity_id)) as cursor:
            row = await cursor.fetchone()
        if row is None:
            return []
        return request_notices.moved_card(move.entity_id, int(move.step), int(row["round"]),
                                          move.to_nip)
    if move.entity == WORKFLOW_FILE:
        return await file_notices.moved_task(conn, move.entity_id, move.to_nip, _tag(move))
    assert move.entity == RECAP
    # Imported here: services.recap imports services.delegation, which writes these notices.
    from services import recap
    return await recap.moved_card(conn, move.entity_id, move.to_nip, now)


async def enqueue(conn: aiosqlite.Connection, moves: Iterable[Move], *,
                  now: dt.datetime) -> None:
    """Write every move's notices in the caller's (the move's) transaction."""
    stamp = now.isoformat()
    rows: list[Notice] = []
    for move in moves:
        if move.cause == CUTI:
            rows.append(_told(move, NEW, move.to_nip, stamp))
            if move.applicant_nip is not None:
                rows.append(_told(move, APPLICANT, move.applicant_nip, stamp))
        else:
            rows += [_told(move, NEW, move.to_nip, stamp), _told(move, OLD, move.from_nip, stamp)]
        if move.waiting:
            rows += await _item(conn, move, now)
    await outbox.enqueue(conn, rows, now=now)


def designated(delegation_id: int, official_nip: str, delegate_nip: str) -> list[Notice]:
    """The delegate and the official told of a new designation."""
    return [Notice(DESIGNATED, nip, None, {"delegation": delegation_id, "role": role},
                   dedupe_key=f"delegation:{delegation_id}:designated:{role}")
            for role, nip in ((NEW, delegate_nip), (OLD, official_nip))]
