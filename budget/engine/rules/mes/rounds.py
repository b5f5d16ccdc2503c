"""One run of the Method of Equal Shares at a given endowment, exactly.

Every voter starts with the same endowment. Each round, every project still
affordable by its supporters gets a price rho per unit of satisfaction (see
`budget.engine.rules.mes.price`); the project with the least rho is bought, ties going to
the tie-break order, and each supporter pays min(budget, rho * satisfaction).
The run ends when no project is affordable. This is pabutools 1.2.3's
`mes_inner_algo` with resoluteness, including its lazy evaluation: a
project's rho only grows from round to round, so one whose previous rho
exceeds the best current one is not priced again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from budget.engine.rules.mes.budgets import Budgets, Entries, Snapshot
from budget.engine.rules.mes.price import Quote, Shortfall, make_exact, quote
from budget.engine.rules.mes.profile import MesProfile
from budget.engine.rules.mes.window import Window

TieKey = Callable[[int], int]
# Called before each purchase with the budgets and the purchase, and once at
# the end with None: how explanations see every round's budgets.
Observer = Callable[[Budgets, "Purchase | None"], None]


@dataclass(frozen=True, slots=True)
class Purchase:
    """A bought candidate: rho per unit of satisfaction, and who paid what.

    `entries` are its supporters grouped by (budget class, weight) before the
    purchase, entry k holding `numerators[k] / denominator` each; `poor[k]`
    says whether it paid all of it (else it paid rho * scale * weight).
    """

    candidate: int
    rho: Fraction
    tied: tuple[int, ...]
    entries: Entries
    numerators: tuple[int, ...]
    denominator: int
    poor: tuple[bool, ...]

    def budget(self, k: int) -> Fraction:
        """Entry k's budget before the purchase, exactly."""
        return Fraction(self.numerators[k], self.denominator)


@dataclass(frozen=True, slots=True)
class MesRun:
    """The purchases of one run, and (if asked for) how far the endowment
    could rise with the very same run: every raise below `window` (in units
    of the budget) gives the same purchases."""

    endowment: Fraction
    purchases: tuple[Purchase, ...]
    window: float = 0.0
    checkpoints: tuple[Checkpoint, ...] = ()


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


def run_rounds(
    profile: MesProfile, endowment: Fraction, tie_key: TieKey, track: bool = False, observe: Observer | None = None
) -> MesRun:
    """One MES run where every voter starts with `endowment`."""
    run = _Run(profile, endowment, tie_key, track)
    run.observe = observe
    while run.stale and run.round():
        pass
    if observe is not None:
        observe(run.budgets, None)
    window = run.window.delta if run.window is not None else 0.0
    return MesRun(endowment, tuple(run.purchases), window, tuple(run.checkpoints))


def resume(profile: MesProfile, previous: MesRun, endowment: Fraction, tie_key: TieKey) -> MesRun:
    """The tracked run at `endowment`, starting after the last rounds of `previous` that provably repeat.

    The add1 loops rerun MES with one more unit each time; the first rounds
    rarely change. The purchases it reuses keep the records of `previous`
    (same projects; their prices are those at the earlier endowment).
    """
    usable = [cp for cp in previous.checkpoints if 0 <= endowment - cp.base < cp.window]
    if not usable or (endowment - usable[-1].base).denominator != 1:
        return run_rounds(profile, endowment, tie_key, track=True)
    cp = usable[-1]
    run = _Run(profile, endowment, tie_key, True)
    run.start_from(cp, int(endowment - cp.base), previous)
    while run.stale and run.round():
        pass
    window = run.window.delta if run.window is not None else 0.0
    return MesRun(endowment, tuple(run.purchases), window, tuple(run.checkpoints))


