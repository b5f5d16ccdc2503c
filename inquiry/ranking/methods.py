"""Transparent aggregation of the ranking phase.

`rank(candidates, ballots, method)` counts residents' ranked ballots by one
of four published methods and says why each proposal sits where it does.

- A ballot is a sequence of proposal ids, best first. It may stop early
  (unranked proposals count below all ranked ones, tied among themselves)
  or be empty. An unknown id, a repeated id, or a bare string is refused
  with `BallotError`.
- The order of `candidates` is the published tie-break order: wherever a
  method finds two proposals equally good, the one listed first goes
  higher. Publish the list (or the seed that shuffled it) before voting.
- Schulze is the default. The rules, and the `pref_voting` functions each
  matches, are in `docs/ranking.md` and in each method's module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from inquiry.ranking.borda import borda
from inquiry.ranking.pairs import ranked_pairs
from inquiry.ranking.profile import (
    BallotError,
    PairwiseTable,
    Profile,
    make_profile,
    pairwise_table,
)
from inquiry.ranking.result import Method, RankingResult, RankingTooHardError, Reason
from inquiry.ranking.runoff import instant_runoff
from inquiry.ranking.schulze import schulze

__all__ = [
    "BallotError",
    "Method",
    "PairwiseTable",
    "RankingResult",
    "RankingTooHardError",
    "Reason",
    "rank",
]

_METHODS: dict[Method, Callable[[Profile, PairwiseTable], RankingResult]] = {
    Method.SCHULZE: schulze,
    Method.RANKED_PAIRS: ranked_pairs,
    Method.BORDA: borda,
    Method.INSTANT_RUNOFF: instant_runoff,
}


def rank(
    candidates: Sequence[str],
    ballots: Iterable[Sequence[str]],
    method: Method = Method.SCHULZE,
) -> RankingResult:
    """Count `ballots` over `candidates` (in tie-break order) by `method`."""
    profile = make_profile(candidates, ballots)
    return _METHODS[Method(method)](profile, pairwise_table(profile))
