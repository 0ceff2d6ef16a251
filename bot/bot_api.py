"""The Bot our Application talks through.

Answering a callback query only stops the button's spinner and shows a short notice. When
that answer fails (Telegram slow, a network error, a query already too old), what the tap
decided must still follow: the card edited, the reason asked for, the form's next step shown.
So the answer never raises; it is logged and the handler goes on. Every handler gets this
without wrapping each `query.answer()`.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram.error import TelegramError
from telegram.ext import ExtBot

log = logging.getLogger(__name__)


class PresensiBot(ExtBot[int]):
    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return await super().answer_callback_query(*args, **kwargs)
        except TelegramError as error:
            log.warning("callback.answer_failed error=%s", error)
            return False
