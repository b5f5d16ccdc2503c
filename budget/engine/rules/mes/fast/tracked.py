"""Exact runs that also prove how far the endowment can rise with the very same run (the add1 loops' skips).

A tracked run is `budget.engine.rules.mes.rounds`' exact run, decision for decision; on
the way it narrows a `Window` (`budget.engine.rules.mes.fast.window`): every raise of the
endowment below `window` (in units of the budget) gives the same purchases,
so the loops skip those steps. After each purchase it keeps a `Checkpoint`,
from which a run at a higher endowment inside the checkpoint's window can
start instead of from round 1 (`resume`): the first rounds rarely change
from one step to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from budget.engine.rules.mes.budgets import Budgets, Snapshot
from budget.engine.rules.mes.fast.window import Window
from budget.engine.rules.mes.price import Quote, Shortfall
from budget.engine.rules.mes.profile import MesProfile
from budget.engine.rules.mes.rounds import MesRun, Rounds, TieKey


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The state after `rounds` purchases of a run at endowment `base`.

    The first `rounds` purchases stay the same for every endowment in
    [base, base + window): a run there can start from this state, its
    budgets moved along their slopes (`Budgets.resumed`).
    """

    base: Fraction
    rounds: int
    window: float
    budgets: Snapshot
    lower: dict[int, tuple[float, float]]


@dataclass(frozen=True, slots=True)
class TrackedRun(MesRun):
    """A run, and how far the endowment could rise with the very same run: every raise below `window`
    (in units of the budget) gives the same purchases."""

    window: float = 0.0
    checkpoints: tuple[Checkpoint, ...] = ()


def tracked_run(profile: MesProfile, endowment: Fraction, tie_key: TieKey) -> TrackedRun:
    """The exact run at `endowment`, with its window and checkpoints."""
    return _Tracked(profile, endowment, tie_key).finish()


def resume(profile: MesProfile, previous: TrackedRun, endowment: Fraction, tie_key: TieKey) -> TrackedRun:
    """The tracked run at `endowment`, starting after the last rounds of `previous` that provably repeat.

    The add1 loops rerun MES with one more unit each time; the first rounds
    rarely change. The purchases it reuses keep the records of `previous`
    (same projects; their prices are those at the earlier endowment).
    """
    usable = [cp for cp in previous.checkpoints if 0 <= endowment - cp.base < cp.window]
    if not usable or (endowment - usable[-1].base).denominator != 1:
        return tracked_run(profile, endowment, tie_key)
    run = _Tracked(profile, endowment, tie_key)
    run.start_from(usable[-1], int(endowment - usable[-1].base), previous)
    return run.finish()


class _Tracked(Rounds):
    def __init__(self, profile: MesProfile, endowment: Fraction, tie_key: TieKey) -> None:
        super().__init__(profile, endowment, tie_key)
        self.window = Window({j: (lo, 0.0) for j, lo in self.stale.items()})
        self.checkpoints: list[Checkpoint] = []

    def finish(self) -> TrackedRun:
        while self.stale and self.round():
            pass
        return TrackedRun(self.endowment, tuple(self.purchases), self.window.delta, tuple(self.checkpoints))

    def start_from(self, cp: Checkpoint, step: int, previous: TrackedRun) -> None:
        """Continue from checkpoint `cp` of `previous`, every voter holding `step` more."""
        self.budgets = Budgets.resumed(self.profile, cp.budgets, step)
        lower = {j: _shift(lo, slope, step) for j, (lo, slope) in cp.lower.items()}
        self.stale = {j: lo for j, (lo, _) in lower.items()}
        self.window = Window(lower)
        self.window.limit(cp.window - step)
        self.purchases = list(previous.purchases[: cp.rounds])
        self.checkpoints = [c for c in previous.checkpoints if c.rounds <= cp.rounds]

    def short(self, s: Shortfall) -> None:
        self.window.short(s, self.profile.candidates[s.j].cost)

    def priced(self, q: Quote) -> None:
        self.window.priced(q)

    def paid(self) -> None:
        self.checkpoints.append(Checkpoint(self.endowment, len(self.purchases), self.window.delta,
                                           self.budgets.snapshot(), dict(self.window.lower)))

    def bought(self, best: Quote, rho: Fraction, quotes: list[Quote], tied: tuple[int, ...]) -> None:
        """Narrow the window by this round; re-price stale rivals only while they cut it short."""
        window = self.window
        line = window.bought(best, rho, self.budgets)
        winner_slope = window.slope(best, self.budgets)
        for q in quotes:
            if q.j in tied:
                window.limit(window.tied(q, line, self.budgets, winner_slope))
        for j in (self.fresh & self.stale.keys()) - set(tied):
            window.limit(window.rival(line, j))
        stale = sorted((window.rival(line, j), j) for j in self.stale if j not in self.fresh)
        for bound, j in stale:
            if bound >= window.delta:
                break
            if self.ask(j) is not None:
                window.limit(window.rival(line, j))


def _shift(lo: float, slope: float, step: int) -> tuple[float, float]:
    """A lower bound line moved `step` along itself, rounded down with room to spare."""
    moved = lo + slope * step
    return moved - 1e-12 * (abs(lo) + abs(slope * step)), slope
