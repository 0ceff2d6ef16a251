"""Machine users' privileges as ADMS machines report them.

A machine uploads its users when they change, and all of them to a server whose OPERLOG stamp is
0: `table=OPERLOG` and `table=USERINFO` bodies hold `USER PIN=1\tName=Budi\tPri=14\t...` lines
(USERINFO sometimes without the `USER ` word), PUSH 3.x answers a user query on /querydata with
`user uid=1\tpin=1\t...\tprivilege=14\t...`. Other lines (`OPLOG ...`, `FP PIN=...`) are not
users. The privilege is what a later write must repeat, so an admin is never written as an
ordinary user.
"""

from __future__ import annotations

from collections.abc import Iterable

_USER_WORDS = ("USER ", "user ")
_PRIVILEGE_KEYS = ("pri", "privilege")
MAX_PIN = 24


def user_privilege(line: str) -> tuple[str, int] | None:
    """(PIN, privilege) of one user line, or None for a line that is no user record."""
    text = line.strip().lstrip("\ufeff")
    for word in _USER_WORDS:
        if text.startswith(word):
            text = text[len(word):]
            break
    else:
        if not text.upper().startswith("PIN="):
            return None
    fields: dict[str, str] = {}
    for part in text.split("\t"):
        key, sep, value = part.partition("=")
        if sep:
            fields.setdefault(key.strip().lower(), value.strip())
    pin = fields.get("pin", "")
    raw = next((fields[k] for k in _PRIVILEGE_KEYS if k in fields), "")
    if not pin or len(pin) > MAX_PIN or not raw.isdigit() or len(raw) > 3:
        return None
    return pin, int(raw)


def user_privileges(lines: Iterable[str]) -> dict[str, int]:
    """Every user a body reports, the last line of a PIN winning (a later change)."""
    found: dict[str, int] = {}
    for line in lines:
        user = user_privilege(line)
        if user is not None:
            found[user[0]] = user[1]
    return found
