"""The one place where the PTB Application is assembled.

`build_application` makes the Application; `start_services` opens the database, applies
migrations and publishes services in bot_data. PTB runs post_init only under run_polling /
run_webhook, not under `async with app`, so tests call `start_services` themselves.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
import warnings
from types import ModuleType

from telegram.ext import (
    AIORateLimiter,
    ApplicationBuilder,
    ContextTypes,
)
from telegram.request import BaseRequest, HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot import health_http, outbox
from bot.bot_api import PresensiBot
from bot.compute_pool import ComputePool
from bot.config import Settings
from bot.context import (
    ENVS_KEY,
    SERVICES_KEY,
    SETTINGS_KEY,
    AppServices,
    BotApp,
    BotContext,
    FeatureEnvs,
)
from bot.jobs import attendance as attendance_jobs
from bot.jobs import delegation as delegation_jobs
from bot.jobs import devices as device_jobs
from bot.jobs import location as location_jobs
from bot.jobs import recap as recap_jobs
from bot.jobs import workflow_sla
from bot.persistence import SQLitePersistence
from handlers import (
    attendance,
    cuti_answers,
    cuti_bersama,
    delegation,
    errors,
    fallback,
    gate,
    health,
    layanan,
    location,
    machines,
    menu,
    operator,
    pantau,
    reason_prompt,
    recap,
    registration,
    request_decisions,
    request_form,
    request_history,
    usulan,
)
from handlers.envs import AttendanceEnv, LocationEnv, MachinesEnv, OfficeEnv, RequestEnv
from reports.recap_pdf import render_pdf
from reports.recap_xlsx import render_xlsx
from services.calendar import OfficeCalendar
from services.clock import Clock, SystemClock
from services.recap import RecapEnv
from services.storage import open_database
from services.workflows.files import WorkflowEnv, adopt_migrated
from services.workflows.sla import OfficeTime

log = logging.getLogger(__name__)

# Our conversations are per user and chat on purpose (a form spans several bot messages), so
# PTB's reminder that callback queries are then not tracked per message is noise.
warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)

# Order matters: the gate (group -10) must see every update before any feature handler.
HANDLER_MODULES: tuple[ModuleType, ...] = (gate, reason_prompt, registration, menu,
                                           request_decisions, cuti_answers, request_form,
                                           request_history,
                                           health, operator, machines, attendance, location,
                                           layanan, pantau, recap, delegation, cuti_bersama,
                                           usulan,
                                           # Last: answers only what no feature took.
                                           fallback)

# Modules with `async def start(app)` and `async def stop(app)`: jobs, servers, device pollers.
# They start after the services exist and stop, in reverse order, before the database closes.
# The outbox sender comes first so it is running before anything enqueues and stops last.
LIFECYCLE_MODULES: tuple[ModuleType, ...] = (outbox, attendance_jobs, workflow_sla, recap_jobs,
                                             device_jobs, health_http, location_jobs,
                                             delegation_jobs)

CLOCK_KEY = "clock_override"
CALENDAR_KEY = "calendar"
# Long reads and PDF rendering run in worker threads, which hold the GIL for CPython's default
# 5 ms at a time; the chat's event loop waits that long at every thread hop of a request (a
# /hadir makes dozens). A tenth of it gives the loop the interpreter back almost at once.
SWITCH_INTERVAL_SECONDS = 0.0005
COMPUTE_POOL_KEY = "compute_pool"


def feature_envs(settings: Settings, calendar: OfficeCalendar) -> FeatureEnvs:
    """Each feature's view of the configuration: the only way handlers see it."""
    catalogue = settings.workflows.catalogue
    return FeatureEnvs((
        OfficeEnv(office=settings.office, admin_chat_id=settings.telegram.admin_chat_id),
        RequestEnv(policy=settings.requests, catalogue=catalogue,
                   reason_prompt_minutes=settings.approvals.reason_prompt_minutes),
        AttendanceEnv(policy=settings.attendance),
        LocationEnv(policy=settings.location),
        MachinesEnv(devices=settings.devices),
        WorkflowEnv(catalogue=catalogue,
                    time=OfficeTime(settings.workflows.hours, calendar.is_working_day),
                    unit_code=settings.office.unit_code),
        RecapEnv(office=settings.office, policy=settings.attendance, calendar=calendar,
                 settings=settings.recap, render_pdf=render_pdf, render_xlsx=render_xlsx,
                 chain=catalogue.recap_chain()),
    ))


