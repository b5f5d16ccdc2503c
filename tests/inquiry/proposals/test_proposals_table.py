"""The proposal table's policy, stated as rules over every cell (the HTTP test checks enforcement)."""

from __future__ import annotations

import pytest

from inquiry.kernel.errors import Invalid
from inquiry.proposals.rules import TABLE, ProposalAction, allowed, clean_text, refusal
from inquiry.room.permissions import RoomRole
from inquiry.room.phases import Phase

A = ProposalAction
CELLS = [(p, r, a) for p in Phase for r in RoomRole for a in ProposalAction]


@pytest.mark.parametrize("phase,role,action", CELLS)
def test_policy(phase: Phase, role: RoomRole, action: ProposalAction) -> None:
    ok = TABLE[(phase, role, action)]
    if role in (RoomRole.EXPERT, RoomRole.WITHDRAWN):
        assert not ok, "experts never see drafts or rankings"
    if role is RoomRole.OBSERVER:
        assert ok == (action in (A.READ, A.SEE_TURNOUT, A.SEE_RESULT) and (
            action is A.READ or phase in (Phase.RANKING, Phase.CLOSED) and
            (action is A.SEE_TURNOUT or phase is Phase.CLOSED))), "observers read only"
    if action is A.SEE_RESULT:
        assert ok == (phase is Phase.CLOSED and role in (RoomRole.RESIDENT, RoomRole.OBSERVER,
                                                         RoomRole.FACILITATOR)), "no standings before close"
    if action is A.RANK:
        assert ok == (phase is Phase.RANKING and role is RoomRole.RESIDENT)
    if action in (A.DRAFT, A.EDIT, A.AMEND, A.WITHDRAW, A.MERGE, A.DECIDE_AMENDMENT) and ok:
        assert phase is Phase.DELIBERATION
    if action is A.CHOOSE_METHOD:
        assert ok == (role is RoomRole.FACILITATOR and phase not in (Phase.RANKING, Phase.CLOSED))


def test_a_pause_leaves_participants_reading_only() -> None:
    assert not allowed(Phase.RANKING, RoomRole.RESIDENT, A.RANK, paused=True)
    assert allowed(Phase.RANKING, RoomRole.RESIDENT, A.SEE_TURNOUT, paused=True)
    assert "paused" in refusal(Phase.RANKING, RoomRole.RESIDENT, A.RANK, paused=True)
    assert allowed(Phase.DELIBERATION, RoomRole.FACILITATOR, A.MERGE, paused=True)


@pytest.mark.parametrize("title,description,cost,category,words", [
    ("", "D", 1, "", "title"), ("T" * 121, "D", 1, "", "title"), ("T", " ", 1, "", "Describe"),
    ("T", "D", 0, "", "above zero"), ("T", "D", -3, "", "above zero"), ("T", "D", 1, "c" * 61, "category"),
])
def test_text_is_checked(title: str, description: str, cost: int, category: str, words: str) -> None:
    with pytest.raises(Invalid, match=words):
        clean_text(title, description, cost, category)


def test_text_is_trimmed() -> None:
    assert clean_text("  Trees ", " Plant them.\n", 100, " parks ").to_dict() == {
        "title": "Trees", "description": "Plant them.", "cost_minor": 100, "category": "parks"}
