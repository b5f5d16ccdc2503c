"""The locked graph of ranked pairs, and the search over tie-breaking orders.

A candidate is a ranked-pairs winner before the tie-break when it is ranked
above by no one after locking the positive-margin pairs in *some* order that
keeps the margins decreasing. Tied pairs (margin 0) never change this set:
they are taken last and can complete the locked order into any of its linear
extensions, so each undominated candidate can still come first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from inquiry.ranking_result import RankingTooHardError

Edge = tuple[int, int]

STATE_BUDGET = 200_000
"""States the winner search may visit; about a second of work."""


@dataclass(frozen=True, slots=True)
class Lock:
    """`reach[i]`: bitmask of the candidates i ranks above through locked pairs."""

    reach: tuple[int, ...]

    @classmethod
    def empty(cls, size: int) -> Lock:
        return cls((0,) * size)

    def allows(self, a: int, b: int) -> bool:
        """Locking a over b keeps the graph acyclic."""
        return not (self.reach[b] >> a) & 1

    def implies(self, a: int, b: int) -> bool:
        return bool((self.reach[a] >> b) & 1)

    def add(self, a: int, b: int) -> Lock:
        """Lock a over b, with everything it implies."""
        gained = (1 << b) | self.reach[b]
        return Lock(tuple(r | gained if i == a or (r >> a) & 1 else r for i, r in enumerate(self.reach)))

    def below_count(self, i: int) -> int:
        return self.reach[i].bit_count()

    def tops(self) -> frozenset[int]:
        """The candidates nobody ranks above."""
        covered = 0
        for r in self.reach:
            covered |= r
        return frozenset(i for i in range(len(self.reach)) if not (covered >> i) & 1)


def possible_winners(
    size: int, groups: Sequence[Sequence[Edge]], budget: int = STATE_BUDGET
) -> frozenset[int]:
    """Union of `Lock.tops()` over every order of the edges within each group.

    `groups` are the positive-margin edges, one group per margin, strongest
    first. Raises `RankingTooHardError` after visiting `budget` branch states.
    """
    memo: dict[tuple[tuple[int, ...], int, frozenset[Edge]], frozenset[int]] = {}
    visited = 0

    def explore(lock: Lock, g: int, rest: frozenset[Edge]) -> frozenset[int]:
        nonlocal visited
        while True:
            # An edge already implied, or already contradicted, ends the same
            # way in every order: drop it instead of branching on it.
            rest = frozenset(e for e in rest if lock.allows(*e) and not lock.implies(*e))
            if len(rest) == 1:
                lock, rest = lock.add(*next(iter(rest))), frozenset()
            elif rest:
                break
            elif g == len(groups):
                return lock.tops()
            else:
                rest, g = frozenset(groups[g]), g + 1
        key = (lock.reach, g, rest)
        if key not in memo:
            visited += 1
            if visited > budget:
                raise RankingTooHardError(
                    f"ranked pairs: equal margins leave over {budget} tie-breaking states "
                    "to search for the winners before the tie-break"
                )
            memo[key] = frozenset().union(*(explore(lock.add(*e), g, rest - {e}) for e in sorted(rest)))
        return memo[key]

    return explore(Lock.empty(size), 0, frozenset())
