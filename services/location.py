"""Presensi lokasi: a Telegram live location inside a permitted site becomes a punch.

A live location arrives as a message carrying `live_period`, then as edits of that message
while the phone keeps sharing; a location without `live_period` is a static pin, or (as an
edit) a live location that was stopped. One check follows one such message in
location_checks: every fix must be inside a permitted site with good enough GPS accuracy, no
two fixes may be further apart than the configured speed allows, and the location has to keep
coming for `check_seconds`. Then the punch is stored as an ordinary `punches` row (serial
'lokasi', the employee's machine id), so everything that counts scans counts it, with the site,
distance and accuracy in location_punches. Whatever fails is refused, audited, and stores no
punch.

Who may: the listed employees or units (or everyone), an employee on an approved dinas luar that
day (its activity location, when the request carries one, is a site for that employee that
day), and everyone on a day an admin declared the machines out of order.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import asdict, dataclass, replace
from typing import Any
from zoneinfo import ZoneInfo

import aiosqlite

from services import audit, geo, outbox
from services.employees import Employee, by_nip
from services.errors import NotAllowed, NotFound
from services.location_policy import (
    BASIS_DINAS_LUAR,
    BASIS_OUTAGE,
    SELFIE_OPTIONAL,
    SELFIE_REQUIRED,
    LocationPolicy,
    Site,
)
from services.storage import Database

SERIAL = "lokasi"          # punches.device_serial of every location punch
SOURCE = "lokasi"          # punches.source
ENTITY = "employee"        # audit entity: the employee who tried
# The outbox kind of a result the sweep decided, told in reply to the live location.
SWEPT = "location.swept"

# Refusal reasons; handlers/texts/location.py says each in one sentence.
DISABLED = "disabled"
FORWARDED = "forwarded"
STATIC = "static"
NO_MACHINE_ID = "no_machine_id"
NOT_PERMITTED = "not_permitted"
ACCURACY = "accuracy"
OUTSIDE = "outside"
SPEED = "speed"
STOPPED = "stopped"
TOO_SHORT = "too_short"
SELFIE_LATE = "selfie_late"

# Result states.
CHECKING = "checking"      # the first fix passed; keep sharing
RECORDED = "recorded"      # the punch is stored
SELFIE = "selfie"          # the check passed; a selfie is required to finish
REFUSED = "refused"
IGNORED = "ignored"        # an update of a check that is already closed (say nothing)
SELFIE_ATTACHED = "selfie_attached"
NOT_EXPECTED = "not_expected"  # a photo nobody asked for


@dataclass(frozen=True)
class Fix:
    """One position as Telegram reports it."""

    latitude: float
    longitude: float
    accuracy_m: float | None
    at: dt.datetime                # the message date, or the edit date of an update
    live_period: int | None        # None: a static pin, or a live location that stopped
    forwarded: bool = False


@dataclass(frozen=True)
class Permission:
    basis: str | None              # None: not permitted today
    sites: tuple[Site, ...]


@dataclass(frozen=True)
class RecordedPunch:
    punch_id: int
    at: dt.datetime
    direction: str                 # "in" (the day's first punch) or "out"
    site: str
    distance_m: float
    accuracy_m: float


@dataclass(frozen=True)
class LocationResult:
    state: str
    reason: str | None = None
    site: str | None = None
    radius_m: float | None = None
    distance_m: float | None = None
    outside_by_m: float | None = None
    accuracy_m: float | None = None
    speed_kmh: float | None = None
    seconds_left: int = 0
    punch: RecordedPunch | None = None
    selfie: str = "off"            # the office's selfie mode, to tell the user
    chat_id: int | None = None     # where a result decided later (the sweep) is told
    reply_to: int | None = None


def result_payload(result: LocationResult) -> dict[str, Any]:
    """A result as the outbox keeps it (plain JSON data), read back by `result_of`."""
    data = asdict(result)
    if result.punch is not None:
        data["punch"]["at"] = result.punch.at.isoformat()
    return data


def result_of(payload: dict[str, Any]) -> LocationResult:
    data = dict(payload)
    punch = data.pop("punch", None)
    if punch is not None:
        punch = RecordedPunch(**{**punch, "at": dt.datetime.fromisoformat(punch["at"])})
    return LocationResult(**data, punch=punch)


@dataclass(frozen=True)
class OutageResult:
    day: dt.date
    active: bool                   # an outage is declared for the day after this call
    changed: bool


@dataclass(frozen=True)
class LocatedPunch:
    punch_id: int
    nip: str
    at: dt.datetime
    site: str
    has_selfie: bool


@dataclass(frozen=True)
class ActivityLocation:
    """Where a dinas luar activity takes place, shared during /izin (a pin is fine: it names
    a place, it does not prove presence)."""

    latitude: float
    longitude: float
    label: str = ""


@dataclass(frozen=True)
class SelfieView:
    file_id: str
    nama: str
    site: str
    at: dt.datetime


# --- permission ----------------------------------------------------------------------------
async def _activity_sites(conn: aiosqlite.Connection, policy: LocationPolicy, nip: str,
                          day: dt.date) -> tuple[bool, tuple[Site, ...]]:
    """Whether the employee is on an approved dinas luar on `day`, and its activity sites."""
    async with conn.execute(
        "SELECT a.request_id, l.latitude, l.longitude, l.label FROM absence_days a "
        "LEFT JOIN request_locations l ON l.request_id = a.request_id "
        "WHERE a.nip = ? AND a.day = ? AND a.code = 'DL'", (nip, day.isoformat())) as cursor:
        rows = await cursor.fetchall()
    sites = tuple(Site(row["label"] or f"Lokasi kegiatan DL #{row['request_id']}",
                       row["latitude"], row["longitude"], policy.activity_radius_m,
                       activity=True)
                  for row in rows if row["latitude"] is not None)
    return bool(rows), sites


async def outage_on(conn: aiosqlite.Connection, day: dt.date) -> bool:
    async with conn.execute("SELECT 1 FROM location_outages WHERE day = ? AND cancelled_at IS NULL",
                            (day.isoformat(),)) as cursor:
        return await cursor.fetchone() is not None


async def _permission(conn: aiosqlite.Connection, policy: LocationPolicy, employee: Employee,
                      day: dt.date) -> Permission:
    basis = policy.listed_basis(employee.unit, employee.nip)
    sites = policy.sites
    if policy.dinas_luar:
        on_dl, activity = await _activity_sites(conn, policy, employee.nip, day)
        if on_dl:
            basis = BASIS_DINAS_LUAR
            sites = activity + sites
    if basis is None and policy.outage and await outage_on(conn, day):
        basis = BASIS_OUTAGE
    return Permission(basis, sites if basis is not None else ())


async def permission_today(db: Database, policy: LocationPolicy, employee: Employee,
                           day: dt.date) -> Permission:
    """Where the employee may clock in by location on `day` (what /absen shows)."""
    if not policy.enabled:
        return Permission(None, ())
    async with db.read() as conn:
        return await _permission(conn, policy, employee, day)


# --- judging one fix -----------------------------------------------------------------------
def _nearest(sites: tuple[Site, ...], fix: Fix) -> tuple[Site, float]:
    """The site the fix is inside (the nearest such), else the one it is least outside of."""
    measured = [(site, geo.distance_m(fix.latitude, fix.longitude, site.latitude,
                                      site.longitude)) for site in sites]
    return min(measured, key=lambda m: (m[1] > m[0].radius_m, m[1] - m[0].radius_m))


def _judge_place(policy: LocationPolicy, sites: tuple[Site, ...], fix: Fix
                 ) -> tuple[LocationResult | None, Site, float]:
    """A refusal if the fix's accuracy or place is not good enough; the site and distance."""
    site, distance = _nearest(sites, fix)
    base = LocationResult(REFUSED, site=site.name, radius_m=site.radius_m, distance_m=distance,
                          accuracy_m=fix.accuracy_m)
    if fix.accuracy_m is None or fix.accuracy_m > policy.max_accuracy_m:
        return replace(base, reason=ACCURACY), site, distance
    if distance > site.radius_m:
        return replace(base, reason=OUTSIDE, outside_by_m=distance - site.radius_m), site, distance
    return None, site, distance


