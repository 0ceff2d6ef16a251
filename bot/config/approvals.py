"""[approvals]: how the approval buttons behave in chat, and how long a step waits for an
approver on cuti without a Plh before it goes to their own atasan."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.config.reader import Section
from services.absence_policy import AbsencePolicy


@dataclass(frozen=True)
class ApprovalSettings:
    # How long the text after Tolak / Kembalikan is taken as the reason for that card.
    reason_prompt_minutes: int = 15
    absence: AbsencePolicy = field(default_factory=AbsencePolicy)


def parse_approvals(root: Section) -> ApprovalSettings:
    section = root.section("approvals")
    return ApprovalSettings(
        reason_prompt_minutes=section.int("reason_prompt_minutes", 15, minimum=1,
                                          maximum=24 * 60),
        absence=AbsencePolicy(after_working_days=section.int(
            "absent_approver_after_working_days", AbsencePolicy.after_working_days,
            minimum=1, maximum=20)))