class _Run:
    def __init__(self, profile: MesProfile, endowment: Fraction, tie_key: TieKey, track: bool) -> None:
        self.profile, self.tie_key = profile, tie_key
        self.budgets = Budgets(profile, endowment)
        # Everyone's first rho is cost / total satisfaction; the float, lowered by
        # far more than its rounding error, is a safe lower bound for the lazy scan.
        self.stale = {
            j: float(c.cost / (c.scale * c.total_weight)) * (1 - 1e-6) for j, c in enumerate(profile.candidates)
        }
        self.window = Window({j: (lo, 0.0) for j, lo in self.stale.items()}) if track else None
        self.purchases: list[Purchase] = []
        self.observe: Observer | None = None
        self.fresh: set[int] = set()
        self.endowment = endowment
        self.checkpoints: list[Checkpoint] = []

    def start_from(self, cp: Checkpoint, step: int, previous: MesRun) -> None:
        """Continue from checkpoint `cp` of `previous`, every voter holding `step` more."""
        self.budgets = Budgets.resumed(self.profile, cp.budgets, step)
        lower = {j: _shift(lo, slope, step) for j, (lo, slope) in cp.lower.items()}
        self.stale = {j: lo for j, (lo, _) in lower.items()}
        self.window = Window(lower)
        self.window.limit(cp.window - step)
        self.purchases = list(previous.purchases[: cp.rounds])
        self.checkpoints = [c for c in previous.checkpoints if c.rounds <= cp.rounds]

    def round(self) -> bool:
        """Buy one project; False when none is affordable."""
        quotes = self._price_round()
        if not quotes:
            return False
        best, tied = self._winner(quotes)
        rho = make_exact(best, self.budgets)
        del self.stale[best.j]
        if self.window is not None:
            self._bound(best, rho, quotes, tied)
        purchase = _record(best, rho, tied, self.budgets)
        self.purchases.append(purchase)
        if self.observe is not None:
            self.observe(self.budgets, purchase)
        price = (best.num, best.poor_slope, best.rich_weight)
        self.budgets.pay(best.cand, best.entries, price, list(purchase.poor))
        if self.window is not None:
            self.checkpoints.append(Checkpoint(self.endowment, len(self.purchases), self.window.delta,
                                               self.budgets.snapshot(), dict(self.window.lower)))
        return True

    def _quote(self, j: int) -> Quote | None:
        q = quote(j, self.profile.candidates[j], self.budgets)
        if isinstance(q, Shortfall):
            del self.stale[j]
            if self.window is not None:
                self.window.short(q, self.profile.candidates[j].cost)
            return None
        self.stale[j] = q.lo
        self.fresh.add(j)
        if self.window is not None:
            self.window.priced(q)
        return q

    def _price_round(self) -> list[Quote]:
        """Quotes of every candidate that might win this round (lazily)."""
        best_hi = math.inf
        self.fresh = set()
        quotes: list[Quote] = []
        for j in sorted(self.stale, key=self.stale.__getitem__):
            if self.stale[j] > best_hi:
                break
            q = self._quote(j)
            if q is not None:
                best_hi = min(best_hi, q.hi)
                quotes.append(q)
        return [q for q in quotes if q.lo <= best_hi]

    def _winner(self, quotes: list[Quote]) -> tuple[Quote, tuple[int, ...]]:
        """The quote with the least exact rho, equal rhos going to the tie-break order; and the others tied."""
        if len(quotes) == 1:
            return quotes[0], ()
        exact = sorted(((make_exact(q, self.budgets), self.tie_key(q.j), q) for q in quotes), key=lambda t: t[:2])
        best = exact[0]
        return best[2], tuple(t[2].j for t in exact[1:] if t[0] == best[0])

    def _bound(self, best: Quote, rho: Fraction, quotes: list[Quote], tied: tuple[int, ...]) -> None:
        """Narrow the window by this round; re-price stale rivals only while they cut it short."""
        window = self.window
        if window is None:
            return
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
            if self._quote(j) is not None:
                window.limit(window.rival(line, j))


def _shift(lo: float, slope: float, step: int) -> tuple[float, float]:
    """A lower bound line moved `step` along itself, rounded down with room to spare."""
    moved = lo + slope * step
    return moved - 1e-12 * (abs(lo) + abs(slope * step)), slope


def _record(q: Quote, rho: Fraction, tied: tuple[int, ...], budgets: Budgets) -> Purchase:
    poor = [False] * len(q.order)
    for k in q.order[: q.poor].tolist():
        poor[k] = True
    numerators = tuple(budgets.nums(q.entries.cls.tolist()))
    return Purchase(q.j, rho, tied, q.entries, numerators, budgets.denominator, tuple(poor))
