"""The time standards of izin.yaml and cuti.yaml are enforced like every other SOP's: the
approver is reminded past 1×, their own atasan told past 2× (each once per step), and /pantau
shows the waiting requests. Through the real Application with a fixed clock."""

from __future__ import annotations

import datetime as dt

from bot.context import BotContext
from bot.jobs.workflow_sla import check_time_standards
from services import audit
from services.clock import FixedClock
from services.storage import Database
from tests.conftest import WIB, tg
from tests.support.harness import Harness
from tests.support.office import ADMIN, KABID, KEPALA, STAFF_A
from tests.test_requests_flow import card_for, file_izin, pick

EMPLOYEE = tg(STAFF_A)
ATASAN = tg(KABID)


def _texts(harness: Harness, chat_id: int, marker: str) -> list[str]:
    return [c.text for c in harness.api.sent_to(chat_id) if marker in c.text]


async def test_izin_reminder_escalation_and_pantau(harness: Harness, db: Database, office,
                                                   clock: FixedClock) -> None:
    h = harness
    await file_izin(h, EMPLOYEE, "20261006", "20261006")
    context = BotContext(h.application)

    clock.set(dt.datetime(2026, 10, 5, 8, 10, tzinfo=WIB))
    await check_time_standards(context)
    assert _texts(h, KABID.telegram_id, "Pengingat waktu persetujuan") == []

    clock.set(dt.datetime(2026, 10, 5, 8, 11, tzinfo=WIB))
    await check_time_standards(context)
    reminders = _texts(h, KABID.telegram_id, "Pengingat waktu persetujuan")
    assert len(reminders) == 1 and "Pengajuan #1" in reminders[0]
    assert "waktu standar 10 menit" in reminders[0]
    assert _texts(h, KEPALA.telegram_id, "Eskalasi waktu persetujuan") == []

    await h.send(tg(ADMIN), "/pantau")
    table = h.api.last_to(ADMIN.telegram_id).text
    assert "Pengajuan izin dan cuti yang menunggu keputusan</b> (1)" in table
    assert "#1" in table and "Atasan Langsung" in table and "⏰" in table

    clock.set(dt.datetime(2026, 10, 5, 8, 21, tzinfo=WIB))
    await check_time_standards(context)
    await check_time_standards(context)
    escalations = _texts(h, KEPALA.telegram_id, "Eskalasi waktu persetujuan")
    assert len(escalations) == 1 and KABID.nama in escalations[0]
    assert len(_texts(h, KABID.telegram_id, "Pengingat waktu persetujuan")) == 1
    async with db.read() as conn:
        marks = [(e.action, e.detail["to"]) for e in await audit.entries_for(conn, "request", 1)
                 if e.action.startswith("request.sla")]
    assert marks == [("request.sla_pengingat", [KABID.nip]),
                     ("request.sla_eskalasi", [KEPALA.nip])]

    # Decided: nothing more is sent, and /pantau no longer lists it.
    card = card_for(h, ATASAN)
    await h.tap(ATASAN, card.button("Setujui"), on=card)
    clock.set(dt.datetime(2026, 10, 6, 8, 0, tzinfo=WIB))
    await check_time_standards(context)
    assert len(_texts(h, KEPALA.telegram_id, "Eskalasi waktu persetujuan")) == 1
    await h.send(tg(ADMIN), "/pantau")
    assert "Pengajuan izin dan cuti" not in h.api.last_to(ADMIN.telegram_id).text


async def test_cuti_steps_are_timed_in_working_days(harness: Harness, db: Database, office,
                                                    clock: FixedClock) -> None:
    h = harness
    await h.send(EMPLOYEE, "/izin")
    await h.tap(EMPLOYEE, "rqf:t:cuti_tahunan")
    await pick(h, EMPLOYEE, "20261012")
    await h.send(EMPLOYEE, "urusan keluarga di kampung")
    await h.tap(EMPLOYEE, "rqf:send")
    context = BotContext(h.application)
    # One working day (8.5 office hours) later it is not late yet; just after, it is.
    clock.set(dt.datetime(2026, 10, 6, 8, 0, tzinfo=WIB))
    await check_time_standards(context)
    assert _texts(h, KABID.telegram_id, "Pengingat waktu persetujuan") == []
    clock.set(dt.datetime(2026, 10, 6, 8, 5, tzinfo=WIB))
    await check_time_standards(context)
    reminders = _texts(h, KABID.telegram_id, "Pengingat waktu persetujuan")
    assert len(reminders) == 1 and "waktu standar 1 hari" in reminders[0]
