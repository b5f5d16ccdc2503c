"""Properties on random small elections built to tie (equal costs, equal support)."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st
from pabutools.rules import greedy_utilitarian_welfare
from pabutools.rules import sequential_phragmen as pabutools_phragmen

from budget.engine.election import Ballot, Election, Project, VoteType
from budget.engine.rules.greedy.rule import Variant, greedy
from budget.engine.rules.phragmen.rule import sequential_phragmen
from budget.engine.satisfaction import ALLOWED, Satisfaction
from budget.engine.tiebreak import TieBreak
from tests.budget.pabutools_bridge import SAT_CLASSES, to_pabutools

# "10" and "9" sort differently as strings and as numbers; costs include 0.
IDS = ["1", "2", "9", "10", "a", "b"]


@st.composite
def elections(draw: st.DrawFn, vote_types: tuple[VoteType, ...] = tuple(VoteType)) -> Election:
    vote_type = draw(st.sampled_from(vote_types))
    ids = draw(st.lists(st.sampled_from(IDS), min_size=1, max_size=6, unique=True))
    projects = tuple(Project(i, Fraction(draw(st.sampled_from([0, 1, 2, 2, 3, 5])))) for i in ids)
    budget = Fraction(draw(st.integers(0, 12)))
    ballots = []
    for _ in range(draw(st.integers(0, 8))):
        size = 1 if vote_type is VoteType.CHOOSE_1 else len(ids)
        chosen = tuple(draw(st.lists(st.sampled_from(ids), max_size=size, unique=True)))
        points = None
        if vote_type in (VoteType.CUMULATIVE, VoteType.SCORING):
            points = tuple(draw(st.integers(0, 3)) for _ in chosen)
        ballots.append(Ballot(chosen, points))
    return Election(projects, budget, vote_type, tuple(ballots))


def _shuffled(e: Election, data: st.DataObject) -> Election:
    projects = tuple(data.draw(st.permutations(e.projects)))
    ballots = tuple(data.draw(st.permutations(e.ballots)))
    return Election(projects, e.budget, e.vote_type, ballots)


def _satisfactions(e: Election) -> list[Satisfaction]:
    return [s for s in Satisfaction if e.vote_type in ALLOWED[s]]


@settings(max_examples=300, deadline=None)
@given(elections(), st.sampled_from(list(Variant)), st.sampled_from(list(TieBreak)))
def test_greedy_never_overspends(e: Election, variant: Variant, tie_break: TieBreak) -> None:
    e = Election(e.projects, e.budget, e.vote_type, e.ballots, {"min_project_score_threshold": "2"})
    for satisfaction in _satisfactions(e):
        out = greedy(e, satisfaction, tie_break, variant)
        assert out.total_cost(e) <= e.budget
        assert len(set(out.selected)) == len(out.selected)


@settings(max_examples=300, deadline=None)
@given(elections(), st.data())
def test_greedy_ignores_ballot_and_listing_order(e: Election, data: st.DataObject) -> None:
    again = _shuffled(e, data)
    for satisfaction in _satisfactions(e):
        for tie_break in TieBreak:
            assert greedy(again, satisfaction, tie_break).selected == greedy(e, satisfaction, tie_break).selected


@settings(max_examples=400, deadline=None)
@given(elections((VoteType.APPROVAL, VoteType.CUMULATIVE, VoteType.ORDINAL)))
def test_greedy_equals_pabutools(e: Election) -> None:
    instance, profile = to_pabutools(e)
    for satisfaction in _satisfactions(e):
        theirs = greedy_utilitarian_welfare(instance, profile, sat_class=SAT_CLASSES[satisfaction])
        ours = greedy(e, satisfaction)
        assert sorted(ours.selected) == sorted(p.name for p in theirs), satisfaction


@settings(max_examples=200, deadline=None)
@given(elections((VoteType.APPROVAL,)), st.data())
def test_greedy_completion_equals_pabutools(e: Election, data: st.DataObject) -> None:
    start = data.draw(st.lists(st.sampled_from([p.id for p in e.projects]), unique=True, max_size=2))
    if sum(e.project(i).cost for i in start) > e.budget:
        start = []
    instance, profile = to_pabutools(e)
    initial = [p for p in instance if p.name in start]
    theirs = greedy_utilitarian_welfare(instance, profile, sat_class=SAT_CLASSES[Satisfaction.COST],
                                        initial_budget_allocation=initial)
    ours = greedy(e, Satisfaction.COST, initial=start)
    assert ours.selected[: len(start)] == tuple(start)
    assert sorted(ours.selected) == sorted(p.name for p in theirs)


@settings(max_examples=400, deadline=None)
@given(elections((VoteType.APPROVAL, VoteType.CHOOSE_1)), st.data())
def test_phragmen_equals_pabutools_and_ignores_order(e: Election, data: st.DataObject) -> None:
    instance, profile = to_pabutools(e)
    ours = sequential_phragmen(e)
    assert sorted(ours.selected) == sorted(p.name for p in pabutools_phragmen(instance, profile))
    assert ours.total_cost(e) <= e.budget
    assert sequential_phragmen(_shuffled(e, data)).selected == ours.selected
