"""The approval-chain model shared by SOP services (berkas) and izin/cuti requests.

A chain is an ordered list of steps. Each step names who acts (an actor selector relative to
the applicant), the actions open to that actor, its time standard (SOP column "Waktu") and the
output it produces (column "Output"). Definitions are plain frozen data; nothing here touches
the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# The actions an actor may be offered. teruskan/setujui move the file to the next step (the
# last one closes it); tolak closes it refused; kembalikan sends it back to the applicant.
ACTIONS = ("teruskan", "setujui", "tolak", "kembalikan")
MOVING_ACTIONS = frozenset({"teruskan", "setujui"})
REASONED_ACTIONS = frozenset({"tolak", "kembalikan"})

ATASAN_LANGSUNG = "atasan_langsung"
PERAN = "peran"
NIP = "nip"


@dataclass(frozen=True)
class ActorSelector:
    """Who acts on a step: the applicant's direct supervisor, anyone holding a `peran`, or one
    named employee. The applicant never acts on their own file."""

    kind: str  # ATASAN_LANGSUNG | PERAN | NIP
    value: str = ""

    def describe(self) -> str:
        if self.kind == ATASAN_LANGSUNG:
            return "atasan langsung"
        return f"{self.kind} {self.value}"


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


@dataclass(frozen=True)
class Step:
    key: str
    activity: str                 # kegiatan, as written in the SOP
    title: str                    # the acting position as the SOP names it ("Kabag")
    actor: ActorSelector
    actions: tuple[str, ...]
    time_standard: TimeStandard
    output: str
    assigns_agenda: bool = False  # this step gives the letter its agenda number
    requires_note: bool = False   # moving on needs a typed note (e.g. the disposisi itself)
    skip_if_unresolved: bool = False  # e.g. the Kepala has no atasan langsung


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
    kind: str                     # "layanan" (berkas through /layanan) or "permohonan"
    submitters: frozenset[str] | None  # peran allowed to submit; None = every employee
    documents: tuple[Document, ...]
    steps: tuple[Step, ...]
    submit_time_standard: TimeStandard | None = None
    classification: str = ""      # kode klasifikasi arsip in the agenda number
    request_types: tuple[str, ...] = ()  # for kind "permohonan": the request type keys served

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
