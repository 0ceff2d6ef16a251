"""Drive the real PTB Application with real Update objects, as Telegram would deliver them.

    harness = await Harness.start(settings, clock)
    await harness.send(user, "/start")
    await harness.tap(user, harness.api.last_to(user.id).button("Setujui"))

`restart()` shuts the Application down (flushing persistence) and builds a new one on the same
config, database and persistence file: what a process restart does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from telegram import Update

from bot import outbox
from bot.app import build_application, start_services
from bot.config import Settings
from bot.context import BotApp
from services.clock import Clock
from tests.support.botapi import BOT_USER, ApiCall, RecordingRequest

TEST_TOKEN = "7000000001:TEST-token-for-the-recording-bot-api"


@dataclass(frozen=True)
class TgUser:
    id: int
    first_name: str = "Pegawai"
    username: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name,
                                "language_code": "id"}
        if self.username:
            data["username"] = self.username
        return data


class Harness:
    def __init__(self, settings: Settings, clock: Clock, api: RecordingRequest) -> None:
        self.settings = settings
        self.clock = clock
        self.api = api
        self.app: BotApp | None = None
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1_000_000)
        self._callback_ids = itertools.count(1)

    @classmethod
    async def start(cls, settings: Settings, clock: Clock,
                    api: RecordingRequest | None = None) -> Harness:
        harness = cls(settings, clock, api or RecordingRequest())
        await harness._boot()
        return harness

    async def _boot(self) -> None:
        app = build_application(self.settings, request=self.api, clock=self.clock,
                                token=TEST_TOKEN)
        await app.initialize()
        await start_services(app)
        self.app = app

    async def stop(self) -> None:
        if self.app is not None:
            await self.app.shutdown()
            await self.app.post_shutdown(self.app)  # type: ignore[misc]
            self.app = None

    async def restart(self) -> None:
        await self.stop()
        await self._boot()

    @property
    def application(self) -> BotApp:
        assert self.app is not None, "harness is stopped"
        return self.app

    # --- building and feeding updates ----------------------------------------------------
    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    def _chat(self, user: TgUser) -> dict[str, Any]:
        return {"id": user.id, "type": "private", "first_name": user.first_name}

    async def feed(self, payload: dict[str, Any]) -> Update:
        payload = {"update_id": next(self._update_ids), **payload}
        update = Update.de_json(payload, self.application.bot)
        # What was written to the outbox before this update (e.g. by a service called
        # directly) has long gone out by the time a person acts again.
        await self.deliver()
        await self.application.process_update(update)
        await self.deliver()
        return update

    async def deliver(self) -> int:
        """Let the outbox sender deliver what is due now (it also runs in the background;
        waiting for it keeps tests deterministic)."""
        return await outbox.flush(self.application)

    def _message(self, user: TgUser, **content: Any) -> dict[str, Any]:
        return {"message_id": next(self._message_ids), "date": self._now(),
                "chat": self._chat(user), "from": user.as_dict(), **content}

    async def send(self, user: TgUser, text: str) -> Update:
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split(" ")[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return await self.feed({"message": self._message(user, **content)})

    async def share_contact(self, user: TgUser, phone: str,
                            contact_user_id: int | str | None = "self") -> Update:
        contact: dict[str, Any] = {"phone_number": phone, "first_name": user.first_name}
        owner = user.id if contact_user_id == "self" else contact_user_id
        if owner is not None:
            contact["user_id"] = owner
        return await self.feed({"message": self._message(user, contact=contact)})

    async def send_document(self, user: TgUser, content: bytes, *, file_name: str,
                            mime_type: str, caption: str | None = None) -> Update:
        file_id = self.api.add_file(content, name=file_name)
        document = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_name": file_name,
                    "mime_type": mime_type, "file_size": len(content)}
        extra = {"caption": caption} if caption else {}
        return await self.feed({"message": self._message(user, document=document, **extra)})

    async def send_photo(self, user: TgUser, content: bytes) -> Update:
        file_id = self.api.add_file(content, name="photo.jpg", kind="photo")
        photo = [{"file_id": file_id, "file_unique_id": f"u-{file_id}", "width": 1280,
                  "height": 960, "file_size": len(content)}]
        return await self.feed({"message": self._message(user, photo=photo)})

    async def share_location(self, user: TgUser, latitude: float, longitude: float, *,
                             accuracy: float | None = None, live_period: int | None = None,
                             forwarded_from: TgUser | None = None,
                             venue_title: str | None = None) -> dict[str, Any]:
        """Send a location as Telegram delivers it: a live one when `live_period` is given
        (updates follow with `move_location`), else a static pin. Returns the message."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if accuracy is not None:
            location["horizontal_accuracy"] = accuracy
        if live_period is not None:
            location["live_period"] = live_period
        content: dict[str, Any] = {"location": location}
        if venue_title is not None:
            content["venue"] = {"location": location, "title": venue_title,
                                "address": venue_title}
        if forwarded_from is not None:
            content["forward_origin"] = {"type": "user", "date": self._now() - 600,
                                         "sender_user": forwarded_from.as_dict()}
        message = self._message(user, **content)
        await self.feed({"message": message})
        return message

    async def move_location(self, user: TgUser, message: dict[str, Any], latitude: float,
                            longitude: float, *, accuracy: float | None = None,
                            stopped: bool = False) -> Update:
        """Telegram's update of a live location: the same message, edited at the clock's
        time; a stopped live location arrives as an edit without live_period."""
        location: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
        if accuracy is not None:
            location["horizontal_accuracy"] = accuracy
        live_period = message["location"].get("live_period")
        if live_period is not None and not stopped:
            location["live_period"] = live_period
        edited = {**message, "location": location, "edit_date": self._now()}
        return await self.feed({"edited_message": edited})

    async def tap(self, user: TgUser, button: dict[str, Any] | str,
                  on: ApiCall | dict[str, Any] | None = None) -> Update:
        """Press an inline button. `button` is a button dict from an ApiCall or raw data;
        `on` is the message carrying it (defaults to the last message sent to the user)."""
        data = button["callback_data"] if isinstance(button, dict) else button
        message = self._bot_message(user, on)
        query = {"id": str(next(self._callback_ids)), "from": user.as_dict(),
                 "chat_instance": f"ci-{user.id}", "data": data, "message": message}
        return await self.feed({"callback_query": query})

    def _bot_message(self, user: TgUser, on: ApiCall | dict[str, Any] | None) -> dict[str, Any]:
        if isinstance(on, dict):
            return on
        if on is None:
            on = self.api.last_to(user.id)
        # The stored message is the current version (after edits), as Telegram would send it.
        assert on.chat_id is not None
        return self.api.message(on.chat_id, on.message_id)

    async def block_bot(self, user: TgUser) -> Update:
        """The user blocks the bot: Telegram sends my_chat_member and fails later sends."""
        self.api.block(user.id)
        change = {"chat": self._chat(user), "from": user.as_dict(), "date": self._now(),
                  "old_chat_member": {"status": "member", "user": dict(BOT_USER)},
                  "new_chat_member": {"status": "kicked", "until_date": 0, "user": dict(BOT_USER)}}
        return await self.feed({"my_chat_member": change})
