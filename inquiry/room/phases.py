"""The phases of a live session, declared as data (PRODUCT.md, "The live session").

    scheduled -> check_in -> [briefing(e) -> questioning(e) -> withdrawal(e)]* -> deliberation
              -> ranking -> closed                (deliberation <-> recall(e) is allowed)

Phases marked (e) belong to one expert. A briefing may start only for an expert
who has not withdrawn; a recall only for one who has. Pausing freezes the timer
of any open phase; it is not a phase of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum


class Phase(StrEnum):
    SCHEDULED = "scheduled"
    CHECK_IN = "check_in"
    BRIEFING = "briefing"
    QUESTIONING = "questioning"
    WITHDRAWAL = "withdrawal"
    DELIBERATION = "deliberation"
    RECALL = "recall"
    RANKING = "ranking"
    CLOSED = "closed"


EXPERT_PHASES = frozenset({Phase.BRIEFING, Phase.QUESTIONING, Phase.WITHDRAWAL, Phase.RECALL})

# (from, to) moves. Moves into an expert phase also need the expert rule below.
MOVES: frozenset[tuple[Phase, Phase]] = frozenset({
    (Phase.SCHEDULED, Phase.CHECK_IN),
    (Phase.CHECK_IN, Phase.BRIEFING),
    (Phase.CHECK_IN, Phase.DELIBERATION),
    (Phase.BRIEFING, Phase.QUESTIONING),
    (Phase.QUESTIONING, Phase.WITHDRAWAL),
    (Phase.WITHDRAWAL, Phase.BRIEFING),
    (Phase.WITHDRAWAL, Phase.DELIBERATION),
    (Phase.DELIBERATION, Phase.RECALL),
    (Phase.RECALL, Phase.DELIBERATION),
    (Phase.DELIBERATION, Phase.RANKING),
    (Phase.RANKING, Phase.CLOSED),
})


class PhaseError(Exception):
    """The requested move is not allowed from the current phase."""


@dataclass(frozen=True, slots=True)
class PhaseState:
    """Where a session is: its phase, the expert it belongs to, and its timer."""

    phase: Phase
    expert_id: int | None = None
    deadline: datetime | None = None
    paused_remaining: timedelta | None = None

    @property
    def paused(self) -> bool:
        return self.paused_remaining is not None


def next_moves(state: PhaseState) -> list[Phase]:
    """The phases a facilitator may move to from here, in the order of the diagram."""
    return [to for to in Phase if (state.phase, to) in MOVES]


def check_move(state: PhaseState, to: Phase, expert_id: int | None,
               experts: frozenset[int], withdrawn: frozenset[int]) -> int | None:
    """The expert the new phase belongs to, or raise PhaseError naming what was wrong.

    A briefing names an expert of the session who has not withdrawn; questioning
    and withdrawal continue with the expert of the briefing; a recall names a
    withdrawn expert.
    """
    if (state.phase, to) not in MOVES:
        raise PhaseError(f"A session in {state.phase} cannot move to {to}; "
                         f"it can move to {', '.join(next_moves(state)) or 'nothing'}.")
    if to is Phase.BRIEFING:
        if expert_id not in experts:
            raise PhaseError("Choose which of this session's experts gives the briefing.")
        if expert_id in withdrawn:
            raise PhaseError("That expert has withdrawn and cannot brief again.")
        return expert_id
    if to in (Phase.QUESTIONING, Phase.WITHDRAWAL):
        return state.expert_id
    if to is Phase.RECALL:
        if expert_id not in withdrawn:
            raise PhaseError("Only an expert who has withdrawn can be recalled.")
        return expert_id
    return None


def advance(state: PhaseState, to: Phase, expert_id: int | None, experts: frozenset[int],
            withdrawn: frozenset[int], deadline: datetime | None) -> PhaseState:
    """The state after a facilitator's move; a new phase starts unpaused with its own timer."""
    expert = check_move(state, to, expert_id, experts, withdrawn)
    return PhaseState(phase=to, expert_id=expert, deadline=deadline, paused_remaining=None)


def pause(state: PhaseState, now: datetime) -> PhaseState:
    """Freeze the timer; the time left is kept until `resume`."""
    if state.paused:
        raise PhaseError("The session is already paused.")
    if state.phase in (Phase.SCHEDULED, Phase.CLOSED):
        raise PhaseError(f"A session in {state.phase} cannot be paused.")
    left = max(state.deadline - now, timedelta(0)) if state.deadline else timedelta(0)
    return replace(state, deadline=None, paused_remaining=left)


def resume(state: PhaseState, now: datetime) -> PhaseState:
    if state.paused_remaining is None:
        raise PhaseError("The session is not paused.")
    deadline = now + state.paused_remaining if state.paused_remaining else None
    return replace(state, deadline=deadline, paused_remaining=None)


def extend(state: PhaseState, now: datetime, minutes: int) -> PhaseState:
    """Add minutes to the timer (starting one if there is none); negative minutes shorten it."""
    if state.paused_remaining is not None:
        return replace(state, paused_remaining=max(state.paused_remaining + timedelta(minutes=minutes),
                                                   timedelta(0)))
    base = state.deadline if state.deadline and state.deadline > now else now
    return replace(state, deadline=max(base + timedelta(minutes=minutes), now))