def _speed(previous: aiosqlite.Row, fix: Fix) -> float:
    """km/h between the last stored fix and this one. The two accuracy circles are taken off
    the distance: GPS jitter of a phone standing still is not movement."""
    moved = geo.distance_m(previous["last_latitude"], previous["last_longitude"],
                           fix.latitude, fix.longitude)
    moved = max(0.0, moved - (previous["last_accuracy_m"] or 0.0) - (fix.accuracy_m or 0.0))
    seconds = (fix.at - dt.datetime.fromisoformat(previous["last_at"])).total_seconds()
    return geo.speed_kmh(moved, seconds)


# --- storage -------------------------------------------------------------------------------
async def _refuse(conn: aiosqlite.Connection, employee: Employee, telegram_user_id: int | None,
                  result: LocationResult, now: dt.datetime, check_id: int | None = None,
                  **detail: object) -> LocationResult:
    if check_id is not None:
        await conn.execute(
            "UPDATE location_checks SET status = 'refused', reason = ?, closed_at = ? "
            "WHERE id = ?", (result.reason, _stamp(now), check_id))
    facts = {"reason": result.reason, "site": result.site, "distance_m": _round(result.distance_m),
             "accuracy_m": result.accuracy_m, "speed_kmh": _round(result.speed_kmh),
             "check_id": check_id, **detail}
    await audit.record(conn, at=now, actor=audit.Actor(employee.nip, telegram_user_id),
                       action="location.refused", entity=ENTITY, entity_id=employee.nip,
                       detail={k: v for k, v in facts.items() if v is not None})
    return result


