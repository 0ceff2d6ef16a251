"""Who acts in place of whom right now: the lookup every actor resolution applies.

Two sources: Plh/Plt delegations that are started and not ended (services.delegation), and
per-step substitutions of one waiting recap step (services.step_moves: an approver on cuti
without a Plh). Requests and SOP files apply it when their chain is resolved at submission
(the engine stores the actors, and moves them later); the recap applies it whenever it asks
who acts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import aiosqlite

DELEGASI = "delegasi"
CUTI = "cuti"
ATASAN = "atasan"


@dataclass(frozen=True)
class Acting:
    delegate_nip: str
    delegation_id: int
    kind: str                  # "plh" | "plt"


@dataclass(frozen=True)
class StandIn:
    """An official of a step replaced by who acts for them under a delegation."""

    official_nip: str
    delegate_nip: str
    delegation_id: int


@dataclass(frozen=True)
class Override:
    from_nip: str
    to_nip: str
    moved_at: dt.datetime


@dataclass(frozen=True)
class Substitutes:
    by_official: Mapping[str, Acting] = field(default_factory=dict)
    # (entity, entity_id, step) -> the per-step substitutions still open
    overrides: Mapping[tuple[str, int, str], tuple[Override, ...]] = field(default_factory=dict)

    def actor(self, nip: str) -> str:
        """Who acts for `nip`, following a Plh of a Plh, never round in a circle."""
        seen = {nip}
        current = nip
        while (found := self.by_official.get(current)) is not None \
                and found.delegate_nip not in seen:
            current = found.delegate_nip
            seen.add(current)
        return current

    def apply(self, nips: Iterable[str], *, applicant: str, entity: str | None = None,
              entity_id: int | None = None, step: str | None = None,
              visit_started: dt.datetime | None = None) -> tuple[str, ...]:
        """The actors of a step with each official replaced by who acts for them.

        A per-step substitution holds for the visit of the step during which it was made (a
        file returned and resubmitted to the step is a new visit). A delegate never decides
        their own request: there the official keeps the step.
        """
        replaced: dict[str, str] = {}
        if entity is not None and entity_id is not None and step is not None:
            for o in self.overrides.get((entity, entity_id, step), ()):
                if visit_started is None or o.moved_at >= visit_started:
                    replaced[o.from_nip] = o.to_nip
        result = set()
        for nip in nips:
            acting = self.actor(replaced.get(nip, nip))
            result.add(nip if acting == applicant else acting)
        return tuple(sorted(result))

    def stand_ins(self, nips: Iterable[str], *, applicant: str) -> list[StandIn]:
        """Which of `nips` `apply` replaces by a delegate, and by whom."""
        kept = set(nips)
        found = []
        for nip in sorted(kept):
            acting = self.actor(nip)
            if acting not in (nip, applicant) and nip in self.by_official:
                found.append(StandIn(nip, acting, self.by_official[nip].delegation_id))
        return found

    def officials_of(self, delegate: str) -> list[str]:
        """The officials `delegate` currently acts for (directly or down a chain)."""
        return sorted(o for o in self.by_official if self.actor(o) == delegate)


async def load(conn: aiosqlite.Connection) -> Substitutes:
    async with conn.execute(
        "SELECT id, official_nip, delegate_nip, kind FROM delegations "
        "WHERE started_at IS NOT NULL AND ended_at IS NULL"
    ) as cursor:
        acting = {r["official_nip"]: Acting(r["delegate_nip"], r["id"], r["kind"])
                  for r in await cursor.fetchall()}
    overrides: dict[tuple[str, int, str], list[Override]] = {}
    async with conn.execute(
        "SELECT entity, entity_id, step, from_nip, to_nip, moved_at FROM step_substitutions "
        "WHERE cause <> ? AND returned_at IS NULL AND entity = 'recap' ORDER BY id",
        (DELEGASI,)
    ) as cursor:
        for r in await cursor.fetchall():
            overrides.setdefault((r["entity"], r["entity_id"], r["step"]), []).append(
                Override(r["from_nip"], r["to_nip"], dt.datetime.fromisoformat(r["moved_at"])))
    return Substitutes(acting, {k: tuple(v) for k, v in overrides.items()})


async def record_stand_in(conn: aiosqlite.Connection, entity: str, ref_id: int, position: int,
                          stand_in: StandIn, now: dt.datetime) -> None:
    """A subject opened while a delegation is in force goes to the delegate from the start;
    recorded so the step returns to the official when the delegation ends, and so the
    documents can say the decision was taken as Plh/Plt."""
    await conn.execute(
        "INSERT INTO step_substitutions (cause, delegation_id, entity, entity_id, step, "
        "from_nip, to_nip, moved_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (DELEGASI, stand_in.delegation_id, entity, ref_id, str(position),
         stand_in.official_nip, stand_in.delegate_nip, now.isoformat()))
