"""Renderers of the account notices services.accounts writes to the outbox with the change."""

from __future__ import annotations

from typing import Any

from bot.context import AppServices
from handlers.html import fill
from handlers.sender import Outgoing, renderer
from handlers.texts import accounts as texts
from services import accounts


@renderer(accounts.UNLINKED)
async def unlinked(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    return Outgoing(fill(texts.UNLINKED, nama=payload["nama"]))


@renderer(accounts.DEACTIVATED)
async def deactivated(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    return Outgoing(fill(texts.DEACTIVATED, nama=payload["nama"]))


@renderer(accounts.ACTIVATED)
async def activated(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    return Outgoing(fill(texts.ACTIVATED, nama=payload["nama"]))
