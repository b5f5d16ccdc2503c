"""The add1 loops skip endowments that provably repeat a run: check the proof against the runs themselves."""

from __future__ import annotations

import math
from collections.abc import Iterator
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from budget.engine.election import Ballot, Election, Project, VoteType
from budget.engine.rules.mes.budgets import Budgets
from budget.engine.rules.mes.fast.add1 import add1, add1_exhaustive, exhaustive, spent
from budget.engine.rules.mes.fast.float_run import (
    FloatRounds,
    _dearer,
    _Purses,
    _supporters,
    float_check,
    float_prefix,
    float_reach,
    float_resume,
    float_rounds,
    float_run,
    float_span,
)
from budget.engine.rules.mes.fast.tracked import tracked_run
from budget.engine.rules.mes.price import Shortfall, make_exact, quote
from budget.engine.rules.mes.profile import MesProfile, build_profile
from budget.engine.rules.mes.rounds import MesRun, Purchase, run_rounds
from budget.engine.satisfaction import ALLOWED, Satisfaction
from tests.budget.engine.rules.mes.test_mes_pabutools import elections


def _ids(profile: MesProfile, run: MesRun) -> list[str]:
    return [profile.candidates[p.candidate].id for p in run.purchases]


def _key(j: int) -> int:
    return j


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 40), st.integers(1, 4))
def test_every_raise_inside_the_window_gives_the_same_run(e: Election, extra: int, part: int) -> None:
    for satisfaction in (s for s in Satisfaction if e.vote_type in ALLOWED[s]):
        profile = build_profile(e, satisfaction)
        start = profile.budget / profile.voters + Fraction(extra, part)
        run = tracked_run(profile, start, _key)
        reach = min(run.window, 12.0)
        steps = [Fraction(k, 4) for k in range(1, 4 * math.ceil(reach)) if k / 4 < reach]
        for step in steps:
            again = run_rounds(profile, start + step, _key)
            assert _ids(profile, again) == _ids(profile, run), (satisfaction, start, step, run.window)


def _bought(profile: MesProfile, endowment: Fraction) -> tuple[int, ...]:
    return tuple(p.candidate for p in run_rounds(profile, endowment, _key).purchases)


def _stepwise_exhaustive(profile: MesProfile) -> Fraction:
    """pabutools' loop, one unit at a time: the endowment it stops at."""
    endowment = profile.budget / profile.voters
    while True:
        bought = _bought(profile, endowment)
        if spent(profile, bought) > profile.budget:
            return endowment - 1
        if exhaustive(profile, bought):
            return endowment
        endowment += 1


def _stepwise_add1(profile: MesProfile) -> Fraction:
    """equalshares.net's loop, one unit at a time (elections where every candidate together overspends)."""
    endowment = profile.budget / profile.voters
    while spent(profile, _bought(profile, endowment + 1)) <= profile.budget:
        endowment += 1
    return endowment


@settings(max_examples=200, deadline=None)
@given(elections())
def test_skipping_loops_equal_the_step_by_step_loops(e: Election) -> None:
    for satisfaction in (s for s in Satisfaction if e.vote_type in ALLOWED[s]):
        _check_loops(build_profile(e, satisfaction))


def _check_loops(profile: MesProfile) -> None:
    """Both loops, with and without lockstep batches, stop where the step-by-step loops stop, and the
    outcome they report there is the exact run's."""
    for lockstep in (False, True):
        endowment, _, bought = add1_exhaustive(profile, _key, lockstep)
        assert endowment == _stepwise_exhaustive(profile), lockstep
        assert bought is None or bought == _bought(profile, endowment)
        if sum(c.cost for c in profile.candidates) > profile.budget:
            endowment, _, bought = add1(profile, _key, False, lockstep)
            assert endowment == _stepwise_add1(profile), lockstep
            assert bought is None or bought == _bought(profile, endowment)


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 30))
def test_float_runs_are_exact_or_abstain(e: Election, extra: int) -> None:
    for satisfaction in (s for s in Satisfaction if e.vote_type in ALLOWED[s]):
        profile = build_profile(e, satisfaction)
        endowment = profile.budget / profile.voters + extra
        fast = float_run(profile, endowment, _key)
        assert fast is None or fast == _bought(profile, endowment)


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 20), st.integers(1, 12))
def test_a_proved_span_holds_at_every_endowment_inside(e: Election, extra: int, width: int) -> None:
    for satisfaction in (s for s in Satisfaction if e.vote_type in ALLOWED[s]):
        profile = build_profile(e, satisfaction)
        low = profile.budget / profile.voters + extra
        shared = float_span(profile, low, low + width, _key)
        if shared is not None:
            for k in range(0, 4 * width + 1):
                assert _bought(profile, low + Fraction(k, 4)) == shared, (satisfaction, low, k)


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 20), st.integers(1, 8), st.integers(1, 8))
def test_chained_spans_hold_at_every_endowment_inside(e: Election, extra: int, first: int, second: int) -> None:
    """A span checked from the rounds another span check returned covers both spans."""
    for satisfaction in (s for s in Satisfaction if e.vote_type in ALLOWED[s]):
        profile = build_profile(e, satisfaction)
        low = profile.budget / profile.voters + extra
        rounds = float_rounds(profile, low, _key)
        middle = None if rounds is None else float_reach(profile, low + first, _key, rounds)
        high = None if middle is None else float_reach(profile, low + first + second, _key, middle)
        if high is not None:
            shared = tuple(j for j, _ in high)
            assert middle is not None and tuple(j for j, _ in middle) == shared
            for k in range(0, 4 * (first + second) + 1):
                assert _bought(profile, low + Fraction(k, 4)) == shared, (satisfaction, low, k)


