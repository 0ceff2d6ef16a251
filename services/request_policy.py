"""The office's choices for requests: limits, agenda formats and which chain serves each type."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from services.approval_chain import ATASAN_LANGSUNG, PERAN, ActorRef, Chain, ChainStep
from services.leave_balance import LeavePolicy
from services.request_types import REQUEST_TYPES

DEFAULT_IZIN_CHAIN = Chain("izin", (
    ChainStep("atasan", "Atasan Langsung", ActorRef(ATASAN_LANGSUNG)),
))
# Cuti: the atasan langsung recommends, the pejabat berwenang (the Kepala, by delegation) grants.
DEFAULT_CUTI_CHAIN = Chain("cuti", (
    ChainStep("atasan", "Atasan Langsung", ActorRef(ATASAN_LANGSUNG)),
    ChainStep("pejabat", "Pejabat yang Berwenang Memberikan Cuti", ActorRef(PERAN, "kepala")),
))


def default_chains() -> dict[str, Chain]:
    return {t.key: DEFAULT_CUTI_CHAIN if t.is_cuti else DEFAULT_IZIN_CHAIN
            for t in REQUEST_TYPES}


@dataclass(frozen=True)
class RequestPolicy:
    backdate_days: int = 3
    max_ahead_days: int = 365
    max_attachment_bytes: int = 5 * 1024 * 1024
    # Agenda format per letter kind ("izin", "cuti"); both share the office's register of
    # outgoing letters unless the office names separate registers.
    agenda_formats: Mapping[str, str] = field(default_factory=lambda: {
        "izin": "800/{seq}/{unit}/{year}", "cuti": "851/{seq}/{unit}/{year}"})
    agenda_registers: Mapping[str, str] = field(default_factory=lambda: {
        "izin": "surat_keluar", "cuti": "surat_keluar"})
    chains: Mapping[str, Chain] = field(default_factory=default_chains)
    leave: LeavePolicy = field(default_factory=lambda: LeavePolicy(2026, False))

    def chain_for(self, type_key: str) -> Chain:
        return self.chains[type_key]
