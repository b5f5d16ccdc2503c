"""Pabulib `.pb` files: read, write, and the META rules that constrain ballots.

`read_pabulib(path)` and `write_pabulib(election, path)` round trip: reading
what was written gives an equal `Election`. Field meanings follow the Pabulib
format description (Faliszewski et al., arXiv:2305.11035).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from budget.engine.election import Election
from budget.engine.pabulib.error import PabulibError, parse_amount
from budget.engine.pabulib.read import parse_pabulib, read_pabulib
from budget.engine.pabulib.write import format_amount, format_pabulib, write_pabulib

__all__ = [
    "BallotLimits",
    "PabulibError",
    "ballot_limits",
    "format_amount",
    "format_pabulib",
    "parse_amount",
    "parse_pabulib",
    "read_pabulib",
    "score_threshold",
    "write_pabulib",
]


@dataclass(frozen=True, slots=True)
class BallotLimits:
    """What META says a valid ballot looks like; None where the file sets no limit."""

    min_length: int | None = None
    max_length: int | None = None
    min_sum_cost: Fraction | None = None
    max_sum_cost: Fraction | None = None
    min_points: int | None = None
    max_points: int | None = None
    min_sum_points: int | None = None
    max_sum_points: int | None = None


def _meta_int(election: Election, key: str) -> int | None:
    amount = _meta_amount(election, key)
    if amount is None:
        return None
    if amount.denominator != 1:
        raise PabulibError(None, f"META {key} {election.meta[key]!r} is not a whole number")
    return int(amount)


def _meta_amount(election: Election, key: str) -> Fraction | None:
    raw = election.meta.get(key, "").strip()
    if not raw or raw.lower() == "none":
        return None
    return parse_amount(raw, 0, f"META {key}") if raw else None


def ballot_limits(election: Election) -> BallotLimits:
    """The ballot constraints META declares (min/max length, cost, points)."""
    return BallotLimits(
        min_length=_meta_int(election, "min_length"),
        max_length=_meta_int(election, "max_length"),
        min_sum_cost=_meta_amount(election, "min_sum_cost"),
        max_sum_cost=_meta_amount(election, "max_sum_cost"),
        min_points=_meta_int(election, "min_points"),
        max_points=_meta_int(election, "max_points"),
        min_sum_points=_meta_int(election, "min_sum_points"),
        max_sum_points=_meta_int(election, "max_sum_points"),
    )


def score_threshold(election: Election) -> Fraction | None:
    """META `min_project_score_threshold`: the support a project needs to be eligible."""
    return _meta_amount(election, "min_project_score_threshold")
