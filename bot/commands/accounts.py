"""`presensi unlink|deactivate|activate NIP` and `presensi check-bindings`."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Sequence

from bot.commands.common import run_with_db
from bot.config import Settings
from handlers.texts import accounts as texts
from services import accounts, audit
from services.clock import SystemClock
from services.outbox import Notice
from services.storage import Database

Change = Callable[..., Awaitable[accounts.AccountChange]]


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for name, help_text, change, done in (
        ("unlink", "lepaskan akun Telegram dari NIP (ponsel hilang, salah daftar)",
         accounts.unlink, "tidak lagi terhubung ke akun Telegram"),
        ("deactivate", "nonaktifkan pegawai yang keluar atau pindah (riwayat tetap tersimpan)",
         accounts.deactivate, "dinonaktifkan mulai hari ini"),
        ("activate", "aktifkan kembali pegawai yang dinonaktifkan",
         accounts.activate, "aktif kembali"),
    ):
        parser = subparsers.add_parser(name, help=help_text)
        parser.add_argument("nip")
        parser.set_defaults(handler=_change_handler(change, done))

    parser = subparsers.add_parser(
        "check-bindings", help="daftar akun Telegram terhubung yang nomornya kini tidak lolos")
    parser.set_defaults(handler=handle_check_bindings)


def _change_handler(change: Change, done: str) -> Callable[[argparse.Namespace], int]:
    def handle(args: argparse.Namespace) -> int:
        async def work(settings: Settings, db: Database) -> int:
            result: accounts.AccountChange = await change(
                db, nip=args.nip, at=SystemClock(settings.office.timezone).now(),
                actor=audit.Actor.system())
            print(f"{result.employee.nama} (NIP {result.employee.nip}) {done}.")
            tell([(result.employee.nama, result.notice)])
            return 0

        return run_with_db(args, work)

    return handle


def tell(notices: Sequence[tuple[str, Notice | None]]) -> None:
    """Say whom the running bot will tell (their notice is in the outbox, written with the
    change) and whom the operator must tell in person."""
    for nama, notice in notices:
        print((texts.CLI_QUEUED if notice is not None else texts.CLI_TELL_IN_PERSON)
              .format(nama=nama))


def handle_check_bindings(args: argparse.Namespace) -> int:
    async def work(_settings: Settings, db: Database) -> int:
        problems = await accounts.binding_problems(db)
        if not problems:
            print("Semua akun Telegram yang terhubung lolos pemeriksaan nomor.")
            return 0
        print(f"{len(problems)} akun Telegram terhubung tidak akan lolos pendaftaran hari ini "
              "(lepaskan dengan `presensi unlink NIP` bila keliru):")
        for problem in problems:
            print(f"  {problem.employee.nip} {problem.employee.nama}: {problem.reason}")
        return 1

    return run_with_db(args, work)
