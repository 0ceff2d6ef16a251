"""[approvals]: how the approval buttons behave in chat."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config.reader import Section


@dataclass(frozen=True)
class ApprovalSettings:
    # How long the text after Tolak / Kembalikan is taken as the reason for that card.
    reason_prompt_minutes: int = 15


def parse_approvals(root: Section) -> ApprovalSettings:
    section = root.section("approvals")
    return ApprovalSettings(
        reason_prompt_minutes=section.int("reason_prompt_minutes", 15, minimum=1,
                                          maximum=24 * 60))
