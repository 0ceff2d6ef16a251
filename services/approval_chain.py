"""Approval chains as data: an ordered list of steps, each naming who acts and what they may do.

The model is deliberately generic (no request types, no Telegram): the izin/cuti chains and
the SOP workflows are both written as YAML definitions (services.workflows) built from these
pieces; the requests feature takes its chains from that catalogue.
`resolve` turns a chain into the concrete people who act for one applicant.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SETUJUI = "setujui"
TOLAK = "tolak"
KEMBALIKAN = "kembalikan"
ACTIONS: tuple[str, ...] = (SETUJUI, TOLAK, KEMBALIKAN)
# Cuti only (the form of PP 11/2017): the atasan langsung's pertimbangan, each of which passes
# the request on, and the pejabat berwenang's answers besides setujui.
PERTIMBANGAN: tuple[str, ...] = ("pertimbangan_setuju", "pertimbangan_perubahan",
                                 "pertimbangan_tangguhkan", "pertimbangan_tidak")
PERUBAHAN = "perubahan"
TANGGUHKAN = "tangguhkan"
TIDAK_DISETUJUI = "tidak_disetujui"
KEPUTUSAN: tuple[str, ...] = (SETUJUI, PERUBAHAN, TANGGUHKAN, TIDAK_DISETUJUI)
CUTI_ACTIONS: tuple[str, ...] = (*PERTIMBANGAN, PERUBAHAN, TANGGUHKAN, TIDAK_DISETUJUI)
REQUEST_ACTIONS: tuple[str, ...] = (*ACTIONS, *CUTI_ACTIONS)

ATASAN_LANGSUNG = "atasan_langsung"
PERAN = "peran"
NIP = "nip"
ACTOR_KINDS: tuple[str, ...] = (ATASAN_LANGSUNG, PERAN, NIP)


@dataclass(frozen=True)
class ActorRef:
    """Who acts on a step: the applicant's atasan langsung, every holder of a `peran`, or one
    named employee (NIP)."""

    kind: str
    value: str = ""

    @classmethod
    def parse(cls, text: str) -> ActorRef:
        """"atasan_langsung", "peran:kepala" or "nip:197001011995031001"."""
        kind, _, value = text.partition(":")
        return cls(kind.strip(), value.strip())

    def __str__(self) -> str:
        return self.kind if self.kind == ATASAN_LANGSUNG else f"{self.kind}:{self.value}"


@dataclass(frozen=True)
class ChainStep:
    key: str
    title: str                       # shown on cards and letters: "Atasan Langsung"
    actor: ActorRef
    actions: tuple[str, ...] = ACTIONS


@dataclass(frozen=True)
class Chain:
    key: str
    steps: tuple[ChainStep, ...]


@dataclass(frozen=True)
class Person:
    """The little the resolver needs to know about an employee."""

    nip: str
    peran: str
    atasan_nip: str | None
    active: bool = True


@dataclass(frozen=True)
class ResolvedStep:
    position: int
    step: ChainStep
    actors: tuple[str, ...]          # NIPs, sorted


def actors_for(step: ChainStep, applicant: Person, people: Iterable[Person]) -> tuple[str, ...]:
    """The NIPs who may act on `step` for `applicant`; never the applicant themself."""
    everyone = {p.nip: p for p in people if p.active}
    if step.actor.kind == ATASAN_LANGSUNG:
        found = [applicant.atasan_nip] if applicant.atasan_nip in everyone else []
    elif step.actor.kind == PERAN:
        found = [p.nip for p in everyone.values() if p.peran == step.actor.value]
    else:
        found = [step.actor.value] if step.actor.value in everyone else []
    return tuple(sorted(nip for nip in found if nip != applicant.nip))


def resolve(chain: Chain, applicant: Person, people: Iterable[Person]) -> list[ResolvedStep]:
    """The steps that apply to this applicant, numbered from 0.

    A step nobody can take (the Kepala has no atasan langsung) is skipped. When one level would
    be taken by exactly the people of the next level (a Kabid's atasan is the Kepala, who also
    grants), the earlier one is dropped so nobody decides the same request twice in a row.
    """
    staff = list(people)
    candidates = [(s, actors_for(s, applicant, staff)) for s in chain.steps]
    candidates = [(s, a) for s, a in candidates if a]
    kept = [(s, a) for i, (s, a) in enumerate(candidates)
            if i + 1 >= len(candidates) or candidates[i + 1][1] != a]
    return [ResolvedStep(i, s, a) for i, (s, a) in enumerate(kept)]
