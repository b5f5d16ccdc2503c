"""The fast path against the textbook MES (`budget.engine.rules.mes.reference`) on elections built to tie,
and the `fast` switch between them."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.engine.election import Ballot, Election, Project, VoteType
from budget.engine.rules.mes import reference
from budget.engine.rules.mes.profile import build_profile
from budget.engine.rules.mes.reference import ReferenceResult, reference_mes
from budget.engine.rules.mes.rounds import run_rounds
from budget.engine.rules.mes.rule import Completion, MesDisagreement, method_of_equal_shares
from budget.engine.satisfaction import ALLOWED, Satisfaction
from budget.engine.tiebreak import TieBreak, TieOrder
from tests.budget.engine.rules.mes.ties import seeded_elections, tied_elections


def _satisfactions(e: Election) -> list[Satisfaction]:
    return [s for s in Satisfaction if e.vote_type in ALLOWED[s]]


def _agree(e: Election) -> None:
    """Every satisfaction, tie-break and completion; fast with and without explanations (they take
    different paths: exact rounds, or float runs naming the outcome)."""
    for satisfaction in _satisfactions(e):
        for tie_break in TieBreak:
            for completion in Completion:
                ref = reference_mes(e, satisfaction, tie_break, completion)
                for explain in (False, True):
                    fast = method_of_equal_shares(e, satisfaction, tie_break, completion, explain=explain)
                    where = (satisfaction, tie_break, completion, explain)
                    assert fast.mes_selected == ref.selected, where
                    assert fast.endowment == ref.endowment, where


@pytest.mark.slow
@settings(max_examples=1000, deadline=None)
@given(tied_elections())
def test_fast_path_equals_the_reference_on_a_thousand_tied_elections(e: Election) -> None:
    _agree(e)


@settings(max_examples=100, deadline=None)
@given(tied_elections())
def test_fast_path_equals_the_reference_on_tied_elections(e: Election) -> None:
    _agree(e)


def test_the_elections_are_built_to_tie() -> None:
    """Most of them have a round where several projects ask the very same price, so the tie-break decides."""
    elections = seeded_elections(200)
    tied = 0
    for e in elections:
        satisfaction = _satisfactions(e)[0]
        profile = build_profile(e, satisfaction)
        if not profile.voters:
            continue
        run = run_rounds(profile, profile.budget / profile.voters, lambda j: j)
        tied += any(p.tied for p in run.purchases)
    assert tied >= len(elections) // 3, tied


@settings(max_examples=60, deadline=None)
@given(tied_elections(), st.sampled_from(list(Completion)), st.booleans(), st.booleans())
def test_the_switch_changes_nothing_a_user_sees(
    e: Election, completion: Completion, then_greedy: bool, comparison: bool
) -> None:
    """`fast=False` (reference decides, exact rounds explain) gives the same result, explanations included."""
    for satisfaction in _satisfactions(e):
        for tie_break in TieBreak:
            a = method_of_equal_shares(e, satisfaction, tie_break, completion, then_greedy, comparison)
            b = method_of_equal_shares(e, satisfaction, tie_break, completion, then_greedy, comparison, fast=False)
            assert (a.outcome, a.mes_selected, a.endowment) == (b.outcome, b.mes_selected, b.endowment)
            assert a.comparison == b.comparison


def test_no_ballots_fund_nothing_on_either_path() -> None:
    e = Election((Project("a", Fraction(0)), Project("b", Fraction(2))), Fraction(10), VoteType.APPROVAL, ())
    assert reference_mes(e, completion=Completion.ADD1) == ReferenceResult((), Fraction(0), 0)
    a, b = (method_of_equal_shares(e, completion=Completion.ADD1, fast=fast) for fast in (True, False))
    assert (a.outcome.selected, a.endowment) == ((), Fraction(0))
    assert (b.outcome, b.endowment) == (a.outcome, a.endowment)
    assert set(b.outcome.explanations) == {"a", "b"}


def _two_twins() -> Election:
    """Budget 3 over 3 voters; A and B cost 2 and have the same two supporters, C costs 1 (third voter)."""
    projects = (Project("B", Fraction(2)), Project("A", Fraction(2)), Project("C", Fraction(1)))
    ballots = (Ballot(("A", "B")), Ballot(("B", "A")), Ballot(("C",)))
    return Election(projects, Fraction(3), VoteType.APPROVAL, ballots)


def test_the_reference_works_the_twins_by_hand() -> None:
    """A and B ask rho 1/2 each (per unit of cost satisfaction); A wins on its id; C's voter pays 1 for it.
    After A, its supporters hold 0, so B is out; the endowment stays 1 each."""
    ref = reference_mes(_two_twins())
    assert ref == ReferenceResult(("A", "C"), Fraction(1), 1)
    assert TieOrder.of(_two_twins(), TieBreak.LEXICOGRAPHIC).first([0, 1]) == 1  # "A" is listed second


def test_an_exact_run_the_textbook_run_contradicts_is_never_published(monkeypatch: pytest.MonkeyPatch) -> None:
    """`fast=False` checks the exact rounds' outcome against the textbook run at the endowment settled on."""
    textbook = reference.run
    monkeypatch.setattr(reference, "run", lambda race, endowment: textbook(race, endowment)[::-1])
    for explain in (True, False):
        with pytest.raises(MesDisagreement, match=r"reference buys \['C', 'A'\], the exact rounds \['A', 'C'\]"):
            method_of_equal_shares(_two_twins(), fast=False, explain=explain)
    assert method_of_equal_shares(_two_twins()).mes_selected == ("A", "C")  # the fast path does not check
