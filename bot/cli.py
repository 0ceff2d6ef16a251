"""The `presensi` command (also `python -m bot`)."""

from __future__ import annotations

import argparse
import logging
import sys
from types import ModuleType

from bot.commands import (
    accounts,
    backup,
    demo,
    device,
    employees,
    health,
    ladder,
    layanan,
    leave,
    migrate,
    recap,
    run,
)
from bot.config import CONFIG_ENV, ConfigError
from bot.logging_setup import configure_logging
from services.errors import DomainError

SUBCOMMANDS: tuple[ModuleType, ...] = (run, migrate, employees, accounts, backup, demo, health,
                                       device, recap, layanan, leave, ladder)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="presensi", description="Bot Telegram presensi, izin dan cuti pegawai ASN.")
    parser.add_argument("--config", help=f"berkas konfigurasi TOML (bawaan: ${CONFIG_ENV} "
                                         "atau presensi.toml)")
    parser.add_argument("--log-level", default="INFO",
                        choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="PERINTAH")
    for module in SUBCOMMANDS:
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
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
