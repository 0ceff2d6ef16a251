"""Renderers of the fingerprint machines' reports to the admin chat, written to the outbox by
device/sync.py (a pull failing, recovering, a clock drifting, a machine left locked) and
device/adms.py (refused uploads and senders) in the transaction that records the problem."""

from __future__ import annotations

from typing import Any

from bot.context import AppServices
from device import adms
from device.adms import AdmsNotice
from device.adms_lines import Refusal
from device.sync import (
    ALERT,
    DRIFT,
    DRIFT_FIXED,
    FAILING,
    LEFT_DISABLED,
    RECOVERED,
    REENABLED,
    Notice,
)
from handlers.html import Html, fill
from handlers.sender import Outgoing, renderer
from handlers.texts import devices as texts


def notice_text(notice: Notice, interval_minutes: int) -> Html:
    machine = notice.machine
    if notice.kind == FAILING:
        reason = texts.FAILURE_REASONS.get(notice.detail, notice.detail)
        return fill(texts.MACHINE_FAILING, machine=machine, reason=reason,
                    minutes=interval_minutes)
    if notice.kind == RECOVERED:
        return fill(texts.MACHINE_RECOVERED, machine=machine)
    if notice.kind == DRIFT:
        drift = notice.drift_seconds or 0.0
        return fill(texts.CLOCK_DRIFT, machine=machine,
                    direction=texts.AHEAD if drift > 0 else texts.BEHIND,
                    amount=texts.duration(drift))
    if notice.kind == DRIFT_FIXED:
        return fill(texts.CLOCK_FIXED, machine=machine)
    if notice.kind == LEFT_DISABLED:
        return fill(texts.MACHINE_LEFT_DISABLED, machine=machine)
    if notice.kind == REENABLED:
        return fill(texts.MACHINE_REENABLED, machine=machine)
    raise ValueError(f"unknown notice kind {notice.kind!r}")


def adms_notice_text(notice: AdmsNotice) -> Html:
    machine = notice.machine
    if notice.kind == adms.UNKNOWN_SERIAL:
        serial, _, remote = notice.detail.partition(" ")
        return fill(texts.UNKNOWN_SERIALS, count=notice.count, serial=serial, remote=remote)
    if notice.kind == adms.FORBIDDEN_SOURCE:
        return fill(texts.FORBIDDEN_SOURCE, machine=machine, remote=notice.detail,
                    count=notice.count)
    if notice.kind == adms.TOO_LARGE:
        size, _, limit = notice.detail.partition(" ")
        mb = 1024 * 1024
        return fill(texts.TOO_LARGE, machine=machine, size=f"{int(size) / mb:.1f}",
                    limit=int(limit) // mb)
    if notice.kind == adms.LINES_REFUSED:
        lines = ", ".join(f"{r.line} ({texts.LINE_REASONS.get(r.reason, r.reason)})"
                          for r in notice.refusals)
        return fill(texts.LINES_REFUSED, machine=machine, refused=notice.detail, lines=lines)
    if notice.kind == adms.CLOCK_AHEAD:
        return fill(texts.ADMS_CLOCK_AHEAD, machine=machine,
                    amount=texts.duration(notice.drift_seconds or 0))
    raise ValueError(f"unknown ADMS notice kind {notice.kind!r}")


@renderer(ALERT)
async def machine_alert(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    notice = Notice(payload["kind"], payload["machine"], payload.get("detail", ""),
                    payload.get("drift_seconds"))
    return Outgoing(notice_text(notice, int(payload["interval_minutes"])))


@renderer(adms.ALERT)
async def adms_alert(services: AppServices, payload: dict[str, Any]) -> Outgoing:
    notice = AdmsNotice(payload["kind"], payload["machine"], int(payload.get("count", 0)),
                        payload.get("detail", ""),
                        tuple(Refusal(int(line), str(reason))
                              for line, reason in payload.get("refusals", ())),
                        payload.get("drift_seconds"))
    return Outgoing(adms_notice_text(notice))
