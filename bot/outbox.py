"""Starts and stops the one outbox sender (handlers/sender.py).

It is the first lifecycle module, so it stops last: jobs stopping later may still enqueue.
The sender is woken after every committed write and also runs periodically; at start it
resumes what a previous process left (rows still pending, or claimed but never confirmed).
"""

from __future__ import annotations

from types import ModuleType

from bot.context import SERVICES_KEY, AppServices, BotApp
from handlers import (
    account_notices,
    attendance_notices,
    delegation,
    device_notices,
    errors,
    layanan,
    location,
    machines,
    pantau,
    recap,
    request_notify,
    sla_notify,
    usulan,
)
from handlers.sender import RENDERERS, Sender
from services import outbox as outbox_rows

SENDER_KEY = "outbox.sender"

# Modules whose `@renderer(kind)` functions turn outbox payloads into messages; importing them
# registers their kinds.
RENDERER_MODULES: tuple[ModuleType, ...] = (
    request_notify,
    sla_notify,
    device_notices,
    errors,
    usulan,
    attendance_notices,
    recap,
    machines,
    account_notices,
    location,
    layanan,
    delegation,
    pantau,
)


async def start(app: BotApp) -> None:
    services: AppServices = app.bot_data[SERVICES_KEY]
    assert RENDERERS and RENDERER_MODULES, "no outbox renderers registered"
    sender = Sender(app.bot, services, admin_chat_id=services.settings.telegram.admin_chat_id)
    services.db.on_commit(sender.kick, topic=outbox_rows.WRITTEN)
    app.bot_data[SENDER_KEY] = sender
    await sender.start()


async def stop(app: BotApp) -> None:
    sender: Sender | None = app.bot_data.pop(SENDER_KEY, None)
    if sender is not None:
        await sender.stop()


def sender_of(app: BotApp) -> Sender:
    sender: Sender = app.bot_data[SENDER_KEY]
    return sender


async def flush(app: BotApp) -> int:
    """Deliver what is due now and wait for it (jobs and tests that want it sent before
    they go on)."""
    sender: Sender | None = app.bot_data.get(SENDER_KEY)
    return await sender.flush() if sender is not None else 0
