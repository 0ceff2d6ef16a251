"""[approvals] settings of the absent-approver rule (services.absent_approvers), in a module
of their own so reading the configuration does not load the approval machinery."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AbsencePolicy:
    """[approvals] absent_approver_after_working_days."""

    after_working_days: int = 1
