"""Greedy variants against pabutools' outcomes and cities' official results."""

from __future__ import annotations

from fractions import Fraction

import pytest

from budget.engine.election import Ballot, Election, Project, VoteType
from budget.engine.pabulib import score_threshold
from budget.engine.rules.greedy.rule import GreedyError, Variant, greedy, greedy_completion
from budget.engine.satisfaction import Satisfaction, SatisfactionError, project_totals
from budget.engine.tiebreak import TieBreak
from tests.budget.instances import SATISFACTION_KEYS, SMALL, election, expected, official


def _cases() -> list[object]:
    cases = []
    for name, rules in expected().items():
        for key, result in rules.items():
            if key.startswith("greedy_") and result["status"] == "ok":
                marks = () if name in SMALL else (pytest.mark.slow,)
                cases.append(pytest.param(name, key, id=f"{name[:-3]}-{key}", marks=marks))
    return cases


@pytest.mark.parametrize(("name", "key"), _cases())
def test_greedy_equals_pabutools(name: str, key: str) -> None:
    outcome = greedy(election(name), SATISFACTION_KEYS[key.removeprefix("greedy_")])
    assert list(outcome.selected) == expected()[name][key]["selected_in_order"]


# Which of our flags reproduce the official result, checked on every file
# whose META rule is a greedy variant (Krakow 2024 ranks by its own score
# column, 3-2-1 points, which none of the four satisfactions gives).
OFFICIAL = [
    ("Poland_Czestochowa_2024.pb", Variant.GREEDY),
    ("Poland_Warszawa_2020_Praga-Poludnie.pb", Variant.GREEDY),
    ("Poland_Katowice_2023.pb", Variant.THRESHOLD),
    ("Poland_Warszawa_2026.pb", Variant.THRESHOLD),
    ("Poland_Lodz_2022.pb", Variant.THRESHOLD),
    ("Poland_Wroclaw_2015_150_-_500.pb", Variant.NO_SKIP),
]


@pytest.mark.slow
@pytest.mark.parametrize(("name", "variant"), OFFICIAL, ids=[n[:-3] for n, _ in OFFICIAL])
def test_meta_rule_reproduces_the_official_result(name: str, variant: Variant) -> None:
    e = election(name)
    assert e.meta["rule"] == variant.value
    for tie_break in TieBreak:
        assert set(greedy(e, Satisfaction.COST, tie_break, variant).selected) == official(e)


@pytest.mark.slow
def test_warsaw_2026_threshold_is_what_makes_the_official_result() -> None:
    e = election("Poland_Warszawa_2026.pb")
    plain, thresholded = greedy(e), greedy(e, variant=Variant.THRESHOLD)
    assert set(plain.selected) != official(e)
    threshold = score_threshold(e)
    assert threshold == 3000
    votes = project_totals(e, Satisfaction.COST).supporters
    for j, p in enumerate(e.projects):
        note = thresholded.explanations[p.id]
        assert (note.get("reason") == "below_threshold") == (votes[j] < 3000)
        if votes[j] < 3000:
            assert p.id not in thresholded.selected
            assert note["support"] == str(votes[j])


def test_no_skip_stops_where_greedy_goes_on() -> None:
    # Assen 2024: greedy funds 7 projects, greedy-no-skip stops after 5.
    e = election("Netherlands_Assen_2024.pb")
    skip, stop = greedy(e), greedy(e, variant=Variant.NO_SKIP)
    assert stop.selected == skip.selected[:5] and len(skip.selected) == 7
    misfit = next(pid for pid, n in stop.explanations.items() if n.get("reason") == "did_not_fit")
    later = [pid for pid, n in stop.explanations.items() if n.get("reason") == "stopped"]
    assert set(skip.selected[5:]) <= set(later)
    assert all(stop.explanations[pid]["stopped_at"] == misfit for pid in later)


def _election(costs: dict[str, int], budget: int, ballots: list[tuple[str, ...]]) -> Election:
    return Election(
        projects=tuple(Project(pid, Fraction(c)) for pid, c in costs.items()),
        budget=Fraction(budget),
        vote_type=VoteType.APPROVAL,
        ballots=tuple(Ballot(b) for b in ballots),
    )


def test_explanations_say_step_and_remaining() -> None:
    e = _election({"a": 6, "b": 5, "c": 3}, 10, [("a", "b"), ("a", "c"), ("a",), ("b",)])
    out = greedy(e)
    assert out.selected == ("a", "c")
    assert out.explanations["a"] == {
        "rank": 1, "score": "3", "cost": "6", "status": "funded", "step": 1, "remaining_after": "4",
        "text": "Funded at step 1: ranked 1 by satisfaction per unit of cost (3); 4 left afterwards.",
    }
    b = out.explanations["b"]
    assert (b["status"], b["reason"], b["remaining"]) == ("not_funded", "did_not_fit", "4")
    assert b["text"] == "Not funded: at its turn (rank 2) it cost 5 but only 4 was left."
    assert out.explanations["c"]["step"] == 2


def test_min_cost_max_votes_explains_which_criterion_broke_the_tie() -> None:
    # Under cardinality x, y (2 votes, cost 2) and z (4 votes, cost 4) all
    # score 1 per unit of cost; x and y differ only by id.
    e = _election({"y": 2, "x": 2, "z": 4}, 4, [("x", "y", "z"), ("x", "y", "z"), ("z",), ("z",)])
    out = greedy(e, Satisfaction.CARDINALITY, TieBreak.MIN_COST_MAX_VOTES)
    assert out.selected == ("x", "y")
    assert out.explanations["x"]["tie"] == {
        "tied_with": ["y", "z"],
        "ahead_of": {"project": "y", "by": "project id (lexicographic)"},
    }
    assert out.explanations["x"]["text"].endswith("Tied with y, placed ahead by project id (lexicographic).")
    assert out.explanations["y"]["tie"]["ahead_of"] == {"project": "z", "by": "lower cost"}
    lexicographic = greedy(e, Satisfaction.CARDINALITY, TieBreak.LEXICOGRAPHIC)
    assert lexicographic.selected == ("x", "y")


def test_completion_keeps_the_initial_projects_first() -> None:
    e = _election({"a": 6, "b": 5, "c": 3, "d": 1}, 10, [("a", "b"), ("a", "c"), ("a",), ("b", "d")])
    out = greedy_completion(e, ["b"])
    assert out.selected == ("b", "c", "d")
    assert out.explanations["b"]["initial"] is True
    assert out.explanations["a"]["reason"] == "did_not_fit"


def test_threshold_without_meta_is_an_error() -> None:
    with pytest.raises(GreedyError, match="min_project_score_threshold"):
        greedy(_election({"a": 1}, 1, []), variant=Variant.THRESHOLD)


@pytest.mark.parametrize(("satisfaction", "vote_type"), [("additive", "approval"), ("borda", "cumulative")])
def test_satisfaction_the_ballots_cannot_give(satisfaction: str, vote_type: str) -> None:
    e = _election({"a": 1}, 1, [])
    e = Election(e.projects, e.budget, VoteType(vote_type), e.ballots)
    with pytest.raises(SatisfactionError, match=f"satisfaction {satisfaction} needs"):
        greedy(e, Satisfaction(satisfaction))
