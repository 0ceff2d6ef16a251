"""Daily attendance alerts: who should be told what, and the record that each was told once.

Planning is separate from sending: `plan_morning`, `plan_afternoon` and `plan_ladder` return
Notice values (the recipient and the facts). `queue_run` claims each in sent_alerts (kind,
period, recipient, subject, detail) and writes the messages to the outbox in the same
transaction: a claim that already exists means it was queued before, so a re-run, the catch-up
at start-up or a second process never sends it again, and the one sender delivers each message
at least once (retrying 5xx and 429, marking a user who blocked the bot, who is then not
planned again).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from services import attendance, employees, ladder_tally, location, outbox
from services import attendance_rules as rules
from services.attendance_model import DayStatus
from services.attendance_policy import AttendancePolicy, LadderStep, WorkHours
from services.calendar import OfficeCalendar
from services.employees import Employee
from services.location import LocatedPunch
from services.storage import Database

MORNING_ABSENT = "morning_absent"
MORNING_SUMMARY = "morning_summary"
AFTERNOON = "afternoon"
LADDER = "ladder"
LADDER_RUN = "ladder_run"

MORNING_JOB = "attendance.morning"
AFTERNOON_JOB = "attendance.afternoon"

# Keeps a grouped PP 94/2021 message well under Telegram's 4096 characters.
LADDER_PER_MESSAGE = 6

# A run of TK days that began before 1 January still counts; look this far back for it.
RUN_LOOKBACK_DAYS = 45


@dataclass(frozen=True)
class TeamEntry:
    employee: Employee
    status: DayStatus
    late_permit: bool = False     # an approved permit to arrive late today (izin terlambat)
    located: tuple[LocatedPunch, ...] = ()   # today's presensi lokasi punches

    @property
    def waiting(self) -> bool:
        """No IN scan yet and nothing that explains it."""
        return _not_in(self.status) and not self.late_permit

    @property
    def excused(self) -> bool:
        return rules.is_on_absence(self.status) or (self.late_permit and _not_in(self.status))


@dataclass(frozen=True)
class TeamSummary:
    late: tuple[TeamEntry, ...]
    missing: tuple[TeamEntry, ...]
    away: tuple[TeamEntry, ...]
    unsynced: tuple[str, ...] = ()   # machines that could not be read before the summary
    located: tuple[TeamEntry, ...] = ()  # who clocked in by location, and where

    @property
    def empty(self) -> bool:
        return not (self.late or self.missing or self.away or self.located)


@dataclass(frozen=True)
class LadderFacts:
    employee: Employee
    year: int
    tk_days: int                      # TK days so far this calendar year
    step: LadderStep | None = None    # the step reached (ladder notices)
    # Unexcused late/early minutes this year and the whole days they count for on the ladder.
    minutes: rules.LostMinutes = field(default_factory=rules.LostMinutes)
    minute_days: int = 0

    @property
    def days(self) -> int:
        """The ladder's count: TK days and the days the minutes amount to."""
        return self.tk_days + self.minute_days
    run_start: dt.date | None = None  # the first day of the run (consecutive-days notices)
    run_days: int = 0
    run_penalty: str = ""


@dataclass(frozen=True)
class Notice:
    kind: str
    period: str                   # the day (YYYY-MM-DD) or year (YYYY) it is about
    recipient: Employee
    day: dt.date
    about_nip: str = ""
    detail: str = ""
    status: DayStatus | None = None          # morning_absent, afternoon
    hours: WorkHours | None = None           # afternoon
    team: TeamSummary | None = None          # morning_summary
    ladder: LadderFacts | None = None        # ladder, ladder_run


def _enrolled(people: list[Employee]) -> list[Employee]:
    """Employees the machines can record at all; without a machine id every day would look
    like an absence, so they are left out of alerts until the operator enrols them."""
    return [e for e in people if e.device_user_id]


async def plan_morning(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                       now: dt.datetime, *, unsynced: tuple[str, ...] = ()) -> list[Notice]:
    """Notices of the working morning: a private one to each enrolled employee with no IN scan
    and no approved absence, and one summary per atasan of their subordinates.

    When a machine could not be read (`unsynced`), nobody is told they are missing: whoever
    scanned on that machine would be told wrongly. The atasan still get their summary, with a
    warning that it may be incomplete."""
    if not calendar.is_working_day(now.date()):
        return []
    # A province's statuses and registry are read and gone through in the compute process:
    # in a thread here they would hold the GIL the chat needs, by the tenth of a second.
    return await db.compute(_morning_in, policy, calendar, now, unsynced)


