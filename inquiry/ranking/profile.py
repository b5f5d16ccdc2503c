"""Ranking-phase ballots, checked, and the pairwise table they produce.

A ballot names proposals best first. It may stop early: every proposal it
leaves out counts below every proposal it names, and the ones it leaves out
are tied with each other. An empty ballot is allowed and prefers nothing.

The order of `candidates` is the published tie-break order: wherever a method
finds two proposals equally good, the one listed first goes higher.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

Ballot = tuple[str, ...]


class BallotError(ValueError):
    """The candidate list or a ballot cannot be counted as given."""


@dataclass(frozen=True, slots=True)
class Profile:
    """Checked input: proposals in tie-break order, and ballots as indices.

    `ballots[v]` lists candidate indices best first, so index order is also
    the tie-break order (lower index wins every tie).
    """

    candidates: tuple[str, ...]
    ballots: tuple[tuple[int, ...], ...]

    @property
    def size(self) -> int:
        return len(self.candidates)


def make_profile(candidates: Sequence[str], ballots: Iterable[Sequence[str]]) -> Profile:
    """Check `candidates` and `ballots` and index them.

    Raises `BallotError` for an empty or repeated candidate list, and for a
    ballot that names an unknown proposal, names one twice, or is a bare
    string (which would otherwise be read as one proposal per character).
    """
    if isinstance(candidates, str):
        raise BallotError("candidates must be a sequence of proposal ids, not one string")
    if not candidates:
        raise BallotError("cannot rank: there are no candidate proposals")
    index = {c: i for i, c in enumerate(candidates)}
    if len(index) != len(candidates):
        repeated = sorted({c for c in candidates if list(candidates).count(c) > 1})
        raise BallotError(f"candidate list names {', '.join(repeated)} more than once")
    return Profile(tuple(candidates), tuple(_index_ballot(n, b, index) for n, b in enumerate(ballots)))


def _index_ballot(number: int, ballot: Sequence[str], index: dict[str, int]) -> tuple[int, ...]:
    if isinstance(ballot, str):
        raise BallotError(f"ballot {number} is the string {ballot!r}; expected a sequence of proposal ids")
    seen: set[str] = set()
    for proposal in ballot:
        if proposal not in index:
            raise BallotError(f"ballot {number} ranks unknown proposal {proposal!r}")
        if proposal in seen:
            raise BallotError(f"ballot {number} ranks proposal {proposal!r} more than once")
        seen.add(proposal)
    return tuple(index[p] for p in ballot)


@dataclass(frozen=True, slots=True)
class PairwiseTable:
    """`prefer(a, b)`: how many ballots put proposal a above proposal b.

    A ballot puts a above b when it ranks a before b, or ranks a and leaves b
    out. `margin(a, b)` is `prefer(a, b) - prefer(b, a)`.
    """

    candidates: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def prefer(self, a: str, b: str) -> int:
        return self.counts[self.candidates.index(a)][self.candidates.index(b)]

    def margin(self, a: str, b: str) -> int:
        return self.prefer(a, b) - self.prefer(b, a)

    def margins(self) -> list[list[int]]:
        """The margin matrix by candidate index."""
        d = self.counts
        return [[d[i][j] - d[j][i] for j in range(len(d))] for i in range(len(d))]

    def to_dict(self) -> dict[str, dict[str, int]]:
        """`{a: {b: prefer(a, b)}}` for every a != b."""
        names = self.candidates
        return {
            names[i]: {names[j]: n for j, n in enumerate(row) if j != i} for i, row in enumerate(self.counts)
        }


def pairwise_table(profile: Profile) -> PairwiseTable:
    """Count, for every ordered pair, the ballots preferring the first."""
    m = profile.size
    d = [[0] * m for _ in range(m)]
    for ballot in profile.ballots:
        below = set(range(m))
        for a in ballot:
            below.discard(a)
            for b in below:
                d[a][b] += 1
    return PairwiseTable(profile.candidates, tuple(tuple(row) for row in d))