def _stamp(moment: dt.datetime) -> str:
    """Times of a check in UTC, whole seconds: Telegram stamps updates in UTC seconds, and the
    sweep compares them as text with times from the office clock."""
    return moment.astimezone(dt.UTC).isoformat(timespec="seconds")


def _round(value: float | None) -> float | None:
    return round(value, 1) if value is not None else None


async def _open_check(conn: aiosqlite.Connection, employee: Employee, chat_id: int,
                      message_id: int, fix: Fix, status: str, *, site: Site | None = None,
                      distance: float | None = None, basis: str | None = None,
                      reason: str | None = None, now: dt.datetime) -> int:
    live_until = _stamp(fix.at + dt.timedelta(seconds=fix.live_period)) \
        if fix.live_period else None
    cursor = await conn.execute(
        "INSERT INTO location_checks (nip, chat_id, message_id, started_at, live_until, last_at,"
        " last_latitude, last_longitude, last_accuracy_m, site, site_kind, distance_m, basis,"
        " status, reason, closed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (chat_id, message_id) DO NOTHING",
        (employee.nip, chat_id, message_id, _stamp(fix.at), live_until, _stamp(fix.at),
         fix.latitude, fix.longitude, fix.accuracy_m, site.name if site else None,
         _kind(site), distance, basis, status, reason,
         _stamp(now) if status == REFUSED else None))
    if cursor.rowcount == 1 and cursor.lastrowid is not None:
        return cursor.lastrowid
    # The same message delivered twice: the first delivery's check stands.
    async with conn.execute("SELECT id FROM location_checks WHERE chat_id = ? AND message_id = ?",
                            (chat_id, message_id)) as found:
        row = await found.fetchone()
    assert row is not None
    return int(row[0])


def _kind(site: Site | None) -> str | None:
    if site is None:
        return None
    return "activity" if site.activity else "site"


