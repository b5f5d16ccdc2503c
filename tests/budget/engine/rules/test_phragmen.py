"""Sequential Phragmén against pabutools, live, and its explanations."""

from __future__ import annotations

from fractions import Fraction

import pytest
from pabutools.rules import sequential_phragmen as pabutools_phragmen

from budget.engine.election import Ballot, Election, Project, VoteType
from budget.engine.rules.phragmen.rule import PhragmenError, sequential_phragmen
from tests.budget.instances import election
from tests.budget.pabutools_bridge import to_pabutools

# Every shared approval or choose-1 file: pabutools finishes each within 60 s
# here, the city-wide ones in 13-27 s (bench/engine.py), ~90 s together.
LIVE = [
    "Netherlands_Assen_2024.pb",
    "Poland_Swiecie_2023.pb",
    "US_Stanford_Dataset_PB_Cambridge_2019_vote_approvals.pb",
    *(
        pytest.param(name, marks=pytest.mark.slow)
        for name in (
            "Poland_Wieliczka_2023_Green_Budget.pb",
            "France_Toulouse_2022.pb",
            "Hungary_Budapest_2024.pb",
            "Poland_Lodz_2022.pb",
            "Poland_Warszawa_2020_Praga-Poludnie.pb",
            "Poland_Warszawa_2026.pb",
            "Poland_Wroclaw_2015_150_-_500.pb",
        )
    ),
]


@pytest.mark.parametrize("name", LIVE)
def test_equals_pabutools_on_real_approval_files(name: str) -> None:
    e = election(name)
    theirs = pabutools_phragmen(*to_pabutools(e))
    assert sorted(sequential_phragmen(e).selected) == sorted(p.name for p in theirs)


def _election(costs: dict[str, int], budget: int, ballots: list[tuple[str, ...]]) -> Election:
    return Election(
        projects=tuple(Project(pid, Fraction(c)) for pid, c in costs.items()),
        budget=Fraction(budget),
        vote_type=VoteType.APPROVAL,
        ballots=tuple(Ballot(b) for b in ballots),
    )


def test_loads_and_stop_are_explained() -> None:
    # a: 3 supporters share 3 -> load 1. b: its 2 supporters (one already at
    # load 1) would reach (1 + 4) / 2 = 5/2; c alone would reach 2: c first.
    # Then b would need (1 + 2 + 4) / 2 = 7/2 and costs 4 > the 2 left: stop.
    e = _election({"a": 3, "b": 4, "c": 2, "big": 50}, 7, [("a", "b"), ("a",), ("a",), ("b", "c")])
    out = sequential_phragmen(e)
    assert out.selected == ("a", "c")
    assert out.explanations["a"] == {
        "status": "funded", "step": 1, "supporters": 3, "remaining_after": "4", "load": "1", "load_approx": 1.0,
        "text": "Funded at step 1: its 3 supporters each end with load 1.00; 4 left afterwards.",
    }
    assert out.explanations["c"]["load"] == "2"
    b = out.explanations["b"]
    assert (b["reason"], b["remaining"], b["would_need_load_approx"]) == ("did_not_fit", "2", 3.5)
    assert b["text"] == "Not funded: it was next to be bought but cost 4 with only 2 left, so Phragmén stopped."
    assert out.explanations["big"]["reason"] == "exceeds_budget"


def test_fractional_loads_are_exact() -> None:
    e = _election({"a": 1, "b": 1}, 2, [("a",), ("a",), ("a", "b")])
    out = sequential_phragmen(e)
    assert out.selected == ("a", "b")
    assert out.explanations["a"]["load"] == "1/3"
    assert out.explanations["b"]["load"] == "4/3"


def test_only_approval_ballots() -> None:
    e = _election({"a": 1}, 1, [])
    with pytest.raises(PhragmenError, match="approval or choose-1"):
        sequential_phragmen(Election(e.projects, e.budget, VoteType.ORDINAL, e.ballots))
