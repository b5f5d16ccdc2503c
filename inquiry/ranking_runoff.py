"""Instant-runoff for partial ballots.

Each round, every ballot counts for the first proposal on it still in the
count; a ballot naming none of them is exhausted and counts for nobody. The
proposal with the fewest votes is eliminated; among several with the
fewest, the one listed *last* in the tie-break order goes (so the earlier
listed stays, as in the other methods). Counting goes on until one proposal
is left, so every proposal gets a place; a proposal with a majority of the
continuing ballots can never have the fewest, so stopping at a majority
would not change the winner.

This is `pref_voting.iterative_methods.instant_runoff_tb` on a
`ProfileWithTies` with `tie_breaker` = the candidate list reversed.

Winners before the tie-break: every proposal left last under *some* choice
among tied lowest proposals (parallel-universe tie-breaking), as
`pref_voting.iterative_methods.instant_runoff_put` returns for a
`ProfileWithTies`.

Full order: the winner, then the others in reverse order of elimination.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from inquiry.ranking_profile import PairwiseTable, Profile
from inquiry.ranking_result import (
    Method,
    RankingResult,
    RankingTooHardError,
    Reason,
    tie_break_text,
)

STATE_BUDGET = 20_000
"""Sets of continuing proposals the winner search may tally."""

Explore = Callable[[frozenset[int]], frozenset[int]]


@dataclass(frozen=True, slots=True)
class Round:
    """One count: `votes` for every continuing proposal, in tie-break order."""

    number: int
    votes: tuple[tuple[str, int], ...]
    exhausted: int
    eliminated: str
    fewest: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "round": self.number,
            "votes": dict(self.votes),
            "exhausted": self.exhausted,
            "eliminated": self.eliminated,
            "tied_for_fewest": list(self.fewest),
        }


@dataclass(frozen=True, slots=True)
class RunoffDetail:
    rounds: tuple[Round, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"rounds": [r.to_dict() for r in self.rounds]}


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


def instant_runoff(profile: Profile, table: PairwiseTable) -> RankingResult:
    """Rank by instant-runoff; see the module docstring for the rule."""
    names = profile.candidates
    continuing = frozenset(range(profile.size))
    rounds: list[Round] = []
    while len(continuing) > 1:
        votes, exhausted = tally(profile, continuing)
        fewest = [i for i, n in votes.items() if n == min(votes.values())]
        out = fewest[-1]
        rounds.append(
            Round(
                len(rounds) + 1,
                tuple((names[i], n) for i, n in votes.items()),
                exhausted,
                names[out],
                tuple(names[i] for i in fewest),
            )
        )
        continuing -= {out}
    order = (names[next(iter(continuing))],) + tuple(r.eliminated for r in reversed(rounds))
    return RankingResult(
        method=Method.INSTANT_RUNOFF,
        candidates=names,
        ballots=len(profile.ballots),
        winners=frozenset(names[i] for i in runoff_winners(profile)),
        order=order,
        pairwise=table,
        reasons=tuple(_reason(a, r) for a, r in zip(order, reversed(rounds))),
        detail=RunoffDetail(tuple(rounds)),
    )


def runoff_winners(profile: Profile, budget: int = STATE_BUDGET) -> frozenset[int]:
    """Every proposal left last under some choice among tied lowest ones."""
    memo: dict[frozenset[int], frozenset[int]] = {}
    visited = 0

    def explore(continuing: frozenset[int]) -> frozenset[int]:
        nonlocal visited
        if len(continuing) == 1:
            return continuing
        if continuing not in memo:
            visited += 1
            if visited > budget:
                raise RankingTooHardError(
                    f"instant-runoff: ties for fewest votes leave over {budget} sets of continuing "
                    "proposals to search for the winners before the tie-break"
                )
            memo[continuing] = _branch(profile, continuing, explore)
        return memo[continuing]

    return explore(frozenset(range(profile.size)))


def _branch(profile: Profile, continuing: frozenset[int], explore: Explore) -> frozenset[int]:
    votes, _ = tally(profile, continuing)
    unvoted = frozenset(i for i, n in votes.items() if n == 0)
    if unvoted == continuing:
        return continuing  # all tied on nothing: any one of them can be left last
    if unvoted:
        # Proposals with no votes gain none while they wait, and eliminating
        # one moves no ballot, so every order removes all of them first.
        return explore(continuing - unvoted)
    low = min(votes.values())
    found: set[int] = set()
    for i in (i for i, n in votes.items() if n == low):
        found |= explore(continuing - {i})
    return frozenset(found)


def _reason(above: str, round_: Round) -> Reason:
    votes = dict(round_.votes)
    below = round_.eliminated
    if above in round_.fewest:
        text = (
            f"{above} ranks above {below}: {below} was eliminated in round {round_.number}, "
            f"tied with {above} for the fewest votes ({votes[below]}); {tie_break_text(above, below)}"
        )
        return Reason(above, below, text, True)
    text = (
        f"{above} ranks above {below}: {below} was eliminated in round {round_.number} "
        f"with the fewest votes ({votes[below]}; {above} had {votes[above]})"
    )
    return Reason(above, below, text, False)
