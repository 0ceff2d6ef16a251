"""Registration through the real Application with a recording Bot API."""

from __future__ import annotations

from services import employees
from services.storage import Database
from tests.conftest import tg
from tests.support.harness import Harness, TgUser
from tests.support.office import ADMIN, KABID, KASUBBAG, KEPALA, STAFF_A, seed_office


async def _office_unbound(db: Database, tmp_path, clock) -> None:
    await seed_office(db, tmp_path, clock.now(), bind=False)


async def test_start_asks_for_contact_then_binds_and_greets(harness: Harness, db: Database,
                                                            tmp_path, clock) -> None:
    await _office_unbound(db, tmp_path, clock)
    user = tg(STAFF_A)

    await harness.send(user, "/start")
    ask = harness.api.last_to(user.id)
    assert "Bagikan Nomor Telepon" in ask.text
    keyboard = ask.params["reply_markup"]["keyboard"]
    assert keyboard[0][0]["request_contact"] is True

    await harness.share_contact(user, "+62 811-0000-0006")
    greeting = harness.api.last_to(user.id)
    assert "Selamat datang, <b>Dewi Lestari, S.Kom.</b>" in greeting.text
    assert STAFF_A.nip in greeting.text
    assert "/help" in greeting.text
    # A plain employee has no approvals or admin commands in the menu.
    assert "/rekap" not in greeting.text
    commands = harness.api.sent("setMyCommands")[-1]
    assert commands.params["scope"] == {"type": "chat", "chat_id": user.id}
    assert {c["command"] for c in commands.params["commands"]} >= {"start", "help"}

    async with db.read() as conn:
        bound = await employees.by_nip(conn, STAFF_A.nip)
    assert bound is not None and bound.telegram_user_id == user.id


async def test_phone_formats_are_normalised(harness: Harness, db: Database, tmp_path,
                                            clock) -> None:
    await _office_unbound(db, tmp_path, clock)
    # Telegram reports the account's number internationally, with or without the plus.
    for person, phone in ((STAFF_A, "6281100000006"), (KABID, "+62 811 0000 0005"),
                          (ADMIN, "+6281100000004")):
        await harness.share_contact(tg(person), phone)
        assert "Selamat datang" in harness.api.last_to(person.telegram_id).text


async def test_foreign_numbers_never_bind_to_indonesian_ones(harness: Harness, db: Database,
                                                            tmp_path, clock) -> None:
    """+852 9123 4567 once bound to 0852-9123-4567, a Japanese 81234567890 to 0812-3456-7890."""
    await _office_unbound(db, tmp_path, clock)
    victims = {"6285291234567": KASUBBAG.nip, "6281234567890": KABID.nip,
               "6282212345678": KEPALA.nip, "6285512345678": ADMIN.nip}
    async with db.transaction() as conn:
        for phone, nip in victims.items():
            await conn.execute("UPDATE employees SET telepon = ? WHERE nip = ?", (phone, nip))
    for index, foreign in enumerate(("+852 9123 4567", "85291234567", "81234567890",
                                     "+81 234 567 890", "+82 2212345678", "855512345678")):
        intruder = TgUser(990_100 + index, "Tamu")
        await harness.share_contact(intruder, foreign)
        assert "belum terdaftar" in harness.api.last_to(intruder.id).text, foreign
    async with db.read() as conn:
        for nip in victims.values():
            victim = await employees.by_nip(conn, nip)
            assert victim is not None and victim.telegram_user_id is None


async def test_forged_contact_is_refused(harness: Harness, db: Database, tmp_path, clock) -> None:
    await _office_unbound(db, tmp_path, clock)
    intruder = TgUser(999_001, "Penyusup")

    # Someone else's contact card (another user's id) and a typed card (no user id).
    await harness.share_contact(intruder, STAFF_A.telepon, contact_user_id=STAFF_A.telegram_id)
    assert "bukan nomor akun Telegram Anda sendiri" in harness.api.last_to(intruder.id).text
    await harness.share_contact(intruder, STAFF_A.telepon, contact_user_id=None)
    assert "bukan nomor akun Telegram Anda sendiri" in harness.api.last_to(intruder.id).text

    async with db.read() as conn:
        victim = await employees.by_nip(conn, STAFF_A.nip)
    assert victim is not None and victim.telegram_user_id is None


async def test_unknown_number_is_told_to_contact_operator(harness: Harness, db: Database,
                                                          tmp_path, clock) -> None:
    await _office_unbound(db, tmp_path, clock)
    stranger = TgUser(999_002, "Tamu")
    await harness.share_contact(stranger, "+6285712345678")
    reply = harness.api.last_to(stranger.id)
    assert "belum terdaftar" in reply.text and "pengelola kepegawaian" in reply.text


async def test_unregistered_user_can_only_register(harness: Harness, db: Database, tmp_path,
                                                   clock) -> None:
    await _office_unbound(db, tmp_path, clock)
    stranger = TgUser(999_003, "Tamu")
    await harness.send(stranger, "/riwayat")
    assert "Anda belum terdaftar" in harness.api.last_to(stranger.id).text
    await harness.send(stranger, "halo")
    assert "Anda belum terdaftar" in harness.api.last_to(stranger.id).text
    await harness.tap(stranger, "req:approve:1", on={
        "message_id": 1, "date": 0, "chat": {"id": stranger.id, "type": "private"}, "text": "x"})
    answer = harness.api.sent("answerCallbackQuery")[-1]
    assert answer.params["show_alert"] is True and "belum terdaftar" in answer.params["text"]


async def test_number_already_bound_to_another_account(harness: Harness, db: Database, tmp_path,
                                                       clock) -> None:
    await _office_unbound(db, tmp_path, clock)
    await harness.share_contact(tg(STAFF_A), "62" + STAFF_A.telepon[1:])
    second_phone = TgUser(999_004, "Dewi")
    await harness.share_contact(second_phone, "62" + STAFF_A.telepon[1:])
    assert "sudah terhubung dengan akun Telegram lain" in harness.api.last_to(second_phone.id).text


async def test_help_lists_commands_and_default_menu_is_registered(harness: Harness,
                                                                  office) -> None:
    default = harness.api.sent("setMyCommands")[0]
    assert default.params.get("scope", {"type": "default"})["type"] == "default"
    assert [c["command"] for c in default.params["commands"]] == ["start", "help"]
    user = tg(STAFF_A)
    await harness.send(user, "/help")
    text = harness.api.last_to(user.id).text
    assert "/start" in text and "/help" in text


async def test_blocking_the_bot_is_remembered(harness: Harness, office) -> None:
    await harness.block_bot(tg(STAFF_A))
    async with harness.application.bot_data["services"].db.read() as conn:
        employee = await employees.by_nip(conn, STAFF_A.nip)
    assert employee is not None and employee.telegram_blocked and not employee.reachable
