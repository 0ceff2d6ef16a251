"""The recap's paraf chain as pure rules (seed 002's SOP).

draft (operator) → kasubbag (paraf) → sekretaris (paraf) → kepala (signs) → signed.
A return goes back exactly one step: the Kasubbag returns to the operator, the Sekretaris to
the Kasubbag, the Kepala to the Sekretaris; the step returned to must initial again. Only the
operator's rebuild reads the attendance again.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from services.errors import Conflict, NotAllowed

DRAFT = "draft"
KASUBBAG = "kasubbag"
SEKRETARIS = "sekretaris"
KEPALA = "kepala"
SIGNED = "signed"
STATES = (DRAFT, KASUBBAG, SEKRETARIS, KEPALA, SIGNED)
CHAIN = (KASUBBAG, SEKRETARIS, KEPALA)  # each state is named after the role that acts in it

# Roles that build and submit drafts: the pengelola kepegawaian, and the Kasubbag who heads it.
OPERATOR_ROLES = frozenset({"admin", "kasubbag"})

ROLE_TITLES = {KASUBBAG: "Kasubbag Umum dan Kepegawaian", SEKRETARIS: "Sekretaris",
               KEPALA: "Kepala", DRAFT: "pengelola kepegawaian"}


@dataclass(frozen=True)
class Step:
    """What an accepted action does: the new state and the audit action name."""

    state: str
    action: str


def _stale(state: str) -> Conflict:
    if state == SIGNED:
        return Conflict("Rekapitulasi ini sudah ditandatangani dan diarsipkan. "
                        "Tidak ada lagi yang perlu dilakukan.")
    return Conflict("Rekapitulasi ini sudah diproses sebelumnya (tombol ini tidak berlaku lagi). "
                    f"Saat ini rekapitulasi berada pada {ROLE_TITLES[state]}.")


# Everyone with a part in the chain; anyone else is refused before learning the recap's state.
PARTICIPANT_ROLES = OPERATOR_ROLES | {SEKRETARIS, KEPALA}


def require_participant(peran: str) -> None:
    if peran not in PARTICIPANT_ROLES:
        raise NotAllowed("Anda tidak berwenang memproses rekapitulasi kehadiran.")


def require_operator(peran: str) -> None:
    if peran not in OPERATOR_ROLES:
        raise NotAllowed("Maaf, rekapitulasi kehadiran hanya dapat disusun oleh pengelola "
                         "kepegawaian atau Kasubbag Umum dan Kepegawaian.")


def can_rebuild(state: str, peran: str) -> Step:
    """The operator (re)builds the draft; never while it is with a reviewer, never once signed."""
    require_operator(peran)
    if state == SIGNED:
        raise Conflict("Rekapitulasi bulan tersebut sudah ditandatangani dan diarsipkan; "
                       "lihat /arsip.")
    if state != DRAFT:
        raise Conflict("Rekapitulasi bulan tersebut sedang diperiksa oleh "
                       f"{ROLE_TITLES[state]}. Tunggu sampai diparaf atau dikembalikan.")
    return Step(DRAFT, "recap.build")


def submit(state: str, peran: str) -> Step:
    require_operator(peran)
    if state != DRAFT:
        raise _stale(state)
    return Step(KASUBBAG, "recap.submit")


def _require_actor(state: str, peran: str, verb: str) -> None:
    if state not in CHAIN:
        raise _stale(state)
    if peran != state:
        raise NotAllowed(f"Anda tidak berwenang: {verb} pada tahap ini hanya dapat dilakukan oleh "
                         f"{ROLE_TITLES[state]}.")


def approve(state: str, peran: str) -> Step:
    """Paraf by the Kasubbag or the Sekretaris, signature by the Kepala."""
    _require_actor(state, peran, "paraf atau tanda tangan")
    if state == KEPALA:
        return Step(SIGNED, "recap.sign")
    return Step(CHAIN[CHAIN.index(state) + 1], f"recap.paraf_{state}")


def send_back(state: str, peran: str) -> Step:
    _require_actor(state, peran, "pengembalian")
    index = CHAIN.index(state)
    return Step(CHAIN[index - 1] if index else DRAFT, "recap.return")


MIN_REASON, MAX_REASON = 5, 500


def reason_problem(reason: str) -> str | None:
    text = reason.strip()
    if len(text) < MIN_REASON:
        return (f"Alasan pengembalian terlalu singkat (minimal {MIN_REASON} karakter). "
                "Tuliskan apa yang perlu diperbaiki.")
    if len(text) > MAX_REASON:
        return f"Alasan pengembalian terlalu panjang (maksimal {MAX_REASON} karakter)."
    return None


_PERIOD = re.compile(r"^(?:(\d{1,2})[-/.](\d{4})|(\d{4})[-/.](\d{1,2}))$")


def parse_period(text: str, today: dt.date) -> tuple[int, int] | None:
    """The month of "/rekap [MM-YYYY | YYYY-MM]": empty means last month; None if unreadable."""
    text = text.strip()
    if not text:
        first = today.replace(day=1) - dt.timedelta(days=1)
        return first.year, first.month
    match = _PERIOD.match(text)
    if not match:
        return None
    month, year = (int(match[1]), int(match[2])) if match[1] else (int(match[4]), int(match[3]))
    if not 1 <= month <= 12 or not 2000 <= year <= 2100:
        return None
    return year, month
