"""The add1 completions (`budget.engine.rules.mes.completion`), skipping every step proved to repeat an outcome.

Both loops decide exactly as the step-by-step loops of
`budget.engine.rules.mes.reference` do; they only look at fewer endowments. An outcome at
an endowment comes from a float run with error bounds, a lockstep batch or
an exact tracked run, whichever can answer (`Outcomes`), with how many
further steps provably repeat it (span checks, `budget.engine.rules.mes.fast.window`).
"""

from __future__ import annotations

import math
from fractions import Fraction

from budget.engine.rules.mes.fast.batch import float_batch
from budget.engine.rules.mes.fast.float_run import (
    FloatRounds,
    Partial,
    float_check,
    float_prefix,
    float_resume,
    float_rounds,
)
from budget.engine.rules.mes.fast.tracked import TrackedRun, resume, tracked_run
from budget.engine.rules.mes.profile import MesProfile
from budget.engine.rules.mes.rounds import TieKey


class CompletionStuck(RuntimeError):
    """The add1 loop can never stop (cannot happen unless the profile is inconsistent)."""


GROW = 2  # successes in a row before a span doubles
PROBE = 16  # a wide check spans this many times the current span
LOCKSTEP = 32  # endowments a batch runs at once (`budget.engine.rules.mes.fast.batch`)
CROWDED = 3  # visits in a row that skipped at most 2 steps before the loop runs batches again
# A batch's numpy calls carry LOCKSTEP times a candidate's supporter groups:
# past ~10,000 numbers a call costs arithmetic more than its own overhead and
# one run per step is cheaper (Budapest 2024, ~1,500 groups a candidate:
# 110 ms a batch against 3.7 ms a visit skipping ~24 steps).
LOCKSTEP_NUMBERS = 10_000
# Below ~50 groups a candidate, a single run's price is a few numbers and the
# batch's bookkeeping per candidate costs more than the calls it shares
# (Wroclaw 2015, one group a candidate: card add1 0.07 -> 0.10 s; Assen 2024).
LOCKSTEP_GROUPS = 50
LOCKSTEP_PURSES = 1_000_000  # a batch holds every voter group's budget per row: ~8 MB per array


