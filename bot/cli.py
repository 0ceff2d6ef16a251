"""The `presensi` command (also `python -m bot`)."""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from bot.config import CONFIG_ENV, ConfigError
from bot.logging_setup import configure_logging
from services.errors import DomainError

# The modules of bot/commands/, each registering its subcommands; imported when needed.
SUBCOMMANDS: tuple[str, ...] = ("run", "migrate", "employees", "accounts", "backup", "demo",
                                "health", "device", "recap", "layanan", "leave", "ladder")
# Subcommands run often enough to start without importing every other module; anything not
# listed here (and `presensi --help`) registers all of them.
OWN_MODULE = {"sync": "device", "device": "device", "simulate-device": "device"}
_VALUE_OPTIONS = ("--config", "--log-level")


def _chosen(argv: Sequence[str]) -> tuple[str, ...]:
    """The modules to register for this command line: the command's own, or all."""
    words = iter(argv)
    for word in words:
        if word in _VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            own = OWN_MODULE.get(word)
            return (own,) if own else SUBCOMMANDS
    return SUBCOMMANDS


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presensi", description="Bot Telegram presensi, izin dan cuti pegawai ASN.")
    parser.add_argument("--config", help=f"berkas konfigurasi TOML (bawaan: ${CONFIG_ENV} "
                                         "atau presensi.toml)")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    names = SUBCOMMANDS if argv is None else _chosen(argv)
    for name in names:
        importlib.import_module(f"bot.commands.{name}").register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser(sys.argv[1:] if argv is None else argv).parse_args(argv)
    configure_logging(args.log_level)
    try:
        return int(args.handler(args))
    except ConfigError as error:
        print(f"Konfigurasi tidak valid: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(error.message, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        logging.getLogger(__name__).info("cli.interrupted")
        return 130
