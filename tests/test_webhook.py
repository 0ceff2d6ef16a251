"""Webhook mode: PTB's webhook server, configured as `presensi run` configures it, only lets
updates in that carry the secret token Telegram was given."""

from __future__ import annotations

import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.commands.run import webhook_options
from bot.config import ConfigError, load_settings
from tests.conftest import BASE_CONFIG, tg
from tests.support.harness import Harness
from tests.support.office import STAFF_A, Person

SECRET = "rahasia-webhook_123-cukup-panjang_456789"


@pytest.fixture
def config_text() -> str:
    return BASE_CONFIG + f"""
[webhook]
url = "https://presensi.kotacontoh.go.id"
path = "tg/hook"
secret_token = "{SECRET}"
"""


@pytest.fixture
async def served(harness: Harness, office: tuple[Person, ...]) -> AsyncIterator[str]:
    """The harness's Application running with its webhook server on an ephemeral port."""
    app = harness.application
    options = webhook_options(harness.settings.operations.webhook)
    # A pre-bound socket gives an ephemeral port; PTB then takes neither listen nor port.
    options.pop("listen")
    options.pop("port")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.setblocking(False)
    await app.updater.start_webhook(unix=sock, **options)  # type: ignore[union-attr]
    await app.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/tg/hook"
    finally:
        await app.updater.stop()  # type: ignore[union-attr]
        await app.stop()


def _update(update_id: int, person: Person, text: str) -> dict[str, Any]:
    user = tg(person).as_dict()
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1_790_000_000, "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
        "chat": {"id": person.telegram_id, "type": "private", "first_name": user["first_name"]},
        "from": user}}


async def _post(url: str, body: dict[str, Any], secret: str | None) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers["X-Telegram-Bot-Api-Secret-Token"] = secret
    async with aiohttp.ClientSession() as session, session.post(
            url, data=json.dumps(body), headers=headers) as response:
        return response.status


async def test_webhook_registers_url_with_secret(harness: Harness, served: str) -> None:
    call = harness.api.sent("setWebhook")[-1]
    assert call.params["url"] == "https://presensi.kotacontoh.go.id/tg/hook"
    assert call.params["secret_token"] == SECRET


@pytest.mark.parametrize("secret", [None, "", "salah", SECRET + "x"])
async def test_wrong_or_missing_secret_is_rejected(harness: Harness, served: str,
                                                   secret: str | None) -> None:
    status = await _post(served, _update(1, STAFF_A, "/help"), secret)
    await harness.application.update_queue.join()
    assert status == 403
    assert harness.api.sent_to(STAFF_A.telegram_id) == []


async def test_right_secret_is_processed(harness: Harness, served: str) -> None:
    status = await _post(served, _update(2, STAFF_A, "/help"), SECRET)
    # The fetcher marks each update done only after its handlers ran.
    await harness.application.update_queue.join()
    assert status == 200
    assert "/help" in harness.api.last_to(STAFF_A.telegram_id).text


def test_webhook_needs_a_secret(tmp_path: Path) -> None:
    path = tmp_path / "presensi.toml"
    path.write_text(BASE_CONFIG + '\n[webhook]\nurl = "https://contoh.go.id"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(str(path))
    assert str(info.value).startswith("webhook.secret_token")


@pytest.mark.parametrize("secret", ["x", "a" * 31])
def test_a_short_webhook_secret_is_one_line_error(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  secret: str) -> None:
    monkeypatch.delenv("PRESENSI_WEBHOOK_SECRET", raising=False)
    path = tmp_path / "presensi.toml"
    path.write_text(BASE_CONFIG + f'\n[webhook]\nurl = "https://contoh.go.id"\n'
                                  f'secret_token = "{secret}"\n')
    with pytest.raises(ConfigError) as info:
        load_settings(str(path))
    message = str(info.value)
    assert message.startswith("webhook.secret_token") and "minimal 32" in message
    assert "secrets.token_urlsafe(32)" in message and "\n" not in message
    path.write_text(BASE_CONFIG + f'\n[webhook]\nurl = "https://contoh.go.id"\n'
                                  f'secret_token = "{"a" * 32}"\n')
    assert load_settings(str(path)).operations.webhook.secret_token == "a" * 32
