"""How far every voter's endowment can rise before a run of MES could go differently.

The add1 completions rerun MES with the endowment raised by 1, up to
thousands of times (Budapest 2024: 1,000,000,000 HUF over 28,943 voters). While
every decision of a run stays the same, every budget and price is an affine
function of the raise delta (`budget.engine.rules.mes.budgets`), so the run — and its
outcome — cannot change until one of these affine comparisons flips:

- a bought project's supporter who paid all they had could pay the price
  (exact: integers);
- a project not bought in a round could have become cheaper than the one
  bought: its rho is at least `lo + slope_lo * delta` (any split of who pays
  all gives a lower bound, and rho only grows over the rounds), the bought
  one's at most `rho + slope * delta`;
- a project dropped as unaffordable could have become affordable: its
  supporters hold at most `money_hi + slope_hi * delta`.

`Window.delta` is a lower bound on the first flip, so every integer raise
below it gives the same run. Floats enter only with one-sided error margins
(see `budget.engine.rules.mes.price.ERROR`), so the bound errs low, never high; a near tie
gives 0, which just means "rerun at the next integer".
"""

from __future__ import annotations

import math
from fractions import Fraction

from budget.engine.rules.mes.budgets import Budgets
from budget.engine.rules.mes.price import Quote, Shortfall

SHRINK = 1 - 1e-12


class Window:
    """The least raise of the endowment at which a decision of this run could change."""

    def __init__(self, lower: dict[int, tuple[float, float]]) -> None:
        self.delta = math.inf
        # candidate -> (lo, slope_lo): its rho is at least lo + slope_lo * delta
        self.lower = lower

    def limit(self, bound: float) -> None:
        """The window ends at `bound` at the latest (a negative bound means 0)."""
        self.delta = min(self.delta, max(0.0, bound))

    def priced(self, q: Quote) -> None:
        self.lower[q.j] = (q.lo, q.slope_lo)

    def short(self, s: Shortfall, cost: Fraction) -> None:
        """A candidate dropped as unaffordable must stay so."""
        self.lower.pop(s.j, None)
        gap = float(cost) * SHRINK - s.money_hi
        if gap <= 0:
            self.limit(0.0)
        elif s.slope_hi > 0:
            self.limit(gap / s.slope_hi * SHRINK)

    def bought(self, q: Quote, rho: Fraction, budgets: Budgets) -> tuple[float, float]:
        """Limits from who paid all they had; returns the bought rho's upper line (rho, slope)."""
        self.lower.pop(q.j, None)
        e = q.entries
        poor = q.order[: q.poor]
        cls = e.cls[poor].tolist()
        for n, s, w in zip(budgets.nums(cls), budgets.slopes(cls), e.weight[poor].tolist()):
            value = n * q.rich_weight - q.num * w  # <= 0: pays all it has
            slope = s * q.rich_weight + q.poor_slope * w
            if slope > 0:
                self.limit(-value / slope * SHRINK)
        return math.nextafter(float(rho), math.inf), math.nextafter(float(self.slope(q, budgets)), math.inf)

    @staticmethod
    def slope(q: Quote, budgets: Budgets) -> Fraction:
        """How fast an exact quote's rho falls as the endowment rises (its split held)."""
        return Fraction(-q.poor_slope, budgets.denominator * q.rich_weight) / q.cand.scale

    def rival(self, line: tuple[float, float], j: int) -> float:
        """The raise up to which candidate j (by its bound) cannot undercut the bought one."""
        rho_hi, slope_hi = line
        lo, slope_lo = self.lower[j]
        gap = lo - rho_hi
        if gap <= 0:
            return 0.0
        return gap / (slope_hi - slope_lo) * SHRINK if slope_hi > slope_lo else math.inf

    def tied(self, q: Quote, line: tuple[float, float], budgets: Budgets, winner_slope: Fraction) -> float:
        """The bound from an exact tie the bought one won: none while q's price grows at least as fast.

        q's exact price line (its split at delta = 0) bounds its price from
        below, so with an equal start and a slope no lower, q stays tied or
        worse, and ties keep going to the same project.
        """
        return math.inf if self.slope(q, budgets) >= winner_slope else 0.0
