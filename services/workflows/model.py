"""SOP workflows on top of the requests feature's approval-chain model.

`services.approval_chain` says who acts on each step (ActorRef) and what they may do
(ChainStep); a Workflow wraps each ChainStep with what the SOP table adds: the activity, the
time standard (column "Waktu") and the output (column "Output"). `Workflow.chain` is the plain
Chain, so izin/cuti defined in YAML are the very chains the requests feature resolves.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services import approval_chain
from services.approval.model import TO_APPLICANT
from services.approval_chain import ATASAN_LANGSUNG, ActorRef, Chain, ChainStep

# SOPs add "teruskan" (pass on without a decision) to the request actions. teruskan/setujui
# move the file to the next step (the last one closes it); tolak closes it refused;
# kembalikan sends it back to the applicant, or one step back (kembalikan_ke).
TERUSKAN = "teruskan"
ACTIONS: tuple[str, ...] = (TERUSKAN, *approval_chain.ACTIONS)
MOVING_ACTIONS = frozenset({TERUSKAN, approval_chain.SETUJUI})


# hasil: penunjukan_plt_plh — the finished file is the approval of a Plh/Plt designation,
# which the one who finishes it records (services.delegation) with the file's agenda number.
DESIGNATION = "penunjukan_plt_plh"
OUTCOMES = (DESIGNATION,)


@dataclass(frozen=True)
class TimeStandard:
    """A step's time standard as the SOP writes it: "10 menit", "2 jam", "1 hari".

    Days are working days, so their length in minutes is the office's working day; time
    standards are measured in working time (see `sla`).
    """

    amount: int
    unit: str  # "menit" | "jam" | "hari"

    def working_minutes(self, workday_minutes: int) -> int:
        per_unit = {"menit": 1, "jam": 60, "hari": workday_minutes}[self.unit]
        return self.amount * per_unit

    def describe(self) -> str:
        return f"{self.amount} {self.unit}"


def describe_actor(actor: ActorRef) -> str:
    if actor.kind == ATASAN_LANGSUNG:
        return "atasan langsung"
    return f"{actor.kind} {actor.value}"


@dataclass(frozen=True)
class Step:
    """A chain step (who acts, what they may do) with what the SOP adds to it."""

    chain_step: ChainStep
    activity: str                 # kegiatan, as written in the SOP
    time_standard: TimeStandard
    output: str
    assigns_agenda: bool = False  # this step gives the letter its agenda number
    requires_note: bool = False   # moving on needs a typed note (e.g. the disposisi itself)
    skip_if_unresolved: bool = False  # e.g. the Kepala has no atasan langsung

    @property
    def key(self) -> str:
        return self.chain_step.key

    @property
    def title(self) -> str:
        """The acting position as the SOP names it ("Kabag")."""
        return self.chain_step.title

    @property
    def actor(self) -> ActorRef:
        return self.chain_step.actor

    @property
    def actions(self) -> tuple[str, ...]:
        return self.chain_step.actions


@dataclass(frozen=True)
class Document:
    """One item of kelengkapan: what the applicant must upload."""

    key: str
    name: str
    types: tuple[str, ...]        # file extensions without dot: pdf, jpg, png, ...
    max_bytes: int


@dataclass(frozen=True)
class Workflow:
    key: str
    name: str
    description: str
    source: str                   # the file it was read from, for messages
    kind: str                     # "layanan" (berkas through /layanan), "permohonan" or "rekap"
    submitters: frozenset[str] | None  # peran allowed to submit; None = every employee
    documents: tuple[Document, ...]
    steps: tuple[Step, ...]
    submit_time_standard: TimeStandard | None = None
    agenda_format: str = ""       # services.agenda template, e.g. "822/{seq}/{unit}/{year}"
    agenda_register: str = "surat_keluar"
    request_types: tuple[str, ...] = ()  # for kind "permohonan": the request type keys served
    return_rule: str = TO_APPLICANT      # kembalikan: to the applicant, or one step back
    outcome: str | None = None           # hasil: what finishing the file records, if anything

    @property
    def chain(self) -> Chain:
        """The plain approval chain, as the requests feature uses it."""
        return Chain(self.key, tuple(s.chain_step for s in self.steps))

    def get_step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def may_submit(self, peran: str) -> bool:
        return self.submitters is None or peran in self.submitters

    def total_minutes(self, workday_minutes: int) -> int:
        return sum(s.time_standard.working_minutes(workday_minutes) for s in self.steps)


@dataclass(frozen=True)
class Catalogue:
    workflows: tuple[Workflow, ...] = field(default_factory=tuple)

    def get(self, key: str) -> Workflow | None:
        return next((w for w in self.workflows if w.key == key), None)

    def services(self) -> list[Workflow]:
        """The SOP services employees submit through /layanan."""
        return [w for w in self.workflows if w.kind == "layanan"]

    def for_request_type(self, request_type: str) -> Workflow | None:
        """The approval chain that serves a request type (izin, cuti_tahunan, ...)."""
        return next((w for w in self.workflows
                     if w.kind == "permohonan" and request_type in w.request_types), None)

    def recap_chain(self) -> Workflow:
        """The recap's paraf chain (the loader has checked there is exactly one)."""
        found = next((w for w in self.workflows if w.kind == "rekap"), None)
        assert found is not None, "the catalogue has no recap chain"
        return found

    def request_chains(self) -> dict[str, Chain]:
        """The approval chain of every request type, as /izin runs it (the loader has checked
        that each type has exactly one)."""
        return {t: w.chain for w in self.workflows if w.kind == "permohonan"
                for t in w.request_types}
