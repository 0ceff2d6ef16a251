"""The office the bot serves: identity, letterhead and time zone."""

from __future__ import annotations

from dataclasses import dataclass, field
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class Office:
    name: str
    timezone: ZoneInfo
    address: str = ""
    city: str = ""
    government: str = ""
    unit_code: str = ""
    letterhead: tuple[str, ...] = field(default_factory=tuple)

    @property
    def letterhead_lines(self) -> tuple[str, ...]:
        """Kop surat lines; falls back to government, office name and address."""
        if self.letterhead:
            return self.letterhead
        return tuple(line for line in (self.government.upper(), self.name.upper(), self.address)
                     if line)
