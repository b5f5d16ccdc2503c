"""The phase machine against PRODUCT.md's diagram, written out here as literal pairs (pure).

    scheduled -> check_in -> [briefing(e) -> questioning(e) -> withdrawal(e)]* -> deliberation
              -> ranking -> closed                (deliberation <-> recall(e) is allowed)

The pairs below are copied from that diagram by hand, never from inquiry/room/phases.py:
a test that read the code's own table would pass any mutant of it (closed -> deliberation
would reopen a closed session and still pass).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inquiry.room import phases
from inquiry.room.phases import Phase, PhaseError, PhaseState

NOW = datetime(2026, 1, 1, tzinfo=UTC)
EXPERTS = frozenset({1, 2})
WITHDRAWN = frozenset({2})  # expert 1 may still brief; expert 2 may be recalled

DIAGRAM_PHASES = ("scheduled", "check_in", "briefing", "questioning", "withdrawal",
                  "deliberation", "recall", "ranking", "closed")

DIAGRAM: frozenset[tuple[str, str]] = frozenset({
    ("scheduled", "check_in"),
    ("check_in", "briefing"),         # the first expert's block
    ("check_in", "deliberation"),     # [...]* : a session may have no expert at all
    ("briefing", "questioning"),
    ("questioning", "withdrawal"),
    ("withdrawal", "briefing"),       # the next expert's block
    ("withdrawal", "deliberation"),
    ("deliberation", "ranking"),
    ("ranking", "closed"),
    ("deliberation", "recall"),
    ("recall", "deliberation"),
})

# "The facilitator can pause and resume any phase": any phase that runs. A scheduled
# session has not started and a closed one has ended; neither has a timer to freeze.
PAUSABLE = frozenset(DIAGRAM_PHASES) - {"scheduled", "closed"}

ALL_PAIRS = [(a, b) for a in DIAGRAM_PHASES for b in DIAGRAM_PHASES]


def try_move(src: str, dst: str) -> PhaseState | None:
    """Ask the code for one move with a valid expert for it; None if it refuses."""
    state = PhaseState(Phase(src), expert_id=1 if Phase(src) in phases.EXPERT_PHASES else None)
    expert = 2 if dst == "recall" else 1
    try:
        return phases.advance(state, Phase(dst), expert, EXPERTS, WITHDRAWN, None)
    except PhaseError:
        return None


def moves_the_code_allows() -> set[tuple[str, str]]:
    return {(a, b) for a, b in ALL_PAIRS if try_move(a, b) is not None}


def test_the_code_has_exactly_the_diagram_phases() -> None:
    assert sorted(p.value for p in Phase) == sorted(DIAGRAM_PHASES)


def test_the_code_allows_exactly_the_diagram_moves() -> None:
    allowed = moves_the_code_allows()
    assert allowed - DIAGRAM == set(), "moves the diagram does not have"
    assert DIAGRAM - allowed == set(), "diagram moves the code refuses"
    assert {(a.value, b.value) for a, b in phases.MOVES} == DIAGRAM


@pytest.mark.parametrize(("src", "dst"), ALL_PAIRS)
def test_each_move_is_allowed_only_if_the_diagram_has_it(src: str, dst: str) -> None:
    after = try_move(src, dst)
    if (src, dst) in DIAGRAM:
        assert after is not None and after.phase == dst
    else:
        assert after is None, f"{src} -> {dst} is not in PRODUCT.md's diagram"


@pytest.mark.parametrize("src", DIAGRAM_PHASES)
def test_the_facilitator_is_offered_exactly_the_diagram_moves(src: str) -> None:
    offered = phases.next_moves(PhaseState(Phase(src)))
    assert {(src, b.value) for b in offered} == {pair for pair in DIAGRAM if pair[0] == src}


def test_a_table_that_reopens_a_closed_session_fails_the_diagram(monkeypatch: pytest.MonkeyPatch) -> None:
    # The mutant of issue 11, in memory only: the comparison above must see it.
    monkeypatch.setattr(phases, "MOVES", phases.MOVES | {(Phase.CLOSED, Phase.DELIBERATION)})
    assert moves_the_code_allows() - DIAGRAM == {("closed", "deliberation")}


@pytest.mark.parametrize("phase", DIAGRAM_PHASES)
def test_pause_and_resume_work_in_every_running_phase_and_keep_it(phase: str) -> None:
    state = PhaseState(Phase(phase), deadline=NOW + timedelta(minutes=5))
    if phase not in PAUSABLE:
        with pytest.raises(PhaseError):
            phases.pause(state, NOW)
        return
    paused = phases.pause(state, NOW)
    assert paused.paused and paused.phase == phase
    resumed = phases.resume(paused, NOW)
    assert not resumed.paused and resumed.phase == phase and resumed.deadline == NOW + timedelta(minutes=5)


def test_a_withdrawn_expert_cannot_brief_again_and_only_withdrawn_ones_are_recalled() -> None:
    after = PhaseState(Phase.WITHDRAWAL, expert_id=1)
    with pytest.raises(PhaseError, match="withdrawn"):
        phases.advance(after, Phase.BRIEFING, 1, EXPERTS, frozenset({1}), None)
    assert phases.advance(after, Phase.BRIEFING, 2, EXPERTS, frozenset({1}), None).expert_id == 2
    with pytest.raises(PhaseError, match="Only an expert who has withdrawn"):
        phases.advance(PhaseState(Phase.DELIBERATION), Phase.RECALL, 2, EXPERTS, frozenset({1}), None)
    with pytest.raises(PhaseError, match="Choose"):
        phases.advance(PhaseState(Phase.CHECK_IN), Phase.BRIEFING, 9, EXPERTS, frozenset(), None)


def test_questioning_and_withdrawal_keep_the_briefing_expert() -> None:
    state = phases.advance(PhaseState(Phase.CHECK_IN), Phase.BRIEFING, 2, EXPERTS, frozenset(), None)
    state = phases.advance(state, Phase.QUESTIONING, None, EXPERTS, frozenset(), None)
    assert phases.advance(state, Phase.WITHDRAWAL, 1, EXPERTS, frozenset(), None).expert_id == 2


def test_pause_keeps_the_time_left_and_resume_restores_it() -> None:
    state = PhaseState(Phase.DELIBERATION, deadline=NOW + timedelta(minutes=5))
    paused = phases.pause(state, NOW + timedelta(minutes=1))
    assert paused.paused and paused.paused_remaining == timedelta(minutes=4)
    resumed = phases.resume(paused, NOW + timedelta(hours=1))
    assert resumed.deadline == NOW + timedelta(hours=1, minutes=4) and not resumed.paused
    with pytest.raises(PhaseError):
        phases.resume(resumed, NOW)
    with pytest.raises(PhaseError):
        phases.pause(PhaseState(Phase.CLOSED), NOW)


def test_extend_adds_to_a_running_timer_or_starts_one() -> None:
    running = PhaseState(Phase.BRIEFING, deadline=NOW + timedelta(minutes=2))
    assert phases.extend(running, NOW, 5).deadline == NOW + timedelta(minutes=7)
    assert phases.extend(PhaseState(Phase.BRIEFING), NOW, 3).deadline == NOW + timedelta(minutes=3)
    assert phases.extend(running, NOW, -10).deadline == NOW
