"""A project's price in one MES round: a float estimate with a proven error bound, made exact on demand.

The price p (per weight unit) is the least p with sum over supporters of
min(budget, p * weight) = cost. Supporters are scanned poorest first (by
budget per weight): those who cannot pay p give all they have, the rest share
what is left in proportion to weight. rho = p / scale is what rounds compare.

The float scan is vectorised. Its sums add at most 10^6 non-negative terms,
so their relative error is below 10^6 * 2^-53 = 1.1e-10; `ERROR` = 1e-9 bounds
every float price with room to spare. Decisions are exact: a quote is made
exact (`Quote.exact`) whenever its float interval touches another's, and the
exact price is re-checked against every supporter whose float budget lies
inside that interval.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from budget.engine.rules.mes.budgets import Budgets, Entries
from budget.engine.rules.mes.profile import Candidate

ERROR = 1e-9


@dataclass(slots=True)
class Quote:
    """Candidate j's price this round: rho within [lo, hi]; exact once `exact()` ran.

    `order` sorts the entries poorest first; the first `poor` of them pay all
    they have. The exact price is `num / (denominator * rich_weight)`.

    Were the endowment delta higher (same rounds so far), rho would be at
    least `lo + slope_lo * delta`: with the same voters paying all they have,
    the price moves by `-poor_slope * delta / (denominator * rich_weight)`,
    and any choice of who pays all gives a lower bound on the true price.
    """

    j: int
    cand: Candidate
    entries: Entries
    order: np.ndarray
    poor: int
    lo: float
    hi: float
    slope_lo: float
    num: int = 0
    poor_slope: int = 0
    rich_weight: int = 0
    rho: Fraction | None = None


@dataclass(frozen=True, slots=True)
class Shortfall:
    """Candidate j's supporters hold less than its cost: at most `money_hi + slope_hi * delta`."""

    j: int
    money_hi: float
    slope_hi: float


def quote(j: int, cand: Candidate, budgets: Budgets) -> Quote | Shortfall:
    """Candidate j's price, or its shortfall if its supporters hold less than its cost."""
    entries = budgets.entries(cand)
    cost = float(cand.cost)
    money = entries.budget * entries.voters
    total = float(money.sum())
    if total < cost * (1 - ERROR) or (total <= cost * (1 + ERROR) and not _affords(budgets, cand, entries)):
        slope = float((budgets.slope_approx[entries.cls] * entries.voters).sum())
        return Shortfall(j, total * (1 + ERROR), slope * (1 + ERROR))
    order = np.argsort(entries.budget / entries.weight, kind="stable")
    m, w = money[order], (entries.weight * entries.voters)[order].astype(np.float64)
    paid = np.concatenate(([0.0], np.cumsum(m)[:-1]))
    rich = float(w.sum()) - np.concatenate(([0.0], np.cumsum(w)[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        price = (cost - paid) / rich
        fits = price * entries.weight[order] <= entries.budget[order] * (1 + ERROR)
    poor = int(np.argmax(fits)) if fits.any() else len(order) - 1
    p, scale = float(price[poor]), float(cand.scale)
    err = ERROR * (cost + float(paid[poor])) / float(rich[poor]) + ERROR * p
    poor_slope = budgets.slope_approx[entries.cls[order[:poor]]] * entries.voters[order[:poor]]
    slope_lo = -float(poor_slope.sum()) * (1 + ERROR) / (scale * float(rich[poor]) * (1 - ERROR))
    return Quote(j, cand, entries, order, poor, (p - err) / scale, (p + err) / scale, slope_lo)


def _affords(budgets: Budgets, cand: Candidate, entries: Entries) -> bool:
    return budgets.money(entries) >= cand.cost * budgets.denominator


def make_exact(q: Quote, budgets: Budgets) -> Fraction:
    """Fix q's exact price (and its poor/rich split) and return rho exactly."""
    if q.rho is not None:
        return q.rho
    if not _settle(q, budgets, q.poor):
        _settle_slowly(q, budgets)
    q.rho = Fraction(q.num, budgets.denominator * q.rich_weight) / q.cand.scale
    return q.rho


def _settle(q: Quote, budgets: Budgets, poor: int) -> bool:
    """Exact price when the first `poor` sorted entries pay all; False if that split is wrong."""
    e = q.entries
    cls = e.cls[q.order].tolist()
    nums = budgets.nums(cls)
    voters = e.voters[q.order].tolist()
    weight = e.weight[q.order].tolist()
    paid = sum(m * n for m, n in zip(nums[:poor], voters[:poor]))
    poor_slope = sum(s * n for s, n in zip(budgets.slopes(cls[:poor]), voters[:poor]))
    rich = sum(wt * n for wt, n in zip(weight[poor:], voters[poor:]))
    num = q.cand.cost.numerator * (budgets.denominator // q.cand.cost.denominator) - paid
    if rich == 0 or num <= 0:
        return False
    # Entry k pays all iff budget / weight <= price, i.e. nums[c] * rich <= num * w.
    # Only entries whose float budget per weight is near the price can be
    # misplaced by the float sort, but checking all is cheap next to pricing.
    ok = all(m * rich <= num * wt for m, wt in zip(nums[:poor], weight[:poor])) and all(
        m * rich >= num * wt for m, wt in zip(nums[poor:], weight[poor:])
    )
    if ok:
        q.poor, q.num, q.poor_slope, q.rich_weight = poor, num, poor_slope, rich
    return ok


def _settle_slowly(q: Quote, budgets: Budgets) -> None:
    """Exact sort by budget per weight, then every split in turn (never needed on the shared files)."""
    e = q.entries
    nums = budgets.nums(e.cls.tolist())
    keys = [Fraction(m, w) for m, w in zip(nums, e.weight.tolist())]
    q.order = np.array(sorted(range(len(keys)), key=keys.__getitem__), dtype=np.int64)
    for poor in range(len(keys)):
        if _settle(q, budgets, poor):
            return
    raise ArithmeticError(f"project {q.cand.id}: no exact price although its supporters can pay")
