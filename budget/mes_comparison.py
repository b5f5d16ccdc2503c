"""equalshares.net's comparison step: would more voters rather have greedy's outcome?

A voter prefers an outcome when it funds strictly more of the projects on
their ballot. A voter with no funded project on one side counts too (0 is
fewer than 1). Voters who approve as many on both sides, empty ballots
among them, prefer neither. Wieliczka 2023 (Green Budget): 1,615 voters
prefer the Method of Equal Shares' outcome, 873 greedy's, so MES stands.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from budget.election import Election


@dataclass(frozen=True, slots=True)
class Comparison:
    """How many voters approve strictly more funded projects in ours, and in greedy's."""

    prefer_ours: int
    prefer_greedy: int

    @property
    def greedy_wins(self) -> bool:
        """Greedy's outcome replaces ours only if strictly more voters prefer it."""
        return self.prefer_greedy > self.prefer_ours


def compare(election: Election, ours: Sequence[str], greedy: Sequence[str]) -> Comparison:
    """Count the voters on each side (see the module docstring)."""
    mine, theirs = set(ours), set(greedy)
    prefer_ours = prefer_greedy = 0
    # Identical ballots decide alike: Wroclaw 2015's 131,778 ballots are 197 distinct ones.
    for (projects, _), voters in election.ballot_counts().items():
        approved = set(projects)
        a, b = len(approved & mine), len(approved & theirs)
        if a > b:
            prefer_ours += voters
        elif b > a:
            prefer_greedy += voters
    return Comparison(prefer_ours, prefer_greedy)
