"""One run of the Method of Equal Shares at a given endowment, exactly.

Every voter starts with the same endowment. Each round, every project still
affordable by its supporters gets a price rho per unit of satisfaction (see
`budget.mes_price`); the project with the least rho is bought, ties going to
the tie-break order, and each supporter pays min(budget, rho * satisfaction).
The run ends when no project is affordable. This is pabutools 1.2.3's
`mes_inner_algo` with resoluteness, including its lazy evaluation: a
project's rho only grows from round to round, so one whose previous rho
exceeds the best current one is not priced again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from budget.mes_budgets import Budgets, Entries
from budget.mes_price import Quote, make_exact, quote
from budget.mes_profile import MesProfile

TieKey = Callable[[int], int]


@dataclass(frozen=True, slots=True)
class Purchase:
    """A bought candidate: rho per unit of satisfaction, and who paid what.

    `entries` are its supporters grouped by (budget class, weight) before the
    purchase, entry k holding `numerators[k] / denominator` each; `poor[k]`
    says whether it paid all of it (else it paid rho * scale * weight).
    """

    candidate: int
    rho: Fraction
    entries: Entries
    numerators: tuple[int, ...]
    denominator: int
    poor: tuple[bool, ...]

    def budget(self, k: int) -> Fraction:
        """Entry k's budget before the purchase, exactly."""
        return Fraction(self.numerators[k], self.denominator)


def run_rounds(profile: MesProfile, endowment: Fraction, tie_key: TieKey) -> list[Purchase]:
    """The purchases of one MES run where every voter starts with `endowment`."""
    budgets = Budgets(profile, endowment)
    # Everyone's first rho is cost / total satisfaction; the float, lowered by
    # far more than its rounding error, is a safe lower bound for the lazy scan.
    stale = {j: float(c.cost / (c.scale * c.total_weight)) * (1 - 1e-6) for j, c in enumerate(profile.candidates)}
    purchases: list[Purchase] = []
    while stale:
        quotes = _price_round(profile, budgets, stale)
        if not quotes:
            break
        best = _winner(quotes, budgets, tie_key)
        del stale[best.j]
        purchases.append(_record(best, budgets))
        budgets.pay(best.cand, best.entries, best.num, best.rich_weight)
    return purchases


def _price_round(profile: MesProfile, budgets: Budgets, stale: dict[int, float]) -> list[Quote]:
    """Quotes of every candidate that might win this round (lazily; drops unaffordable ones)."""
    best_hi = float("inf")
    quotes: list[Quote] = []
    for j in sorted(stale, key=stale.__getitem__):
        if stale[j] > best_hi:
            break
        q = quote(j, profile.candidates[j], budgets)
        if q is None:
            del stale[j]
            continue
        stale[j] = q.lo
        best_hi = min(best_hi, q.hi)
        quotes.append(q)
    return [q for q in quotes if q.lo <= best_hi]


def _winner(quotes: list[Quote], budgets: Budgets, tie_key: TieKey) -> Quote:
    """The quote with the least exact rho; equal rhos go to the tie-break order."""
    exact = [(make_exact(q, budgets), tie_key(q.j), q) for q in quotes]
    return min(exact, key=lambda t: (t[0], t[1]))[2]


def _record(q: Quote, budgets: Budgets) -> Purchase:
    poor = [False] * len(q.order)
    for k in q.order[: q.poor].tolist():
        poor[k] = True
    nums = budgets.numerators
    numerators = tuple(nums[c] for c in q.entries.cls.tolist())
    return Purchase(q.j, make_exact(q, budgets), q.entries, numerators, budgets.denominator, tuple(poor))
