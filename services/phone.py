"""Indonesian phone numbers in the one form we store and compare: 62 followed by the number."""

from __future__ import annotations

import re

_SEPARATORS = re.compile(r"[\s\-.()/]")
_VALID = re.compile(r"^62[1-9]\d{7,12}$")


def normalize_phone(raw: str) -> str | None:
    """`0812-3456-789`, `62812…`, `+62 812…` → `62812…`; None if it is not a usable number."""
    digits = _SEPARATORS.sub("", raw.strip())
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    elif digits.startswith("8"):
        digits = "62" + digits
    return digits if _VALID.match(digits) else None
