"""Who may do what in a live session: ONE table of (phase, role, action) -> allowed.

Every socket.io handler and HTTP endpoint of the room goes through `allowed`
(via `room_actions`); nothing else decides. Roles here are roles *in the room*:
an expert who has withdrawn from this session is `WITHDRAWN`, whatever their
participant kind. While the session is paused, only facilitators act (and
everyone may still watch).
"""

from __future__ import annotations

from enum import StrEnum

from inquiry.room.phases import Phase


class RoomRole(StrEnum):
    FACILITATOR = "facilitator"
    RESIDENT = "resident"
    OBSERVER = "observer"
    EXPERT = "expert"
    WITHDRAWN = "withdrawn"


class Action(StrEnum):
    JOIN = "join"                        # connect, resume, read the log, open the page
    POST_MESSAGE = "post_message"
    ASK_QUESTION = "ask_question"
    UPVOTE_QUESTION = "upvote_question"
    FLAG_CLARITY = "flag_clarity"
    RAISE_HAND = "raise_hand"            # raise or lower
    SHARE_MATERIAL = "share_material"
    ANSWER_QUESTION = "answer_question"
    PROPOSE_RECALL = "propose_recall"
    VOTE_RECALL = "vote_recall"
    ANSWER_RECALL = "answer_recall"
    ADVANCE_PHASE = "advance_phase"
    CONTROL_TIMER = "control_timer"      # pause, resume, extend
    CURATE_QUESTIONS = "curate_questions"  # release, merge, skip
    CALL_SPEAKER = "call_speaker"
    MODERATE = "moderate"                # hide, mute, remove, slow mode
    APPROVE_RECALL = "approve_recall"


P = Phase
ALL = frozenset(Phase)
OPEN = ALL - {P.CLOSED}
LIVE = ALL - {P.SCHEDULED, P.CLOSED}
ASKING = frozenset({P.BRIEFING, P.QUESTIONING})

# Phases in which each (role, action) is allowed; a missing pair is never allowed.
_RULES: dict[tuple[RoomRole, Action], frozenset[Phase]] = {
    (RoomRole.FACILITATOR, Action.JOIN): ALL,
    (RoomRole.RESIDENT, Action.JOIN): ALL,
    (RoomRole.OBSERVER, Action.JOIN): ALL,
    (RoomRole.EXPERT, Action.JOIN): ALL,
    (RoomRole.FACILITATOR, Action.POST_MESSAGE): OPEN,
    (RoomRole.RESIDENT, Action.POST_MESSAGE): LIVE,
    (RoomRole.RESIDENT, Action.ASK_QUESTION): ASKING,
    (RoomRole.RESIDENT, Action.UPVOTE_QUESTION): ASKING,
    (RoomRole.RESIDENT, Action.FLAG_CLARITY): ASKING,
    (RoomRole.RESIDENT, Action.RAISE_HAND): frozenset({P.DELIBERATION}),
    (RoomRole.EXPERT, Action.SHARE_MATERIAL): frozenset({P.SCHEDULED, P.CHECK_IN, P.BRIEFING}),
    (RoomRole.EXPERT, Action.ANSWER_QUESTION): frozenset({P.QUESTIONING}),
    (RoomRole.RESIDENT, Action.PROPOSE_RECALL): frozenset({P.DELIBERATION}),
    (RoomRole.RESIDENT, Action.VOTE_RECALL): frozenset({P.DELIBERATION}),
    (RoomRole.WITHDRAWN, Action.ANSWER_RECALL): frozenset({P.RECALL}),
    (RoomRole.FACILITATOR, Action.ADVANCE_PHASE): OPEN,
    (RoomRole.FACILITATOR, Action.CONTROL_TIMER): LIVE,
    (RoomRole.FACILITATOR, Action.CURATE_QUESTIONS): ASKING,
    (RoomRole.FACILITATOR, Action.CALL_SPEAKER): frozenset({P.DELIBERATION}),
    (RoomRole.FACILITATOR, Action.MODERATE): OPEN,
    (RoomRole.FACILITATOR, Action.APPROVE_RECALL): frozenset({P.DELIBERATION}),
}

TABLE: dict[tuple[Phase, RoomRole, Action], bool] = {
    (phase, role, action): phase in _RULES.get((role, action), frozenset())
    for phase in Phase for role in RoomRole for action in Action
}


def allowed(phase: Phase, role: RoomRole, action: Action, paused: bool = False) -> bool:
    """The table's answer; a pause leaves participants only JOIN."""
    if paused and role is not RoomRole.FACILITATOR and action is not Action.JOIN:
        return False
    return TABLE[(phase, role, action)]


def refusal(phase: Phase, role: RoomRole, action: Action, paused: bool = False) -> str:
    """The message a refused person reads."""
    if role is RoomRole.WITHDRAWN:
        return "You have withdrawn from this session; the room is closed to you."
    if paused and TABLE[(phase, role, action)]:
        return "The session is paused; wait for the facilitator to resume it."
    what = action.value.replace("_", " ")
    return f"As {'an' if role.value[0] in 'aeiou' else 'a'} {role} you cannot {what} during {phase.value.replace('_', ' ')}."
