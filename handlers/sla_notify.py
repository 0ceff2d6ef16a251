"""Renderers of the SLA reminders and escalations (written to the outbox by
services.workflows.monitor in the transaction that marks them)."""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardMarkup

from bot.context import AppServices
from handlers import layanan
from handlers.html import fill
from handlers.sender import Outgoing, renderer
from handlers.texts import layanan as texts
from handlers.texts import requests as request_texts
from services.workflows.monitor import FILE_SLA, REMINDER, REQUEST_SLA


@renderer(FILE_SLA)
async def file_sla(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    values = {"id": payload["file"], "name": payload["name"], "title": payload["title"],
              "elapsed": texts.minutes(payload["elapsed"]), "standard": payload["standard"]}
    if payload["kind"] == REMINDER:
        return Outgoing(fill(texts.REMINDER, **values),
                        markup=InlineKeyboardMarkup([[layanan.show_button(payload["file"])]]))
    return Outgoing(fill(texts.ESCALATION, nama=payload["about_nama"],
                         jabatan=payload["about_jabatan"] or "-", **values))


@renderer(REQUEST_SLA)
async def request_sla(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    values = {"id": payload["request"], "jenis": payload["jenis"], "nama": payload["nama"],
              "tahap": payload["tahap"], "elapsed": texts.minutes(payload["elapsed"]),
              "standard": payload["standard"]}
    if payload["kind"] == REMINDER:
        return Outgoing(fill(request_texts.SLA_REMINDER, **values))
    return Outgoing(fill(request_texts.SLA_ESCALATION, pejabat=payload["about_nama"],
                         jabatan=payload["about_jabatan"] or "-", **values))
