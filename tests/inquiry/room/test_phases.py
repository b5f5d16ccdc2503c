"""The phase machine as a table (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from inquiry.room import phases
from inquiry.room.phases import MOVES, Phase, PhaseError, PhaseState

NOW = datetime(2026, 1, 1, tzinfo=UTC)
EXPERTS = frozenset({1, 2})


@pytest.mark.parametrize("src", list(Phase))
@pytest.mark.parametrize("dst", list(Phase))
def test_only_the_diagram_moves_are_allowed(src: Phase, dst: Phase) -> None:
    state = PhaseState(src, expert_id=1 if src in phases.EXPERT_PHASES else None)
    withdrawn = frozenset({2})
    expert = 2 if dst is Phase.RECALL else 1
    if (src, dst) in MOVES:
        assert phases.advance(state, dst, expert, EXPERTS, withdrawn, None).phase is dst
    else:
        with pytest.raises(PhaseError):
            phases.advance(state, dst, expert, EXPERTS, withdrawn, None)


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
