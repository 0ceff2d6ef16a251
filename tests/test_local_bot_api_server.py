"""`presensi run` unchanged against a Bot API server named in config ([telegram] base_url):
the real Application with its real HTTP client, polling a local server over TCP."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from bot.app import build_application, start_services
from bot.config import load_settings
from services.storage import open_database
from tests.conftest import BASE_CONFIG
from tests.support.botapi import RecordingRequest
from tests.support.botapi_server import BotApiServer
from tests.support.harness import TEST_TOKEN
from tests.support.office import STAFF_A, seed_office

USER = {"id": STAFF_A.telegram_id, "is_bot": False, "first_name": "Dewi"}
CHAT = {"id": STAFF_A.telegram_id, "type": "private", "first_name": "Dewi"}


async def _until(condition, what: str, limit: float = 15.0) -> None:
    """Wait for the polling loop to catch up; the limit only bounds a broken run."""
    deadline = time.monotonic() + limit
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def test_polling_registration_through_a_local_bot_api_server(tmp_path: Path,
                                                                   clock) -> None:
    api = RecordingRequest()
    async with BotApiServer(api) as server:
        config = tmp_path / "presensi.toml"
        config.write_text(BASE_CONFIG.replace(
            "[telegram]\n", f'[telegram]\nbase_url = "{server.base_url}"\n'
                            f'base_file_url = "{server.base_file_url}"\n', 1))
        settings = load_settings(str(config))
        db = await open_database(settings.database.path)
        await seed_office(db, tmp_path, clock.now(), bind=False)
        await db.close()

        app = build_application(settings, token=TEST_TOKEN)  # the real httpx request
        await app.initialize()
        await start_services(app)
        await app.start()
        assert app.updater is not None
        await app.updater.start_polling(poll_interval=0.0, timeout=0)
        try:
            api.queue_update({"message": {"message_id": 1, "date": int(clock.now().timestamp()),
                                          "chat": CHAT, "from": USER, "text": "/start",
                                          "entities": [{"type": "bot_command", "offset": 0,
                                                        "length": 6}]}})
            await _until(lambda: api.sent_to(STAFF_A.telegram_id), "the contact request")
            assert "Bagikan Nomor Telepon" in api.last_to(STAFF_A.telegram_id).text

            api.queue_update({"message": {"message_id": 2, "date": int(clock.now().timestamp()),
                                          "chat": CHAT, "from": USER,
                                          "contact": {"phone_number": "+6281100000006",
                                                      "first_name": "Dewi",
                                                      "user_id": STAFF_A.telegram_id}}})
            await _until(lambda: len(api.sent_to(STAFF_A.telegram_id)) >= 2, "the greeting")
            assert "Selamat datang, <b>Dewi Lestari" in api.last_to(STAFF_A.telegram_id).text

            # Files come from base_file_url.
            file_id = api.add_file(b"%PDF-1.4 surat dokter", name="surat.pdf")
            tg_file = await app.bot.get_file(file_id)
            assert bytes(await tg_file.download_as_bytearray()) == b"%PDF-1.4 surat dokter"
        finally:
            await app.updater.stop()
            await app.stop()
            await app.shutdown()
            await app.post_shutdown(app)  # type: ignore[misc]
    methods = {call.method for call in api.calls}
    assert {"getMe", "getUpdates", "setMyCommands", "sendMessage", "getFile"} <= methods
