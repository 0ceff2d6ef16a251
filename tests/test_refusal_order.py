"""A tap by someone without a part in a request, recap or file is refused as "tidak berwenang"
before anything about its state: a decided request's status stays private."""

from __future__ import annotations

from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import STAFF_B
from tests.test_requests_flow import (
    ATASAN,
    EMPLOYEE,
    answers,
    card_for,
    config_text,
    file_izin,
)

__all__ = ["config_text"]


async def test_a_stranger_tapping_a_decided_request_learns_nothing(harness: Harness,
                                                                   office) -> None:
    h = harness
    await file_izin(h, EMPLOYEE, "20261006", "20261006")
    card = card_for(h, ATASAN)
    data = card.button("Setujui")["callback_data"]
    on = h.api.message(ATASAN.id, card.message_id)
    await h.tap(ATASAN, data, on=on)
    await h.tap(tg(STAFF_B), data, on=on)
    refusal = answers(h)[-1]
    assert "tidak berwenang" in refusal
    assert "sudah" not in refusal and "disetujui" not in refusal.lower()
    # The atasan who decided is told it is already decided.
    await h.tap(ATASAN, data, on=on)
    assert "tidak berwenang" not in answers(h)[-1]


async def test_a_plain_employee_tapping_a_recap_button_is_not_told_its_state(
        harness: Harness, office) -> None:
    h = harness
    for data in ("rkp:ok:1:1", "rkp:sub:1:1", "rkp:ret:1:1"):
        await h.tap(tg(STAFF_B), data, on={"message_id": 9, "date": 0, "text": "x",
                                           "chat": {"id": STAFF_B.telegram_id,
                                                    "type": "private"}})
        refusal = answers(h)[-1]
        assert "tidak berwenang" in refusal and "tidak ditemukan" not in refusal, data