def _float_runs(e: Election, extra: int) -> Iterator[tuple[Satisfaction, MesProfile, Fraction, FloatRounds]]:
    """Per satisfaction e allows: its profile, an endowment `extra` above the start, and a float run there."""
    for satisfaction in (s for s in Satisfaction if e.vote_type in ALLOWED[s]):
        profile = build_profile(e, satisfaction)
        low = profile.budget / profile.voters + extra
        rounds = float_rounds(profile, low, _key)
        if rounds is not None:
            yield satisfaction, profile, low, rounds


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 20), st.integers(1, 12), st.integers(0, 12), st.integers(1, 12))
def test_a_failed_wide_check_proves_its_first_rounds_and_checks_inside_may_trust_them(
    e: Election, extra: int, width: int, start: int, inner: int
) -> None:
    for satisfaction, profile, low, rounds in _float_runs(e, extra):
        _, passed = float_prefix(profile, low + width, _key, rounds)
        prefix = tuple(j for j, _ in rounds[:passed])
        for k in range(0, 4 * width + 1):
            assert _bought(profile, low + Fraction(k, 4))[:passed] == prefix, (satisfaction, low, k, passed)
        # A run inside [low, low + width] that takes those rounds as known, and a
        # check of a span inside it, from a run there, trusting them.
        a = low + min(start, width)
        b = min(a + inner, low + width)
        known = float_rounds(profile, a, _key, prefix)
        assert known is None or tuple(j for j, _ in known) == _bought(profile, a), (satisfaction, a, passed)
        at_a = float_rounds(profile, a, _key)
        if at_a is None or b == a:
            continue
        reached, _ = float_prefix(profile, b, _key, at_a, trusted=passed)
        if reached is not None:
            shared = tuple(j for j, _ in at_a)
            for k in range(0, int(4 * (b - a)) + 1):
                assert _bought(profile, a + Fraction(k, 4)) == shared, (satisfaction, a, k, passed)


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 20), st.integers(1, 8), st.booleans())
def test_a_failed_check_run_finished_later_is_the_exact_run(e: Election, extra: int, width: int, wide: bool) -> None:
    # The add1 loops finish, at the next endowment, the run that a failed span
    # check began there: it must buy what an exact run there buys, or abstain.
    # As in the loops, a check may trust only rounds a wider check proved.
    for satisfaction, profile, low, rounds in _float_runs(e, extra):
        trusted = float_prefix(profile, low + 4 * width, _key, rounds)[1] if wide else 0
        high = low + width
        reached, passed, partial = float_check(profile, high, _key, rounds, trusted)
        if reached is not None:
            assert partial is None
            continue
        assert partial is not None and partial.endowment == high and len(partial.out) == passed
        finished = float_resume(profile, partial, _key)
        assert finished is None or tuple(j for j, _ in finished) == _bought(profile, high), (satisfaction, low, width)


@settings(max_examples=200, deadline=None)
@given(elections(), st.integers(0, 6), st.sampled_from([Fraction(1, 2), Fraction(999, 1000), Fraction(1), Fraction(1001, 1000), 2]))
def test_a_rival_called_dearer_asks_more_and_one_called_unaffordable_is(e: Election, extra: int, ratio: Fraction) -> None:
    """`_dearer` against exact prices, at every round of an exact run (purses set from its exact budgets)."""
    for satisfaction in (s for s in Satisfaction if e.vote_type in ALLOWED[s]):
        profile = build_profile(e, satisfaction)
        static = _supporters(profile)
        bought: set[int] = set()

        def check(budgets: Budgets, purchase: Purchase | None) -> None:
            purses = _Purses(profile, Fraction(0))
            for g, c in enumerate(budgets.cls.tolist()):
                purses.value[g] = float(budgets.value(c))
                purses.error[g] = abs(float(budgets.value(c)) - budgets.value(c)) * 2
            purses.worst = float(purses.error.max(initial=0.0))
            for j, cand in enumerate(profile.candidates):
                if j in bought:
                    continue
                q = quote(j, cand, budgets)
                exact = None if isinstance(q, Shortfall) else make_exact(q, budgets)
                probe = math.inf if exact is None else float(exact * ratio)
                got = _dearer(cand, static[j], purses, probe)
                if got is None:
                    assert exact is None, (j, exact)
                elif got:
                    assert exact is None or exact > Fraction(probe), (j, exact, probe)
            if purchase is not None:
                bought.add(purchase.candidate)

        run_rounds(profile, profile.budget / profile.voters + extra, _key, observe=check)


@st.composite
def crowds(draw: st.DrawFn) -> Election:
    """Approval elections with 40-120 voters and 6-12 projects, where the add1 loops take tens of steps.

    Enough voters that endowments run short unevenly, so span checks, their
    trusted rounds and rivals' one-pass checks all come into play (the
    small elections above rarely get that far).
    """
    ids = [str(k) for k in range(draw(st.integers(6, 12)))]
    projects = tuple(Project(i, Fraction(draw(st.integers(20, 400)))) for i in ids)
    ballots = []
    for _ in range(draw(st.integers(40, 120))):
        chosen = draw(st.lists(st.sampled_from(ids), min_size=0, max_size=len(ids), unique=True))
        ballots.append(Ballot(tuple(chosen), None))
    budget = Fraction(sum(p.cost for p in projects) * draw(st.integers(20, 60)), 100)
    return Election(projects, budget, VoteType.APPROVAL, tuple(ballots))


@settings(max_examples=100, deadline=None)
@given(crowds())
def test_skipping_loops_equal_the_step_by_step_loops_on_crowds(e: Election) -> None:
    for satisfaction in (Satisfaction.COST, Satisfaction.CARDINALITY):
        _check_loops(build_profile(e, satisfaction))
