"""Borda for partial ballots: a proposal scores one point per proposal the
ballot puts below it.

With m proposals, the one ranked k-th gets m - k points and every unranked
proposal gets 0 (they are tied at the bottom, so none is below another).
This is the "domination" Borda score of Terzopoulou and Endriss (2021):
`pref_voting.scoring_methods.borda_for_profile_with_ties` with
`borda_scores=domination_borda_scores` returns the same winners. A full
ballot gives the classic m - 1, m - 2, ..., 0. Ranking one more proposal
gives it points without changing the points of those already ranked.

Full order: by score, highest first; equal scores in tie-break order.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from inquiry.ranking.profile import PairwiseTable, Profile
from inquiry.ranking.result import Method, RankingResult, Reason, tie_break_text


@dataclass(frozen=True, slots=True)
class BordaDetail:
    candidates: tuple[str, ...]
    scores: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"scores": dict(zip(self.candidates, self.scores))}


def borda_scores(profile: Profile) -> list[int]:
    """Points per candidate index; see the module docstring."""
    m = profile.size
    scores = [0] * m
    for ballot in profile.ballots:
        for k, proposal in enumerate(ballot, 1):
            scores[proposal] += m - k
    return scores


def borda(profile: Profile, table: PairwiseTable) -> RankingResult:
    """Rank by Borda; see the module docstring for the rule."""
    scores = borda_scores(profile)
    order = sorted(range(profile.size), key=lambda i: (-scores[i], i))
    names = profile.candidates
    best = max(scores)
    return RankingResult(
        method=Method.BORDA,
        candidates=names,
        ballots=len(profile.ballots),
        winners=frozenset(names[i] for i, s in enumerate(scores) if s == best),
        winners_complete=True,
        order=tuple(names[i] for i in order),
        pairwise=table,
        reasons=tuple(_reason(names[a], names[b], scores[a], scores[b]) for a, b in pairwise(order)),
        detail=BordaDetail(names, tuple(scores)),
    )


def _reason(above: str, below: str, score_above: int, score_below: int) -> Reason:
    if score_above == score_below:
        text = f"{above} ranks above {below}: both have a Borda score of {score_above}; {tie_break_text(above, below)}"
        return Reason(above, below, text, True)
    text = f"{above} ranks above {below}: Borda score {score_above} against {score_below}"
    return Reason(above, below, text, False)
