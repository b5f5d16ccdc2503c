"""What MES explanations need from every round: how close each unfunded project came, and where its money went.

`Watch.see` runs before every purchase (and once at the end) of a replay of
the final run. Per unfunded project it finds the round in which its
supporters could have paid the largest share of its cost at the winner's
price (floats, to choose the round), then states that round exactly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from budget.engine.rules.mes.budgets import Budgets, FloatArray
from budget.engine.rules.mes.profile import Candidate, MesProfile
from budget.engine.rules.mes.rounds import Purchase


@dataclass(frozen=True, slots=True)
class Closest:
    """The round a project came closest to being bought (`step`, 1-based), stated exactly."""

    step: int
    cover: Fraction
    max_cost: Fraction | None
    more_supporters: int


@dataclass(frozen=True, slots=True)
class _Snapshot:
    step: int
    rho: Fraction | None
    nums: list[int]  # budgets, over `den`
    den: int
    weights: list[int]
    voters: list[int]


class Watch:
    """Collects, round by round, what `budget.engine.rules.mes.explain` reports for unfunded projects."""

    def __init__(self, profile: MesProfile, endowment: Fraction) -> None:
        self.profile, self.endowment = profile, endowment
        self.open = set(range(len(profile.candidates)))
        self.ratio: dict[int, float] = {}
        self.snap: dict[int, _Snapshot] = {}
        self.unaffordable_from: dict[int, int] = {}
        self.paid_to: dict[int, dict[int, float]] = {j: {} for j in self.open}
        self.step = 0

    def see(self, budgets: Budgets, purchase: Purchase | None) -> None:
        self.step += 1
        if purchase is not None:
            self.open.discard(purchase.candidate)
        rho = None if purchase is None else purchase.rho
        for j in self.open:
            self._consider(j, budgets, rho)
        if purchase is not None:
            self._follow_money(budgets, purchase)

    def _consider(self, j: int, budgets: Budgets, rho: Fraction | None) -> None:
        cand = self.profile.candidates[j]
        e = budgets.entries(cand)
        money = float((e.budget * e.voters).sum())
        if money < float(cand.cost):
            self.unaffordable_from.setdefault(j, self.step)
        if rho is None:
            cover = money
        else:
            asked = float(rho * cand.scale) * e.weight
            cover = float((np.minimum(e.budget, asked) * e.voters).sum())
        if cover / float(cand.cost) > self.ratio.get(j, -1.0):
            self.ratio[j] = cover / float(cand.cost)
            nums = budgets.nums(e.cls.tolist())
            self.snap[j] = _Snapshot(self.step, rho, nums, budgets.denominator, e.weight.tolist(), e.voters.tolist())

    def _follow_money(self, budgets: Budgets, p: Purchase) -> None:
        """Add what each unfunded project's supporters paid for this purchase."""
        win = self.profile.candidates[p.candidate]
        span = win.max_weight
        price = float(p.rho * win.scale)
        pay = np.zeros(len(budgets.raw) * span)
        e = p.entries
        keys = e.cls * span + e.weight - 1
        pay[keys] = np.where(np.array(p.poor), e.budget, price * e.weight)
        paid: FloatArray = np.zeros(len(self.profile.multiplicity))
        paid[win.groups] = pay[budgets.cls[win.groups] * span + win.weights - 1] * self.profile.multiplicity[win.groups]
        for j in self.open:
            amount = float(paid[self.profile.candidates[j].groups].sum())
            if amount > 0:
                self.paid_to[j][p.candidate] = amount

    def closest(self) -> dict[int, Closest]:
        """Every unfunded candidate's closest round, exactly."""
        return {j: _exact(self.profile.candidates[j], s, self.endowment) for j, s in self.snap.items()}

    def money_went_to(self, j: int) -> list[dict[str, object]]:
        """Funded projects this project's supporters paid for, most first."""
        paid = self.paid_to[j]
        total = sum(paid.values()) or 1.0
        ranked = sorted(paid.items(), key=lambda kv: -kv[1])
        return [
            {"project": self.profile.candidates[w].id, "amount_approx": round(a, 2),
             "share_percent_approx": round(100 * a / total, 1)}
            for w, a in ranked
        ]


def _exact(cand: Candidate, s: _Snapshot, endowment: Fraction) -> Closest:
    money = Fraction(sum(b * n for b, n in zip(s.nums, s.voters)), s.den)
    if s.rho is None:
        return Closest(s.step, money, money, _more(cand.cost - money, endowment))
    asked = s.rho * cand.scale  # from a supporter of weight 1
    an, ad = asked.numerator, asked.denominator
    # min(b, asked * w) over the common denominator den * ad, in integers.
    cover = Fraction(sum(min(b * ad, an * w * s.den) * n for b, w, n in zip(s.nums, s.weights, s.voters)), s.den * ad)
    per_new = min(endowment, asked)
    max_cost = cover if cand.scale == 1 else _max_cost(s, s.rho)
    return Closest(s.step, cover, max_cost, _more(cand.cost - cover, per_new))


def _more(deficit: Fraction, each: Fraction) -> int:
    return max(0, math.ceil(deficit / each)) if each > 0 else 0


def _max_cost(s: _Snapshot, rho: Fraction) -> Fraction | None:
    """Under cost satisfaction a supporter of weight w is asked rho * c * w for cost c: the largest c covered."""
    rich = sum(w * n for w, n in zip(s.weights, s.voters))
    if rho * rich <= 1:
        return None  # every supporter pays the same share of any cost: too few of them
    # h(c) = (money of rows asked more than they hold) + rho * c * (weight of
    # the others) - c is concave with h(0) = 0 and rises at first; its root is
    # the answer. Rows drop out at c = b / (rho * w), poorest first.
    rows = sorted(zip(s.nums, s.weights, s.voters), key=lambda r: Fraction(r[0], r[1]))
    poor_money = Fraction(0)
    for b, w, n in rows:
        t = Fraction(b, s.den * w) / rho
        if poor_money + rho * t * rich < t:
            return poor_money / (1 - rho * rich)
        poor_money += Fraction(b * n, s.den)
        rich -= w * n
    return poor_money
