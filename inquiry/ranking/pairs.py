"""Ranked pairs (Tideman), with margins.

Every pair (a, b) with margin(a, b) >= 0 is taken in turn, largest margin
first, and locked unless b already ranks above a through pairs locked
before it. Equal margins are taken in the order of the published tie-break
order on (a, b), lexicographically, which is Tideman's TBRC (Zavist and
Tideman 1989) and `pref_voting.margin_based_methods.ranked_pairs_tb` with
`tie_breaker` = the candidate list. A tied pair (margin 0) is taken only as
(earlier-listed, later-listed): the reverse would always be skipped. The
locked pairs then order every two proposals: that is the full order.

Winners before the tie-break: every proposal that comes first under *some*
order of equal-margin pairs (parallel-universe tie-breaking), which is what
`pref_voting.margin_based_methods.ranked_pairs` returns; the search is in
`ranking_pairs_winners`.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby, pairwise
from typing import Any

from inquiry.ranking.pairs_lock import Lock
from inquiry.ranking.pairs_winners import possible_winners
from inquiry.ranking.profile import PairwiseTable, Profile
from inquiry.ranking.result import Method, RankingResult, Reason, tie_break_text


@dataclass(frozen=True, slots=True)
class Turn:
    """One pair as the locking pass met it."""

    winner: str
    loser: str
    votes_for: int
    votes_against: int
    locked: bool

    @property
    def margin(self) -> int:
        return self.votes_for - self.votes_against

    def to_dict(self) -> dict[str, Any]:
        return {
            "winner": self.winner,
            "loser": self.loser,
            "for": self.votes_for,
            "against": self.votes_against,
            "margin": self.margin,
            "locked": self.locked,
        }


@dataclass(frozen=True, slots=True)
class RankedPairsDetail:
    turns: tuple[Turn, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"turns": [t.to_dict() for t in self.turns]}


def ranked_pairs(profile: Profile, table: PairwiseTable) -> RankingResult:
    """Rank by ranked pairs; see the module docstring for the rule."""
    m = profile.size
    margins = table.margins()
    edges = sorted(
        (
            (a, b)
            for a in range(m)
            for b in range(m)
            if a != b and (margins[a][b] > 0 or (margins[a][b] == 0 and a < b))
        ),
        key=lambda e: (-margins[e[0]][e[1]], e),
    )
    lock = Lock.empty(m)
    locked: list[bool] = []
    for a, b in edges:
        locked.append(lock.allows(a, b))
        lock = lock.add(a, b) if locked[-1] else lock
    order = sorted(range(m), key=lock.below_count, reverse=True)
    positive = (e for e in edges if margins[e[0]][e[1]] > 0)
    groups = [list(group) for _, group in groupby(positive, key=lambda e: margins[e[0]][e[1]])]
    winners, complete = possible_winners(margins, groups)
    names = profile.candidates
    turns = tuple(
        Turn(names[a], names[b], table.counts[a][b], table.counts[b][a], ok)
        for (a, b), ok in zip(edges, locked)
    )
    return RankingResult(
        method=Method.RANKED_PAIRS,
        candidates=names,
        ballots=len(profile.ballots),
        winners=frozenset(names[i] for i in winners | {order[0]}),
        winners_complete=complete,
        order=tuple(names[i] for i in order),
        pairwise=table,
        reasons=tuple(_reason(turns, names[a], names[b]) for a, b in pairwise(order)),
        detail=RankedPairsDetail(turns),
    )


def _reason(turns: tuple[Turn, ...], above: str, below: str) -> Reason:
    # Adjacent proposals are ordered by a pair locked directly: a path through
    # a third proposal would put that proposal between them.
    number, turn = next(
        (k, t) for k, t in enumerate(turns, 1) if (t.winner, t.loser) == (above, below) and t.locked
    )
    if turn.margin == 0:
        text = (
            f"{above} ranks above {below}: they are tied head to head ({turn.votes_for} to {turn.votes_against}) "
            f"and no locked majority orders them; {tie_break_text(above, below)}"
        )
        return Reason(above, below, text, True)
    text = (
        f"{above} ranks above {below}: the majority for {above} over {below} ({turn.votes_for} to "
        f"{turn.votes_against}, margin {turn.margin}) was locked at turn {number} of {len(turns)}, "
        f"as no majority locked before it contradicted it"
    )
    if any(t.margin == turn.margin and not t.locked for t in turns):
        text += "; pairs with equal margins are taken in tie-break order"
    return Reason(above, below, text, False)
