"""The activity location of a dinas luar request, shared while the /izin form is open.

Kept out of handlers/request_form.py so the form only hands over: a location message in the
form, a line on the summary, and the location on the Draft it submits.
"""

from __future__ import annotations

from html import escape
from typing import Any

from telegram import Message, Update
from telegram.ext import filters

from bot.context import BotContext
from handlers import location
from handlers.envs import LocationEnv
from handlers.texts import common as common_texts
from handlers.texts import location as texts
from services.location import ActivityLocation
from services.request_types import RequestType

ACTIVITY = "activity_location"


class _PlacedLocation(filters.MessageFilter):
    """A location that is not live: a pin or a place, which is how an activity is named.
    A live location is presensi lokasi, even while a form is open."""

    def filter(self, message: Message) -> bool:
        return message.location is not None and "live_period" not in message.location.to_dict()


PLACED_LOCATION = _PlacedLocation(name="PlacedLocation") & filters.UpdateType.MESSAGE


def _offered(context: BotContext, kind: RequestType) -> bool:
    policy = context.env(LocationEnv).policy
    return kind.code == "DL" and policy.enabled and policy.dinas_luar


def activity_lines(context: BotContext, kind: RequestType, draft: dict[str, Any]) -> str:
    """What the summary says about the activity location: the one shared, or how to share."""
    if not _offered(context, kind):
        return ""
    shared = draft.get(ACTIVITY)
    if shared is None:
        return "\n\n" + texts.ASK_ACTIVITY
    place = shared["label"] or f"{shared['latitude']:.5f}, {shared['longitude']:.5f}"
    return texts.ACTIVITY_LINE.format(lokasi=escape(place))


def take_activity_location(update: Update, context: BotContext, kind: RequestType,
                           draft: dict[str, Any]) -> bool:
    """Keep the shared location on the draft; False when this form takes none."""
    message = update.effective_message
    if message is None or message.location is None or not _offered(context, kind):
        return False
    venue = message.venue
    draft[ACTIVITY] = {"latitude": message.location.latitude,
                       "longitude": message.location.longitude,
                       "label": (venue.title if venue is not None else "")[:100]}
    return True


async def not_an_activity(update: Update, context: BotContext) -> None:
    """A pin in a form that takes no activity location: what it would get outside the form."""
    if context.env(LocationEnv).policy.enabled:
        await location.on_location(update, context)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(common_texts.UNEXPECTED_MESSAGE)


def activity_location(draft: dict[str, Any]) -> ActivityLocation | None:
    shared = draft.get(ACTIVITY)
    if shared is None:
        return None
    return ActivityLocation(shared["latitude"], shared["longitude"], shared["label"])
