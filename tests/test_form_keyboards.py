"""The /izin form's keyboards are built once per set of arguments and sent again: what they
show must still follow every argument (today, the allowed range, who asks, whose buttons)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from telegram import InlineKeyboardMarkup

from handlers import request_views as views
from handlers.texts import requests as texts
from services import requests as svc
from services.calendar import CalendarRules, OfficeCalendar
from services.employees import PPPK
from services.storage import Database
from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import STAFF_A, stored_employee

EMPLOYEE = tg(STAFF_A)
OCTOBER = (dt.date(2026, 10, 2), dt.date(2026, 12, 31))


def _data(markup: InlineKeyboardMarkup) -> list[str]:
    return [str(b.callback_data) for row in markup.inline_keyboard for b in row]


async def _quick(h: Harness) -> list[str]:
    """A new form's "Hari ini" / "Besok" buttons (their callback data) once izin is chosen."""
    await h.send(EMPLOYEE, "/izin")
    form = h.api.last_to(EMPLOYEE.id)
    await h.tap(EMPLOYEE, "rqf:t:izin", on=form)
    shown = h.api.message(EMPLOYEE.id, form.message_id)["reply_markup"]["inline_keyboard"]
    return [b["callback_data"] for row in shown for b in row
            if b["text"] in (texts.BUTTON_TODAY, texts.BUTTON_TOMORROW)]


async def test_the_day_keyboard_follows_today(harness: Harness, office, clock) -> None:
    assert await _quick(harness) == ["rqf:d:20261005", "rqf:d:20261006"]
    clock.advance(days=1)
    assert await _quick(harness) == ["rqf:d:20261006", "rqf:d:20261007"]


def test_the_same_arguments_give_the_same_markup_and_others_their_own() -> None:
    calendar = OfficeCalendar(CalendarRules(national_holidays=False))
    earliest, latest = OCTOBER
    form = views.calendar_keyboard(2026, 10, calendar, earliest=earliest, latest=latest)
    assert views.calendar_keyboard(2026, 10, calendar, earliest=earliest,
                                   latest=latest) is form
    assert "rqf:d:20261002" in _data(form) and "rqf:d:20261001" not in _data(form)
    # Another range: the first of October is no longer inert.
    wider = views.calendar_keyboard(2026, 10, calendar, earliest=dt.date(2026, 9, 1),
                                    latest=latest)
    assert "rqf:d:20261001" in _data(wider)
    # Another calendar (the 2nd a local holiday) is drawn from its own days.
    local = OfficeCalendar(CalendarRules(national_holidays=False,
                                         local_holidays={dt.date(2026, 10, 2): "HUT Kota"}))
    shown = views.calendar_keyboard(2026, 10, local, earliest=earliest, latest=latest)
    labels = [b.text for row in shown.inline_keyboard for b in row]
    assert "(2)" in labels and "(2)" not in [b.text for row in form.inline_keyboard
                                             for b in row]


def test_a_calendar_with_other_buttons_is_never_the_forms() -> None:
    calendar = OfficeCalendar(CalendarRules(national_holidays=False))
    earliest, latest = OCTOBER
    views.calendar_keyboard(2026, 10, calendar, earliest=earliest, latest=latest)
    answer = views.calendar_keyboard(2026, 10, calendar, earliest=earliest, latest=latest,
                                     day_data=lambda d: f"req:chd:7:{d:%Y%m%d}",
                                     month_data=lambda m: f"req:chm:7:{m:%Y%m}")
    assert "req:chd:7:20261002" in _data(answer)
    assert not [d for d in _data(answer) if d.startswith(("rqf:d:", "rqf:m:"))]


async def test_the_types_offered_follow_the_employee(db: Database, office) -> None:
    employee = await stored_employee(db, STAFF_A.nip)
    contracted = replace(employee, status=PPPK)
    offered = _data(views.type_keyboard(svc.offered_types(employee)))
    assert "rqf:t:cuti_besar" in offered
    assert "rqf:t:cuti_besar" not in _data(views.type_keyboard(svc.offered_types(contracted)))
    assert _data(views.type_keyboard(svc.offered_types(employee))) == offered
