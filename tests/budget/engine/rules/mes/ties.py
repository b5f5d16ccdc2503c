"""Small elections built to tie: equal costs, identical ballots and mirrored supporters, so tie-breaks decide.

One builder, two drivers: hypothesis draws the numbers (`tied_elections`,
which shrinks), or a seeded `random.Random` does (`seeded_elections`, for
tests that count how often a fast path answered over a fixed set).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from fractions import Fraction

from hypothesis import strategies as st

from budget.engine.election import Ballot, Election, Project, VoteType

# "10" sorts before "9" as a string; a leading digit and letters mix in the lexicographic tie-break.
IDS = ("1", "2", "9", "10", "a", "b")
VOTE_TYPES = (VoteType.APPROVAL, VoteType.CUMULATIVE, VoteType.ORDINAL, VoteType.CHOOSE_1)
Pick = Callable[[int, int], int]  # an integer in [low, high]


def build(pick: Pick) -> Election:
    """An election whose projects come in mirrored pairs.

    Project `a`'s and `b`'s costs are equal and every ballot comes with its
    mirror (a and b swapped), as many times, so a and b ask the same price
    in every round; the other costs are multiples of one unit, and voters
    repeat ballots, so budgets run out at the same moment too.
    """
    vote_type = VOTE_TYPES[pick(0, len(VOTE_TYPES) - 1)]
    offset, n = pick(0, len(IDS) - 1), pick(2, 6)
    ids = [IDS[(offset + k) % len(IDS)] for k in range(n)]
    unit = (1, 2, 3, 5)[pick(0, 3)]
    costs = {i: Fraction(0) if pick(0, 11) == 0 else Fraction(unit * (1, 1, 1, 2)[pick(0, 3)]) for i in ids}
    a, b = ids[pick(0, n - 1)], ids[pick(0, n - 1)]
    costs[b] = costs[a]
    ballots: list[Ballot] = []
    for _ in range(pick(1, 4)):
        ballot = _ballot(pick, vote_type, ids)
        mirror = Ballot(tuple(b if p == a else a if p == b else p for p in ballot.projects), ballot.points)
        times = pick(1, 3)
        ballots += [ballot] * times + [mirror] * times
    ballots += [Ballot(())] * (pick(0, 3) == 0)  # an empty ballot is a voter too
    budget = Fraction(unit * pick(0, 3 * n), (1, 1, 2, 3)[pick(0, 3)])
    return Election(tuple(Project(i, costs[i]) for i in ids), budget, vote_type, tuple(ballots))


def _ballot(pick: Pick, vote_type: VoteType, ids: list[str]) -> Ballot:
    if vote_type is VoteType.CHOOSE_1:
        k = pick(0, len(ids))
        return Ballot((ids[k],) if k < len(ids) else ())
    chosen = [i for i in ids if pick(0, 2) > 0]
    if vote_type is VoteType.ORDINAL:
        for k in range(len(chosen) - 1, 0, -1):  # a drawn rank order (Fisher-Yates)
            j = pick(0, k)
            chosen[k], chosen[j] = chosen[j], chosen[k]
    points = tuple(pick(0, 3) for _ in chosen) if vote_type is VoteType.CUMULATIVE else None
    return Ballot(tuple(chosen), points)


@st.composite
def tied_elections(draw: st.DrawFn) -> Election:
    return build(lambda low, high: draw(st.integers(low, high)))


def seeded_elections(count: int, seed: int = 11) -> list[Election]:
    """`count` elections from a fixed seed: the same ones on every run."""
    rng = random.Random(seed)
    return [build(rng.randint) for _ in range(count)]
