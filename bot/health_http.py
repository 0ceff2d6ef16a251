"""GET /health over HTTP for monitoring systems: the /kesehatan report as JSON.

200 when the report is healthy, 503 when a machine fails or a machine problem is open, so a
plain HTTP check alerts without parsing. The report is read on the database's read
connections, so a monitor polling every few seconds never holds up the chat.
"""

from __future__ import annotations

import datetime as dt
import logging
from importlib import metadata
from typing import Any

from aiohttp import web

from bot.context import SERVICES_KEY, AppServices, BotApp
from services.health import HealthReport, health_report

log = logging.getLogger(__name__)

SERVER_KEY = "health_http_runner"


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def version() -> str:
    try:
        return metadata.version("presensi-bot")
    except metadata.PackageNotFoundError:
        return "unknown"


def report_json(report: HealthReport) -> dict[str, Any]:
    return {
        "status": "ok" if report.healthy else "problem",
        "version": version(),
        "at": report.at.isoformat(),
        "schema_version": report.schema_version,
        "database_bytes": report.database_bytes,
        "wal_bytes": report.wal_bytes,
        "employees": {"active": report.employees_active, "linked": report.employees_linked},
        "pending": {"outbox": report.pending_outbox, "requests": report.pending_requests,
                    "alerts": report.pending_alerts},
        "machines": [{"name": m.name, "source": m.source, "serial": m.serial,
                      "last_sync": _iso(m.last_success), "last_punch": _iso(m.last_received),
                      "last_error": m.last_error, "consecutive_failures": m.consecutive_failures,
                      "clock_drift_seconds": m.clock_drift_seconds, "punches": m.punches}
                     for m in report.machines],
        "problems": [{"machine": p.machine, "kind": p.kind, "detail": p.detail,
                      "since": p.since.isoformat()} for p in report.problems],
        "jobs": [{"job": j.job, "day": j.day.isoformat(), "finished_at": j.finished_at.isoformat()}
                 for j in report.jobs],
    }


def make_app(services: AppServices) -> web.Application:
    async def health(request: web.Request) -> web.Response:
        report = await health_report(services.db, services.clock.now())
        return web.json_response(report_json(report), status=200 if report.healthy else 503)

    app = web.Application()
    app.router.add_get("/health", health)
    return app


async def start(app: BotApp) -> None:
    services: AppServices = app.bot_data[SERVICES_KEY]
    settings = services.settings.operations.health
    if not settings.enabled:
        return
    runner = web.AppRunner(make_app(services), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.listen, settings.port)
    await site.start()
    app.bot_data[SERVER_KEY] = runner
    log.info("health_http.listening listen=%s port=%d", settings.listen, settings.port)


async def stop(app: BotApp) -> None:
    runner: web.AppRunner | None = app.bot_data.pop(SERVER_KEY, None)
    if runner is not None:
        await runner.cleanup()
