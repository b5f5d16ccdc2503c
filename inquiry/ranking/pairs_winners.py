"""Ranked-pairs winners before the tie-break: the search over equal margins.

A candidate is a winner when nobody ranks above it after locking the
positive-margin pairs in *some* order that keeps margins decreasing. Tied
pairs (margin 0) never change this set: taken last, they can complete the
locked graph into any of its linear extensions.

Deciding this is NP-hard (Brill and Fischer 2012), so the search prunes:

- `surely_beaten` rules a candidate out without searching;
- within a group of equal margins, a pair on no cycle of (locked pairs +
  the group's pairs) is locked at once: no order can skip it, and it can
  skip no other pair of the group, since skipping needs a cycle through both;
- each candidate is searched for with pairs widening what it ranks above
  first and pairs into it last; a branch stops as soon as someone ranks
  above it, or when `_doomed` shows someone will in every order.

Past `STATE_BUDGET` branch states the search stops and reports the winners
found so far (each of them a genuine winner) as incomplete.
"""

from __future__ import annotations

from collections.abc import Sequence

from inquiry.ranking.pairs_lock import Edge, Lock
from inquiry.ranking.schulze import strongest_paths

STATE_BUDGET = 1_000
"""Branch states over all candidates: 1-2 ms each at 20 proposals, so about a second."""

State = tuple[tuple[int, ...], int, frozenset[Edge]]


class _OutOfBudget(Exception):
    pass


def possible_winners(
    margins: Sequence[Sequence[int]], groups: Sequence[Sequence[Edge]], budget: int | None = None
) -> tuple[frozenset[int], bool]:
    """The winners, and whether the list is complete (False: out of budget).

    `groups` are the positive-margin pairs, one group per margin, strongest
    first. `budget` defaults to `STATE_BUDGET`, read at call time.
    """
    search = _WitnessSearch(len(margins), groups, STATE_BUDGET if budget is None else budget)
    paths = strongest_paths([list(row) for row in margins])
    try:
        for target in range(len(margins)):
            if target not in search.found and not surely_beaten(margins, paths, target):
                search.run(target)
    except _OutOfBudget:
        return frozenset(search.found), False
    return frozenset(search.found), True


def surely_beaten(margins: Sequence[Sequence[int]], paths: Sequence[Sequence[int]], a: int) -> bool:
    """Some b beats a by more than the strength of a's strongest path to b.

    The pair b>a, of margin s, is skipped only if a already ranks above b
    through pairs locked before it, all of margin s or more: a path from a to
    b of strength s. Without one, b>a is locked in every order.
    """
    return any(margins[b][a] > 0 and margins[b][a] > paths[a][b] for b in range(len(margins)))


class _WitnessSearch:
    """Depth-first search for an order of equal margins leaving a target on top.

    `found` collects the tops of every complete order reached: all winners.
    """

    def __init__(self, size: int, groups: Sequence[Sequence[Edge]], budget: int) -> None:
        self.size = size
        self.groups = groups
        self.budget = budget
        self.visited = 0
        self.found: set[int] = set()
        self.target = 0
        self.failed: set[State] = set()

    def run(self, target: int) -> bool:
        self.target = target
        self.failed = set()
        return self._search(Lock.empty(self.size), 0, frozenset())

    def _search(self, lock: Lock, g: int, rest: frozenset[Edge]) -> bool:
        while not lock.is_below(self.target):
            # A pair already implied, or already contradicted, ends the same
            # way in every order: drop it instead of branching on it.
            rest = frozenset(e for e in rest if lock.allows(*e) and not lock.implies(*e))
            back = {b: lock.reach_with(b, rest) for b in {e[1] for e in rest}}
            free = [e for e in rest if not (back[e[1]] >> e[0]) & 1]
            if free:
                for e in free:
                    lock = lock.add(*e)
                rest = rest.difference(free)
            elif rest:
                return self._branch(lock, g, rest)
            elif g == len(self.groups):
                self.found |= lock.tops()
                return True
            else:
                rest, g = frozenset(self.groups[g]), g + 1
        return False  # once below another candidate, always: the lock only grows

    def _branch(self, lock: Lock, g: int, rest: frozenset[Edge]) -> bool:
        state = (lock.reach, g, rest)
        if state in self.failed:
            return False
        self.visited += 1
        if self.visited > self.budget:
            raise _OutOfBudget
        if self._doomed(lock, g, rest):
            self.failed.add(state)
            return False
        # Pairs that widen what the target ranks above go first, pairs into
        # it last: the order most likely to leave it on top, so a winner is
        # usually confirmed at once.
        ahead = lock.reach[self.target] | (1 << self.target)

        def hope(e: Edge) -> tuple[int, Edge]:
            return (2 if e[1] == self.target else 0 if (ahead >> e[0]) & 1 else 1), e

        for e in sorted(rest, key=hope):
            if self._search(lock.add(*e), g, rest - {e}):
                return True
        self.failed.add(state)
        return False

    def _doomed(self, lock: Lock, g: int, rest: frozenset[Edge]) -> bool:
        """A pair into the target that every remaining order will lock.

        A pair b>target is skipped only if the target reaches b through pairs
        locked before it, so through the lock plus pairs of this group and the
        groups up to that pair's. Adding all of them over-estimates the reach,
        so a b out of that reach will beat the target in every order.
        """
        target, edges = self.target, rest
        for group in (rest, *self.groups[g:]):
            edges = edges | frozenset(group)
            reach = lock.reach_with(target, edges)
            if any(b_t[1] == target and not (reach >> b_t[0]) & 1 for b_t in group):
                return True
        return False
