"""Instant-runoff counting: one round's tally, and the search for every
proposal that some choice among tied lowest proposals leaves last.

The search is exponential in the worst case (parallel-universe STV is
NP-hard: Conitzer, Rognlie and Xia 2009). It shortens the tree with the
batch elimination of hand counts: if the k lowest proposals together hold
fewer votes than the next one, every order eliminates all k first (each can
only collect the others' votes, still fewer than the next one's), so they go
together without branching. Past `STATE_BUDGET` branch states it stops and
reports the winners found so far, each a genuine winner, as incomplete.
"""

from __future__ import annotations

from itertools import accumulate

from inquiry.ranking.profile import Profile

STATE_BUDGET = 1_000
"""Sets of continuing proposals to branch on: 1-3 ms each at 30 proposals and 200 ballots."""


def tally(profile: Profile, continuing: frozenset[int]) -> tuple[dict[int, int], int]:
    """Votes per continuing proposal, and the number of exhausted ballots."""
    votes = dict.fromkeys(sorted(continuing), 0)
    exhausted = 0
    for ballot in profile.ballots:
        top = next((p for p in ballot if p in continuing), None)
        if top is None:
            exhausted += 1
        else:
            votes[top] += 1
    return votes, exhausted


def batch(votes: dict[int, int]) -> frozenset[int]:
    """The largest set of lowest proposals whose votes add up to fewer than the next one's."""
    ranked = sorted(votes, key=votes.__getitem__)
    below = [
        k for k, total in enumerate(accumulate(votes[i] for i in ranked[:-1]), 1) if total < votes[ranked[k]]
    ]
    return frozenset(ranked[: max(below, default=0)])


class _OutOfBudget(Exception):
    pass


def runoff_winners(profile: Profile, budget: int | None = None) -> tuple[frozenset[int], bool]:
    """The winners before the tie-break, and whether the list is complete.

    `budget` defaults to `STATE_BUDGET`, read at call time.
    """
    limit = STATE_BUDGET if budget is None else budget
    found: set[int] = set()
    explored: set[frozenset[int]] = set()

    def explore(continuing: frozenset[int]) -> None:
        while len(continuing) > 1:
            if continuing in explored:
                return
            votes, _ = tally(profile, continuing)
            if not any(votes.values()):
                break  # all tied on nothing: any one of them can be left last
            out = batch(votes)
            if not out:
                return branch(continuing, votes)
            continuing -= out
        found.update(continuing)

    def branch(continuing: frozenset[int], votes: dict[int, int]) -> None:
        explored.add(continuing)
        if len(explored) > limit:
            raise _OutOfBudget
        low = min(votes.values())
        for i in (i for i, n in votes.items() if n == low):
            explore(continuing - {i})

    try:
        explore(frozenset(range(profile.size)))
    except _OutOfBudget:
        return frozenset(found), False
    return frozenset(found), True
