"""The four satisfactions of docs/tally.md: per-ballot weights and per-project totals.

A voter's satisfaction with a set of funded projects is the sum of their
utilities for those projects (pabutools 1.2.3):

- `cost` (`Cost_Sat`): a project on the ballot is worth its cost;
- `cardinality` (`Cardinality_Sat`): 1 per project on the ballot;
- `additive` (`Additive_Cardinal_Sat`): the points given (cumulative and
  scoring ballots only);
- `borda` (`Additive_Borda_Sat`): ballot length - position - 1, so the
  last-ranked project scores 0 (ordinal ballots only).

Cost and cardinality ignore points and ranks: a project given 0 points is
still "on the ballot", as in pabutools.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction

import numpy as np

from budget.engine.election import BallotTable, Election, IntArray, VoteType

Utility = int | Fraction


class Satisfaction(StrEnum):
    COST = "cost"
    CARDINALITY = "cardinality"
    ADDITIVE = "additive"
    BORDA = "borda"


class SatisfactionError(ValueError):
    """The ballots of this election cannot give the requested satisfaction."""


ALLOWED: dict[Satisfaction, frozenset[VoteType]] = {
    Satisfaction.COST: frozenset(VoteType),
    Satisfaction.CARDINALITY: frozenset(VoteType),
    Satisfaction.ADDITIVE: frozenset({VoteType.CUMULATIVE, VoteType.SCORING}),
    Satisfaction.BORDA: frozenset({VoteType.ORDINAL}),
}


def check_satisfaction(election: Election, satisfaction: Satisfaction) -> None:
    """Raise SatisfactionError if the vote type cannot give `satisfaction`."""
    if election.vote_type not in ALLOWED[satisfaction]:
        kinds = ", ".join(sorted(ALLOWED[satisfaction]))
        raise SatisfactionError(
            f"satisfaction {satisfaction} needs {kinds} ballots; this file has {election.vote_type} ballots"
        )


def supporter_counts(election: Election) -> tuple[int, ...]:
    """How many ballots name each project (any vote type)."""
    table = election.ballot_table()
    return tuple(table.per_project(table.count[table.group], len(election.projects)))


def weights(table: BallotTable, satisfaction: Satisfaction) -> IntArray:
    """Per entry of `table.project`, the integer weight w such that the voter's
    satisfaction with that project is scale * w, where scale is the project's
    cost under cost satisfaction and 1 otherwise; 0 means no satisfaction."""
    if satisfaction is Satisfaction.ADDITIVE:
        # No points at all (no ballots, or ballots built in code without
        # them): every project is worth 0, as a missing points list was.
        return table.points if table.points is not None else np.zeros(len(table.project), dtype=np.int64)
    if satisfaction is Satisfaction.BORDA:
        lengths = table.lengths
        rank = np.arange(len(table.project), dtype=np.int64) - np.repeat(table.start[:-1], lengths)
        return np.repeat(lengths, lengths) - rank - 1
    return np.ones(len(table.project), dtype=np.int64)


@dataclass(frozen=True, slots=True)
class Totals:
    """Per project: ballots naming it, and the sum of its utilities."""

    satisfaction: Satisfaction
    supporters: tuple[int, ...]
    totals: tuple[Utility, ...]


def project_totals(election: Election, satisfaction: Satisfaction) -> Totals:
    """Supporters and total utility per project: what greedy ranks by."""
    check_satisfaction(election, satisfaction)
    table = election.ballot_table()
    n = len(election.projects)
    voters = table.count[table.group]
    supporters = table.per_project(voters, n)
    totals: list[Utility]
    if satisfaction is Satisfaction.COST:
        totals = [int(p.cost) * s if p.cost.denominator == 1 else p.cost * s
                  for p, s in zip(election.projects, supporters)]
    elif satisfaction is Satisfaction.CARDINALITY:
        totals = list(supporters)
    else:
        totals = list(table.per_project(weights(table, satisfaction) * voters, n))
    return Totals(satisfaction, tuple(supporters), tuple(totals))
