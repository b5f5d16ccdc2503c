"""Each method's winners before the tie-break, and its tie-broken result,
against pref_voting on random partial profiles.

Profiles have 1 to 5 proposals, listed in an order that is not alphabetical
(so a sort by id would show), and up to 6 ballot types repeated 1 to 3
times; ballots are random prefixes of random orders, so they include empty
and partial ballots. Half the profiles with 3 or more proposals also get
the three rotations of one order, which tends to make a majority cycle. With so few voters, Condorcet cycles and tied margins
are common: the last test counts them among generated profiles, so a
strategy that stopped producing them would fail.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pref_voting.iterative_methods import instant_runoff_put, instant_runoff_tb
from pref_voting.margin_based_methods import (
    beat_path,
    ranked_pairs,
    ranked_pairs_defeat_tb,
)
from pref_voting.profiles_with_ties import ProfileWithTies
from pref_voting.scoring_methods import (
    borda_for_profile_with_ties,
    domination_borda_scores,
)

from inquiry.ranking.methods import Method, RankingResult, rank

NAMES = ("kiosk", "bench", "trees", "lamps", "mural")
ORACLE = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

Profile = tuple[tuple[str, ...], list[tuple[str, ...]]]


@st.composite
def profiles(draw: st.DrawFn) -> Profile:
    size = draw(st.integers(1, len(NAMES)))
    candidates = tuple(draw(st.permutations(NAMES))[:size])
    ballot = st.tuples(st.permutations(candidates), st.integers(0, size)).map(
        lambda pk: tuple(pk[0][: pk[1]])
    )
    kinds = draw(st.lists(st.tuples(ballot, st.integers(1, 3)), max_size=6))
    if size >= 3 and draw(st.booleans()):
        # The rotations of one order (a Latin square) make a majority cycle.
        seed = draw(st.permutations(candidates))
        kinds += [(tuple(seed[r:] + seed[:r]), draw(st.integers(1, 3))) for r in range(3)]
    return candidates, [b for b, count in kinds for _ in range(count)]


def pref_profile(candidates: Sequence[str], ballots: list[tuple[str, ...]]) -> ProfileWithTies:
    index = {c: i for i, c in enumerate(candidates)}
    rankings = [{index[c]: k for k, c in enumerate(b, 1)} for b in ballots]
    profile = ProfileWithTies(rankings, candidates=list(range(len(candidates))))
    # Unranked proposals count below ranked ones, as in inquiry.ranking.methods.
    profile.use_extended_strict_preference()
    return profile


def indices(result: RankingResult, names: Sequence[str]) -> list[int]:
    return sorted(result.candidates.index(n) for n in names)


def check_shape(result: RankingResult) -> None:
    assert sorted(result.order) == sorted(result.candidates)
    assert result.winner in result.winners
    assert [(r.above, r.below) for r in result.reasons] == list(zip(result.order, result.order[1:]))
    json.dumps(result.to_dict())


def has_three_cycle(profile: ProfileWithTies) -> bool:
    beats = [(a, b) for a in profile.candidates for b in profile.candidates if profile.margin(a, b) > 0]
    return any((b, c) in beats and (c, a) in beats for a, b in beats for c in profile.candidates)


def check_schulze(
    candidates: Sequence[str], ballots: list[tuple[str, ...]], expected: ProfileWithTies
) -> None:
    result = rank(candidates, ballots, Method.SCHULZE)
    check_shape(result)
    assert indices(result, result.winners) == beat_path(expected)


def check_ranked_pairs(
    candidates: Sequence[str], ballots: list[tuple[str, ...]], expected: ProfileWithTies
) -> None:
    result = rank(candidates, ballots, Method.RANKED_PAIRS)
    check_shape(result)
    # "from_stacks" computes the same set as the default algorithm (winners
    # under some order of equal margins) without enumerating 10! orders.
    assert indices(result, result.winners) == ranked_pairs(expected, algorithm="from_stacks")
    tie_broken = ranked_pairs_defeat_tb(expected, tie_breaker=list(range(len(candidates))), return_list=True)
    assert [candidates[i] for i in tie_broken] == list(result.order)


def check_borda(candidates: Sequence[str], ballots: list[tuple[str, ...]], expected: ProfileWithTies) -> None:
    result = rank(candidates, ballots, Method.BORDA)
    check_shape(result)
    assert indices(result, result.winners) == borda_for_profile_with_ties(
        expected, borda_scores=domination_borda_scores
    )
    assert result.detail.to_dict()["scores"] == {
        candidates[i]: s for i, s in domination_borda_scores(expected).items()
    }


def check_instant_runoff(
    candidates: Sequence[str], ballots: list[tuple[str, ...]], expected: ProfileWithTies
) -> None:
    result = rank(candidates, ballots, Method.INSTANT_RUNOFF)
    check_shape(result)
    assert indices(result, result.winners) == instant_runoff_put(expected)
    # pref_voting eliminates tie_breaker[0] first; we eliminate the last listed.
    last_first = list(reversed(range(len(candidates))))
    assert indices(result, [result.winner]) == instant_runoff_tb(expected, tie_breaker=last_first)


# One profile is checked against all four methods: building the profiles is
# most of the cost, and each check is its own function, so a failure names
# the method.
@ORACLE
@given(profiles())
def test_every_method_matches_pref_voting(profile: Profile) -> None:
    candidates, ballots = profile
    expected = pref_profile(candidates, ballots)
    check_schulze(candidates, ballots, expected)
    check_ranked_pairs(candidates, ballots, expected)
    check_borda(candidates, ballots, expected)
    check_instant_runoff(candidates, ballots, expected)


def test_generated_profiles_include_cycles_ties_and_partial_ballots() -> None:
    seen: Counter[str] = Counter()

    @settings(max_examples=300, deadline=None, database=None, derandomize=True)
    @given(profiles())
    def collect(profile: Profile) -> None:
        candidates, ballots = profile
        pv = pref_profile(candidates, ballots)
        seen["majority cycle"] += has_three_cycle(pv)
        seen["no Condorcet winner"] += len(candidates) >= 2 and pv.condorcet_winner() is None
        if len(rank(candidates, ballots).winners) > 1:
            seen["tied winners"] += 1
        seen["partial ballot"] += any(0 < len(b) < len(candidates) for b in ballots)
        seen["empty ballot"] += any(len(b) == 0 for b in ballots)

    collect()
    kinds = ("majority cycle", "no Condorcet winner", "tied winners", "partial ballot", "empty ballot")
    assert all(seen[k] >= 10 for k in kinds), seen
