"""The daily attendance jobs through the real Application and the recording Bot API."""

from __future__ import annotations

import datetime as dt

import pytest

from bot import outbox as bot_outbox
from services import alerts, employees, outbox
from services.calendar import CalendarRules, OfficeCalendar
from services.clock import FixedClock
from services.storage import Database
from tests.conftest import WIB
from tests.support.attendance import add_absence, add_punches, run_job, texts_to
from tests.support.harness import Harness
from tests.support.office import (
    ADMIN,
    KABID,
    KASUBBAG,
    KEPALA,
    PEOPLE,
    SEKRETARIS,
    STAFF_A,
    STAFF_B,
    STAFF_C,
    Person,
)

MONDAY = dt.date(2026, 10, 5)
RAMADAN_MONDAY = dt.date(2027, 2, 8)


@pytest.fixture
def config_text() -> str:
    from tests.conftest import BASE_CONFIG
    return BASE_CONFIG + '[[attendance.ramadan]]\nstart = "2027-02-08"\nend = "2027-03-09"\n'


def at(day: dt.date, clock: str) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.fromisoformat(clock), WIB)


async def monday_morning(db: Database) -> None:
    """Kepala and Sekretaris on time, Kasubbag late, Kabid sick, Staff B in at 07:29;
    Admin, Staff A and Staff C have no scan."""
    await add_punches(db, KEPALA, "2026-10-05 07:10:00")
    await add_punches(db, SEKRETARIS, "2026-10-05 07:20:00", serial="MESIN-2")
    await add_punches(db, KASUBBAG, "2026-10-05 07:45:00")
    await add_absence(db, KABID, "2026-10-05", "S")
    await add_punches(db, STAFF_B, "2026-10-05 07:29:59")


async def test_morning_job_tells_each_absent_employee_and_each_atasan_once(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    await monday_morning(db)
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)

    for person in (ADMIN, STAFF_A, STAFF_C):
        notice = harness.api.sent_to(person.telegram_id)
        assert len(notice) == 1, person.nama
        assert "Anda belum tercatat hadir" in notice[0].text
        assert "Senin, 5 Oktober 2026" in notice[0].text
        assert notice[0].params["parse_mode"] == "HTML"
        data = {b["callback_data"] for b in notice[0].buttons}
        assert data == {"req:new:izin:20261005", "req:new:sakit:20261005",
                        "req:new:dinas_luar:20261005", "req:new:izin_terlambat:20261005"}
    assert texts_to(harness, STAFF_B) == []

    # One summary per atasan, listing only their own subordinates.
    kepala = texts_to(harness, KEPALA)
    assert len(kepala) == 1
    assert "Berhalangan dengan keterangan sah (1)" in kepala[0]
    assert f"{KABID.nama} — Sakit" in kepala[0]
    assert STAFF_A.nama not in kepala[0]
    sekretaris = texts_to(harness, SEKRETARIS)
    assert len(sekretaris) == 1
    assert f"{KASUBBAG.nama} — masuk 07.45 (TL1, 15 menit)" in sekretaris[0]
    kasubbag = texts_to(harness, KASUBBAG)
    assert len(kasubbag) == 1 and "Belum tercatat hadir (2)" in kasubbag[0]
    assert ADMIN.nama in kasubbag[0] and STAFF_C.nama in kasubbag[0]
    kabid = texts_to(harness, KABID)
    assert len(kabid) == 1 and "Belum tercatat hadir (1)" in kabid[0]
    assert STAFF_A.nama in kabid[0] and STAFF_B.nama not in kabid[0]
    assert len(harness.api.sent("sendMessage")) == 7


async def test_a_permit_to_arrive_late_spares_the_notice(
        harness: Harness, db: Database, office) -> None:
    await monday_morning(db)
    await add_absence(db, STAFF_C, "2026-10-05", "I", part="arrive_late")
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    assert texts_to(harness, STAFF_C) == []
    [summary] = texts_to(harness, KASUBBAG)
    assert "Belum tercatat hadir (1)" in summary and ADMIN.nama in summary
    assert f"{STAFF_C.nama} — Izin datang terlambat (belum tiba)" in summary