async def _record_punch(conn: aiosqlite.Connection, tz: ZoneInfo, employee: Employee,
                        check: aiosqlite.Row, fix: Fix, *, telegram_user_id: int | None,
                        now: dt.datetime, selfie_file_id: str | None = None) -> RecordedPunch:
    """Store the punch at the moment the live location began: from then on it was checked."""
    assert employee.device_user_id is not None
    at = dt.datetime.fromisoformat(check["started_at"]).astimezone(tz).replace(microsecond=0)
    local = at.isoformat()
    async with conn.execute(
        "SELECT 1 FROM punches WHERE device_user_id = ? AND local_date = ? AND punched_at < ? "
        "LIMIT 1", (employee.device_user_id, local[:10], local)) as cursor:
        direction = "out" if await cursor.fetchone() is not None else "in"
    await conn.execute(
        "INSERT OR IGNORE INTO punches (device_serial, device_user_id, punched_at, local_date,"
        " status, punch, source, received_at) VALUES (?, ?, ?, ?, NULL, ?, ?, ?)",
        (SERIAL, employee.device_user_id, local, local[:10], 0 if direction == "in" else 1,
         SOURCE, now.isoformat()))
    async with conn.execute(
        "SELECT id FROM punches WHERE device_serial = ? AND device_user_id = ? AND punched_at = ?",
        (SERIAL, employee.device_user_id, local)) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    punch_id = int(row[0])
    await conn.execute(
        "INSERT OR IGNORE INTO location_punches (punch_id, check_id, nip, local_date, site,"
        " site_kind, latitude, longitude, distance_m, accuracy_m, basis, selfie_file_id,"
        " selfie_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (punch_id, check["id"], employee.nip, local[:10], check["site"], check["site_kind"],
         fix.latitude, fix.longitude, check["distance_m"], fix.accuracy_m, check["basis"],
         selfie_file_id, now.isoformat() if selfie_file_id else None))
    await conn.execute(
        "UPDATE location_checks SET status = 'recorded', closed_at = ? WHERE id = ?",
        (_stamp(now), check["id"]))
    await audit.record(conn, at=now, actor=audit.Actor(employee.nip, telegram_user_id),
                       action="location.punch", entity=ENTITY, entity_id=employee.nip,
                       detail={"punch_id": punch_id, "at": local, "direction": direction,
                               "site": check["site"], "distance_m": _round(check["distance_m"]),
                               "accuracy_m": fix.accuracy_m, "basis": check["basis"],
                               "fixes": check["fixes"], "selfie": bool(selfie_file_id)})
    return RecordedPunch(punch_id, at, direction, check["site"], check["distance_m"],
                         fix.accuracy_m or 0.0)


async def _check(conn: aiosqlite.Connection, check_id: int) -> aiosqlite.Row:
    async with conn.execute("SELECT * FROM location_checks WHERE id = ?", (check_id,)) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return row


def _fix_of(check: aiosqlite.Row) -> Fix:
    return Fix(check["last_latitude"], check["last_longitude"], check["last_accuracy_m"],
               dt.datetime.fromisoformat(check["last_at"]), None)


async def _complete(conn: aiosqlite.Connection, policy: LocationPolicy, tz: ZoneInfo,
                    employee: Employee, check_id: int, *, telegram_user_id: int | None,
                    now: dt.datetime) -> LocationResult:
    check = await _check(conn, check_id)
    result = LocationResult(RECORDED, site=check["site"], distance_m=check["distance_m"],
                            accuracy_m=check["last_accuracy_m"], selfie=policy.selfie,
                            chat_id=check["chat_id"], reply_to=check["message_id"])
    if policy.selfie == SELFIE_REQUIRED:
        await conn.execute(
            "UPDATE location_checks SET status = 'selfie', checked_at = ? WHERE id = ?",
            (_stamp(now), check_id))
        return replace(result, state=SELFIE)
    punch = await _record_punch(conn, tz, employee, check, _fix_of(check),
                                telegram_user_id=telegram_user_id, now=now)
    return replace(result, punch=punch)


# --- the entry points ----------------------------------------------------------------------
async def receive_location(db: Database, policy: LocationPolicy, tz: ZoneInfo,
                           employee: Employee, *, chat_id: int, message_id: int, fix: Fix,
                           edited: bool, telegram_user_id: int | None,
                           now: dt.datetime) -> LocationResult:
    """Judge a location message (`edited` False) or an update of one (`edited` True)."""
    async with db.transaction() as conn:
        existing = None
        if edited:
            async with conn.execute(
                "SELECT * FROM location_checks WHERE chat_id = ? AND message_id = ?",
                (chat_id, message_id)) as cursor:
                existing = await cursor.fetchone()
            if existing is not None and (existing["nip"] != employee.nip
                                         or existing["status"] != CHECKING):
                return LocationResult(IGNORED)
        if existing is None:
            return await _first_fix(conn, policy, tz, employee, chat_id, message_id, fix,
                                    telegram_user_id, now)
        return await _next_fix(conn, policy, tz, employee, existing, fix, telegram_user_id, now)


