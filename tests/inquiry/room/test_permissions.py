"""The permission table's shape (pure); tests/web/room/test_room_permissions.py drives every cell live."""

from __future__ import annotations

from inquiry.questions.recall_actions import needed
from inquiry.room.permissions import TABLE, Action, RoomRole, allowed
from inquiry.room.phases import Phase


def test_a_withdrawn_expert_may_only_answer_their_recall() -> None:
    cells = {(p, a) for (p, r, a), ok in TABLE.items() if r is RoomRole.WITHDRAWN and ok}
    assert cells == {(Phase.RECALL, Action.ANSWER_RECALL)}


def test_observers_only_watch_and_experts_never_join_the_discussion() -> None:
    assert {a for (p, r, a), ok in TABLE.items() if r is RoomRole.OBSERVER and ok} == {Action.JOIN}
    assert not any(TABLE[(p, RoomRole.EXPERT, Action.POST_MESSAGE)] for p in Phase)


def test_nothing_but_watching_after_close() -> None:
    assert {a for (p, r, a), ok in TABLE.items() if p is Phase.CLOSED and ok} == {Action.JOIN}


def test_pause_stops_participants_not_facilitators() -> None:
    assert not allowed(Phase.DELIBERATION, RoomRole.RESIDENT, Action.POST_MESSAGE, paused=True)
    assert allowed(Phase.DELIBERATION, RoomRole.RESIDENT, Action.JOIN, paused=True)
    assert allowed(Phase.DELIBERATION, RoomRole.FACILITATOR, Action.MODERATE, paused=True)


def test_recall_threshold_is_a_third_of_residents_present_rounded_up() -> None:
    assert [needed(0.3333, n) for n in (0, 1, 3, 8, 9, 10)] == [1, 1, 1, 3, 3, 4]