class Outcomes:
    """MES outcomes at given endowments, each as cheaply as can be proved exact.

    A float run with error bounds (`budget.engine.rules.mes.fast.float_run`) answers when it is
    sure; otherwise an exact run does, resuming the last exact run's
    repeated rounds (`budget.engine.rules.mes.fast.tracked.resume`), and says how many further
    steps provably repeat it (`budget.engine.rules.mes.fast.window`).
    """

    def __init__(self, profile: MesProfile, tie_key: TieKey, lockstep: bool | None = None) -> None:
        self.profile, self.tie_key = profile, tie_key
        self.last: TrackedRun | None = None
        self.runs = 0
        # The first visits try float runs too: an exact run pays off only where
        # it skips far, and the loop learns that from the exact runs it falls
        # back to (3-6% off Katowice, Czestochowa, Lodz and Wroclaw add1).
        self.floats_left = 16
        self.span = 16
        self.streak = 0
        self.probe_misses = 0  # wide checks failed in a row
        self.probe_rest = 0  # visits left before the next wide check
        # The rounds at a higher endowment that the last span check proved,
        # as (endowment, rounds): the loop's next visit starts from there.
        self.ahead: tuple[Fraction, FloatRounds] | None = None
        # (low, high, winners): the first rounds are won by these candidates
        # at every endowment in [low, high] (`budget.engine.rules.mes.fast.float_run.float_prefix`).
        self.trust: tuple[Fraction, Fraction, tuple[int, ...]] = (Fraction(0), Fraction(0), ())
        # A failed span check's run at its high end, as far as it got.
        self.partial: Partial | None = None
        self.money: dict[tuple[int, ...], Fraction] = {}
        self.full: dict[tuple[int, ...], bool] = {}
        # Where outcomes change every few steps, runs in lockstep answer the
        # next LOCKSTEP endowments at once (Katowice 2023 cost: 113 steps, 13
        # outcomes, near ties failing span checks); the loop starts so, and
        # goes back to span checks where a batch shows one outcome throughout.
        self.batched: dict[Fraction, tuple[int, ...]] = {}
        groups = sum(len(c.groups) for c in profile.candidates) / max(1, len(profile.candidates))
        fits = len(profile.multiplicity) * LOCKSTEP <= LOCKSTEP_PURSES
        suits = LOCKSTEP_GROUPS <= groups <= LOCKSTEP_NUMBERS / LOCKSTEP and fits
        self.lockstep = suits if lockstep is None else lockstep
        self.crowded = CROWDED
        self.patience = CROWDED  # crowded visits before the next batch; doubles when batches fail

    def at(self, endowment: Fraction) -> tuple[tuple[int, ...], float]:
        """(candidates bought in order, steps of 1 that give the same outcome: at least 1, maybe infinite)."""
        if self.lockstep and self.crowded >= self.patience and endowment not in self.batched:
            self._batch(endowment)
        if endowment in self.batched:
            self.runs += 1
            bought = self.batched[endowment]
            repeats = 1
            while self.batched.get(endowment + repeats) == bought:
                repeats += 1
            return bought, repeats
        bought, skip = self._visit(endowment)
        self.crowded = self.crowded + 1 if skip <= 2 else 0
        return bought, skip

    def _batch(self, endowment: Fraction) -> None:
        """Outcomes at endowment, endowment + 1, ... in one lockstep batch (those floats are sure of)."""
        steps = [endowment + i for i in range(LOCKSTEP)]
        found = float_batch(self.profile, steps, self.tie_key)
        self.batched = {e: bought for e, bought in zip(steps, found) if bought is not None}
        if len(self.batched) < LOCKSTEP // 2:
            # Near ties floats cannot settle (Toulouse 2022: twins tie at every
            # step, exact runs decide): wait twice as long before the next batch.
            self.crowded, self.patience = 0, 2 * self.patience
        elif len(set(found)) == 1:
            # One outcome all through: span checks skip further. (Ending on
            # a repeat is not enough: Katowice 2023 cost went back to them at
            # step 96 for 4 visits, then batched again: 41 ms against 24.)
            self.crowded = 0

    def _visit(self, endowment: Fraction) -> tuple[tuple[int, ...], float]:
        """`at` by a float or exact run and span checks."""
        bought, skip, rounds = self._at(endowment)
        if skip > 1:
            return bought, skip
        if rounds is None:
            rounds = float_rounds(self.profile, endowment, self.tie_key)
            if rounds is None:
                return bought, skip
        # Budapest 2024 needs thousands of steps of 1 forint: prove whole
        # spans of them repeat this outcome, halving the span at once while
        # that fails and doubling it after GROW successes in a row (doubling
        # at each success failed every other check where a near tie holds
        # spans to a steady ~3 forints). A proved span's high end is where
        # the next visit starts, its rounds known.
        if self.probe_rest > 0:
            self.probe_rest -= 1
        elif self.span < PROBE and self._trusted(endowment, endowment + self.span, bought) == 0:
            # A wide check, even failing, proves the rounds before its near
            # tie over the whole width: the checks inside it skip their rivals.
            high = endowment + PROBE * self.span
            reached, passed = float_prefix(self.profile, high, self.tie_key, rounds)
            if reached is not None:
                self.ahead = (high, reached)
                self.probe_misses = 0
                return bought, PROBE * self.span
            self.trust = (endowment, high, bought[:passed])
            # Where outcomes change every few steps (Czestochowa 2024: 366
            # steps, 53 of 54 wide checks failed), wait longer before the next.
            self.probe_misses += 1
            self.probe_rest = min(2 ** self.probe_misses, 16) if self.probe_misses >= 2 else 0
        while self.span >= 1:
            high = endowment + self.span
            trusted = self._trusted(endowment, high, bought)
            reached, passed, partial = float_check(self.profile, high, self.tie_key, rounds, trusted)
            if reached is not None:
                self.ahead = (high, reached)
                skip = self.span
                self.streak += 1
                if self.streak >= GROW:
                    self.span, self.streak = self.span * 2, 0
                return bought, skip
            if passed > trusted:
                self.trust = (endowment, high, bought[:passed])
            # The last failed check is at endowment + 1, the next visit: its
            # run there, as far as it got, is finished then (`float_resume`).
            self.partial = partial
            self.span //= 2
            self.streak = 0
        self.span = 1
        return bought, skip

    def spent(self, bought: tuple[int, ...]) -> Fraction:
        """`spent`, remembered: Budapest 2024 visits ~2,700 endowments with ~120 outcomes."""
        if bought not in self.money:
            self.money[bought] = spent(self.profile, bought)
        return self.money[bought]

    def exhaustive(self, bought: tuple[int, ...]) -> bool:
        """`exhaustive`, remembered."""
        if bought not in self.full:
            self.full[bought] = exhaustive(self.profile, bought)
        return self.full[bought]

    def _trusted(self, low: Fraction, high: Fraction, bought: tuple[int, ...]) -> int:
        """How many first rounds of `bought` an earlier, wider check proved the same on [low, high]."""
        start, end, winners = self.trust
        inside = start <= low and high <= end and bought[: len(winners)] == winners
        return len(winners) if inside else 0

    def _at(self, endowment: Fraction) -> tuple[tuple[int, ...], float, FloatRounds | None]:
        self.runs += 1
        ahead, self.ahead = self.ahead, None
        if ahead is not None and ahead[0] == endowment:
            return tuple(j for j, _ in ahead[1]), 1, ahead[1]
        partial, self.partial = self.partial, None
        if self.floats_left > 0:
            self.floats_left -= 1
            if partial is not None and partial.endowment == endowment:
                low = float_resume(self.profile, partial, self.tie_key)
            else:
                start, end, winners = self.trust
                known = winners if start <= endowment <= end else ()
                low = float_rounds(self.profile, endowment, self.tie_key, known)
            if low is not None:
                return tuple(j for j, _ in low), 1, low
        if self.last is None:
            run = tracked_run(self.profile, endowment, self.tie_key)
        else:
            run = resume(self.profile, self.last, endowment, self.tie_key)
        self.last = run
        skip = _skip(run)
        # Exact runs pay off when they skip steps (Wroclaw 2015: 16 runs for
        # 250 steps); where they skip fewer than 3, the next 16 steps go to
        # float runs (Praga-Poludnie: 0.03 s against 0.4 s each), then probe again.
        self.floats_left = 16 if skip < 3 else 0
        return tuple(p.candidate for p in run.purchases), skip, None