async def _first_fix(conn: aiosqlite.Connection, policy: LocationPolicy, tz: ZoneInfo,
                     employee: Employee, chat_id: int, message_id: int, fix: Fix,
                     telegram_user_id: int | None, now: dt.datetime) -> LocationResult:
    async def close(result: LocationResult, **detail: object) -> LocationResult:
        # The check row makes later updates of this message quiet instead of judged again.
        check_id = await _open_check(conn, employee, chat_id, message_id, fix, REFUSED,
                                     reason=result.reason, now=now)
        return await _refuse(conn, employee, telegram_user_id, result, now, check_id, **detail)

    refused = LocationResult(REFUSED, accuracy_m=fix.accuracy_m)
    if not policy.enabled:
        return replace(refused, reason=DISABLED)
    if fix.forwarded:
        return await close(replace(refused, reason=FORWARDED))
    if fix.live_period is None:
        return await close(replace(refused, reason=STATIC))
    if not employee.device_user_id:
        return await close(replace(refused, reason=NO_MACHINE_ID))
    day = fix.at.astimezone(tz).date()
    permission = await _permission(conn, policy, employee, day)
    if permission.basis is None or not permission.sites:
        return await close(replace(refused, reason=NOT_PERMITTED), day=day.isoformat())
    refusal, site, distance = _judge_place(policy, permission.sites, fix)
    if refusal is not None:
        return await close(refusal, basis=permission.basis)
    if fix.live_period < policy.check_seconds:
        return await close(replace(refused, reason=TOO_SHORT, site=site.name,
                                   distance_m=distance))
    check_id = await _open_check(conn, employee, chat_id, message_id, fix, CHECKING, site=site,
                                 distance=distance, basis=permission.basis, now=now)
    if policy.check_seconds == 0:
        return await _complete(conn, policy, tz, employee, check_id,
                               telegram_user_id=telegram_user_id, now=now)
    return LocationResult(CHECKING, site=site.name, radius_m=site.radius_m,
                          distance_m=distance, accuracy_m=fix.accuracy_m,
                          seconds_left=policy.check_seconds, selfie=policy.selfie)


async def _next_fix(conn: aiosqlite.Connection, policy: LocationPolicy, tz: ZoneInfo,
                    employee: Employee, check: aiosqlite.Row, fix: Fix,
                    telegram_user_id: int | None, now: dt.datetime) -> LocationResult:
    started = dt.datetime.fromisoformat(check["started_at"])
    elapsed = (fix.at - started).total_seconds()
    base = LocationResult(REFUSED, accuracy_m=fix.accuracy_m)
    if fix.live_period is None:
        return await _refuse(conn, employee, telegram_user_id,
                             replace(base, reason=STOPPED), now, check["id"],
                             seconds=int(elapsed))
    speed = _speed(check, fix)
    if speed > policy.max_speed_kmh:
        return await _refuse(conn, employee, telegram_user_id,
                             replace(base, reason=SPEED, speed_kmh=speed), now, check["id"])
    day = started.astimezone(tz).date()
    permission = await _permission(conn, policy, employee, day)
    if permission.basis is None or not permission.sites:
        return await _refuse(conn, employee, telegram_user_id,
                             replace(base, reason=NOT_PERMITTED), now, check["id"])
    refusal, site, distance = _judge_place(policy, permission.sites, fix)
    if refusal is not None:
        return await _refuse(conn, employee, telegram_user_id, refusal, now, check["id"])
    await conn.execute(
        "UPDATE location_checks SET last_at = ?, last_latitude = ?, last_longitude = ?,"
        " last_accuracy_m = ?, fixes = fixes + 1, site = ?, site_kind = ?, distance_m = ?,"
        " basis = ? WHERE id = ?",
        (_stamp(fix.at), fix.latitude, fix.longitude, fix.accuracy_m, site.name, _kind(site),
         distance, permission.basis, check["id"]))
    if elapsed < policy.check_seconds:
        return LocationResult(IGNORED)     # still checking; the user was told how long
    return await _complete(conn, policy, tz, employee, check["id"],
                           telegram_user_id=telegram_user_id, now=now)


