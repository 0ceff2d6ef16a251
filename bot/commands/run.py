"""`presensi run`: the bot itself, by long polling or, when [webhook] url is set, by webhook."""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from bot.commands.common import settings_from
from bot.config.operations import WebhookSettings
from bot.logging_setup import configure_logging
from handlers.texts import operations as texts

log = logging.getLogger(__name__)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "run", help="jalankan bot",
        description="Long polling bila [webhook] url kosong; selain itu mode webhook.")
    parser.set_defaults(handler=handle)


def webhook_options(webhook: WebhookSettings) -> dict[str, Any]:
    """Arguments for run_webhook / Updater.start_webhook. PTB checks the secret token header
    on every request and answers 403 without it, so only Telegram can feed us updates."""
    from telegram import Update

    return {"listen": webhook.listen, "port": webhook.port, "url_path": webhook.path,
            "webhook_url": webhook.webhook_url, "secret_token": webhook.secret_token,
            "max_connections": webhook.max_connections, "allowed_updates": Update.ALL_TYPES,
            "drop_pending_updates": False}


def handle(args: argparse.Namespace) -> int:
    # PTB and every handler load only for the command that runs the bot.
    from telegram import Update
    from telegram.error import InvalidToken, NetworkError

    from bot.app import build_application

    settings = settings_from(args)
    configure_logging(args.log_level, json_lines=settings.operations.log_format == "json")
    app = build_application(settings)
    webhook = settings.operations.webhook
    try:
        if webhook.enabled:
            log.info("bot.mode mode=webhook listen=%s port=%d", webhook.listen, webhook.port)
            app.run_webhook(**webhook_options(webhook))
        else:
            log.info("bot.mode mode=polling")
            app.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    except InvalidToken:
        print(texts.TOKEN_REFUSED, file=sys.stderr)
        return 2
    except NetworkError as error:
        # Raised at start-up only (PTB retries by itself once running); systemd restarts us.
        print(texts.API_UNREACHABLE.format(url=settings.telegram.base_url, error=error),
              file=sys.stderr)
        return 1
    return 0
