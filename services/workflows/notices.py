"""The messages a file's state change causes, as outbox notices (written by
services.workflows.files in the change's own transaction; rendered by handlers/layanan.py at
send time).

A payload names the file and the version it was written at, never rendered text. A task card
(and the documents before it) is rendered only while the file still waits at that version for
that person: a card that got out late never offers stale buttons. A notice to the applicant
names how much of the history it is about, so one sent late still tells what happened then.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import aiosqlite

from services.outbox import Notice

if TYPE_CHECKING:
    from services.workflows.files import FileView
    from services.workflows.files import Notice as FileNotice

TASK = "workflow.task"            # the card with the step's buttons
DOCUMENT = "workflow.document"    # one kelengkapan, forwarded before the card
NOTICE = "workflow.notice"        # diproses, dikembalikan, ditolak, selesai, tanpa_pelaksana,
#                                   catat_penunjukan
ACTED = "workflow.acted"          # the actor's own confirmation


def _visit(file: FileView) -> str:
    return f"wf:{file.id}:v{file.version}"


def _task(file_id: int, version: int, documents: Iterable[str], nip: str,
          tag: str = "") -> list[Notice]:
    base = {"file": file_id, "version": version, "nip": nip}
    key = f"wf:{file_id}:v{version}:{nip}{tag}"
    notices = [Notice(DOCUMENT, nip, None, {**base, "doc": doc_key},
                      dedupe_key=f"{key}:doc:{doc_key}")
               for doc_key in documents]
    notices.append(Notice(TASK, nip, None, base, dedupe_key=f"{key}:task"))
    return notices


def task(file: FileView, nip: str) -> list[Notice]:
    """The documents, then the card, for one actor of the current step."""
    return _task(file.id, file.version, [d.doc_key for d in file.documents], nip)


async def moved_task(conn: aiosqlite.Connection, file_id: int, nip: str,
                     tag: str) -> list[Notice]:
    """The documents and card of a file whose waiting step was moved to `nip`, inside the
    move's transaction. A move leaves the version alone (the buttons stay valid), so `tag`
    (which move) tells this card apart from the one the step's first holder got."""
    async with conn.execute("SELECT version FROM workflow_files WHERE id = ?",
                            (file_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return []
    async with conn.execute("SELECT doc_key FROM workflow_documents WHERE file_id = ?"
                            " ORDER BY rowid", (file_id,)) as cursor:
        documents = [r["doc_key"] for r in await cursor.fetchall()]
    return _task(file_id, int(row["version"]), documents, nip, f":{tag}")


def of(file: FileView, decided: Iterable[FileNotice]) -> list[Notice]:
    """The outbox rows of what the service decided to tell."""
    rows: list[Notice] = []
    for notice in decided:
        if notice.kind == "tugas":
            rows.extend(task(file, notice.to.nip))
        else:
            rows.append(Notice(NOTICE, notice.to.nip, None,
                               {"file": file.id, "kind": notice.kind,
                                "history": len(file.history), "step": file.step_index},
                               dedupe_key=f"{_visit(file)}:{notice.kind}:{notice.to.nip}"))
    return rows


def acted(file: FileView, nip: str, action: str) -> Notice:
    """The actor's confirmation; written first, so it reaches them before anything else
    the action sends them (the next card, when they hold the next step too)."""
    return Notice(ACTED, nip, None, {"file": file.id, "action": action},
                  dedupe_key=f"{_visit(file)}:acted:{nip}")