def _morning_in(conn: sqlite3.Connection, policy: AttendancePolicy, calendar: OfficeCalendar,
                now: dt.datetime, unsynced: tuple[str, ...]) -> list[Notice]:
    today = now.date()
    everyone = employees.active_in(conn)
    statuses = attendance.day_statuses_in(conn, policy, calendar, today, now,
                                          everyone=everyone)
    permits = {nip for (nip,) in conn.execute(
        "SELECT nip FROM absence_days WHERE day = ? AND part = ?",
        (today.isoformat(), rules.ARRIVE_LATE))}
    return _morning_notices(policy, today, statuses, everyone, permits,
                            location.located_in(conn, today), unsynced)


def _morning_notices(policy: AttendancePolicy, today: dt.date, statuses: dict[str, DayStatus],
                     everyone: list[Employee], permits: set[str],
                     located: dict[str, list[LocatedPunch]],
                     unsynced: tuple[str, ...]) -> list[Notice]:
    by_nip = {e.nip: e for e in everyone}
    notices: list[Notice] = []
    teams: dict[str, list[TeamEntry]] = defaultdict(list)
    for person in _enrolled(everyone):
        entry = TeamEntry(person, statuses[person.nip], late_permit=person.nip in permits,
                          located=tuple(located.get(person.nip, ())))
        if person.reachable and entry.waiting and not unsynced:
            notices.append(Notice(MORNING_ABSENT, today.isoformat(), person, today,
                                  status=entry.status))
        if person.atasan_nip:
            teams[person.atasan_nip].append(entry)
    for atasan_nip, members in teams.items():
        atasan = by_nip.get(atasan_nip)
        if atasan is None or not atasan.reachable:
            continue
        summary = TeamSummary(
            late=tuple(m for m in members if rules.is_late(m.status)
                       and m.status.late_minutes >= policy.alerts.summary_late_minutes),
            missing=tuple(m for m in members if m.waiting),
            away=tuple(m for m in members if m.excused),
            unsynced=unsynced,
            located=tuple(m for m in members if m.located),
        )
        if not summary.empty:
            notices.append(Notice(MORNING_SUMMARY, today.isoformat(), atasan, today,
                                  team=summary))
    return notices


def _not_in(status: DayStatus) -> bool:
    return status.first_in is None and not rules.is_on_absence(status)


async def plan_afternoon(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                         now: dt.datetime) -> list[Notice]:
    """After the end of work: employees who left before time (PSW) or have an IN scan but no
    OUT yet, while the scan window is still open to put it right."""
    if not calendar.is_working_day(now.date()):
        return []
    return await db.compute(_afternoon_in, policy, calendar, now)


def _afternoon_in(conn: sqlite3.Connection, policy: AttendancePolicy,
                  calendar: OfficeCalendar, now: dt.datetime) -> list[Notice]:
    today = now.date()
    everyone = employees.active_in(conn)
    statuses = attendance.day_statuses_in(conn, policy, calendar, today, now,
                                          everyone=everyone)
    hours = policy.hours_for(today)
    notices = []
    for person in _enrolled(everyone):
        status = statuses[person.nip]
        left_early = any(code.startswith(rules.EARLY) for code in status.codes)
        no_out = status.first_in is not None and status.last_out is None
        if person.reachable and (left_early or no_out) and not rules.is_on_absence(status):
            notices.append(Notice(AFTERNOON, today.isoformat(), person, today, status=status,
                                  hours=hours))
    return notices


async def plan_ladder(db: Database, policy: AttendancePolicy, calendar: OfficeCalendar,
                      now: dt.datetime) -> list[Notice]:
    """PP 94/2021 notices for the atasan and the Kepala, about the days up to yesterday.

    A step is reached by the year's TK days plus the days its unexcused late/early minutes
    amount to (rules.ladder_count); a run, by consecutive TK days alone.
    Only the highest step an employee has reached is planned: someone first counted with
    12 days gets one notice (step 11), not five. Each step and each run is claimed once,
    however the days were made up.
    """
    today = now.date()
    yesterday = today - dt.timedelta(days=1)
    year_start = dt.date(today.year, 1, 1)
    if yesterday < year_start:
        return []
    lookback = year_start - dt.timedelta(days=RUN_LOOKBACK_DAYS)
    await ladder_tally.refresh(db, policy, calendar, lookback, yesterday)
    return await db.compute(_ladder_notices, policy, calendar, today, lookback, yesterday)