async def sweep(db: Database, policy: LocationPolicy, tz: ZoneInfo,
                now: dt.datetime) -> list[LocationResult]:
    """Finish what no further update will finish: a check whose time is up while the live
    location still runs (a phone lying still may send no update), and a selfie that did not
    come within its minute. Each employee's message is written to the outbox with the
    decision, as a reply to their live location."""
    results: list[LocationResult] = []
    due = _stamp(now - dt.timedelta(seconds=policy.check_seconds))
    late = _stamp(now - dt.timedelta(seconds=policy.selfie_seconds))
    async with db.transaction() as conn:
        async with conn.execute(
            "SELECT c.id, c.status, c.started_at, c.live_until, c.nip FROM location_checks c "
            "WHERE (c.status = 'checking' AND c.started_at <= ?) OR "
            "(c.status = 'selfie' AND c.checked_at <= ?)", (due, late)) as cursor:
            rows = await cursor.fetchall()
        for row in rows:
            employee = await by_nip(conn, row["nip"])
            if employee is None:
                continue
            check = await _check(conn, row["id"])
            told = LocationResult(REFUSED, site=check["site"], chat_id=check["chat_id"],
                                  reply_to=check["message_id"])
            live_until = row["live_until"]
            if row["status"] == SELFIE:
                result = await _refuse(conn, employee, None, replace(told, reason=SELFIE_LATE),
                                       now, row["id"])
            elif live_until is not None and dt.datetime.fromisoformat(live_until) < now:
                result = await _refuse(conn, employee, None, replace(told, reason=STOPPED), now,
                                       row["id"])
            else:
                result = await _complete(conn, policy, tz, employee, row["id"],
                                         telegram_user_id=None, now=now)
            results.append(result)
            await outbox.enqueue(conn, [outbox.Notice(
                SWEPT, employee.nip, check["chat_id"], result_payload(result),
                dedupe_key=f"{SWEPT}:{row['id']}:{result.state}")], now=now)
    return results


async def receive_photo(db: Database, policy: LocationPolicy, tz: ZoneInfo, employee: Employee,
                        *, file_id: str, telegram_user_id: int | None,
                        now: dt.datetime) -> LocationResult:
    """A photo from an employee: the selfie of a location punch, when one is awaited."""
    since = _stamp(now - dt.timedelta(seconds=policy.selfie_seconds))
    async with db.transaction() as conn:
        if policy.selfie == SELFIE_REQUIRED:
            async with conn.execute(
                "SELECT * FROM location_checks WHERE nip = ? AND status = 'selfie' "
                "ORDER BY checked_at DESC LIMIT 1", (employee.nip,)) as cursor:
                check = await cursor.fetchone()
            if check is None:
                return LocationResult(NOT_EXPECTED)
            if check["checked_at"] < since:
                return await _refuse(conn, employee, telegram_user_id,
                                     LocationResult(REFUSED, reason=SELFIE_LATE,
                                                    site=check["site"]), now, check["id"])
            punch = await _record_punch(conn, tz, employee, check, _fix_of(check),
                                        telegram_user_id=telegram_user_id, now=now,
                                        selfie_file_id=file_id)
            return LocationResult(RECORDED, site=check["site"], punch=punch,
                                  selfie=policy.selfie)
        if policy.selfie == SELFIE_OPTIONAL:
            async with conn.execute(
                "SELECT p.punch_id, c.site FROM location_punches p "
                "JOIN location_checks c ON c.id = p.check_id "
                "WHERE p.nip = ? AND p.selfie_file_id IS NULL AND c.closed_at >= ? "
                "ORDER BY c.closed_at DESC LIMIT 1", (employee.nip, since)) as cursor:
                row = await cursor.fetchone()
            if row is not None:
                await conn.execute(
                    "UPDATE location_punches SET selfie_file_id = ?, selfie_at = ? "
                    "WHERE punch_id = ?", (file_id, now.isoformat(), row["punch_id"]))
                await audit.record(conn, at=now,
                                   actor=audit.Actor(employee.nip, telegram_user_id),
                                   action="location.selfie", entity=ENTITY,
                                   entity_id=employee.nip, detail={"punch_id": row["punch_id"]})
                return LocationResult(SELFIE_ATTACHED, site=row["site"], selfie=policy.selfie)
    return LocationResult(NOT_EXPECTED)


