"""SQLite storage through aiosqlite: one connection, explicit transactions, numbered migrations."""

from services.storage.database import Database, announce, in_thread, open_database

__all__ = ["Database", "announce", "in_thread", "open_database"]