def _ladder_notices(conn: sqlite3.Connection, policy: AttendancePolicy,
                    calendar: OfficeCalendar, today: dt.date, lookback: dt.date,
                    yesterday: dt.date) -> list[Notice]:
    """plan_ladder's notices from the tally, in a snapshot: a province's employees are gone
    through off the event loop."""
    ladder = policy.ladder
    data = ladder_tally.read_in(conn, today.year, lookback, yesterday)
    working = calendar.working_days(lookback, yesterday)
    by_nip = {e.nip: e for e in employees.active_in(conn)}
    heads = [e for e in by_nip.values() if e.peran == "kepala"] if ladder.notify_kepala else []
    notices: list[Notice] = []
    for nip, person in by_nip.items():
        if not person.device_user_id:
            continue
        days = data.tk_dates.get(nip, set())
        tally = data.tally.get(nip)
        count = rules.ladder_count(tally.tk_days if tally else 0,
                                   tally.minutes if tally and ladder.count_late_minutes
                                   else rules.LostMinutes(), ladder)
        reached = rules.ladder_reached(count.days, ladder)
        # A run needs that many TK days at least: most employees cannot have one.
        runs = rules.long_runs(working, days, ladder) \
            if len(days) >= ladder.consecutive_days else []
        if not reached and not runs:
            continue
        recipients = _ladder_recipients(person, by_nip, heads)
        if reached:
            step = reached[-1]
            facts = LadderFacts(person, today.year, count.tk_days, step=step,
                                minutes=count.minutes, minute_days=count.minute_days)
            notices.extend(Notice(LADDER, str(today.year), r, today, about_nip=nip,
                                  detail=str(step.days), ladder=facts) for r in recipients)
        for start, length in runs:
            facts = LadderFacts(person, today.year, count.tk_days, run_start=start,
                                run_days=length,
                                run_penalty=ladder.run_penalty_for(person.status))
            notices.extend(Notice(LADDER_RUN, start.isoformat(), r, today, about_nip=nip,
                                  ladder=facts) for r in recipients)
    return notices


def _ladder_recipients(person: Employee, by_nip: dict[str, Employee],
                       heads: list[Employee]) -> list[Employee]:
    chosen: dict[str, Employee] = {}
    atasan = by_nip.get(person.atasan_nip or "")
    for candidate in ([atasan] if atasan else []) + heads:
        if candidate.nip != person.nip and candidate.reachable:
            chosen[candidate.nip] = candidate
    return list(chosen.values())


def _key(notice: Notice) -> tuple[str, str, str, str, str]:
    return (notice.kind, notice.period, notice.recipient.nip, notice.about_nip, notice.detail)


def messages(notices: list[Notice]) -> list[list[Notice]]:
    """Group notices into messages: PP 94/2021 notices to one recipient go out together (a
    Kepala of a large office would otherwise get dozens of messages at once), at most
    LADDER_PER_MESSAGE to a message; every other notice is a message of its own."""
    grouped: list[list[Notice]] = []
    ladders: dict[str, list[Notice]] = defaultdict(list)
    for notice in notices:
        if notice.kind in (LADDER, LADDER_RUN):
            ladders[notice.recipient.nip].append(notice)
        else:
            grouped.append([notice])
    for batch in ladders.values():
        grouped.extend(batch[i:i + LADDER_PER_MESSAGE]
                       for i in range(0, len(batch), LADDER_PER_MESSAGE))
    return grouped


# --- the outbox rows ---------------------------------------------------------------------------
# Each message is one outbox row whose payload holds the facts as planned (plain data); the
# renderers in handlers/attendance_notices.py turn them into text when the row is sent.

OUTBOX_KINDS = {MORNING_ABSENT: "attendance.morning_absent",
                MORNING_SUMMARY: "attendance.morning_summary",
                AFTERNOON: "attendance.afternoon", LADDER: "attendance.ladder",
                LADDER_RUN: "attendance.ladder"}

# A summary lists at most this many people per section (with the section's full count), so a
# large team's message stays under Telegram's 4096 characters.
LIST_MAX = 40


def _hhmm(moment: dt.datetime | dt.time | None) -> str | None:
    return None if moment is None else f"{moment.hour:02d}:{moment.minute:02d}"


def _member(entry: TeamEntry) -> dict[str, object]:
    status = entry.status
    return {"nama": entry.employee.nama, "masuk": _hhmm(status.first_in),
            "kode": status.codes[0] if status.codes else None, "menit": status.late_minutes,
            "absence": status.codes[0] if rules.is_on_absence(status) and status.codes
            else None}


def _located(entry: TeamEntry) -> dict[str, object]:
    selfies = [p.punch_id for p in entry.located if p.has_selfie]
    return {"nama": entry.employee.nama,
            "sites": list(dict.fromkeys(p.site for p in entry.located)),
            "times": [_hhmm(p.at) for p in entry.located],
            "selfie": selfies[-1] if selfies else None}


def _listed(entries: tuple[TeamEntry, ...], row: Callable[[TeamEntry], dict[str, object]]
            ) -> dict[str, object]:
    return {"count": len(entries), "rows": [row(e) for e in entries[:LIST_MAX]]}


