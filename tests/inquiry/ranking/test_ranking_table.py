"""Hand-made profiles: tie-breaks, reasons, edge cases and refused ballots."""

from __future__ import annotations

import json
import re
from types import ModuleType

import pytest

from inquiry.ranking import pairs_winners as ranking_pairs_winners
from inquiry.ranking import runoff_count as ranking_runoff_count
from inquiry.ranking.methods import BallotError, Method, rank
from inquiry.ranking.pairs_winners import possible_winners, surely_beaten
from inquiry.ranking.profile import make_profile, pairwise_table
from inquiry.ranking.runoff_count import runoff_winners
from inquiry.ranking.schulze import strongest_paths

ALL = list(Method)

# 3 A>B>C, 2 B>C>A, 2 C>A>B: A beats B 5-2, B beats C 5-2, C beats A 4-3.
CYCLE = [("A", "B", "C")] * 3 + [("B", "C", "A")] * 2 + [("C", "A", "B")] * 2
# One ballot of each rotation: every majority is 2-1, a perfect cycle.
LATIN = [("A", "B", "C"), ("B", "C", "A"), ("C", "A", "B")]
# Schulze's own example (Wikipedia, "Schulze method"): 45 voters, 5 options.
WIKIPEDIA = [
    tuple(order)
    for count, order in [(5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"),
                         (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"), (8, "EBADC")]
    for _ in range(count)
]  # fmt: skip


@pytest.mark.parametrize(
    "method, winners, order, texts",
    [
        (Method.SCHULZE, {"A"}, ("A", "B", "C"), [
            "A ranks above B: the strongest path A→B has strength 3, while B's strongest path back, B→C→A, has strength 1",
            "B ranks above C: the strongest path B→C has strength 3, while C's strongest path back, C→A→B, has strength 1",
        ]),
        (Method.RANKED_PAIRS, {"A"}, ("A", "B", "C"), [
            ("A ranks above B: the majority for A over B (5 to 2, margin 3) was locked at turn 1 of 3, "
             "as no majority locked before it contradicted it"),
            ("B ranks above C: the majority for B over C (5 to 2, margin 3) was locked at turn 2 of 3, "
             "as no majority locked before it contradicted it"),
        ]),
        (Method.BORDA, {"A"}, ("A", "B", "C"), [
            "A ranks above B: Borda score 8 against 7",
            "B ranks above C: Borda score 7 against 6",
        ]),
        # B and C tie on 2 first preferences. Eliminating C (listed last)
        # hands its votes to A; eliminating B instead would elect C.
        (Method.INSTANT_RUNOFF, {"A", "C"}, ("A", "B", "C"), [
            "A ranks above B: B was eliminated in round 2 with the fewest votes (2; A had 5)",
            ("B ranks above C: C was eliminated in round 1, tied with B for the fewest votes (2); "
             "the tie-break order lists B before C"),
        ]),
    ],
)  # fmt: skip
def test_cycle_with_unequal_margins(
    method: Method, winners: set[str], order: tuple[str, ...], texts: list[str]
) -> None:
    result = rank(("A", "B", "C"), CYCLE, method)
    assert (result.winners, result.order) == (winners, order)
    assert [r.text for r in result.reasons] == texts


@pytest.mark.parametrize(
    "method, listed, order",
    [
        (Method.SCHULZE, ("A", "B", "C"), ("A", "B", "C")),
        (Method.SCHULZE, ("C", "B", "A"), ("C", "B", "A")),
        (Method.BORDA, ("C", "B", "A"), ("C", "B", "A")),
        # Ranked pairs orders *pairs* by the listing: with C, B, A listed, the
        # pair C>A (positions 0, 2) is locked first, then B>C; A>B would close
        # the cycle and is skipped. So B wins, though C is listed first.
        (Method.RANKED_PAIRS, ("A", "B", "C"), ("A", "B", "C")),
        (Method.RANKED_PAIRS, ("C", "B", "A"), ("B", "C", "A")),
        # All three tie on one vote: A (listed last) goes; its ballot elects B.
        (Method.INSTANT_RUNOFF, ("C", "B", "A"), ("B", "C", "A")),
        (Method.INSTANT_RUNOFF, ("A", "B", "C"), ("A", "B", "C")),
    ],
)
def test_perfect_cycle_is_decided_by_the_listing_order(
    method: Method, listed: tuple[str, ...], order: tuple[str, ...]
) -> None:
    result = rank(listed, LATIN, method)
    assert result.winners == {"A", "B", "C"}
    assert result.decided_by_tie_break
    assert result.order == order


def test_perfect_cycle_reasons_name_the_tie_break() -> None:
    schulze = rank(("C", "B", "A"), LATIN)
    assert [r.text for r in schulze.reasons] == [
        "C ranks above B: the strongest paths between C and B both have strength 1; the tie-break order lists C before B",
        "B ranks above A: the strongest paths between B and A both have strength 1; the tie-break order lists B before A",
    ]
    assert all(r.by_tie_break for r in schulze.reasons)
    pairs = rank(("C", "B", "A"), LATIN, Method.RANKED_PAIRS)
    assert pairs.reasons[0].text.endswith("; pairs with equal margins are taken in tie-break order")
    assert [t.locked for t in pairs.detail.turns] == [True, True, False]  # type: ignore[attr-defined]


@pytest.mark.parametrize("method", ALL)
@pytest.mark.parametrize("listed", [("A", "B"), ("B", "A")])
def test_two_way_tie_goes_to_the_first_listed(method: Method, listed: tuple[str, str]) -> None:
    result = rank(listed, [("A", "B"), ("B", "A")], method)
    assert result.winners == {"A", "B"}
    assert result.order == listed
    (reason,) = result.reasons
    assert reason.by_tie_break
    assert reason.text.endswith(f"the tie-break order lists {listed[0]} before {listed[1]}")


@pytest.mark.parametrize("method", ALL)
@pytest.mark.parametrize("ballots", [[], [(), ()]], ids=["no ballots", "only empty ballots"])
def test_nothing_ranked_leaves_the_listing_order(method: Method, ballots: list[tuple[str, ...]]) -> None:
    result = rank(("kiosk", "bench", "trees"), ballots, method)
    assert result.winners == {"kiosk", "bench", "trees"}
    assert result.order == ("kiosk", "bench", "trees")
    assert all(r.by_tie_break for r in result.reasons)
    assert result.ballots == len(ballots)


@pytest.mark.parametrize("method", ALL)
def test_one_candidate_wins_without_reasons(method: Method) -> None:
    result = rank(("kiosk",), [("kiosk",), ()], method)
    assert (result.winners, result.order, result.reasons) == ({"kiosk"}, ("kiosk",), ())
    assert not result.decided_by_tie_break


@pytest.mark.parametrize(
    "method, winners, order",
    [
        (Method.SCHULZE, {"E"}, ("E", "A", "C", "B", "D")),
        (Method.RANKED_PAIRS, {"A"}, ("A", "C", "E", "B", "D")),
        (Method.BORDA, {"E"}, ("E", "A", "B", "C", "D")),
        (Method.INSTANT_RUNOFF, {"C"}, ("C", "B", "A", "E", "D")),
    ],
)
def test_schulze_example_from_wikipedia(method: Method, winners: set[str], order: tuple[str, ...]) -> None:
    result = rank(tuple("ABCDE"), WIKIPEDIA, method)
    assert (result.winners, result.order) == (winners, order)


def test_schulze_reason_shows_an_indirect_strongest_path() -> None:
    result = rank(tuple("ABCDE"), WIKIPEDIA)
    assert result.reasons[0].text == (
        "E ranks above A: the strongest path E→B→A has strength 5, while A's strongest path back, A→C→E, has strength 3"
    )
    assert result.detail.to_dict()["strongest_paths"]["E"]["A"] == 5


def test_unranked_proposals_count_below_ranked_ones_and_tie() -> None:
    result = rank(("A", "B", "C"), [("A",), ("C", "B")], Method.BORDA)
    assert result.pairwise.to_dict() == {"A": {"B": 1, "C": 1}, "B": {"A": 1, "C": 0}, "C": {"A": 1, "B": 1}}
    # A: 2 points (first of 3); C: 2; B: 1 (second of 3); unranked get 0.
    assert result.detail.to_dict() == {"scores": {"A": 2, "B": 1, "C": 2}}
    assert result.order == ("A", "C", "B")


def test_ranked_pairs_places_a_head_to_head_tie_by_the_listing() -> None:
    result = rank(("A", "B", "C"), [("C",)], Method.RANKED_PAIRS)
    assert result.order == ("C", "A", "B")
    assert result.winners == {"C"}
    assert result.reasons[1].text == (
        "A ranks above B: they are tied head to head (0 to 0) and no locked majority orders them; "
        "the tie-break order lists A before B"
    )


def test_instant_runoff_counts_exhausted_ballots() -> None:
    ballots = [("A",), ("A",), ("B",), ("B",), ("C",)]
    result = rank(("A", "B", "C"), ballots, Method.INSTANT_RUNOFF)
    rounds = result.detail.to_dict()["rounds"]
    assert rounds == [
        {
            "round": 1,
            "votes": {"A": 2, "B": 2, "C": 1},
            "exhausted": 0,
            "eliminated": "C",
            "tied_for_fewest": ["C"],
        },
        {
            "round": 2,
            "votes": {"A": 2, "B": 2},
            "exhausted": 1,
            "eliminated": "B",
            "tied_for_fewest": ["A", "B"],
        },
    ]
    assert (result.winners, result.order) == ({"A", "B"}, ("A", "B", "C"))


def test_to_dict_is_the_published_json() -> None:
    result = rank(("B", "A"), [("A", "B"), ("A",), ("B", "A")], Method.BORDA)
    assert json.loads(json.dumps(result.to_dict())) == {
        "method": "borda",
        "tie_break_order": ["B", "A"],
        "ballots": 3,
        "winner": "A",
        "winners_before_tie_break": ["A"],
        "winners_complete": True,
        "decided_by_tie_break": False,
        "order": ["A", "B"],
        "pairwise": {"B": {"A": 1}, "A": {"B": 2}},
        "reasons": [
            {
                "above": "A",
                "below": "B",
                "text": "A ranks above B: Borda score 2 against 1",
                "by_tie_break": False,
            }
        ],
        "detail": {"scores": {"B": 1, "A": 2}},
    }


@pytest.mark.parametrize(
    "candidates, ballots, message",
    [
        (("A", "B"), [("A", "Z")], "ballot 0 ranks unknown proposal 'Z'"),
        (("A", "B"), [("A",), ("B", "A", "B")], "ballot 1 ranks proposal 'B' more than once"),
        (("A", "B"), ["AB"], "ballot 0 is the string 'AB'; expected a sequence of proposal ids"),
        (("A", "B", "A"), [], "candidate list names A more than once"),
        ((), [], "cannot rank: there are no candidate proposals"),
        ("AB", [], "candidates must be a sequence of proposal ids, not one string"),
    ],
)
def test_refused_input_names_the_problem(
    candidates: tuple[str, ...], ballots: list[tuple[str, ...]], message: str
) -> None:
    with pytest.raises(BallotError, match=f"^{re.escape(message)}$"):
        rank(candidates, ballots)


def test_winner_searches_out_of_budget_report_what_they_found() -> None:
    # Perfect cycle. Ranked pairs: two branch states per candidate (which
    # pair to lock first, then which of the other two). Instant-runoff: one,
    # at the start, where all three tie; after that one proposal trails.
    profile = make_profile(("A", "B", "C"), LATIN)
    margins = pairwise_table(profile).margins()
    margin_one = [[(0, 1), (1, 2), (2, 0)]]
    assert possible_winners(margins, margin_one, budget=6) == ({0, 1, 2}, True)
    assert possible_winners(margins, margin_one, budget=5) == ({0, 1}, False)
    assert runoff_winners(profile, budget=1) == ({0, 1, 2}, True)
    assert runoff_winners(profile, budget=0) == (set(), False)


@pytest.mark.parametrize(
    "method, module",
    [(Method.RANKED_PAIRS, ranking_pairs_winners), (Method.INSTANT_RUNOFF, ranking_runoff_count)],
)
def test_out_of_budget_result_keeps_its_order_and_says_so(
    method: Method, module: ModuleType, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "STATE_BUDGET", 0)
    result = rank(("A", "B", "C"), LATIN, method)
    assert result.order == ("A", "B", "C")
    assert (result.winners, result.winners_complete) == ({"A"}, False)
    assert result.to_dict()["winners_complete"] is False


def test_ranked_pairs_rules_out_a_proposal_beaten_beyond_its_paths_back() -> None:
    # CYCLE: A beats B by 3, and B's strongest path back (B→C→A) has
    # strength 1, so A>B is locked in every order. C beats A by only 1,
    # less than A's path A→B→C of strength 3, so A may stay on top.
    margins = pairwise_table(make_profile(("A", "B", "C"), CYCLE)).margins()
    paths = strongest_paths(margins)
    assert [surely_beaten(margins, paths, i) for i in range(3)] == [False, True, True]


def test_schulze_winners_need_not_lead_the_order() -> None:
    # A beats B 2-0; C ties both. Once A is placed, B is unbeaten and listed
    # before C, so the second winner, C, comes last.
    result = rank(("A", "B", "C"), [("C", "A"), ("A", "B")])
    assert (result.winners, result.order) == ({"A", "C"}, ("A", "B", "C"))
    assert result.reasons[1].text == (
        "B ranks above C: neither B nor C has a beat path to the other; the tie-break order lists B before C"
    )
