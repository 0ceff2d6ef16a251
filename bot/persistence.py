"""PTB persistence over the bot's own SQLite database (table bot_state).

Conversation states and user_data (drafts, pending reason prompts) are written one value per
transaction on the database file itself, so they are atomic, survive a full disk (the failed
write rolls back and the previous value stays), and are in every backup. A value that cannot be
read back is logged and left out, and the bot starts anyway.

The Application reads persistence in `initialize()`, before `start_services` opens the shared
database, so this class has its own connection to the same file (WAL lets both work).

`[telegram] persistence_path` named the old pickle file. If that file exists it is imported
once into the database and renamed to `<name>.imported`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import logging
import pickle
import sqlite3
from pathlib import Path
from typing import Any

from telegram import Bot
from telegram.ext import BasePersistence, PersistenceInput
from telegram.ext._utils.types import CDCData, ConversationDict, ConversationKey

from services.storage import Database, open_database
from services.storage import state as rows

log = logging.getLogger(__name__)

UserData = dict[Any, Any]
_BOT_ID = "presensi.bot"
_PICKLE_IMPORTED = "pickle_imported"


class _Pickler(pickle.Pickler):
    """The Bot is not picklable; it is stored as a reference and given back on load."""

    def __init__(self, file: io.BytesIO, bot: Bot | None) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self._bot = bot

    def persistent_id(self, obj: object) -> str | None:
        return _BOT_ID if self._bot is not None and obj is self._bot else None


class _Unpickler(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, bot: Bot | None) -> None:
        super().__init__(file)
        self._bot = bot

    def persistent_load(self, pid: object) -> Bot | None:
        # PTB's own pickle file stores its Bot under another id; any Bot reference is ours.
        return self._bot


class SQLitePersistence(BasePersistence[UserData, dict[Any, Any], dict[Any, Any]]):
    def __init__(self, database_path: Path, *, legacy_pickle: Path | None,
                 update_interval: float) -> None:
        super().__init__(store_data=PersistenceInput(bot_data=False, chat_data=False,
                                                     user_data=True, callback_data=False),
                         update_interval=update_interval)
        self.database_path = database_path
        self.legacy_pickle = legacy_pickle
        self._db: Database | None = None
        # Values waiting for the next batch's transaction, its outcome, and the task writing
        # it (held: the loop keeps only a weak reference to a task).
        self._batch: list[tuple[str, str, str, bytes | None]] = []
        self._written: asyncio.Future[None] | None = None
        self._writer: asyncio.Future[None] | None = None

    async def database(self) -> Database:
        if self._db is None:
            self._db = await open_database(self.database_path)
            await self._import_legacy_pickle(self._db)
        return self._db

    # --- pickling ---------------------------------------------------------------------

    def _dump(self, value: object) -> bytes:
        buffer = io.BytesIO()
        _Pickler(buffer, self._bot_or_none()).dump(value)
        return buffer.getvalue()

    def _load(self, value: bytes) -> Any:
        return _Unpickler(io.BytesIO(value), self._bot_or_none()).load()

    def _bot_or_none(self) -> Bot | None:
        try:
            return self.bot
        except AttributeError:  # before set_bot
            return None

    # --- reads ------------------------------------------------------------------------

    async def _rows(self, kind: str, name: str | None = None) -> list[rows.StateRow]:
        try:
            return await rows.rows(await self.database(), kind, name)
        except sqlite3.DatabaseError as error:
            log.error("state.unreadable kind=%s error=%s", kind, error)
            return []

    async def get_user_data(self) -> dict[int, UserData]:
        found: dict[int, UserData] = {}
        for row in await self._rows(rows.USER):
            try:
                value = self._load(row.value)
                found[int(row.key)] = value if isinstance(value, dict) else {}
            except Exception as error:  # a value we cannot read must not stop the bot
                log.error("state.unreadable kind=user key=%s error=%r", row.key, error)
        return found

    async def get_conversations(self, name: str) -> ConversationDict:
        found: ConversationDict = {}
        for row in await self._rows(rows.CONVERSATION, name):
            try:
                key = tuple(json.loads(row.key))
                found[key] = self._load(row.value)
            except Exception as error:  # as above: skip it, keep the rest
                log.error("state.unreadable kind=conversation name=%s key=%s error=%r",
                          name, row.key, error)
        return found

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_callback_data(self) -> CDCData | None:
        return None

    # --- writes -----------------------------------------------------------------------

    async def _put(self, kind: str, name: str, key: str, value: bytes | None) -> None:
        # PTB hands every value changed since its last persistence run to one asyncio.gather:
        # each joins the batch before its first await, and the batch is written by a task that
        # runs after all of them did, in one transaction instead of one per value.
        self._batch.append((kind, name, key, value))
        if self._written is None:
            self._written = asyncio.get_running_loop().create_future()
            self._writer = asyncio.ensure_future(self._write_batch())
        written = self._written
        try:
            await asyncio.shield(written)
        except (sqlite3.Error, OSError) as error:
            # The transaction rolled back: the previous values are still there and readable.
            log.error("state.write_failed kind=%s name=%s error=%s", kind, name, error)

    async def _write_batch(self) -> None:
        written, batch = self._written, self._batch
        assert written is not None
        self._written, self._batch = None, []
        try:
            await rows.put(await self.database(), batch, dt.datetime.now(dt.UTC))
        except Exception as error:
            written.set_exception(error)
        else:
            written.set_result(None)

    async def update_conversation(self, name: str, key: ConversationKey,
                                  new_state: object | None) -> None:
        await self._put(rows.CONVERSATION, name, json.dumps(list(key)),
                        None if new_state is None else self._dump(new_state))

    async def update_user_data(self, user_id: int, data: UserData) -> None:
        await self._put(rows.USER, "", str(user_id), self._dump(data) if data else None)

    async def drop_user_data(self, user_id: int) -> None:
        await self._put(rows.USER, "", str(user_id), None)

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        return None

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        return None

    async def update_callback_data(self, data: CDCData) -> None:
        return None

    async def drop_chat_data(self, chat_id: int) -> None:
        return None

    async def refresh_user_data(self, user_id: int, user_data: UserData) -> None:
        return None

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        return None

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        return None

    async def flush(self) -> None:
        if self._db is not None:
            await self._db.close()
            self._db = None

    # --- the old pickle file ------------------------------------------------------------

    async def _import_legacy_pickle(self, db: Database) -> None:
        path = self.legacy_pickle
        if path is None or not path.is_file():
            return
        if any(r.key == _PICKLE_IMPORTED for r in await rows.rows(db, rows.META)):
            return
        try:
            with path.open("rb") as handle:
                data = _Unpickler(io.BytesIO(handle.read()), self._bot_or_none()).load()
            entries = [(rows.USER, "", str(user_id), self._dump(value))
                       for user_id, value in (data.get("user_data") or {}).items() if value]
            for name, states in (data.get("conversations") or {}).items():
                entries += [(rows.CONVERSATION, name, json.dumps(list(key)), self._dump(state))
                            for key, state in states.items() if state is not None]
        except Exception as error:  # an unreadable old file must not stop the bot
            log.error("state.legacy_unreadable path=%s error=%r", path, error)
            return
        entries.append((rows.META, "", _PICKLE_IMPORTED, self._dump(str(path))))
        await rows.put_many(db, entries, dt.datetime.now(dt.UTC))
        path.replace(path.with_name(path.name + ".imported"))
        log.info("state.legacy_imported path=%s values=%d", path, len(entries) - 1)
