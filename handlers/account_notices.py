"""Renders account notices (services.accounts) into the Telegram message the person gets."""

from __future__ import annotations

from html import escape

from handlers.texts import accounts as texts
from services import accounts

_TEMPLATES = {
    accounts.UNLINKED: texts.UNLINKED,
    accounts.DEACTIVATED: texts.DEACTIVATED,
    accounts.ACTIVATED: texts.ACTIVATED,
}


def render(notice: accounts.AccountNotice) -> str:
    return _TEMPLATES[notice.kind].format(nama=escape(str(notice.payload.get("nama", ""))))
