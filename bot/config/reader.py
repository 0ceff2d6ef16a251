"""Typed access to a parsed TOML table, with errors that name the offending key."""

from __future__ import annotations

import builtins
import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterator
from typing import Any, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

T = TypeVar("T")

_MISSING: Any = object()
_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?$")


class ConfigError(Exception):
    """A configuration problem, reported to the operator as one line."""

    def __init__(self, key: str, problem: str) -> None:
        super().__init__(f"{key}: {problem}")
        self.key = key
        self.problem = problem


class _Read(dict[str, Any]):
    """A table that remembers which keys its parser looked at.

    The valid keys are whatever the section parsers ask for, so a key another feature declares
    is accepted the moment its parser reads it; there is no second list to keep in step.
    Iterating the table (a free-form mapping) counts as reading every key.
    """

    def __init__(self, data: dict[str, Any]) -> None:
        super().__init__(data)
        self.asked: set[str] = set()

    def __getitem__(self, key: str) -> Any:
        self.asked.add(key)
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return super().get(key, default)

    def __contains__(self, key: object) -> bool:
        if isinstance(key, str):
            self.asked.add(key)
        return super().__contains__(key)

    def _all(self) -> None:
        self.asked.update(dict.keys(self))

    def __iter__(self) -> Iterator[str]:
        self._all()
        return super().__iter__()

    def keys(self):  # type: ignore[no-untyped-def]
        self._all()
        return super().keys()

    def items(self):  # type: ignore[no-untyped-def]
        self._all()
        return super().items()

    def values(self):  # type: ignore[no-untyped-def]
        self._all()
        return super().values()

    def unasked(self) -> list[str]:
        return [key for key in dict.keys(self) if key not in self.asked]


class Section:
    """One table of the config file; `path` is its dotted name, used in error messages."""

    def __init__(self, data: dict[str, Any], path: str) -> None:
        self.data: dict[str, Any] = _Read(data)
        self.path = path
        self._children: dict[str, list[Section]] = {}

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def section(self, name: str) -> Section:
        value = self.data.get(name, {})
        if not isinstance(value, dict):
            raise ConfigError(self.key(name), "harus berupa tabel [..]")
        if name not in self._children:
            self._children[name] = [Section(value, self.key(name))]
        return self._children[name][0]

    def sections(self, name: str) -> list[Section]:
        value = self.data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise ConfigError(self.key(name), "harus berupa daftar tabel [[..]]")
        if name not in self._children:
            self._children[name] = [Section(v, f"{self.key(name)}[{i}]")
                                    for i, v in enumerate(value)]
        return list(self._children[name])

    def reject_unknown(self) -> None:
        """Raise for the first key no parser asked for, naming the closest valid one.

        Call it on the root after every section parser has run.
        """
        data = self.data
        assert isinstance(data, _Read)
        for name in data.unasked():
            kind = "bagian" if isinstance(dict.get(data, name), dict | list) else "kunci"
            valid = sorted(data.asked)
            close = difflib.get_close_matches(name, valid, n=1, cutoff=0.6)
            hint = f"; maksud Anda {self.key(close[0])}?" if close else (
                "; yang dikenal: " + ", ".join(valid) if valid else "")
            raise ConfigError(self.key(name), f"{kind} tidak dikenal{hint}")
        for children in self._children.values():
            for child in children:
                child.reject_unknown()

    def reject_unknown_in(self, *names: str) -> None:
        """`reject_unknown` for these tables only: a command that reads some sections checks
        the keys of those, and leaves the others to the commands that read them."""
        for name in names:
            for child in self._children.get(name, []):
                child.reject_unknown()

    def _get(self, name: str, default: Any, kind: type | tuple[type, ...], label: str) -> Any:
        if name not in self.data:
            if default is _MISSING:
                raise ConfigError(self.key(name), "wajib diisi")
            return default
        value = self.data[name]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            raise ConfigError(self.key(name), f"harus berupa {label}")
        if not isinstance(value, kind):
            raise ConfigError(self.key(name), f"harus berupa {label}")
        return value

    def str(self, name: str, default: Any = _MISSING) -> Any:
        return self._get(name, default, str, "teks")

    def nonempty_str(self, name: builtins.str, default: Any = _MISSING) -> Any:
        value = self.str(name, default)
        if isinstance(value, str) and not value.strip():
            raise ConfigError(self.key(name), "tidak boleh kosong")
        return value

    def int(self, name: builtins.str, default: Any = _MISSING, *, minimum: int | None = None,
            maximum: int | None = None) -> Any:
        value = self._get(name, default, int, "bilangan bulat")
        if value is not None and minimum is not None and value < minimum:
            raise ConfigError(self.key(name), f"minimal {minimum}")
        if value is not None and maximum is not None and value > maximum:
            raise ConfigError(self.key(name), f"maksimal {maximum}")
        return value

    def float(self, name: builtins.str, default: Any = _MISSING, *,
              minimum: float | None = None) -> Any:
        value = self._get(name, default, (int, float), "bilangan")
        if value is not None and minimum is not None and value < minimum:
            raise ConfigError(self.key(name), f"minimal {minimum}")
        return float(value) if value is not None else None

    def bool(self, name: builtins.str, default: Any = _MISSING) -> Any:
        return self._get(name, default, bool, "true atau false")

    def str_list(self, name: builtins.str, default: Any = _MISSING) -> Any:
        value = self._get(name, default, list, "daftar teks")
        if value is not None and not all(isinstance(v, str) for v in value):
            raise ConfigError(self.key(name), "harus berupa daftar teks")
        return value

    def time(self, name: builtins.str, default: Any = _MISSING) -> dt.time:
        raw = self._get(name, default, (builtins.str, dt.time), "jam \"HH:MM\"")
        return parse_time(raw, self.key(name))

    def date(self, name: builtins.str, default: Any = _MISSING) -> dt.date | None:
        raw = self._get(name, default, (builtins.str, dt.date), "tanggal \"YYYY-MM-DD\"")
        return parse_date(raw, self.key(name))

    def zone(self, name: builtins.str, default: Any = _MISSING) -> ZoneInfo:
        raw = self.nonempty_str(name, default)
        return parse_zone(raw, self.key(name))

    def choice(self, name: builtins.str, choices: tuple[builtins.str, ...],
               default: Any = _MISSING) -> Any:
        value = self.str(name, default)
        if value not in choices:
            raise ConfigError(self.key(name), "harus salah satu dari " + ", ".join(choices))
        return value

    def mapping(self, name: builtins.str, convert: Callable[[Any, builtins.str], T],
                default: Any = _MISSING) -> dict[builtins.str, T]:
        value = self._get(name, default, dict, "tabel")
        return {k: convert(v, f"{self.key(name)}.{k}") for k, v in value.items()}


def parse_time(raw: Any, key: str) -> dt.time:
    if isinstance(raw, dt.time):
        return raw
    match = _TIME.match(raw or "")
    if not match:
        raise ConfigError(key, f"jam tidak valid {raw!r}, gunakan format HH:MM")
    return dt.time(int(match[1]), int(match[2]), int(match[3] or 0))


def parse_date(raw: Any, key: str) -> dt.date | None:
    if raw is None or isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ConfigError(key, f"tanggal tidak valid {raw!r}, gunakan format YYYY-MM-DD") from None


def parse_zone(raw: str, key: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(key, f"zona waktu tidak dikenal {raw!r} (contoh: Asia/Jakarta)") from None