def build_application(settings: Settings, *, request: BaseRequest | None = None,
                      updates_request: BaseRequest | None = None,
                      clock: Clock | None = None, token: str | None = None) -> BotApp:
    """Assemble the Application. `request` replaces the HTTP layer (tests, recording)."""
    persistence = SQLitePersistence(
        settings.database.path, legacy_pickle=settings.telegram.persistence_path,
        update_interval=settings.telegram.persistence_interval_seconds)
    bot = PresensiBot(
        token=token or settings.telegram.require_token(),
        base_url=settings.telegram.base_url,
        base_file_url=settings.telegram.base_file_url,
        # What ApplicationBuilder would build: a pool for the handlers' and the sender's calls,
        # one connection for getUpdates.
        request=request or HTTPXRequest(connection_pool_size=256),
        get_updates_request=updates_request or request or HTTPXRequest(),
        rate_limiter=AIORateLimiter(max_retries=3))
    builder = (
        ApplicationBuilder()
        .bot(bot)
        .context_types(ContextTypes(context=BotContext))
        .persistence(persistence)
        .post_init(start_services)
        .post_shutdown(stop_services)
    )
    app: BotApp = builder.build()  # type: ignore[assignment]
    app.bot_data[SETTINGS_KEY] = settings
    calendar = OfficeCalendar(settings.calendar)
    app.bot_data[CALENDAR_KEY] = calendar
    app.bot_data[ENVS_KEY] = feature_envs(settings, calendar)
    if clock is not None:
        app.bot_data[CLOCK_KEY] = clock
    for module in HANDLER_MODULES:
        module.register(app)
    app.add_error_handler(errors.on_error)
    return app


async def start_services(app: BotApp) -> None:
    """Open the database, publish services and tell Telegram our command menu."""
    if SERVICES_KEY in app.bot_data:
        return
    settings: Settings = app.bot_data[SETTINGS_KEY]
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    db = await open_database(settings.database.path)
    # Started lazily: a worker process appears with the first long computation.
    pool = app.bot_data[COMPUTE_POOL_KEY] = ComputePool()
    db.use_runner(pool)
    await adopt_migrated(db, settings.workflows.catalogue)
    clock = app.bot_data.get(CLOCK_KEY) or SystemClock(settings.office.timezone)
    app.bot_data[SERVICES_KEY] = AppServices(settings=settings, db=db, clock=clock,
                                             calendar=app.bot_data[CALENDAR_KEY],
                                             envs=app.bot_data[ENVS_KEY])
    await menu.publish_default_commands(app)
    for module in LIFECYCLE_MODULES:
        await module.start(app)
    # What is alive now (modules, PTB, handlers, configuration) lives as long as the bot: full
    # collections leave it alone from here on. Each walks only what came after, instead of
    # the whole heap with the GIL held (50-100 ms every few seconds of a busy morning).
    gc.collect()
    gc.freeze()
    log.info("bot.started office=%r db=%s", settings.office.name, settings.database.path)


async def stop_services(app: BotApp) -> None:
    if SERVICES_KEY not in app.bot_data:
        return
    # What start_services froze becomes collectable again (a test starts many bots).
    gc.unfreeze()
    for module in reversed(LIFECYCLE_MODULES):
        await module.stop(app)
    services: AppServices = app.bot_data.pop(SERVICES_KEY)
    services.db.use_runner(None)
    pool: ComputePool | None = app.bot_data.pop(COMPUTE_POOL_KEY, None)
    if pool is not None:
        await asyncio.to_thread(pool.close)
    await services.db.close()
