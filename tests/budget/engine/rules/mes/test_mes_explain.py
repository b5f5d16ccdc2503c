"""MES explanations and the comparison step, on a small election worked by hand and on Wieliczka."""

from __future__ import annotations

from fractions import Fraction

import pytest

from budget.engine.election import Ballot, Election, Project, VoteType
from budget.engine.rules.mes.rule import Completion, method_of_equal_shares
from budget.engine.satisfaction import Satisfaction
from budget.engine.tiebreak import TieBreak
from tests.budget.instances import election, official


def _three_projects() -> Election:
    """Budget 4 over 5 voters (0.8 each): three approve A and B, two approve C; all cost 2.

    MES buys A (3 supporters pay 2/3 each; B ties with A and loses on its
    id); then B's supporters hold 0.4 and C's 1.6, neither can pay 2.
    Greedy funds A and B, which three voters prefer and nobody opposes.
    """
    projects = tuple(Project(i, Fraction(2)) for i in ("A", "B", "C"))
    ballots = (Ballot(("A", "B")),) * 3 + (Ballot(("C",)),) * 2
    return Election(projects, Fraction(4), VoteType.APPROVAL, ballots)


def test_funded_project_states_its_price_and_shares() -> None:
    ex = method_of_equal_shares(_three_projects()).outcome.explanations["A"]
    assert (ex["status"], ex["step"], ex["rho"], ex["price_per_supporter"]) == ("funded", 1, "1/3", "2/3")
    assert ex["effective_support"] == "3"
    assert ex["shares"] == [{"voters": 3, "weight": 1, "paid_each": "2/3", "paid_all": False}]
    assert ex["tie"] == {"tied_with": ["B"], "by": "project id (lexicographic)"}
    assert "Funded at step 1" in str(ex["text"])


def test_tied_loser_came_all_the_way_and_its_money_went_to_the_winner() -> None:
    ex = method_of_equal_shares(_three_projects()).outcome.explanations["B"]
    assert (ex["status"], ex["reason"], ex["closest_step"]) == ("not_funded", "ran_out", 1)
    assert ex["coverage_percent_approx"] == 100.0
    assert ex["more_supporters"] == 0
    assert ex["max_cost"] is None  # cost satisfaction: each supporter pays a share of any cost
    assert ex["money_went_to"] == [{"project": "A", "amount_approx": 2.0, "share_percent_approx": 100.0}]


def test_unfunded_project_says_how_many_more_supporters_it_needed() -> None:
    ex = method_of_equal_shares(_three_projects()).outcome.explanations["C"]
    # After A, C's two supporters still hold 1.6 of its 2: one more full endowment (0.8) covers it.
    assert (ex["closest_step"], ex["coverage_percent_approx"], ex["max_cost"]) == (2, 80.0, "1.6")
    assert ex["more_supporters"] == 1
    assert ex["unaffordable_from_step"] == 1
    assert ex["money_went_to"] == []


def test_cardinality_names_the_cost_that_would_have_been_funded() -> None:
    ex = method_of_equal_shares(_three_projects(), Satisfaction.CARDINALITY).outcome.explanations["C"]
    assert ex["max_cost"] == "1.6"


def test_comparison_switches_to_greedy_when_more_voters_prefer_it() -> None:
    result = method_of_equal_shares(_three_projects(), comparison=True)
    assert result.mes_selected == ("A",)
    assert result.comparison_counts() == {"prefer_ours": 0, "prefer_greedy": 3}
    assert result.outcome.selected == ("A", "B")


@pytest.mark.parametrize("comparison", [False, True])
def test_wieliczka_official_result_with_comparison(comparison: bool) -> None:
    e = election("Poland_Wieliczka_2023_Green_Budget.pb")
    result = method_of_equal_shares(e, Satisfaction.COST, TieBreak.MIN_COST_MAX_VOTES, Completion.ADD1,
                                    comparison=comparison, explain=False)
    assert set(result.outcome.selected) == official(e)
    if comparison:
        assert result.comparison_counts() == {"prefer_ours": 1615, "prefer_greedy": 873}


def test_every_project_is_explained_in_one_sentence() -> None:
    e = election("Poland_Wieliczka_2023_Green_Budget.pb")
    result = method_of_equal_shares(e, Satisfaction.COST, TieBreak.MIN_COST_MAX_VOTES)
    explanations = result.outcome.explanations
    assert list(explanations) == [p.id for p in e.projects]
    funded = [pid for pid, ex in explanations.items() if ex["status"] == "funded"]
    assert sorted(funded, key=lambda pid: explanations[pid]["step"]) == list(result.outcome.selected)
    for ex in explanations.values():
        assert str(ex["text"]).count(". ") == 0 and str(ex["text"]).endswith(".")
        for went in ex.get("money_went_to", []):  # type: ignore[attr-defined]
            assert went["project"] in result.outcome.selected


@pytest.mark.parametrize("name", ["Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb"])
def test_add1_reproduces_the_official_result(name: str) -> None:
    e = election(name)
    result = method_of_equal_shares(e, Satisfaction.COST, TieBreak.MIN_COST_MAX_VOTES, Completion.ADD1, explain=False)
    assert set(result.outcome.selected) == official(e)
