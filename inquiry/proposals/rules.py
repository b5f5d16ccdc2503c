"""Proposals and the ranking phase: who may do what, as ONE (phase, role, action) table.

Roles are roles in the room (inquiry.room.permissions.RoomRole): experts never see
drafts or rankings, withdrawn or not; observers read only. Residents draft,
amend and comment during deliberation and rank during the ranking phase. A
facilitator chooses the aggregation method before ranking opens, merges
duplicates and decides amendments. Rules that depend on the proposal, not the
phase (only its author edits or withdraws it directly), are checked in
`proposals_actions` on top of this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from inquiry.kernel.errors import Conflict, Invalid
from inquiry.room.permissions import RoomRole
from inquiry.room.phases import Phase


class ProposalAction(StrEnum):
    READ = "read"                   # the list, a proposal and its history
    DRAFT = "draft"
    EDIT = "edit"                   # the author's own proposal, directly
    AMEND = "amend"                 # suggest a change to someone else's
    DECIDE_AMENDMENT = "decide_amendment"
    WITHDRAW = "withdraw"
    MERGE = "merge"
    COMMENT = "comment"
    CHOOSE_METHOD = "choose_method"
    RANK = "rank"
    SEE_TURNOUT = "see_turnout"     # how many have ranked, never the standings
    SEE_RESULT = "see_result"


P = Phase
A = ProposalAction
ALL = frozenset(Phase)
TALK = frozenset({P.DELIBERATION, P.RANKING})
DRAFTING = frozenset({P.DELIBERATION})
BEFORE_RANKING = ALL - {P.RANKING, P.CLOSED}

_RULES: dict[tuple[RoomRole, ProposalAction], frozenset[Phase]] = {
    (RoomRole.RESIDENT, A.READ): ALL,
    (RoomRole.OBSERVER, A.READ): ALL,
    (RoomRole.FACILITATOR, A.READ): ALL,
    (RoomRole.RESIDENT, A.DRAFT): DRAFTING,
    (RoomRole.RESIDENT, A.EDIT): DRAFTING,
    (RoomRole.RESIDENT, A.AMEND): DRAFTING,
    (RoomRole.RESIDENT, A.DECIDE_AMENDMENT): DRAFTING,
    (RoomRole.FACILITATOR, A.DECIDE_AMENDMENT): DRAFTING,
    (RoomRole.RESIDENT, A.WITHDRAW): DRAFTING,
    (RoomRole.FACILITATOR, A.MERGE): DRAFTING,
    (RoomRole.RESIDENT, A.COMMENT): TALK,
    (RoomRole.FACILITATOR, A.COMMENT): TALK,
    (RoomRole.FACILITATOR, A.CHOOSE_METHOD): BEFORE_RANKING,
    (RoomRole.RESIDENT, A.RANK): frozenset({P.RANKING}),
    (RoomRole.RESIDENT, A.SEE_TURNOUT): frozenset({P.RANKING, P.CLOSED}),
    (RoomRole.OBSERVER, A.SEE_TURNOUT): frozenset({P.RANKING, P.CLOSED}),
    (RoomRole.FACILITATOR, A.SEE_TURNOUT): frozenset({P.RANKING, P.CLOSED}),
    (RoomRole.RESIDENT, A.SEE_RESULT): frozenset({P.CLOSED}),
    (RoomRole.OBSERVER, A.SEE_RESULT): frozenset({P.CLOSED}),
    (RoomRole.FACILITATOR, A.SEE_RESULT): frozenset({P.CLOSED}),
}

TABLE: dict[tuple[Phase, RoomRole, ProposalAction], bool] = {
    (phase, role, action): phase in _RULES.get((role, action), frozenset())
    for phase in Phase for role in RoomRole for action in ProposalAction
}

READ_ONLY = frozenset({A.READ, A.SEE_TURNOUT, A.SEE_RESULT})


def allowed(phase: Phase, role: RoomRole, action: ProposalAction, paused: bool = False) -> bool:
    """The table's answer; while the session is paused participants may only read."""
    if paused and role is not RoomRole.FACILITATOR and action not in READ_ONLY:
        return False
    return TABLE[(phase, role, action)]


def refusal(phase: Phase, role: RoomRole, action: ProposalAction, paused: bool = False) -> str:
    """The message a refused person reads."""
    if role in (RoomRole.EXPERT, RoomRole.WITHDRAWN):
        return "Experts do not see the residents' proposals or rankings."
    if paused and TABLE[(phase, role, action)]:
        return "The session is paused; wait for the facilitator to resume it."
    if action is A.SEE_RESULT:
        return "The ranking is shown when the ranking phase has closed; until then nobody sees the standings."
    what = action.value.replace("_", " ")
    article = "an" if role.value[0] in "aeiou" else "a"
    return f"As {article} {role} you cannot {what} during {phase.value.replace('_', ' ')}."


@dataclass(frozen=True, slots=True)
class ProposalText:
    """What an edit or amendment sets: everything but the provenance."""

    title: str
    description: str
    cost_minor: int
    category: str

    def to_dict(self) -> dict[str, object]:
        return {"title": self.title, "description": self.description,
                "cost_minor": self.cost_minor, "category": self.category}


def clean_text(title: str, description: str, cost_minor: int, category: str) -> ProposalText:
    """Trimmed text, or Invalid naming the field to fix."""
    text = ProposalText(title.strip(), description.strip(), cost_minor, category.strip())
    if not 1 <= len(text.title) <= 120:
        raise Invalid("Give the proposal a title of 1 to 120 characters.")
    if not 1 <= len(text.description) <= 4000:
        raise Invalid("Describe the proposal in 1 to 4000 characters.")
    if not 0 < text.cost_minor <= 10**13:
        raise Invalid("The estimated cost must be above zero.")
    if len(text.category) > 60:
        raise Invalid("A category is at most 60 characters.")
    return text


class EditConflict(Conflict):
    """An edit or amendment was based on a revision that is no longer current.

    Carries the current text and the refused one, so the person can compare
    and try again: nothing they typed is lost.
    """

    def __init__(self, message: str, revision: int, current: ProposalText, yours: ProposalText) -> None:
        super().__init__(message)
        self.revision = revision
        self.current = current
        self.yours = yours
