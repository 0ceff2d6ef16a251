"""The office's choices for requests: limits, agenda formats and which chain serves each type.

The chains are not configured here: they come from the workflow catalogue (izin.yaml,
cuti.yaml and the office's overrides in [workflows] dir), so an SOP file is the one place that
says who approves.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from services.approval_chain import Chain
from services.leave_balance import LeavePolicy


@dataclass(frozen=True)
class RequestPolicy:
    chains: Mapping[str, Chain]      # type key → chain, from Catalogue.request_chains()
    backdate_days: int = 3
    max_ahead_days: int = 365
    max_attachment_bytes: int = 5 * 1024 * 1024
    # Agenda format per letter kind ("izin", "cuti"); both share the office's register of
    # outgoing letters unless the office names separate registers.
    agenda_formats: Mapping[str, str] = field(default_factory=lambda: {
        "izin": "800/{seq}/{unit}/{year}", "cuti": "851/{seq}/{unit}/{year}"})
    agenda_registers: Mapping[str, str] = field(default_factory=lambda: {
        "izin": "surat_keluar", "cuti": "surat_keluar"})
    leave: LeavePolicy = field(default_factory=lambda: LeavePolicy(2026))
    # Addressees of the usulan letters (CLTN; the Kepala's own cuti): empty = derived from
    # [office] government (services.usulan_phase).
    usulan_ppk: str = ""
    usulan_kepala_superior: str = ""

    def chain_for(self, type_key: str) -> Chain:
        return self.chains[type_key]
