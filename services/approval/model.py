"""The approval engine's pure rules: one state machine for every chain.

A subject (a request, an SOP file, a recap) walks through its resolved steps. What an action
does is data (`ActionSpec`): it either moves the subject on, closes it in a terminal state, or
returns it — to the applicant or one step back, as the definition says. New actions (e.g. the
pejabat berwenang's "perubahan" or "tangguhkan" for cuti) are added by registering a spec;
the machine itself does not change.
"""

from __future__ import annotations

from dataclasses import dataclass

RUNNING = "berjalan"
RETURNED = "dikembalikan"     # waiting for the applicant to fix and resubmit
DONE = "selesai"
REFUSED = "ditolak"
CANCELLED = "dibatalkan"
# The cuti form's answers that end the chain short of approval: other dates proposed (the
# applicant accepts or withdraws), or postponed.
PROPOSED = "perubahan"
POSTPONED = "ditangguhkan"
OPEN_STATES = (RUNNING, RETURNED)

ADVANCE = "advance"          # to the next step; after the last one the subject is done
CLOSE = "close"              # ends the subject in the spec's terminal state
RETURN = "return"            # back, as the definition's return rule says

TO_APPLICANT = "pemohon"
ONE_STEP_BACK = "langkah_sebelumnya"
RETURN_RULES = (TO_APPLICANT, ONE_STEP_BACK)

# Where a resubmitted subject starts again.
FROM_FIRST = "awal"
FROM_RETURNING_STEP = "langkah_pengembali"


@dataclass(frozen=True)
class ActionSpec:
    name: str
    effect: str                       # ADVANCE | CLOSE | RETURN
    needs_reason: bool = False
    terminal_state: str | None = None  # for CLOSE: the state the subject ends in


_ACTIONS: dict[str, ActionSpec] = {}


def register_action(spec: ActionSpec) -> ActionSpec:
    """Make an action known to the engine (idempotent for an identical spec)."""
    if spec.effect not in (ADVANCE, CLOSE, RETURN):
        raise ValueError(f"unknown effect {spec.effect!r}")
    if spec.effect == CLOSE and not spec.terminal_state:
        raise ValueError("a closing action names its terminal state")
    known = _ACTIONS.get(spec.name)
    if known is not None and known != spec:
        raise ValueError(f"action {spec.name!r} is already registered differently")
    _ACTIONS[spec.name] = spec
    return spec


SETUJUI = register_action(ActionSpec("setujui", ADVANCE)).name
TERUSKAN = register_action(ActionSpec("teruskan", ADVANCE)).name
TOLAK = register_action(ActionSpec("tolak", CLOSE, needs_reason=True,
                                   terminal_state=REFUSED)).name
KEMBALIKAN = register_action(ActionSpec("kembalikan", RETURN, needs_reason=True)).name

# Cuti (PP 11/2017, the form's four answers). The atasan langsung's pertimbangan is advice: it
# passes the request on to the pejabat berwenang whatever it says (a reason unless it agrees).
# The pejabat berwenang's answer decides: setujui (above), perubahan, tangguhkan, tidak
# disetujui.
PERTIMBANGAN_SETUJU = register_action(ActionSpec("pertimbangan_setuju", ADVANCE)).name
PERTIMBANGAN_PERUBAHAN = register_action(ActionSpec("pertimbangan_perubahan", ADVANCE,
                                                    needs_reason=True)).name
PERTIMBANGAN_TANGGUHKAN = register_action(ActionSpec("pertimbangan_tangguhkan", ADVANCE,
                                                     needs_reason=True)).name
PERTIMBANGAN_TIDAK = register_action(ActionSpec("pertimbangan_tidak", ADVANCE,
                                                needs_reason=True)).name
PERUBAHAN = register_action(ActionSpec("perubahan", CLOSE, needs_reason=True,
                                       terminal_state=PROPOSED)).name
TANGGUHKAN = register_action(ActionSpec("tangguhkan", CLOSE, needs_reason=True,
                                        terminal_state=POSTPONED)).name
TIDAK_DISETUJUI = register_action(ActionSpec("tidak_disetujui", CLOSE, needs_reason=True,
                                             terminal_state=REFUSED)).name


def action(name: str) -> ActionSpec | None:
    return _ACTIONS.get(name)


def known_actions() -> tuple[str, ...]:
    return tuple(_ACTIONS)


@dataclass(frozen=True)
class State:
    """Where a subject is: its state, the step holding it, and the round (bumped on every
    resubmission, so buttons of an earlier round go stale)."""

    state: str
    position: int
    round: int


@dataclass(frozen=True)
class Move:
    """What an action did: the new place and what happened, for the domain to follow."""

    before: State
    after: State
    spec: ActionSpec

    @property
    def finished(self) -> bool:
        """The chain ran to its end (the last step moved the subject on)."""
        return self.spec.effect == ADVANCE and self.after.state == DONE

    @property
    def advanced(self) -> bool:
        return self.spec.effect == ADVANCE and self.after.state == RUNNING

    @property
    def returned_to_applicant(self) -> bool:
        return self.after.state == RETURNED

    @property
    def stepped_back(self) -> bool:
        return self.spec.effect == RETURN and self.after.state == RUNNING


class TransitionRefused(Exception):
    """The action does not apply to the subject as it is (the service words the message)."""


def transition(current: State, step_count: int, action_name: str, *,
               return_rule: str = TO_APPLICANT) -> Move:
    """Apply `action_name` to the step holding a running subject."""
    spec = _ACTIONS.get(action_name)
    if spec is None:
        raise TransitionRefused(f"unknown action {action_name!r}")
    if current.state != RUNNING or not 0 <= current.position < step_count:
        raise TransitionRefused("the subject is not waiting on a step")
    if spec.effect == ADVANCE:
        last = current.position == step_count - 1
        after = (State(DONE, current.position, current.round) if last
                 else State(RUNNING, current.position + 1, current.round))
    elif spec.effect == CLOSE:
        assert spec.terminal_state is not None
        after = State(spec.terminal_state, current.position, current.round)
    elif return_rule == ONE_STEP_BACK and current.position > 0:
        after = State(RUNNING, current.position - 1, current.round)
    else:
        after = State(RETURNED, current.position, current.round)
    return Move(current, after, spec)


def settle_proposal(current: State, *, accepted: bool) -> State:
    """The applicant's answer to proposed dates: accepting finishes the subject as approved
    (for the new dates), withdrawing ends it."""
    if current.state != PROPOSED:
        raise TransitionRefused("nothing is proposed to this subject's applicant")
    return State(DONE if accepted else CANCELLED, current.position, current.round)


def resubmission(current: State, *, restart: str = FROM_FIRST) -> State:
    """A returned subject sent again: a new round, from the first step or from the step that
    returned it."""
    if current.state != RETURNED:
        raise TransitionRefused("only a returned subject is resubmitted")
    position = 0 if restart == FROM_FIRST else current.position
    return State(RUNNING, position, current.round + 1)
