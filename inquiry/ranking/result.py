"""What every ranking method returns: winners, full order, and reasons.

`winners` is the set of proposals the method ranks first *before* the
tie-break; `order` is the full order *after* it, so `order[0]` is always in
`winners`, and the tie-break decided the winner exactly when `winners` has
more than one member. `reasons[k]` explains why `order[k]` sits above
`order[k + 1]`.

Ranked pairs and instant-runoff find `winners` by a search (the problem is
NP-hard). When the search runs out of budget, `winners_complete` is False
and `winners` holds the winners it did find, `order[0]` among them; the
order and reasons are unaffected.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from inquiry.ranking.profile import PairwiseTable


class Method(StrEnum):
    SCHULZE = "schulze"
    RANKED_PAIRS = "ranked_pairs"
    BORDA = "borda"
    INSTANT_RUNOFF = "instant_runoff"


class RankingTooHardError(RuntimeError):
    """Never raised since `winners_complete` was added; kept for existing callers.

    The first version raised it when a winner search ran out of budget; now
    `rank` returns the result with `winners_complete=False` instead.
    """


class Detail(Protocol):
    """Method-specific figures behind the reasons (scores, rounds, paths)."""

    def to_dict(self) -> dict[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Reason:
    """Why `above` is ranked directly above `below`.

    `by_tie_break` is true when the method found the two equally good and the
    published tie-break order placed them.
    """

    above: str
    below: str
    text: str
    by_tie_break: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "above": self.above,
            "below": self.below,
            "text": self.text,
            "by_tie_break": self.by_tie_break,
        }


@dataclass(frozen=True, slots=True)
class RankingResult:
    method: Method
    candidates: tuple[str, ...]
    ballots: int
    winners: frozenset[str]
    winners_complete: bool
    order: tuple[str, ...]
    pairwise: PairwiseTable
    reasons: tuple[Reason, ...]
    detail: Detail

    @property
    def winner(self) -> str:
        """The first proposal of the full order (after the tie-break)."""
        return self.order[0]

    @property
    def decided_by_tie_break(self) -> bool:
        return len(self.winners) > 1

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form; `winners` are listed in full-order position."""
        return {
            "method": self.method.value,
            "tie_break_order": list(self.candidates),
            "ballots": self.ballots,
            "winner": self.winner,
            "winners_before_tie_break": [c for c in self.order if c in self.winners],
            "winners_complete": self.winners_complete,
            "decided_by_tie_break": self.decided_by_tie_break,
            "order": list(self.order),
            "pairwise": self.pairwise.to_dict(),
            "reasons": [r.to_dict() for r in self.reasons],
            "detail": self.detail.to_dict(),
        }


def tie_break_text(above: str, below: str) -> str:
    """The clause every method appends when the tie-break placed a pair."""
    return f"the tie-break order lists {above} before {below}"
