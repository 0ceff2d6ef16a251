"""[requests] configuration: chains from config, validation errors; and two approvers who hold
the same peran racing on one card through the real Application."""

from __future__ import annotations

import asyncio
import tomllib
from pathlib import Path

import pytest

from bot.config import ConfigError, parse_settings
from services import audit
from services.storage import Database
from tests.conftest import BASE_CONFIG, tg
from tests.support.harness import Harness
from tests.support.office import KASUBBAG, STAFF_A, STAFF_C

CHAIN_CONFIG = """
[requests]
agenda_format = { izin = "800/{seq:03d}/{unit}/{year}" }

[requests.chains.umum]
types = ["izin", "sakit"]
steps = [ { title = "Kasubbag Umum", actor = "peran:kasubbag", actions = ["setujui", "tolak"] } ]
"""


@pytest.fixture
def config_text() -> str:
    return BASE_CONFIG + CHAIN_CONFIG


def _parse(extra: str) -> None:
    parse_settings(tomllib.loads(BASE_CONFIG + extra), Path("."), Path("presensi.toml"))


@pytest.mark.parametrize(("extra", "key", "problem"), [
    ("[requests]\nagenda_format = { izin = \"800/{unit}\" }", "requests.agenda_format.izin",
     "{seq}"),
    ("[requests]\nagenda_format = { surat = \"{seq}\" }", "requests.agenda_format.surat",
     "izin atau cuti"),
    ("[requests.chains.x]\ntypes = [\"izin\"]\nsteps = []", "requests.chains.x.steps",
     "tidak boleh kosong"),
    ("[requests.chains.x]\ntypes = [\"izin\"]\nsteps = [{ title = \"A\", actor = \"peran:bos\" }]",
     "requests.chains.x.steps[0].actor", "peran 'bos'"),
    ("[requests.chains.x]\ntypes = [\"bolos\"]\n"
     "steps = [{ title = \"A\", actor = \"atasan_langsung\" }]",
     "requests.chains.x.types", "bolos"),
    ("[requests.chains.x]\ntypes = [\"izin\"]\n"
     "steps = [{ title = \"A\", actor = \"atasan_langsung\", actions = [\"tolak\"] }]",
     "requests.chains.x.steps[0].actions", "setujui"),
    ("[requests]\nmax_attachment_mb = 50", "requests.max_attachment_mb", "maksimal 20"),
])
def test_invalid_requests_config_names_the_key(extra: str, key: str, problem: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _parse(extra)
    assert caught.value.key == key and problem in caught.value.problem


async def test_two_approvers_of_one_peran_race(harness: Harness, office, db: Database) -> None:
    h = harness
    # A second Kasubbag: the "umum" chain's step is open to every holder of the peran.
    async with db.transaction() as conn:
        await conn.execute("UPDATE employees SET peran = 'kasubbag' WHERE nip = ?",
                           (STAFF_C.nip,))
    employee, first, second = tg(STAFF_A), tg(KASUBBAG), tg(STAFF_C)
    await h.send(employee, "/izin")
    await h.tap(employee, "rqf:t:izin")
    await h.send(employee, "06-10-2026")
    await h.send(employee, "06-10-2026")
    await h.send(employee, "keperluan keluarga mendadak")
    await h.tap(employee, "rqf:skip")
    await h.tap(employee, "rqf:send")

    card_a = h.api.last_to(first.id)
    card_b = h.api.last_to(second.id)
    assert "Kasubbag Umum (1 dari 1)" in card_a.text and "Kasubbag Umum" in card_b.text
    assert [b["text"] for b in card_a.buttons] == ["✅ Setujui", "⛔ Tolak"]
    await asyncio.gather(h.tap(first, card_a.button("Setujui"), on=card_a),
                         h.tap(second, card_b.button("Setujui"), on=card_b))
    answers = [c.params.get("text", "") for c in h.api.sent("answerCallbackQuery")[-2:]]
    assert sorted("sudah disetujui" in a for a in answers) == [False, True]
    async with db.read() as conn:
        entries = await audit.entries_for(conn, "request", 1)
        async with conn.execute("SELECT agenda_number FROM requests") as cursor:
            numbers = [r[0] for r in await cursor.fetchall()]
    assert [e.action for e in entries] == ["request.submit", "request.setujui"]
    assert numbers == ["800/001/DISKOMINFO/2026"]
    # Both copies of the card show the one decision and no buttons.
    for who, card in ((first, card_a), (second, card_b)):
        shown = h.api.message(who.id, card.message_id)
        assert "reply_markup" not in shown and "Disetujui</b> oleh" in shown["text"]
