"""Limits on what people type into notes and reasons that later messages quote."""

from __future__ import annotations

from services.errors import DomainError

# A reason or note longer than this would push the cards that quote it past Telegram's 4,096
# characters.
NOTE_MAX_CHARS = 1000


class NoteTooLong(DomainError):
    """A typed reason over the limit: refused, nothing decided, the person types it again."""


def check_note(note: str, *, what: str = "Alasan") -> str:
    """The note trimmed, or NoteTooLong with the count and the limit."""
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        count, limit = f"{len(note):,}".replace(",", "."), f"{NOTE_MAX_CHARS:,}".replace(",", ".")
        raise NoteTooLong(f"{what} terlalu panjang ({count} karakter); paling banyak {limit} "
                          "karakter. Silakan ketik ulang dengan lebih ringkas.")
    return note
