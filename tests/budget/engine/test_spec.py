"""The rule specification: what it refuses, and that counting through it is counting with the rule."""

from __future__ import annotations

import pytest

from budget.engine.rules.greedy.rule import greedy
from budget.engine.rules.mes.completion import Completion
from budget.engine.rules.mes.rule import method_of_equal_shares
from budget.engine.satisfaction import Satisfaction
from budget.engine.spec import CannotCount, RuleName, RuleSpec, SpecError, count
from budget.engine.tiebreak import TieBreak
from tests.budget.instances import election


@pytest.mark.parametrize(("options", "message"), [
    ({"rule": RuleName.GREEDY, "completion": Completion.ADD1}, "completion applies to mes only, not greedy"),
    ({"rule": RuleName.PHRAGMEN, "satisfaction": None, "then_greedy": True}, "then_greedy applies to mes only"),
    ({"rule": RuleName.GREEDY_NO_SKIP, "comparison": True}, "comparison applies to mes only"),
    ({"rule": RuleName.PHRAGMEN}, "phragmen takes no satisfaction"),
    ({"rule": RuleName.MES, "satisfaction": None}, "mes needs a satisfaction"),
])
def test_options_that_do_not_fit_the_rule_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(SpecError, match=message):
        RuleSpec(**options)  # type: ignore[arg-type]


def test_counting_a_spec_is_counting_with_its_rule() -> None:
    e = election("Netherlands_Assen_2024.pb")
    spec = RuleSpec(RuleName.MES, Satisfaction.CARDINALITY, Completion.ADD1_EXHAUSTIVE, then_greedy=True,
                    tie_break=TieBreak.MIN_COST_MAX_VOTES)
    outcome, comparison = count(e, spec)
    direct = method_of_equal_shares(e, Satisfaction.CARDINALITY, TieBreak.MIN_COST_MAX_VOTES,
                                    Completion.ADD1_EXHAUSTIVE, then_greedy=True)
    assert outcome == direct.outcome and comparison is None
    assert count(e, RuleSpec(RuleName.GREEDY))[0] == greedy(e)


@pytest.mark.parametrize(("name", "satisfaction"), [
    ("Netherlands_Assen_2024.pb", Satisfaction.COST),
    ("Switzerland_Zurich_D10.pb", Satisfaction.ADDITIVE),
])
def test_the_exact_path_funds_and_explains_what_the_fast_path_does(name: str, satisfaction: Satisfaction) -> None:
    e = election(name)
    fast = RuleSpec(RuleName.MES, satisfaction, then_greedy=True)
    exact = RuleSpec(RuleName.MES, satisfaction, then_greedy=True, fast=False)
    assert count(e, exact) == count(e, fast)


def test_an_election_the_rule_cannot_count_says_why() -> None:
    e = election("Switzerland_Zurich_D10.pb")  # cumulative ballots
    with pytest.raises(CannotCount, match="phragmen needs approval or choose-1"):
        count(e, RuleSpec(RuleName.PHRAGMEN, None))
    with pytest.raises(CannotCount, match="needs META min_project_score_threshold"):
        count(e, RuleSpec(RuleName.GREEDY_THRESHOLD))
    with pytest.raises(CannotCount, match="borda needs ordinal"):
        count(e, RuleSpec(RuleName.MES, Satisfaction.BORDA))