def spent(profile: MesProfile, bought: tuple[int, ...]) -> Fraction:
    """Total cost of the bought candidates."""
    return sum((profile.candidates[j].cost for j in bought), Fraction(0))


def exhaustive(profile: MesProfile, bought: tuple[int, ...]) -> bool:
    """No unbought candidate fits the budget left (pabutools' `is_exhaustive` on MES's projects)."""
    left = profile.budget - spent(profile, bought)
    chosen = set(bought)
    return all(j in chosen or c.cost > left for j, c in enumerate(profile.candidates))


def _skip(run: TrackedRun) -> float:
    """Endowment steps to the next run that could differ (at least 1; infinite if none can)."""
    return run.window if math.isinf(run.window) else max(1, math.ceil(run.window))


def _step(skip: float) -> int:
    if math.isinf(skip):
        raise CompletionStuck("no raise of the endowment changes this outcome")
    return int(skip)


def add1_exhaustive(
    profile: MesProfile, tie_key: TieKey, lockstep: bool | None = None
) -> tuple[Fraction, int, tuple[int, ...] | None]:
    """pabutools' iterated MES: the endowment it settles on, how many runs it took, and what MES buys there.

    `lockstep`: whether crowded stretches run in batches (`Outcomes`); None
    lets the profile's size decide.
    """
    outcomes = Outcomes(profile, tie_key, lockstep)
    endowment = profile.budget / profile.voters
    previous: tuple[int, ...] | None = None
    while True:
        bought, skip = outcomes.at(endowment)
        if outcomes.spent(bought) > profile.budget:
            # The skipped steps repeated the previous outcome; the loop's last
            # one was the step just before. (A run at budget / voters never
            # overspends, so there is a previous outcome.)
            return (endowment, outcomes.runs, None) if previous is None else (endowment - 1, outcomes.runs, previous)
        if outcomes.exhaustive(bought):
            return endowment, outcomes.runs, bought
        previous = bought
        endowment += _step(skip)


def add1(
    profile: MesProfile, tie_key: TieKey, everything_fits: bool, lockstep: bool | None = None
) -> tuple[Fraction, int, tuple[int, ...] | None]:
    """equalshares.net's add1: the last endowment whose outcome fitted, how many runs it took, and what MES
    buys there (None when the loop did not run)."""
    endowment = profile.budget / profile.voters
    if everything_fits:
        return endowment, 0, None
    total = sum((c.cost for c in profile.candidates), Fraction(0))
    if total <= profile.budget:
        # Every outcome fits, so the tool would raise the endowment forever;
        # its limit funds every candidate: at an endowment of the total cost
        # nobody ever runs short.
        return max(endowment, total), 0, None
    outcomes = Outcomes(profile, tie_key, lockstep)
    previous, skip = outcomes.at(endowment)
    while True:
        step = _step(skip)
        bought, skip = outcomes.at(endowment + step)
        if outcomes.spent(bought) > profile.budget:
            return endowment + step - 1, outcomes.runs, previous
        endowment += step
        previous = bought
