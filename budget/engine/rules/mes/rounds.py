"""One run of the Method of Equal Shares at a given endowment, exactly.

Every voter starts with the same endowment. Each round, every project still
affordable by its supporters gets a price rho per unit of satisfaction (see
`budget.engine.rules.mes.price`); the project with the least rho is bought, ties going to
the tie-break order, and each supporter pays min(budget, rho * satisfaction).
The run ends when no project is affordable. This is pabutools 1.2.3's
`mes_inner_algo` with resoluteness, including its lazy evaluation: a
project's rho only grows from round to round, so one whose previous rho
exceeds the best current one is not priced again.

This is the exact path, with `price`: every decision is taken on exact
integers over a common denominator; floats only order the lazy scan and
say which quotes must be made exact, each with a proven error bound
(`price.ERROR`), so they can cost time but never change an answer. How far
a run's decisions would hold at higher endowments (the add1 loops' span
proofs) is an optimisation and lives in `budget.engine.rules.mes.fast.tracked`, which
extends `Rounds` through its four hooks.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from budget.engine.rules.mes.budgets import Budgets, Entries
from budget.engine.rules.mes.price import Quote, Shortfall, make_exact, quote
from budget.engine.rules.mes.profile import MesProfile

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
    """The purchases of one run, in order."""

    endowment: Fraction
    purchases: tuple[Purchase, ...]


def run_rounds(profile: MesProfile, endowment: Fraction, tie_key: TieKey, observe: Observer | None = None) -> MesRun:
    """One MES run where every voter starts with `endowment`."""
    run = Rounds(profile, endowment, tie_key)
    run.observe = observe
    while run.stale and run.round():
        pass
    if observe is not None:
        observe(run.budgets, None)
    return MesRun(endowment, tuple(run.purchases))


class Rounds:
    """A run in progress: the budgets, the purchases so far, and every candidate's last lower bound on rho."""

    def __init__(self, profile: MesProfile, endowment: Fraction, tie_key: TieKey) -> None:
        self.profile, self.tie_key = profile, tie_key
        self.budgets = Budgets(profile, endowment)
        # Everyone's first rho is cost / total satisfaction; the float, lowered by
        # far more than its rounding error, is a safe lower bound for the lazy scan.
        self.stale = {
            j: float(c.cost / (c.scale * c.total_weight)) * (1 - 1e-6) for j, c in enumerate(profile.candidates)
        }
        self.purchases: list[Purchase] = []
        self.observe: Observer | None = None
        self.fresh: set[int] = set()
        self.endowment = endowment

    # Hooks for `budget.engine.rules.mes.fast.tracked`; the exact run ignores them.
    def short(self, s: Shortfall) -> None:
        """Candidate s.j left the race: its supporters hold less than its cost."""

    def priced(self, q: Quote) -> None:
        """Candidate q.j was priced this round."""

    def bought(self, best: Quote, rho: Fraction, quotes: list[Quote], tied: tuple[int, ...]) -> None:
        """`best` wins this round at `rho` over `quotes`, `tied` asking the same rho."""

    def paid(self) -> None:
        """The winner's supporters paid."""

    def round(self) -> bool:
        """Buy one project; False when none is affordable."""
        quotes = self._price_round()
        if not quotes:
            return False
        best, tied = self._winner(quotes)
        rho = make_exact(best, self.budgets)
        del self.stale[best.j]
        self.bought(best, rho, quotes, tied)
        purchase = _record(best, rho, tied, self.budgets)
        self.purchases.append(purchase)
        if self.observe is not None:
            self.observe(self.budgets, purchase)
        price = (best.num, best.poor_slope, best.rich_weight)
        self.budgets.pay(best.cand, best.entries, price, list(purchase.poor))
        self.paid()
        return True

    def ask(self, j: int) -> Quote | None:
        """Candidate j's price this round, or None (and out of the race) if it is unaffordable."""
        q = quote(j, self.profile.candidates[j], self.budgets)
        if isinstance(q, Shortfall):
            del self.stale[j]
            self.short(q)
            return None
        self.stale[j] = q.lo
        self.fresh.add(j)
        self.priced(q)
        return q

    def _price_round(self) -> list[Quote]:
        """Quotes of every candidate that might win this round (lazily)."""
        best_hi = math.inf
        self.fresh = set()
        quotes: list[Quote] = []
        for j in sorted(self.stale, key=self.stale.__getitem__):
            if self.stale[j] > best_hi:
                break
            q = self.ask(j)
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


def _record(q: Quote, rho: Fraction, tied: tuple[int, ...], budgets: Budgets) -> Purchase:
    poor = [False] * len(q.order)
    for k in q.order[: q.poor].tolist():
        poor[k] = True
    numerators = tuple(budgets.nums(q.entries.cls.tolist()))
    return Purchase(q.j, rho, tied, q.entries, numerators, budgets.denominator, tuple(poor))
