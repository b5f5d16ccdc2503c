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
`ProfileWithTies`; the search is in `ranking_runoff_winners`.

Full order: the winner, then the others in reverse order of elimination.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from inquiry.ranking.profile import PairwiseTable, Profile
from inquiry.ranking.result import Method, RankingResult, Reason, tie_break_text
from inquiry.ranking.runoff_count import runoff_winners, tally


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
    winners, complete = runoff_winners(profile)
    return RankingResult(
        method=Method.INSTANT_RUNOFF,
        candidates=names,
        ballots=len(profile.ballots),
        winners=frozenset(names[i] for i in winners) | {order[0]},
        winners_complete=complete,
        order=order,
        pairwise=table,
        reasons=tuple(_reason(a, r) for a, r in zip(order, reversed(rounds))),
        detail=RunoffDetail(tuple(rounds)),
    )


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
