"""`presensi unlink|deactivate|activate NIP` and `presensi check-bindings`."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Sequence

from bot.commands.common import run_with_db
from bot.config import Settings
from handlers.texts import accounts as texts
from services import accounts, audit
from services.clock import SystemClock
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
            await tell(settings, [(result.employee.nama, result.notice)])
            return 0

        return run_with_db(args, work)

    return handle


async def tell(settings: Settings,
               notices: Sequence[tuple[str, accounts.AccountNotice | None]]) -> None:
    """Tell each person in their chat, and the operator whom to tell in person instead."""
    pending = [(nama, n) for nama, n in notices if n is not None and n.chat_id is not None]
    for nama, notice in notices:
        if notice is None or notice.chat_id is None:
            print(texts.CLI_TELL_IN_PERSON.format(nama=nama))
    if not pending:
        return
    token = settings.telegram.token
    if not token:
        for nama, _notice in pending:
            print(texts.CLI_NOT_SENT.format(nama=nama, problem="token bot belum diatur"))
        return
    # Telegram is imported only when someone is to be told (`presensi --help` stays quick).
    from telegram import Bot
    from telegram.error import TelegramError

    from handlers import account_notices

    bot = Bot(token, base_url=settings.telegram.base_url,
              base_file_url=settings.telegram.base_file_url)
    try:
        async with bot:
            for nama, notice in pending:
                assert notice.chat_id is not None
                try:
                    await bot.send_message(notice.chat_id, account_notices.render(notice),
                                           parse_mode="HTML")
                except TelegramError as error:
                    print(texts.CLI_NOT_SENT.format(nama=nama, problem=error.message))
                else:
                    print(texts.CLI_TOLD.format(nama=nama, chat_id=notice.chat_id))
    except TelegramError as error:
        for nama, _notice in pending:
            print(texts.CLI_NOT_SENT.format(nama=nama, problem=error.message))


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
