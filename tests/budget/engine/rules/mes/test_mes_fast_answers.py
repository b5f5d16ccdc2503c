"""Every fast path, made to answer, against the textbook MES (`budget.engine.rules.mes.reference`).

A fast path that abstains is always right; these tests count how often
each one answered over a fixed set of elections built to tie
(`tests.budget.engine.rules.mes.ties.seeded_elections`) and check every answer it gave
against the reference run at that endowment. A path that stopped answering
(or answered wrongly) fails here.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from functools import cache

from budget.engine.election import Election
from budget.engine.rules.mes.completion import Completion
from budget.engine.rules.mes.fast.add1 import add1, add1_exhaustive
from budget.engine.rules.mes.fast.batch import float_batch
from budget.engine.rules.mes.fast.float_run import float_run, float_span
from budget.engine.rules.mes.fast.tracked import tracked_run
from budget.engine.rules.mes.profile import MesProfile, build_profile
from budget.engine.rules.mes.reference import Race, make_race, reference_mes, run
from budget.engine.rules.mes.rounds import TieKey, run_rounds
from budget.engine.satisfaction import ALLOWED, Satisfaction
from budget.engine.tiebreak import TieBreak, TieOrder
from tests.budget.engine.rules.mes.ties import seeded_elections

# 100 elections give 464 cases (satisfactions x tie-breaks), ~15 s for the file. Measured: float
# runs answer 972 of 1,856 endowments, batch rows 1,856 of 3,712, span checks 138 of 928, and 200
# exact windows reach past the next step: elections built to tie often tie exactly, and floats
# then leave the decision to exact runs. The thresholds below sit at about two thirds of those.
ELECTIONS = 100


@dataclass(frozen=True)
class Case:
    """One election under one satisfaction and tie-break, as the fast code and the reference see it."""

    election: Election
    satisfaction: Satisfaction
    tie_break: TieBreak
    profile: MesProfile
    key: TieKey
    race: Race

    @property
    def start(self) -> Fraction:
        return self.profile.budget / self.profile.voters

    def truth(self, endowment: Fraction) -> tuple[int, ...]:
        """The projects (election indices) the reference buys at `endowment`, in order."""
        return tuple(run(self.race, endowment))

    def ids(self, bought: tuple[int, ...]) -> tuple[int, ...]:
        """Fast code's candidates as election indices."""
        return tuple(self.profile.candidates[j].index for j in bought)


@cache
def cases() -> tuple[Case, ...]:
    out = []
    for e in seeded_elections(ELECTIONS):
        for satisfaction in (s for s in Satisfaction if e.vote_type in ALLOWED[s]):
            profile = build_profile(e, satisfaction)
            if not profile.voters or not profile.candidates:
                continue
            for tie_break in TieBreak:
                key = _tie_key(profile, TieOrder.of(e, tie_break))
                out.append(Case(e, satisfaction, tie_break, profile, key, make_race(e, satisfaction, tie_break)))
    return tuple(out)


def _tie_key(profile: MesProfile, order: TieOrder) -> TieKey:
    """The tie key `method_of_equal_shares` gives its runs."""
    return lambda j: order.rank[profile.candidates[j].index]


def _endowments(case: Case) -> Iterator[Fraction]:
    """The start, a few whole steps above it (where add1 loops look), and one between steps."""
    for extra in (Fraction(0), Fraction(1), Fraction(3), Fraction(7, 2)):
        yield case.start + extra


def test_float_runs_answer_and_every_answer_is_the_reference_run() -> None:
    asked = answered = 0
    for case in cases():
        for endowment in _endowments(case):
            asked += 1
            fast = float_run(case.profile, endowment, case.key)
            if fast is not None:
                answered += 1
                assert case.ids(fast) == case.truth(endowment), (case.election, case.satisfaction, endowment)
    assert answered >= asked // 3, (answered, asked)


def test_exact_rounds_always_answer_with_the_reference_run() -> None:
    for case in cases():
        for endowment in _endowments(case):
            bought = tuple(p.candidate for p in run_rounds(case.profile, endowment, case.key).purchases)
            assert case.ids(bought) == case.truth(endowment), (case.election, case.satisfaction, endowment)


def test_lockstep_batches_answer_and_every_row_is_the_reference_run() -> None:
    rows = answered = 0
    for case in cases():
        endowments = [case.start + k for k in range(8)]
        for endowment, fast in zip(endowments, float_batch(case.profile, endowments, case.key), strict=True):
            rows += 1
            if fast is not None:
                answered += 1
                assert case.ids(fast) == case.truth(endowment), (case.election, case.satisfaction, endowment)
    assert answered >= rows // 3, (answered, rows)


def test_proved_spans_hold_at_every_quarter_step_inside() -> None:
    checked = proved = 0
    for case in cases():
        for width in (1, 4):
            checked += 1
            shared = float_span(case.profile, case.start, case.start + width, case.key)
            if shared is not None:
                proved += 1
                for k in range(4 * width + 1):
                    assert case.truth(case.start + Fraction(k, 4)) == case.ids(shared), (case.election, width, k)
    assert proved >= checked // 10, (proved, checked)


def test_exact_windows_reach_past_the_next_step_and_hold_inside() -> None:
    reaching = 0
    for case in cases():
        tracked = tracked_run(case.profile, case.start, case.key)
        reach = min(tracked.window, 6.0)
        reaching += reach > 1
        expected = case.ids(tuple(p.candidate for p in tracked.purchases))
        for k in range(1, math.ceil(4 * reach)):
            if k / 4 < reach:
                assert case.truth(case.start + Fraction(k, 4)) == expected, (case.election, k, tracked.window)
    assert reaching >= len(cases()) // 4, reaching


def test_skipping_add1_loops_skip_and_settle_where_the_reference_steps_to() -> None:
    """Both loops, with and without lockstep batches, against the reference's one-unit steps."""
    skipped: Counter[str] = Counter()
    for case in cases():
        for completion in (Completion.ADD1_EXHAUSTIVE, Completion.ADD1):
            if completion is Completion.ADD1 and sum(c.cost for c in case.profile.candidates) <= case.profile.budget:
                continue  # nothing to loop over (the rule settles it without a loop)
            ref = reference_mes(case.election, case.satisfaction, case.tie_break, completion)
            for lockstep in (False, True):
                if completion is Completion.ADD1_EXHAUSTIVE:
                    endowment, runs, _ = add1_exhaustive(case.profile, case.key, lockstep)
                else:
                    endowment, runs, _ = add1(case.profile, case.key, False, lockstep)
                assert endowment == ref.endowment, (case.election, completion, lockstep)
                skipped[f"{completion} lockstep={lockstep}"] += runs < ref.runs
    assert min(skipped.values()) > 0 and len(skipped) == 4, skipped
