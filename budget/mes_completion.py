"""Completions that raise every voter's endowment by one unit of the budget at a time.

- `add1-exhaustive` (pabutools' `voter_budget_increment=1`): rerun with the
  endowment raised by 1 until the outcome is exhaustive (no unfunded
  candidate fits the money left); if an outcome overspends the budget, the
  previous outcome stands.
- `add1` (equalshares.net's compute tool): raise by 1 while the *next*
  outcome still fits the budget; no exhaustiveness stop. Skipped when all
  projects together fit the budget.

"1" is one unit of the budget as the file writes it (one złoty, one forint),
not one minor unit. Both loops are computed exactly as defined, step by step,
except that a run also reports how many further steps would repeat it
(`budget.mes_window`); those steps are skipped, since they cannot change
what the loop decides.
"""

from __future__ import annotations

import math
from enum import StrEnum
from fractions import Fraction

from budget.mes_profile import MesProfile
from budget.mes_rounds import MesRun, TieKey, resume, run_rounds


class Completion(StrEnum):
    NONE = "none"
    ADD1 = "add1"
    ADD1_EXHAUSTIVE = "add1-exhaustive"


class CompletionStuck(RuntimeError):
    """The add1 loop can never stop (cannot happen unless the profile is inconsistent)."""


def spent(profile: MesProfile, run: MesRun) -> Fraction:
    """Total cost of a run's purchases (free projects cost nothing)."""
    return sum((profile.candidates[p.candidate].cost for p in run.purchases), Fraction(0))


def exhaustive(profile: MesProfile, run: MesRun) -> bool:
    """No unbought candidate fits the budget left (pabutools' `is_exhaustive` on MES's projects)."""
    left = profile.budget - spent(profile, run)
    bought = {p.candidate for p in run.purchases}
    return all(j in bought or c.cost > left for j, c in enumerate(profile.candidates))


def _skip(run: MesRun) -> int:
    """Endowment steps to the next run that could differ (at least 1)."""
    if math.isinf(run.window):
        raise CompletionStuck("no raise of the endowment changes this outcome")
    return max(1, math.ceil(run.window))


def add1_exhaustive(profile: MesProfile, tie_key: TieKey) -> tuple[MesRun, int]:
    """pabutools' iterated MES; returns the chosen run and how many runs it took."""
    endowment = profile.budget / profile.voters
    previous: MesRun | None = None
    runs = 0
    while True:
        if previous is None:
            run = run_rounds(profile, endowment, tie_key, track=True)
        else:
            run = resume(profile, previous, endowment, tie_key)
        runs += 1
        if spent(profile, run) > profile.budget:
            # pabutools' first "previous outcome" is the initial allocation:
            # unreachable, a run at budget / voters never overspends.
            if previous is None:
                return run, runs
            # The skipped steps repeated `previous`: the loop's last one was the step just before.
            return MesRun(endowment - 1, previous.purchases, 0.0), runs
        if exhaustive(profile, run):
            return run, runs
        previous = run
        endowment += _skip(run)


def add1(profile: MesProfile, tie_key: TieKey, everything_fits: bool) -> tuple[MesRun, int]:
    """equalshares.net's add1; returns the chosen run and how many runs it took.

    The returned run's endowment is the last one whose outcome fitted,
    exactly as the tool's loop would end.
    """
    endowment = profile.budget / profile.voters
    run = run_rounds(profile, endowment, tie_key, track=not everything_fits)
    if everything_fits:
        return run, 1
    if sum((c.cost for c in profile.candidates), Fraction(0)) <= profile.budget:
        # Every outcome fits, so the tool would raise the endowment forever;
        # its limit funds every candidate: at an endowment of the total cost
        # nobody ever runs short.
        limit = max(endowment, sum((c.cost for c in profile.candidates), Fraction(0)))
        return run_rounds(profile, limit, tie_key), 2
    runs = 1
    while True:
        step = _skip(run)
        nxt = resume(profile, run, endowment + step, tie_key)
        runs += 1
        if spent(profile, nxt) > profile.budget:
            last = endowment + step - 1
            return MesRun(last, run.purchases, run.window - (step - 1)), runs
        endowment, run = endowment + step, nxt
