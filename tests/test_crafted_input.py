"""Crafted button data and typed dates get a polite answer, never "terjadi gangguan" or an error
report: ids of 20+ digits, months such as 999912, dates such as 01-01-0001."""

from __future__ import annotations

import pytest

from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import ADMIN, STAFF_A
from tests.test_requests_flow import config_text, start_form

__all__ = ["config_text"]
EMPLOYEE = tg(STAFF_A)
HUGE = "9" * 21


def _no_error(h: Harness) -> None:
    texts = [c.params.get("text", "") for c in h.api.sent()]
    assert not any("terjadi gangguan" in t or "Galat tak tertangani" in t for t in texts), texts


def _alerted(h: Harness) -> str:
    answer = h.api.sent("answerCallbackQuery")[-1]
    return str(answer.params.get("text", ""))


@pytest.mark.parametrize("data", [
    f"wf:edit:{HUGE}", f"wf:show:{HUGE}", f"wf:drop:{HUGE}", f"wf:send:{HUGE}:{HUGE}",
    f"wf:rep:{HUGE}:1", f"wf:a:{HUGE}:1:t", f"wf:a:1:{HUGE}:s", f"rkp:arsip:{HUGE}",
    f"lok:foto:{HUGE}", "kal:999912", "kal:202613", "kal:000001", "rqf:m:999912",
    "rqf:d:99991231",
])
async def test_crafted_callbacks_get_the_stale_button_answer(harness: Harness, office,
                                                             data: str) -> None:
    await harness.tap(EMPLOYEE, data, on={"message_id": 5, "date": 0, "text": "x",
                                          "chat": {"id": EMPLOYEE.id, "type": "private"}})
    _no_error(harness)
    assert harness.api.sent("answerCallbackQuery"), "every tap gets an answer"


@pytest.mark.parametrize("data", ["wf:sla:999912", "wf:sla:000000", "wf:sla:202699"])
async def test_crafted_report_months_are_refused_politely(harness: Harness, office,
                                                          data: str) -> None:
    await harness.tap(tg(ADMIN), data, on={"message_id": 5, "date": 0, "text": "x",
                                           "chat": {"id": ADMIN.telegram_id, "type": "private"}})
    _no_error(harness)
    assert "tidak berlaku" in _alerted(harness)
    assert not harness.api.sent("sendDocument")


@pytest.mark.parametrize("data", ["rqf:m:999912", "rqf:m:000001", "rqf:d:99991231",
                                  "rqf:d:00010101"])
async def test_crafted_calendar_taps_inside_the_form(harness: Harness, office,
                                                     data: str) -> None:
    await start_form(harness, EMPLOYEE, "izin")
    await harness.tap(EMPLOYEE, data)
    _no_error(harness)
    assert "tidak berlaku" in _alerted(harness) or "Tanggal tidak" in harness.api.last_to(
        EMPLOYEE.id).text


@pytest.mark.parametrize("typed", ["01-01-0001", "31-12-9999", "29-02-2027", "1-1-1900"])
async def test_typed_dates_out_of_range_get_one_sentence(harness: Harness, office,
                                                         typed: str) -> None:
    await start_form(harness, EMPLOYEE, "izin")
    await harness.send(EMPLOYEE, typed)
    _no_error(harness)
    reply = harness.api.last_to(EMPLOYEE.id).text
    assert "Tanggal" in reply and reply.count(".") <= 3


@pytest.mark.parametrize("argument", ["13-2026", "10-0001", "12-9999", "00-2026"])
async def test_typed_months_out_of_range(harness: Harness, office, argument: str) -> None:
    await harness.send(EMPLOYEE, f"/kalender {argument}")
    _no_error(harness)
    await harness.send(EMPLOYEE, f"/hadir {argument}")
    _no_error(harness)
