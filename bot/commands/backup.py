"""`presensi backup`: a verified copy of the database while the bot keeps running."""

from __future__ import annotations

import argparse

from bot.commands.common import settings_from
from services.backup import list_backups, make_backup
from services.clock import SystemClock


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "backup", help="cadangkan basis data dan berkas percakapan",
        description="Menyalin basis data secara konsisten (boleh saat bot berjalan), memeriksa "
                    "integritas salinan, lalu menghapus cadangan lama menurut [backup] keep "
                    "dan keep_days.")
    parser.add_argument("--list", action="store_true", help="tampilkan cadangan yang ada saja")
    parser.set_defaults(handler=handle)


def handle(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    backup = settings.operations.backup
    if args.list:
        copies = list_backups(backup.dir)
        for path in copies:
            print(f"{path}  {path.stat().st_size:>12,} bita")
        print(f"{len(copies)} cadangan di {backup.dir}")
        return 0
    now = SystemClock(settings.office.timezone).now()
    result = make_backup(settings.database.path, settings.telegram.persistence_path, backup.dir,
                         now, keep=backup.keep, keep_days=backup.keep_days)
    print(f"Cadangan dibuat dan lolos pemeriksaan integritas: {result.database} "
          f"({result.size_bytes:,} bita)")
    if result.conversations is not None:
        print(f"Berkas percakapan disalin: {result.conversations}")
    for path in result.pruned:
        print(f"Cadangan lama dihapus: {path.name}")
    return 0