def _ladder_entry(notice: Notice, policy: AttendancePolicy) -> dict[str, object]:
    facts = notice.ladder
    assert facts is not None
    person = facts.employee
    entry: dict[str, object] = {
        "kind": notice.kind, "nama": person.nama, "nip": person.nip, "jabatan": person.jabatan,
        "tahun": facts.year, "pppk": person.is_pppk, "tk_days": facts.tk_days}
    if notice.kind == LADDER_RUN:
        assert facts.run_start is not None
        entry.update(run_days=facts.run_days, run_start=facts.run_start.isoformat(),
                     penalty=facts.run_penalty, consecutive=policy.ladder.consecutive_days)
    else:
        assert facts.step is not None
        entry.update(days=facts.days, minute_days=facts.minute_days,
                     minutes=facts.minutes.total, step_days=facts.step.days,
                     penalty=facts.step.penalty_for(person.status),
                     minutes_per_day=policy.ladder.minutes_per_day)
    return entry


def payload(batch: list[Notice], policy: AttendancePolicy, now: dt.datetime
            ) -> dict[str, object]:
    """The facts one message tells, as plain data."""
    first = batch[0]
    if first.kind in (LADDER, LADDER_RUN):
        return {"entries": [_ladder_entry(n, policy) for n in batch]}
    common: dict[str, object] = {"day": first.day.isoformat(), "at": _hhmm(now),
                                 "nama": first.recipient.nama}
    if first.kind == MORNING_ABSENT:
        return {**common, "masuk": _hhmm(policy.hours_for(first.day).start)}
    if first.kind == MORNING_SUMMARY:
        team = first.team
        assert team is not None
        return {**common, "unsynced": list(team.unsynced), "late": _listed(team.late, _member),
                "missing": _listed(team.missing, _member), "away": _listed(team.away, _member),
                "located": _listed(team.located, _located)}
    status, hours = first.status, first.hours
    assert status is not None and hours is not None
    return {**common, "pulang": _hhmm(hours.end), "tutup": _hhmm(policy.window_end),
            "early": next((c for c in status.codes if c.startswith(rules.EARLY)), None),
            "keluar": _hhmm(status.last_out), "menit": status.early_minutes,
            "masuk": _hhmm(status.first_in)}


@dataclass
class Queued:
    """What one run wrote to the outbox; logged and shown by the benchmark."""

    planned: int = 0
    queued: int = 0         # notices written now
    messages: int = 0       # outbox rows they make
    already: int = 0        # written by an earlier run (or another process)


async def queue_run(db: Database, policy: AttendancePolicy, job: str, day: dt.date,
                    notices: list[Notice], now: dt.datetime) -> Queued:
    """Claim the notices and write their messages to the outbox, and record that the job ran,
    in one transaction: a re-run, the catch-up at start-up or a second process finds every
    claim taken and writes nothing twice; a run that dies before the commit leaves nothing.
    The outbox delivers at least once (retries, blocked users: see handlers/sender.py)."""
    result = Queued(planned=len(notices))
    async with db.transaction() as conn:
        claimed = []
        for notice in notices:
            cursor = await conn.execute(
                "INSERT OR IGNORE INTO sent_alerts (kind, period, nip, about_nip, detail,"
                " status, at) VALUES (?, ?, ?, ?, ?, 'queued', ?)",
                (*_key(notice), now.isoformat()))
            if cursor.rowcount == 1:
                claimed.append(notice)
        batches = messages(claimed)
        await outbox.enqueue(conn, [
            outbox.Notice(OUTBOX_KINDS[batch[0].kind], batch[0].recipient.nip, None,
                          payload(batch, policy, now),
                          dedupe_key="alert:" + ":".join(_key(batch[0])))
            for batch in batches], now=now)
        await conn.execute("INSERT OR REPLACE INTO job_runs (job, day, finished_at)"
                           " VALUES (?, ?, ?)", (job, day.isoformat(), now.isoformat()))
    result.queued, result.messages = len(claimed), len(batches)
    result.already = len(notices) - len(claimed)
    return result


def catch_up_due(policy: AttendancePolicy, calendar: OfficeCalendar,
                 now: dt.datetime) -> list[str]:
    """The jobs whose time today has passed and that are still worth running at `now`: the
    morning notices until the afternoon ones are due, the afternoon ones until the scan window
    closes (after that a missing OUT can no longer be put right)."""
    if not policy.alerts.enabled or not calendar.is_working_day(now.date()):
        return []
    moment = now.time().replace(tzinfo=None)
    if policy.morning_alert_at(now.date()) <= moment < policy.alerts.afternoon:
        return [MORNING_JOB]
    if policy.alerts.afternoon <= moment <= policy.window_end:
        return [AFTERNOON_JOB]
    return []


async def job_finished(db: Database, job: str, day: dt.date) -> bool:
    async with db.read() as conn, conn.execute(
        "SELECT 1 FROM job_runs WHERE job = ? AND day = ?", (job, day.isoformat())
    ) as cursor:
        return await cursor.fetchone() is not None
