"""Consistent copies of the database (and the conversation file) while the bot keeps running.

SQLite's online backup API copies the database page by page inside one read transaction. With
WAL journaling a reader never blocks the bot's writers, and doing the copy in a single step means
no concurrent write can restart it, so the copy is the database as of one commit. The copy is
written under a temporary name and only gets its final name after `PRAGMA integrity_check`
passes, so a copy with a final name is always a good one.

Copies are named `presensi-YYYYMMDD-HHMMSS.sqlite3`; pruning reads the time from the name, not
from file times, which a restore or a `cp` would change.
"""

from __future__ import annotations

import datetime as dt
import pickle
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from services.errors import DomainError
from services.storage.files import private_dir, private_file

DB_PREFIX = "presensi-"
DB_SUFFIX = ".sqlite3"
CONVERSATIONS_PREFIX = "percakapan-"
CONVERSATIONS_SUFFIX = ".pickle"
_STAMP_FORMAT = "%Y%m%d-%H%M%S"
_NAME = re.compile(r"^(presensi|percakapan)-(\d{8}-\d{6})\.(sqlite3|pickle)$")
# The conversation file is rewritten in place by PTB; a copy taken mid-write does not unpickle.
_CONVERSATION_ATTEMPTS = 5
_CONVERSATION_RETRY_SECONDS = 0.2


class BackupError(DomainError):
    """The copy could not be made or did not verify; nothing was kept."""


@dataclass(frozen=True)
class BackupResult:
    database: Path
    size_bytes: int
    conversations: Path | None
    pruned: tuple[Path, ...]


def backup_name(at: dt.datetime) -> str:
    return f"{DB_PREFIX}{at.strftime(_STAMP_FORMAT)}{DB_SUFFIX}"


def make_backup(database: Path, conversations: Path | None, folder: Path, at: dt.datetime, *,
                keep: int, keep_days: int) -> BackupResult:
    """Copy the database (and the conversation file, if any) into `folder`, then prune.

    Blocking: call it through asyncio.to_thread from async code.
    """
    if not database.is_file():
        raise BackupError(f"Basis data tidak ditemukan: {database}")
    private_dir(folder)
    target = folder / backup_name(at)
    if target.exists():
        raise BackupError(f"Cadangan dengan nama yang sama sudah ada: {target.name}")
    _copy_database(database, target)
    copied_conversations = None
    if conversations is not None and conversations.is_file():
        copied_conversations = folder / (
            f"{CONVERSATIONS_PREFIX}{at.strftime(_STAMP_FORMAT)}{CONVERSATIONS_SUFFIX}")
        _copy_conversations(conversations, copied_conversations)
    pruned = prune_backups(folder, at, keep=keep, keep_days=keep_days)
    return BackupResult(database=target, size_bytes=target.stat().st_size,
                        conversations=copied_conversations, pruned=tuple(pruned))


def _copy_database(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".part")
    partial.unlink(missing_ok=True)
    private_file(partial)
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(partial)
        try:
            # pages=-1: the whole database in one step, i.e. one consistent snapshot.
            src.backup(dst, pages=-1)
            problems = [row[0] for row in dst.execute("PRAGMA integrity_check")]
        finally:
            dst.close()
    except sqlite3.Error as exc:
        partial.unlink(missing_ok=True)
        raise BackupError(f"Pencadangan basis data gagal: {exc}") from exc
    finally:
        src.close()
    if problems != ["ok"]:
        partial.unlink(missing_ok=True)
        raise BackupError("Salinan basis data tidak lolos pemeriksaan integritas: "
                          + "; ".join(problems[:3]))
    partial.replace(target)


class _AnyBotUnpickler(pickle.Unpickler):
    """PTB pickles the Bot as a persistent id; a verification load does not need it back."""

    def persistent_load(self, pid: object) -> None:
        return None


def _copy_conversations(source: Path, target: Path) -> None:
    partial = target.with_name(target.name + ".part")
    for attempt in range(_CONVERSATION_ATTEMPTS):
        private_file(partial)
        shutil.copyfile(source, partial)
        try:
            with partial.open("rb") as handle:
                _AnyBotUnpickler(handle).load()
        except (pickle.UnpicklingError, EOFError, AttributeError, ValueError):
            if attempt + 1 < _CONVERSATION_ATTEMPTS:
                time.sleep(_CONVERSATION_RETRY_SECONDS)
            continue
        partial.replace(target)
        return
    partial.unlink(missing_ok=True)
    raise BackupError(f"Berkas percakapan tidak dapat disalin utuh: {source}")


@dataclass(frozen=True)
class _Copy:
    stamp: dt.datetime
    files: tuple[Path, ...]


def _copies(folder: Path) -> list[_Copy]:
    by_stamp: dict[str, list[Path]] = {}
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match and entry.is_file():
            by_stamp.setdefault(match[2], []).append(entry)
    copies = [_Copy(dt.datetime.strptime(stamp, _STAMP_FORMAT), tuple(sorted(files)))
              for stamp, files in by_stamp.items()]
    return sorted(copies, key=lambda c: c.stamp, reverse=True)


def backups_to_prune(stamps: list[dt.datetime], now: dt.datetime, *, keep: int,
                     keep_days: int) -> set[dt.datetime]:
    """Which copies go: all but the newest `keep`, except those younger than `keep_days`.

    `now` and the stamps are naive wall-clock times of the office.
    """
    newest_first = sorted(stamps, reverse=True)
    cutoff = now - dt.timedelta(days=keep_days)
    return {stamp for stamp in newest_first[keep:] if keep_days == 0 or stamp < cutoff}


def prune_backups(folder: Path, at: dt.datetime, *, keep: int, keep_days: int) -> list[Path]:
    copies = _copies(folder)
    doomed = backups_to_prune([c.stamp for c in copies], at.replace(tzinfo=None), keep=keep,
                              keep_days=keep_days)
    removed: list[Path] = []
    for copy in copies:
        if copy.stamp in doomed:
            for path in copy.files:
                path.unlink(missing_ok=True)
                removed.append(path)
    return removed


def list_backups(folder: Path) -> list[Path]:
    """Database copies, newest first."""
    if not folder.is_dir():
        return []
    return [p for c in _copies(folder) for p in c.files if p.suffix == DB_SUFFIX]