# --- outage days ---------------------------------------------------------------------------
async def declare_outage(db: Database, policy: LocationPolicy, admin: Employee, day: dt.date,
                         *, cancel: bool, note: str, telegram_user_id: int | None,
                         now: dt.datetime) -> OutageResult:
    """An admin declares (or withdraws) that the machines are out of order on `day`."""
    if not admin.is_admin:
        raise NotAllowed("Hanya pengelola kepegawaian yang dapat menyatakan gangguan mesin.")
    if not policy.enabled or not policy.outage or not policy.sites:
        raise NotAllowed("Presensi lokasi saat gangguan mesin tidak diaktifkan di konfigurasi.")
    async with db.transaction() as conn:
        active = await outage_on(conn, day)
        if cancel == (not active):
            return OutageResult(day, active, changed=False)
        if cancel:
            await conn.execute("UPDATE location_outages SET cancelled_at = ? WHERE day = ?",
                               (now.isoformat(), day.isoformat()))
        else:
            await conn.execute(
                "INSERT INTO location_outages (day, declared_by, declared_at, note) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET declared_by = "
                "excluded.declared_by, declared_at = excluded.declared_at, note = excluded.note,"
                " cancelled_at = NULL", (day.isoformat(), admin.nip, now.isoformat(), note))
        await audit.record(conn, at=now, actor=audit.Actor(admin.nip, telegram_user_id),
                           action="location.outage_cancel" if cancel else "location.outage",
                           entity="outage", entity_id=day.isoformat(), detail={"note": note})
    return OutageResult(day, not cancel, changed=True)


# --- readers for summaries, recaps and the atasan -----------------------------------------
def located_in(conn: sqlite3.Connection, day: dt.date) -> dict[str, list[LocatedPunch]]:
    """Location punches of `day` per NIP, in time order (read inside a snapshot)."""
    found: dict[str, list[LocatedPunch]] = {}
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(
        "SELECT l.punch_id, l.nip, p.punched_at, l.site, l.selfie_file_id FROM location_punches l"
        " JOIN punches p ON p.id = l.punch_id WHERE l.local_date = ? ORDER BY p.punched_at",
        (day.isoformat(),))
    for punch_id, nip, at, site, selfie in cursor:
        found.setdefault(nip, []).append(LocatedPunch(
            punch_id, nip, dt.datetime.fromisoformat(at), site, selfie is not None))
    return found


def month_sites_in(conn: sqlite3.Connection, start: dt.date, end: dt.date,
                   nips: set[str] | None) -> dict[tuple[str, dt.date], tuple[str, ...]]:
    """(NIP, day) → the sites of that day's location punches, for the recap (read inside the
    month's attendance snapshot)."""
    found: dict[tuple[str, dt.date], list[str]] = {}
    cursor = conn.cursor()
    cursor.row_factory = None
    cursor.execute(
        "SELECT l.nip, l.local_date, l.site FROM location_punches l JOIN punches p"
        " ON p.id = l.punch_id WHERE l.local_date BETWEEN ? AND ? ORDER BY p.punched_at",
        (start.isoformat(), end.isoformat()))
    for nip, day, site in cursor:
        if nips is not None and nip not in nips:
            continue
        sites = found.setdefault((nip, dt.date.fromisoformat(day)), [])
        if site not in sites:
            sites.append(site)
    return {key: tuple(value) for key, value in found.items()}


async def selfie_for(db: Database, viewer: Employee, punch_id: int) -> SelfieView:
    """The selfie of a location punch, for the employee's atasan (or an office admin)."""
    async with db.read() as conn, conn.execute(
        "SELECT l.selfie_file_id, l.site, p.punched_at, e.nama, e.atasan_nip, e.nip "
        "FROM location_punches l JOIN punches p ON p.id = l.punch_id "
        "JOIN employees e ON e.nip = l.nip WHERE l.punch_id = ?", (punch_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None or row["selfie_file_id"] is None:
        raise NotFound("Swafoto presensi ini tidak ditemukan.")
    if viewer.nip != row["atasan_nip"] and not viewer.is_admin:
        raise NotAllowed("Swafoto ini hanya dapat dibuka oleh atasan langsung pegawai.")
    return SelfieView(row["selfie_file_id"], row["nama"], row["site"],
                      dt.datetime.fromisoformat(row["punched_at"]))


async def save_activity_location(conn: aiosqlite.Connection, request_id: int,
                                 location: ActivityLocation) -> None:
    """The activity location a dinas luar request carries (inside the request's transaction)."""
    await conn.execute(
        "INSERT INTO request_locations (request_id, latitude, longitude, label) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (request_id) DO UPDATE SET latitude = excluded.latitude,"
        " longitude = excluded.longitude, label = excluded.label",
        (request_id, location.latitude, location.longitude, location.label))
