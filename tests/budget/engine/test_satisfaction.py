"""Satisfactions as utilities, and the written-down tie-breaks."""

from __future__ import annotations

from fractions import Fraction

import pytest

from budget.engine.election import Ballot, Election, Project, VoteType
from budget.engine.satisfaction import Satisfaction, SatisfactionError, project_totals
from budget.engine.tiebreak import Criterion, TieBreak, TieOrder


def _election(vote_type: VoteType, ballots: list[Ballot]) -> Election:
    projects = (Project("9", Fraction(5)), Project("10", Fraction(5)), Project("a", Fraction(3, 2)))
    return Election(projects, Fraction(10), vote_type, tuple(ballots))


RANKED = _election(VoteType.ORDINAL, [Ballot(("a", "9", "10")), Ballot(("10",)), Ballot(())])
POINTS = _election(VoteType.CUMULATIVE, [Ballot(("9", "a"), (3, 0)), Ballot(("9",), (1,))])


@pytest.mark.parametrize(
    ("election", "satisfaction", "totals"),
    [
        # Borda: the last-ranked project of a ballot scores 0.
        (RANKED, Satisfaction.BORDA, (1, 0, 2)),
        (RANKED, Satisfaction.CARDINALITY, (1, 2, 1)),
        (RANKED, Satisfaction.COST, (5, 10, Fraction(3, 2))),
        (POINTS, Satisfaction.ADDITIVE, (4, 0, 0)),
        (POINTS, Satisfaction.COST, (10, 0, Fraction(3, 2))),
    ],
)
def test_total_satisfaction_per_project(election: Election, satisfaction: Satisfaction, totals: tuple[object]) -> None:
    assert project_totals(election, satisfaction).totals == totals


def test_zero_points_still_count_as_support() -> None:
    # pabutools: a project given 0 points is "in" the ballot for cost and cardinality.
    assert project_totals(POINTS, Satisfaction.CARDINALITY).supporters == (2, 0, 1)


@pytest.mark.parametrize(
    ("election", "satisfaction"),
    [(RANKED, Satisfaction.ADDITIVE), (POINTS, Satisfaction.BORDA),
     (_election(VoteType.APPROVAL, []), Satisfaction.ADDITIVE)],
)
def test_satisfaction_the_vote_type_cannot_give(election: Election, satisfaction: Satisfaction) -> None:
    with pytest.raises(SatisfactionError, match=f"satisfaction {satisfaction} needs"):
        project_totals(election, satisfaction)


def test_lexicographic_compares_ids_as_strings() -> None:
    order = TieOrder.of(RANKED, TieBreak.LEXICOGRAPHIC)
    assert order.sort([0, 1, 2]) == [1, 0, 2]  # "10" < "9" < "a"
    assert order.decided_by(1, 0) is Criterion.PROJECT_ID


def test_min_cost_max_votes_then_lexicographic() -> None:
    # a is cheapest; 9 and 10 cost the same, 10 has more supporters in RANKED.
    order = TieOrder.of(RANKED, TieBreak.MIN_COST_MAX_VOTES)
    assert order.sort([0, 1, 2]) == [2, 1, 0]
    assert order.first([0, 1]) == 1
    assert order.decided_by(2, 1) is Criterion.COST
    assert order.decided_by(1, 0) is Criterion.SUPPORTERS
    even = _election(VoteType.APPROVAL, [Ballot(("9", "10"))])
    fallback = TieOrder.of(even, TieBreak.MIN_COST_MAX_VOTES)
    assert fallback.first([0, 1]) == 1
    assert fallback.decided_by(1, 0) is Criterion.PROJECT_ID
