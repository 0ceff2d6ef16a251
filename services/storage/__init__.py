"""SQLite storage through aiosqlite: one connection, explicit transactions, numbered migrations."""

from services.storage.database import Database, open_database

__all__ = ["Database", "open_database"]
