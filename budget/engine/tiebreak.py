"""Tie-breaks between projects that a rule finds equally good.

- `lexicographic` (pabutools' default): the project id compared as a string,
  so "10" comes before "9".
- `min-cost-max-votes` (equalshares.net's): lowest cost first, then most
  supporters (ballots naming the project); a tie left after both falls back to
  `lexicographic`, and `decided_by` says so.

Rules call `TieOrder.of(election, tie_break)` once and then compare projects
by `order.rank[j]` (lower wins) or `order.first(candidates)`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

from budget.engine.election import Election
from budget.engine.satisfaction import supporter_counts


class TieBreak(StrEnum):
    LEXICOGRAPHIC = "lexicographic"
    MIN_COST_MAX_VOTES = "min-cost-max-votes"


class Criterion(StrEnum):
    """What separated two tied projects, as explanations report it."""

    COST = "lower cost"
    SUPPORTERS = "more supporters"
    PROJECT_ID = "project id (lexicographic)"


@dataclass(frozen=True, slots=True)
class TieOrder:
    """A total order on the projects of one election.

    `rank[j]` is project j's position in the order (0 wins every tie);
    `keys[j]` is the sort key it came from.
    """

    tie_break: TieBreak
    keys: tuple[tuple[Fraction, int, str], ...]
    rank: tuple[int, ...]

    @classmethod
    def of(cls, election: Election, tie_break: TieBreak) -> TieOrder:
        """The order `tie_break` puts on `election`'s projects."""
        if tie_break is TieBreak.LEXICOGRAPHIC:
            keys = tuple((Fraction(0), 0, p.id) for p in election.projects)
        else:
            votes = supporter_counts(election)
            keys = tuple((p.cost, -votes[j], p.id) for j, p in enumerate(election.projects))
        ordered = sorted(range(len(keys)), key=keys.__getitem__)
        rank = [0] * len(keys)
        for position, j in enumerate(ordered):
            rank[j] = position
        return cls(tie_break, keys, tuple(rank))

    def first(self, candidates: Iterable[int]) -> int:
        """The candidate (a project index) this order prefers."""
        return min(candidates, key=self.rank.__getitem__)

    def sort(self, candidates: Iterable[int]) -> list[int]:
        """Candidates best first."""
        return sorted(candidates, key=self.rank.__getitem__)

    def decided_by(self, winner: int, loser: int) -> Criterion:
        """Which criterion put `winner` ahead of `loser`."""
        (cost_w, votes_w, _), (cost_l, votes_l, _) = self.keys[winner], self.keys[loser]
        if cost_w != cost_l:
            return Criterion.COST
        if votes_w != votes_l:
            return Criterion.SUPPORTERS
        return Criterion.PROJECT_ID