async def test_running_the_morning_twice_sends_nothing_more(
        harness: Harness, db: Database, office) -> None:
    await monday_morning(db)
    await run_job(harness, alerts.MORNING_JOB)
    first = len(harness.api.sent("sendMessage"))
    await run_job(harness, alerts.MORNING_JOB)
    assert len(harness.api.sent("sendMessage")) == first

    # Even when the job's own record is lost, the per-alert claims hold.
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM job_runs")
    await run_job(harness, alerts.MORNING_JOB)
    assert len(harness.api.sent("sendMessage")) == first
    async with db.read() as conn, conn.execute(
            "SELECT status, count(*) FROM sent_alerts GROUP BY status") as cursor:
        assert dict(await cursor.fetchall()) == {"queued": first}
    assert await outbox.counts(db) == {"sent": first}


async def test_blocked_user_is_marked_and_skipped_while_others_get_theirs(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    await monday_morning(db)
    harness.api.block(STAFF_A.telegram_id)
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    assert len(harness.api.sent_to(STAFF_A.telegram_id)) == 1      # the refused attempt
    assert "belum tercatat hadir" in texts_to(harness, STAFF_C)[0]
    assert len(texts_to(harness, KABID)) == 1
    async with db.read() as conn:
        marked = await employees.by_nip(conn, STAFF_A.nip)
    assert marked is not None and marked.telegram_blocked

    # The next working day nobody tries Staff A again; the others are told again.
    clock.set(at(dt.date(2026, 10, 6), "08:00"))
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    assert harness.api.sent_to(STAFF_A.telegram_id) == []
    assert len(texts_to(harness, STAFF_C)) == 1
    # Kabid, no longer sick, is told himself and still gets the summary of his team.
    kabid = texts_to(harness, KABID)
    assert len(kabid) == 2 and any("Belum tercatat hadir (2)" in t for t in kabid)


async def test_a_passing_failure_is_retried_by_a_later_run(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    """Telegram answers 500 for one employee: the others are told at once, the notice is sent
    again after the backoff, once; a re-run of the job adds nothing."""
    await monday_morning(db)
    harness.api.fail_calls(500, "Internal Server Error", chat_id=STAFF_C.telegram_id)
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    assert texts_to(harness, STAFF_C) == [] and len(texts_to(harness, STAFF_A)) == 1
    clock.advance(seconds=6)
    await harness.deliver()
    assert len(texts_to(harness, STAFF_C)) == 1
    assert "Anda belum tercatat hadir" in texts_to(harness, STAFF_C)[0]
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM job_runs")
    await run_job(harness, alerts.MORNING_JOB)
    clock.advance(minutes=30)
    await harness.deliver()
    assert len(texts_to(harness, STAFF_C)) == 1 and len(texts_to(harness, STAFF_A)) == 1


@pytest.mark.parametrize("day", [dt.date(2026, 10, 10), dt.date(2026, 10, 11),
                                 dt.date(2026, 12, 24), dt.date(2026, 12, 25)],
                         ids=["saturday", "sunday", "cuti-bersama", "christmas"])
async def test_weekends_and_holidays_are_silent(harness: Harness, db: Database, office,
                                                clock: FixedClock, day: dt.date) -> None:
    clock.set(at(day, "08:00"))
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    clock.set(at(day, "16:45"))
    await run_job(harness, alerts.AFTERNOON_JOB)
    assert harness.api.sent("sendMessage") == []


async def test_afternoon_job_tells_who_left_early_or_has_not_clocked_out(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    await add_punches(db, KEPALA, "2026-10-05 07:10:00", "2026-10-05 16:05:00")
    await add_punches(db, KASUBBAG, "2026-10-05 07:45:00", "2026-10-05 15:30:00")
    await add_punches(db, STAFF_B, "2026-10-05 07:29:00")
    await add_absence(db, STAFF_A, "2026-10-05", "DL")
    await add_punches(db, STAFF_A, "2026-10-05 07:00:00")
    clock.set(at(MONDAY, "16:45"))
    harness.api.clear()
    await run_job(harness, alerts.AFTERNOON_JOB)

    early = harness.api.sent_to(KASUBBAG.telegram_id)
    assert len(early) == 1
    assert "tercatat pukul 15.30, sebelum jam pulang 16.00 (PSW1, 30 menit" in early[0].text
    assert early[0].buttons[0]["callback_data"] == "req:new:izin_pulang_cepat:20261005"
    no_out = texts_to(harness, STAFF_B)
    assert len(no_out) == 1 and "belum tercatat absen pulang" in no_out[0]
    assert "sebelum pukul 18.00" in no_out[0]
    assert {c.chat_id for c in harness.api.sent("sendMessage")} == {KASUBBAG.telegram_id,
                                                                    STAFF_B.telegram_id}


async def test_missed_morning_runs_once_at_start_up_if_still_relevant(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    await monday_morning(db)
    # The bot was down at 08:00 and comes back at 09:30.
    clock.set(at(MONDAY, "09:30"))
    await harness.restart()
    harness.api.clear()
    await run_job(harness, f"{alerts.MORNING_JOB}.catch_up")
    assert "belum tercatat hadir" in texts_to(harness, STAFF_C)[0]
    sent = len(harness.api.sent("sendMessage"))
    assert sent == 7

    # Another restart the same morning: the job finished, so no second catch-up.
    clock.set(at(MONDAY, "10:15"))
    await harness.restart()
    queue = harness.application.job_queue
    assert queue is not None
    assert queue.get_jobs_by_name(f"{alerts.MORNING_JOB}.catch_up") == ()
    # The usual 08:00 trigger and the Ramadan 08:30 one.
    assert sorted(j.data for j in queue.get_jobs_by_name(alerts.MORNING_JOB)) == [
        dt.time(8), dt.time(8, 30)]


async def test_ramadan_mornings_wait_for_the_later_start(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    clock.set(at(RAMADAN_MONDAY, "08:00"))
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB, data=dt.time(8))
    assert harness.api.sent("sendMessage") == []
    clock.set(at(RAMADAN_MONDAY, "08:30"))
    await run_job(harness, alerts.MORNING_JOB, data=dt.time(8, 30))
    notice = texts_to(harness, STAFF_A)
    assert len(notice) == 1 and "hingga pukul 08.30 (jam masuk 08.00)" in notice[0]
    # Outside Ramadan the 08:30 trigger does nothing.
    clock.set(at(MONDAY, "08:30"))
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB, data=dt.time(8, 30))
    assert harness.api.sent("sendMessage") == []


@pytest.mark.parametrize(("day", "clock_time", "expected"), [
    (MONDAY, "07:59", []),
    (MONDAY, "08:00", [alerts.MORNING_JOB]),
    (MONDAY, "16:44", [alerts.MORNING_JOB]),
    (MONDAY, "16:45", [alerts.AFTERNOON_JOB]),
    (MONDAY, "17:59", [alerts.AFTERNOON_JOB]),
    (MONDAY, "18:30", []),
    (dt.date(2026, 10, 10), "09:00", []),
    (RAMADAN_MONDAY, "08:15", []),
    (RAMADAN_MONDAY, "08:30", [alerts.MORNING_JOB]),
])
async def test_which_missed_job_is_still_relevant_at_start_up(
        harness: Harness, db: Database, office, clock: FixedClock, day: dt.date,
        clock_time: str, expected: list[str]) -> None:
    clock.set(at(day, clock_time))
    await harness.restart()
    queue = harness.application.job_queue
    assert queue is not None
    catch_up = sorted(j.name.removesuffix(".catch_up") for j in queue.jobs()
                      if j.name.startswith("attendance.") and j.name.endswith(".catch_up"))
    assert catch_up == expected


async def _everyone(db: Database) -> list[employees.Employee]:
    async with db.read() as conn:
        return await employees.all_active(conn)


async def _long_absence(db: Database, person: Person, days: int) -> None:
    """`person` registered on 1 September and absent without explanation for `days` working
    days from 1 September; everyone else present."""
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET created_at = '2026-09-01T08:00:00+07:00'")
    calendar = OfficeCalendar(CalendarRules())
    day = dt.date(2026, 9, 1)
    missing = 0
    while day < MONDAY:
        if calendar.is_working_day(day):
            for other in PEOPLE:
                if other != person or missing >= days:
                    await add_punches(db, other, f"{day} 07:20:00", f"{day} 16:10:00")
            if missing < days:
                missing += 1
        day += dt.timedelta(days=1)


async def test_pp94_threshold_notifies_the_atasan_and_the_kepala_once(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    await _long_absence(db, STAFF_B, 4)
    await monday_morning(db)
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    for boss in (KABID, KEPALA):
        ladder = [t for t in texts_to(harness, boss) if "PP 94/2021" in t]
        assert len(ladder) == 1, boss.nama
        assert STAFF_B.nama in ladder[0] and "<b>4 hari kerja</b>" in ladder[0]
        assert "ambang <b>4 hari</b>" in ladder[0] and "teguran tertulis" in ladder[0]
        assert "berturut-turut" not in ladder[0]
    assert not any("PP 94/2021" in t for t in texts_to(harness, STAFF_B))

    # The next morning the count is the same step: no new notice.
    clock.set(at(dt.date(2026, 10, 6), "08:00"))
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    assert not any("PP 94/2021" in t for c in harness.api.sent("sendMessage") for t in [c.text])


async def test_pp94_threshold_reached_by_accumulated_minutes_notifies_once(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    """Staff B: 2 TK days, then 120 + 120 minutes late and 210 minutes early = 450 minutes,
    one more day (3: teguran lisan). A late arrival under a permit adds nothing."""
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET created_at = '2026-09-01T08:00:00+07:00'")
    calendar = OfficeCalendar(CalendarRules())
    working = calendar.working_days(dt.date(2026, 9, 1), dt.date(2026, 10, 2))
    assert [d.weekday() for d in working[:6]] == [1, 2, 3, 4, 0, 1]
    staff_b = {working[2]: ("09:30:00", "16:40:00"), working[3]: ("09:30:00", "16:40:00"),
               working[4]: ("07:20:00", "12:30:00"), working[5]: ("10:00:00", "16:10:00")}
    await add_absence(db, STAFF_B, working[5].isoformat(), "I", part="arrive_late")
    for day in working:
        for person in PEOPLE:
            if person == STAFF_B:
                if day in staff_b:
                    first, last = staff_b[day]
                    await add_punches(db, person, f"{day} {first}", f"{day} {last}")
            else:
                await add_punches(db, person, f"{day} 07:20:00", f"{day} 16:40:00")
    for day in working[6:]:
        await add_punches(db, STAFF_B, f"{day} 07:20:00", f"{day} 16:40:00")
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    for boss in (KABID, KEPALA):
        ladder = [t for t in texts_to(harness, boss) if "PP 94/2021" in t]
        assert len(ladder) == 1, boss.nama
        assert STAFF_B.nama in ladder[0] and "<b>3 hari kerja</b>" in ladder[0]
        assert ("(2 hari tanpa keterangan + 1 hari dari akumulasi keterlambatan/pulang cepat "
                "7 jam 30 menit)") in ladder[0]
        assert "ambang <b>3 hari</b>" in ladder[0] and "teguran lisan" in ladder[0]
        assert "setiap 7 jam 30 menit dihitung 1 hari" in ladder[0]
    assert not any("PP 94/2021" in t for t in texts_to(harness, STAFF_B))

    # Staff B is on time on Monday: the next morning the count is the same, nothing is sent.
    await add_punches(db, STAFF_B, "2026-10-05 07:20:00", "2026-10-05 16:10:00")
    clock.set(at(dt.date(2026, 10, 6), "08:00"))
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    assert not any("PP 94/2021" in c.text for c in harness.api.sent("sendMessage"))


async def test_ten_consecutive_working_days_are_reported_once(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    await _long_absence(db, STAFF_C, 10)
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    run = [t for t in texts_to(harness, KASUBBAG) if "berturut-turut" in t]
    assert len(run) == 1
    assert "<b>10 hari kerja berturut-turut</b> sejak 1 September 2026" in run[0]
    # The salary stop is PP 94/2021 Pasal 15(2), not the BKN regulation.
    assert "PP 94/2021 Pasal 15 ayat 2" in run[0] and "Peraturan BKN 6/2022" not in run[0]
    # Both the run and the step reached (7 days: pernyataan tidak puas) come in one message.
    kepala = [t for t in texts_to(harness, KEPALA) if "PP 94/2021" in t]
    assert len(kepala) == 1
    assert "berturut-turut" in kepala[0] and "ambang <b>7 hari</b>" in kepala[0]
    assert kepala[0].count(STAFF_C.nip) == 2

    # Staff C is back on Monday; on Tuesday the same run and step are not reported again.
    await add_punches(db, STAFF_C, "2026-10-05 07:20:00", "2026-10-05 16:00:00")
    clock.set(at(dt.date(2026, 10, 6), "08:00"))
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    assert not any("PP 94/2021" in c.text for c in harness.api.sent("sendMessage"))


async def test_many_ladder_notices_to_one_recipient_are_grouped(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    services = harness.application.bot_data["services"]
    kepala = next(e for e in (await _everyone(db)) if e.nip == KEPALA.nip)
    subject = next(e for e in (await _everyone(db)) if e.nip == STAFF_A.nip)
    facts = alerts.LadderFacts(subject, 2026, 28, step=services.settings.attendance.ladder
                               .steps[-1])
    notices = [alerts.Notice(alerts.LADDER, "2026", kepala, MONDAY, about_nip=f"{i:018d}",
                             detail="28", ladder=facts) for i in range(15)]
    notices.append(alerts.Notice(alerts.MORNING_ABSENT, "2026-10-05", kepala, MONDAY,
                                 status=None))
    batches = alerts.messages(notices)
    assert [len(b) for b in batches] == [1, 6, 6, 3]
    harness.api.clear()
    queued = await alerts.queue_run(db, services.settings.attendance, "test.ladder", MONDAY,
                                    notices[:15], harness.clock.now())
    assert (queued.queued, queued.messages) == (15, 3)
    await harness.deliver()
    sent = harness.api.sent_to(KEPALA.telegram_id)
    assert len(sent) == 3 and all(len(c.text) < 4096 for c in sent)


async def test_a_flood_is_waited_out_and_each_notice_sent_once(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    """429 with retry_after for one employee, longer than the rate limiter's own retries: the
    notice waits retry_after and then goes, once."""
    await monday_morning(db)
    harness.api.fail_calls(429, "Too Many Requests: retry after 1", chat_id=STAFF_A.telegram_id,
                           retry_after=1, times=50)
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    assert texts_to(harness, STAFF_A) == [] and len(texts_to(harness, STAFF_C)) == 1
    [row] = [r for r in await outbox.rows(db) if r.recipient_nip == STAFF_A.nip]
    assert row.status == "pending"
    harness.api.stop_failing()
    clock.advance(seconds=2)
    await harness.deliver()
    await run_job(harness, alerts.MORNING_JOB)
    assert len(texts_to(harness, STAFF_A)) == 1 and len(texts_to(harness, STAFF_C)) == 1


async def test_killed_between_the_commit_and_the_send_loses_and_doubles_nothing(
        harness: Harness, db: Database, office) -> None:
    """The morning run committed its notices and the process died before the sender sent any
    of them: after the restart every notice arrives exactly once, and a re-run adds none."""
    await monday_morning(db)
    await bot_outbox.stop(harness.application)      # the sender is gone with the process
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    assert harness.api.sent("sendMessage") == []
    await harness.restart()
    await harness.deliver()
    everyone = (ADMIN, STAFF_A, STAFF_C, KEPALA, SEKRETARIS, KASUBBAG, KABID)
    assert {p.nama: len(texts_to(harness, p)) for p in everyone} == {p.nama: 1 for p in everyone}
    # Even a second run with the job's own record lost writes nothing again.
    async with db.transaction() as conn:
        await conn.execute("DELETE FROM job_runs")
    await harness.restart()
    await run_job(harness, alerts.MORNING_JOB)
    assert {p.nama: len(texts_to(harness, p)) for p in everyone} == {p.nama: 1 for p in everyone}
    assert len(harness.api.sent("sendMessage")) == 7


async def test_a_notice_still_undelivered_the_next_day_is_dropped(
        harness: Harness, db: Database, office, clock: FixedClock) -> None:
    """Telegram refused Staff C's notice all Monday: on Tuesday it is not sent late (its
    buttons and "belum tercatat hadir hari ini" are about a day that is over)."""
    await monday_morning(db)
    harness.api.fail_calls(502, "Bad Gateway", chat_id=STAFF_C.telegram_id, times=200)
    harness.api.clear()
    await run_job(harness, alerts.MORNING_JOB)
    clock.set(at(dt.date(2026, 10, 6), "07:00"))
    harness.api.stop_failing()
    await harness.deliver()
    assert texts_to(harness, STAFF_C) == []
    [row] = [r for r in await outbox.rows(db) if r.recipient_nip == STAFF_C.nip]
    assert row.status == "skipped"
