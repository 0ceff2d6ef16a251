"""A failed answer to a callback query never skips what the tap does (issue 11): the answer
only stops the button's spinner, so every step of a flow still happens when Telegram refuses
or drops every answerCallbackQuery."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import KABID, STAFF_A
from tests.test_delivery_defects import cards_to
from tests.test_requests_flow import file_izin

EMPLOYEE = tg(STAFF_A)
ATASAN = tg(KABID)


@pytest.mark.parametrize("code, description", [(502, "Bad Gateway"),
                                               (400, "Bad Request: query is too old")])
async def test_every_answer_failing_still_files_and_refuses(
        harness: Harness, office: Any, caplog: pytest.LogCaptureFixture,
        code: int, description: str) -> None:
    harness.api.fail_calls(code, description, method="answerCallbackQuery", times=1000)
    # Every button of the form: the type, the day, Kirim.
    await file_izin(harness, EMPLOYEE, "20261006", "20261006")
    await harness.deliver()
    [card] = cards_to(harness, ATASAN)
    # Tolak asks for the reason even though its answer failed; the typed reason decides.
    await harness.tap(ATASAN, card.button("Tolak"), on=card)
    assert "alasan" in harness.api.last_to(ATASAN.id).text.lower()
    await harness.send(ATASAN, "bertepatan dengan rapat pimpinan")
    await harness.deliver()
    told = [c.text for c in harness.api.sent("sendMessage", EMPLOYEE.id)]
    assert any("<b>ditolak</b>" in t for t in told)
    answers = harness.api.sent("answerCallbackQuery")
    assert answers and all(a.result is None for a in answers)
    assert "callback.answer_failed" in caplog.text
