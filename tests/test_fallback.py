"""Leftover updates still get an answer, and never pre-empt a feature's own handling."""

from __future__ import annotations

from tests.conftest import tg
from tests.support.harness import Harness
from tests.support.office import STAFF_A


async def test_batal_without_a_form_says_there_is_nothing_to_cancel(harness: Harness,
                                                                     office) -> None:
    user = tg(STAFF_A)
    await harness.send(user, "/batal")
    assert "Tidak ada isian yang sedang berjalan" in harness.api.last_to(user.id).text


async def test_batal_inside_a_form_is_left_to_the_form(harness: Harness, office) -> None:
    user = tg(STAFF_A)
    await harness.send(user, "/izin")
    await harness.send(user, "/batal")
    assert "Tidak ada isian" not in harness.api.last_to(user.id).text


async def test_unknown_command_text_and_stale_button(harness: Harness, office) -> None:
    user = tg(STAFF_A)
    await harness.send(user, "/entah")
    assert "tidak dikenal" in harness.api.last_to(user.id).text
    await harness.send(user, "selamat pagi")
    assert "/help" in harness.api.last_to(user.id).text
    await harness.tap(user, "xyz:1", on=harness.api.last_to(user.id))
    answer = harness.api.sent("answerCallbackQuery")[-1]
    assert answer.params["text"] == "Tombol ini sudah tidak berlaku."
