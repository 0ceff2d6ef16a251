"""Time standards: working-time arithmetic, the SLA job's reminder and escalation (each once)
with a fixed clock, /pantau and the monthly compliance PDF."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from bot.context import SERVICES_KEY, BotContext
from bot.jobs.workflow_sla import check_time_standards
from services import audit
from services.clock import FixedClock
from services.storage import Database
from services.workflows import files as wf
from services.workflows.files import Upload, WorkflowEnv
from services.workflows.monitor import monthly_compliance, watch
from services.workflows.sla import (
    ESCALATED,
    LATE,
    ON_TIME,
    WorkingHours,
    compliance,
    sla_level,
    working_minutes,
)
from tests.conftest import WIB, tg
from tests.support.harness import Harness
from tests.support.office import ADMIN, KASUBBAG, STAFF_A, stored_employee

HOURS = WorkingHours(dt.time(7, 30), dt.time(16, 0))


def _weekdays(day: dt.date) -> bool:
    return day.weekday() < 5


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 10, day, hour, minute, tzinfo=WIB)


@pytest.mark.parametrize("start, end, expected", [
    (_at(5, 8, 0), _at(5, 8, 10), 10),
    (_at(5, 6, 0), _at(5, 7, 40), 10),             # before opening time does not count
    (_at(5, 15, 55), _at(5, 20, 0), 5),            # nor the evening
    (_at(9, 15, 55), _at(12, 7, 35), 10),          # Friday to Monday skips the weekend
    (_at(5, 8, 0), _at(6, 8, 0), 510),             # one working day = 8.5 hours
    (_at(5, 9, 0), _at(5, 8, 0), 0),
])
def test_working_minutes(start: dt.datetime, end: dt.datetime, expected: float) -> None:
    assert working_minutes(start, end, HOURS, _weekdays) == expected


def test_holidays_do_not_count() -> None:
    def not_tuesday(day: dt.date) -> bool:
        return _weekdays(day) and day != dt.date(2026, 10, 6)

    assert working_minutes(_at(5, 15, 0), _at(7, 8, 30), HOURS, not_tuesday) == 120


def test_levels_and_compliance() -> None:
    assert [sla_level(m, 10) for m in (10, 10.5, 20, 20.5)] == [ON_TIME, LATE, LATE, ESCALATED]
    figures = compliance([(5, 10), (10, 10), (30, 10), (20, 40)])
    assert (figures.steps, figures.within, figures.percent) == (4, 3, 75.0)
    assert figures.average_ratio == pytest.approx((0.5 + 1 + 3 + 0.5) / 4)
    assert compliance([]).percent == 100.0


async def _submitted_kgb(harness: Harness, db: Database, clock: FixedClock,
                         env: WorkflowEnv) -> wf.FileView:
    applicant = await stored_employee(db, STAFF_A.nip)
    file = await wf.start_draft(db, env, applicant, "kenaikan_gaji_berkala", clock.now())
    for name in ("sk_kgb.pdf", "sk_pangkat.pdf", "skp.pdf"):
        file_id = harness.api.add_file(b"%PDF", name=name)
        file, _ = await wf.attach_document(db, env, file.id, applicant,
                                           Upload(file_id, "document", name, "application/pdf",
                                                  4), clock.now())
    outcome = await wf.submit(db, env, file.id, file.version, applicant, clock.now())
    await harness.deliver()    # the cards of the submission, before the SLA watch begins
    return outcome.file


def _texts(harness: Harness, chat_id: int) -> list[str]:
    return [c.text for c in harness.api.sent_to(chat_id)]


async def test_reminder_then_escalation_each_once(harness: Harness, db: Database, office,
                                                  clock: FixedClock) -> None:
    env = harness.application.bot_data[SERVICES_KEY].env(WorkflowEnv)
    file = await _submitted_kgb(harness, db, clock, env)
    context = BotContext(harness.application)
    harness.api.clear()

    clock.set(_at(5, 8, 10))
    await check_time_standards(context)
    assert harness.api.calls == []

    clock.set(_at(5, 8, 11))
    await check_time_standards(context)
    reminders = _texts(harness, ADMIN.telegram_id)
    assert len(reminders) == 1 and "Pengingat waktu layanan" in reminders[0]
    assert "11 menit" in reminders[0] and "waktu standar 10 menit" in reminders[0]
    assert _texts(harness, KASUBBAG.telegram_id) == []

    # The reminder opens the file again; /layanan lists it as waiting; strangers cannot open it.
    reminder = harness.api.last_to(ADMIN.telegram_id)
    await harness.tap(tg(STAFF_A), reminder.button("Buka"), on=reminder)
    assert "bukan pelaksana" in harness.api.sent("answerCallbackQuery")[-1].params["text"]
    await harness.tap(tg(ADMIN), reminder.button("Buka"))
    card = harness.api.last_to(ADMIN.telegram_id)
    assert "Langkah 1/5: <b>Pengelola Kepegawaian</b>" in card.text
    assert [c.method for c in harness.api.sent_to(ADMIN.telegram_id)[-4:-1]] == [
        "sendDocument"] * 3
    await harness.send(tg(ADMIN), "/layanan")
    menu = harness.api.last_to(ADMIN.telegram_id)
    assert "Menunggu tindakan Anda" in menu.text and f"Buka #{file.id}" in str(menu.buttons)
    harness.api.clear()

    clock.set(_at(5, 8, 15))
    await check_time_standards(context)
    assert len(_texts(harness, ADMIN.telegram_id)) == 0

    # Past twice the standard the admin's own atasan (the Kasubbag) is told, once.
    clock.set(_at(5, 8, 21))
    await check_time_standards(context)
    escalations = _texts(harness, KASUBBAG.telegram_id)
    assert len(escalations) == 1 and "Eskalasi waktu layanan" in escalations[0]
    assert ADMIN.nama in escalations[0] and "dua kali waktu standar 10 menit" in escalations[0]
    assert len(_texts(harness, ADMIN.telegram_id)) == 0
    clock.set(_at(5, 9, 30))
    await check_time_standards(context)
    assert len(_texts(harness, KASUBBAG.telegram_id)) == 1
    assert len(_texts(harness, ADMIN.telegram_id)) == 0
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "workflow_file", file.id)
    marks = [(e.action, e.detail["to"]) for e in entries if e.action.startswith("workflow.sla")]
    assert marks == [("workflow.sla_pengingat", [ADMIN.nip]),
                     ("workflow.sla_eskalasi", [KASUBBAG.nip])]

    # The actor's buttons still work after the marks; the next step starts a fresh clock.
    admin = await stored_employee(db, ADMIN.nip)
    outcome = await wf.act(db, env, file.id, file.version, admin, "teruskan", clock.now())
    assert outcome.file.step_index == 1
    await harness.deliver()    # the action's own messages (its confirmation, the next card)
    harness.api.clear()
    clock.advance(minutes=10)
    await check_time_standards(context)
    assert len(_texts(harness, ADMIN.telegram_id)) == 0
    clock.advance(minutes=1)
    await check_time_standards(context)
    assert len(_texts(harness, ADMIN.telegram_id)) == 1


async def test_nothing_is_due_outside_office_hours(harness: Harness, db: Database, office,
                                                   clock: FixedClock) -> None:
    env = harness.application.bot_data[SERVICES_KEY].env(WorkflowEnv)
    clock.set(_at(9, 15, 55))
    await _submitted_kgb(harness, db, clock, env)
    harness.api.clear()
    clock.set(_at(10, 21, 0))   # Saturday evening: five working minutes have passed
    await check_time_standards(BotContext(harness.application))
    assert harness.api.calls == []
    clock.set(_at(12, 7, 36))   # Monday morning: eleven
    await check_time_standards(BotContext(harness.application))
    assert len(_texts(harness, ADMIN.telegram_id)) == 1


async def test_pantau_table_and_monthly_pdf(harness: Harness, db: Database, office,
                                            clock: FixedClock) -> None:
    env = harness.application.bot_data[SERVICES_KEY].env(WorkflowEnv)
    late = await _submitted_kgb(harness, db, clock, env)
    clock.advance(minutes=25)
    items = await watch(db, env, clock.now())
    assert [(i.file.id, i.level, i.standard_minutes) for i in items] == [
        (late.id, ESCALATED, 10)]

    await harness.send(tg(STAFF_A), "/pantau")
    assert "hanya untuk pengelola" in harness.api.last_to(STAFF_A.telegram_id).text

    await harness.send(tg(ADMIN), "/pantau")
    board = harness.api.last_to(ADMIN.telegram_id)
    assert "<pre>" in board.text and f"#{late.id}" in board.text
    assert "1. Pengelola Kepe…" in board.text and "25m/10m 🔴" in board.text

    admin = await stored_employee(db, ADMIN.nip)
    await wf.act(db, env, late.id, late.version, admin, "teruskan", clock.now())
    figures = {r.workflow_key: r for r in await monthly_compliance(db, env, 2026, 10)}
    kgb = figures["kenaikan_gaji_berkala"]
    assert (kgb.figures.steps, kgb.figures.within) == (1, 0)
    assert kgb.steps[0].figures.steps == 1 and kgb.steps[1].figures.steps == 0

    await harness.tap(tg(ADMIN), board.button("Oktober 2026"))
    sent = harness.api.last_to(ADMIN.telegram_id)
    assert sent.method == "sendDocument"
    text = "".join(page.extract_text() for page in
                   PdfReader(io.BytesIO(sent.files["document"])).pages)
    assert "LAPORAN KEPATUHAN WAKTU LAYANAN" in text and "Oktober 2026" in text
    assert "Kenaikan Gaji Berkala" in text and "0,0%" in text
    assert "DINAS KOMUNIKASI DAN INFORMATIKA" in text


async def test_the_watch_is_scheduled_with_the_configured_interval(harness: Harness) -> None:
    queue = harness.application.job_queue
    assert queue is not None
    (job,) = queue.get_jobs_by_name("workflow.sla")
    assert job.job.trigger.interval == dt.timedelta(minutes=5)
