"""Structured logs: one line per event, `key=value` pairs, no personal data beyond NIP.

Messages are written as `event.name key=value ...`. In JSON mode each line is one object with
the event name and the pairs as fields, for log shippers (journald, Loki, ELK).

What is kept out of the logs, and how:
- httpx logs every request URL, and a Bot API URL contains the bot token: WARNING and above only.
- python-telegram-bot logs whole updates (names, phone numbers of shared contacts) at DEBUG:
  its loggers never go below INFO, even with --log-level DEBUG.
"""

from __future__ import annotations

import json
import logging
import re
import sys

_PAIR = re.compile(r"(\w+)=('[^']*'|\"[^\"]*\"|\S+)")
_QUIET_AT_DEBUG = ("telegram", "httpx", "httpcore", "apscheduler", "tornado", "aiosqlite")


class _OneLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        return line.replace("\n", " | ")


class JsonLines(logging.Formatter):
    """One JSON object per line: time, level, logger, event, the key=value fields, error."""

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        event, _, rest = message.partition(" ")
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "event": event,
        }
        for key, value in _PAIR.findall(rest):
            entry.setdefault(key, value.strip("'\""))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "INFO", *, json_lines: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if json_lines else _OneLine(
        "%(asctime)s level=%(levelname)s logger=%(name)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    floor = max(logging.getLevelName(level), logging.INFO)
    for name in _QUIET_AT_DEBUG:
        logging.getLogger(name).setLevel(floor)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
