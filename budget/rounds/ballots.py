"""Checking one resident's ballot against the round's limits.

A cast ballot is a tuple of candidate ids (rank order for ordinal ballots)
and, for points ballots, the points given to each. Messages speak to the
resident: what is wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass

from budget.rounds.config import BallotKind, RoundConfig
from inquiry.kernel.money import format_money


class BallotError(ValueError):
    """The ballot breaks one of the round's limits; the message says how to fix it."""


@dataclass(frozen=True, slots=True)
class CastBallot:
    projects: tuple[str, ...]
    points: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, object]:
        return {"projects": list(self.projects), "points": None if self.points is None else list(self.points)}



def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _check_points(config: RoundConfig, ballot: CastBallot) -> CastBallot:
    total = config.ballot.total_points or 0
    if ballot.points is None or len(ballot.points) != len(ballot.projects):
        raise BallotError("Give a number of points to each project you choose.")
    if any(p < 0 for p in ballot.points):
        raise BallotError("Points cannot be negative.")
    given = sum(ballot.points)
    if given > total:
        raise BallotError(f"You gave {_plural(given, 'point')}, but you have {total} to share. "
                          f"Take {_plural(given - total, 'point')} away.")
    kept = [(pid, pts) for pid, pts in zip(ballot.projects, ballot.points) if pts > 0]
    if not kept:
        raise BallotError("Give at least one point to a project.")
    return CastBallot(tuple(pid for pid, _ in kept), tuple(pts for _, pts in kept))


def validate_ballot(config: RoundConfig, ballot: CastBallot) -> CastBallot:
    """The ballot as it will be counted, or BallotError saying what to change."""
    for pid in ballot.projects:
        if config.candidate(pid) is None:
            raise BallotError("Your ballot names a project that is not in this round. Reload the page and try again.")
    if len(set(ballot.projects)) != len(ballot.projects):
        raise BallotError("Each project can appear only once on your ballot.")
    kind, limit = config.ballot.kind, config.ballot.max_count
    if kind is BallotKind.CUMULATIVE:
        return _check_points(config, ballot)
    if ballot.points is not None:
        raise BallotError("This ballot does not take points.")
    if not ballot.projects:
        raise BallotError("Choose at least one project." if kind is not BallotKind.ORDINAL
                          else "Rank at least one project.")
    if limit is not None and len(ballot.projects) > limit:
        verb = "ranked" if kind is BallotKind.ORDINAL else "chose"
        raise BallotError(f"You {verb} {_plural(len(ballot.projects), 'project')}; you may choose at most "
                          f"{limit}. Remove {len(ballot.projects) - limit}.")
    if kind is BallotKind.KNAPSACK:
        cap = config.ballot.max_cost_minor or 0
        spent = sum(c.cost_minor for c in config.candidates if c.id in ballot.projects)
        if spent > cap:
            raise BallotError(
                f"Your choices cost {format_money(spent, config.currency)}, which is {format_money(spent - cap, config.currency)} "
                f"over the {format_money(cap, config.currency)} you can spend. Remove a project or choose cheaper ones."
            )
    return ballot
