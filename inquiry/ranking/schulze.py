"""Schulze (beat path), with margins as link strengths.

There is a link a→b when more ballots put a above b than b above a; its
strength is that margin. A path's strength is its weakest link, and p[a][b]
is the strength of the strongest path from a to b (0 when there is none).
a beats b when p[a][b] > p[b][a]; this relation is transitive (proved in
Schulze 2011, Social Choice and Welfare 36). Winners: the proposals nobody
beats, which is what `pref_voting.margin_based_methods.beat_path` returns.

Full order: repeatedly take, among the proposals not yet placed, those no
other unplaced proposal beats, and place the one listed first in the
tie-break order.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from inquiry.ranking.profile import PairwiseTable, Profile
from inquiry.ranking.result import Method, RankingResult, Reason, tie_break_text


@dataclass(frozen=True, slots=True)
class SchulzeDetail:
    """`strength[a][b]`: the strongest path from a to b, by candidate index."""

    candidates: tuple[str, ...]
    strength: tuple[tuple[int, ...], ...]

    def to_dict(self) -> dict[str, Any]:
        names = self.candidates
        return {
            "strongest_paths": {
                names[i]: {names[j]: s for j, s in enumerate(row) if j != i}
                for i, row in enumerate(self.strength)
            }
        }


def strongest_paths(margins: list[list[int]]) -> list[list[int]]:
    """Widest-path Floyd–Warshall over the links with a positive margin."""
    m = len(margins)
    p = [[max(margins[i][j], 0) if i != j else 0 for j in range(m)] for i in range(m)]
    for k in range(m):
        for i in range(m):
            if i == k or p[i][k] == 0:
                continue
            for j in range(m):
                if j != i and j != k:
                    p[i][j] = max(p[i][j], min(p[i][k], p[k][j]))
    return p


def path_of(margins: list[list[int]], start: int, end: int, strength: int) -> list[int]:
    """A path from `start` to `end` whose links all have at least `strength`.

    Breadth-first, trying neighbours in tie-break order, so the path shown is
    the shortest such path and the same on every recount.
    """
    came_from = {start: start}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        if node == end:
            break
        for nxt in range(len(margins)):
            if nxt not in came_from and margins[node][nxt] >= strength > 0:
                came_from[nxt] = node
                queue.append(nxt)
    if end not in came_from:
        raise ValueError(f"no path of strength {strength} from {start} to {end}")
    path = [end]
    while path[-1] != start:
        path.append(came_from[path[-1]])
    return path[::-1]


def schulze(profile: Profile, table: PairwiseTable) -> RankingResult:
    """Rank by Schulze; see the module docstring for the rule."""
    margins = table.margins()
    p = strongest_paths(margins)
    m = profile.size
    beaten = [[p[j][i] > p[i][j] for j in range(m)] for i in range(m)]
    winners = [i for i in range(m) if not any(beaten[i])]
    order: list[int] = []
    left = list(range(m))
    while left:
        top = next(i for i in left if not any(beaten[i][j] for j in left))
        order.append(top)
        left.remove(top)
    names = profile.candidates
    return RankingResult(
        method=Method.SCHULZE,
        candidates=names,
        ballots=len(profile.ballots),
        winners=frozenset(names[i] for i in winners),
        winners_complete=True,
        order=tuple(names[i] for i in order),
        pairwise=table,
        reasons=tuple(_reason(names, margins, p, a, b) for a, b in pairwise(order)),
        detail=SchulzeDetail(names, tuple(tuple(row) for row in p)),
    )


def _reason(names: tuple[str, ...], margins: list[list[int]], p: list[list[int]], a: int, b: int) -> Reason:
    ahead, behind = names[a], names[b]
    if p[a][b] == p[b][a]:
        if p[a][b] == 0:
            why = f"neither {ahead} nor {behind} has a beat path to the other"
        else:
            why = f"the strongest paths between {ahead} and {behind} both have strength {p[a][b]}"
        return Reason(
            ahead, behind, f"{ahead} ranks above {behind}: {why}; {tie_break_text(ahead, behind)}", True
        )
    route = "→".join(names[i] for i in path_of(margins, a, b, p[a][b]))
    if p[b][a] == 0:
        against = f"{behind} has no beat path to {ahead}"
    else:
        back = "→".join(names[i] for i in path_of(margins, b, a, p[b][a]))
        against = f"{behind}'s strongest path back, {back}, has strength {p[b][a]}"
    text = f"{ahead} ranks above {behind}: the strongest path {route} has strength {p[a][b]}, while {against}"
    return Reason(ahead, behind, text, False)
