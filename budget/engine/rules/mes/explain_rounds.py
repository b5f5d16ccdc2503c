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
from budget.engine.rules.mes.profile import Candidate, IntArray, MesProfile
from budget.engine.rules.mes.rounds import MesRun, Observer, Purchase


def replay(profile: MesProfile, run: MesRun, observe: Observer) -> bool:
    """Show `observe` the budgets before every purchase of `run`, and after the last, without pricing anyone.

    Every purchase records who paid and at what price, so the budgets follow
    by payment alone: Warsaw 2026's 40 rounds replay in 23-37 ms against
    50-68 ms for a run that prices every round again (busy machine). False,
    having stopped, if a record does not match the budgets replayed so far (a
    run that was not started afresh at `run.endowment`); the caller then runs
    the rounds.
    """
    budgets = Budgets(profile, run.endowment)
    for p in run.purchases:
        classes = p.entries.cls.tolist()
        if p.denominator != budgets.denominator or budgets.nums(classes) != list(p.numerators):
            return False
        cand = profile.candidates[p.candidate]
        voters = p.entries.voters.tolist()
        rich = sum(w * n for w, n, poor in zip(p.entries.weight.tolist(), voters, p.poor) if not poor)
        price = p.rho * cand.scale * budgets.denominator * rich  # the quote's integer numerator
        if rich == 0 or price.denominator != 1:
            return False
        poor_slope = sum(s * n for s, n, poor in zip(budgets.slopes(classes), voters, p.poor) if poor)
        observe(budgets, p)
        budgets.pay(cand, p.entries, (price.numerator, poor_slope, rich), list(p.poor))
    observe(budgets, None)
    return True


@dataclass(frozen=True, slots=True)
class Closest:
    """The round a project came closest to being bought (`step`, 1-based), stated exactly."""

    step: int
    cover: Fraction
    max_cost: Fraction | None
    more_supporters: int


@dataclass(frozen=True, slots=True)
class _Snapshot:
    """A candidate's supporters at its best round so far, kept as arrays and
    turned into exact numerators only for the round that stays best (in
    Warsaw 2026 1,413 of 2,543 looks improve a ratio; 82 snapshots, one per
    unfunded project, are stated exactly).
    `raw` and `level` are the run's own lists, which only ever grow (see
    `Budgets`), and `scale` a copy of its multipliers then."""

    step: int
    rho: Fraction | None
    cls: IntArray
    weights: IntArray
    voters: IntArray
    raw: list[int]
    level: list[int]
    scale: list[int]
    den: int

    def nums(self) -> list[int]:
        """The supporters' budgets then, over `den`."""
        raw, level, scale = self.raw, self.level, self.scale
        return [raw[c] * scale[level[c]] for c in self.cls.tolist()]


class Watch:
    """Collects, round by round, what `budget.engine.rules.mes.explain` reports for unfunded projects."""

    def __init__(self, profile: MesProfile, endowment: Fraction) -> None:
        self.profile, self.endowment = profile, endowment
        self.open = set(range(len(profile.candidates)))
        self.ratio: dict[int, float] = {}
        self.snap: dict[int, _Snapshot] = {}
        self.unaffordable_from: dict[int, int] = {}
        self.money_seen: dict[int, float] = {}
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
        cost = float(cand.cost)
        # Budgets only fall during a run, so the money last seen bounds the
        # cover from above (float sums of at most 10^6 terms err by under
        # 1.2e-10; 1e-6 is room to spare): once a project is unaffordable and
        # that bound cannot beat its best ratio, looking again changes nothing.
        # Warsaw 2026: 1,075 of 2,543 looks skipped.
        if j in self.unaffordable_from and self.money_seen[j] * (1 + 1e-6) / cost < self.ratio[j]:
            return
        e = budgets.entries(cand)
        money = float((e.budget * e.voters).sum())
        self.money_seen[j] = money
        if money < cost:
            self.unaffordable_from.setdefault(j, self.step)
        if rho is None:
            cover = money
        else:
            asked = float(rho * cand.scale) * e.weight
            cover = float((np.minimum(e.budget, asked) * e.voters).sum())
        if cover / cost > self.ratio.get(j, -1.0):
            self.ratio[j] = cover / cost
            self.snap[j] = _Snapshot(self.step, rho, e.cls, e.weight, e.voters, budgets.raw, budgets.level,
                                     list(budgets.scale), budgets.denominator)

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
    nums, weights, voters = s.nums(), s.weights.tolist(), s.voters.tolist()
    money = Fraction(sum(b * n for b, n in zip(nums, voters)), s.den)
    if s.rho is None:
        return Closest(s.step, money, money, _more(cand.cost - money, endowment))
    asked = s.rho * cand.scale  # from a supporter of weight 1
    an, ad = asked.numerator, asked.denominator
    # min(b, asked * w) over the common denominator den * ad: a row gives all
    # it has (b * ad) when b <= an * w * den / ad, i.e. b <= that floored, as
    # b is an integer; else asked * w (an * w * den). One floor per weight
    # instead of two products of many-digit integers per row, which took
    # 25 ms of Warsaw 2026's explanations under cProfile (17,070 rows).
    limit = {w: an * w * s.den // ad for w in set(weights)}
    given = sum(b * n for b, w, n in zip(nums, weights, voters) if b <= limit[w])
    asked_weight = sum(w * n for b, w, n in zip(nums, weights, voters) if b > limit[w])
    cover = Fraction(given * ad + an * s.den * asked_weight, s.den * ad)
    per_new = min(endowment, asked)
    max_cost = cover if cand.scale == 1 else _max_cost(list(zip(nums, weights, voters)), s.den, s.rho)
    return Closest(s.step, cover, max_cost, _more(cand.cost - cover, per_new))


def _more(deficit: Fraction, each: Fraction) -> int:
    return max(0, math.ceil(deficit / each)) if each > 0 else 0


def _max_cost(rows: list[tuple[int, int, int]], den: int, rho: Fraction) -> Fraction | None:
    """Under cost satisfaction a supporter of weight w is asked rho * c * w for cost c: the largest c covered.

    `rows` are (budget over `den`, weight, voters).
    """
    rn, rd = rho.numerator, rho.denominator
    rich = sum(w * n for _, w, n in rows)
    if rn * rich <= rd:
        return None  # every supporter pays the same share of any cost: too few of them
    # h(c) = (money of rows asked more than they hold) + rho * c * (weight of
    # the others) - c is concave with h(0) = 0 and rises at first; its root is
    # the answer. Rows drop out at t = b / (den * w * rho), poorest first.
    # All in integers: Fractions here (sorted by Fraction keys, a Fraction
    # per row) took 0.35 of Warsaw 2026's 0.85 s of explanations under
    # cProfile (81 projects, up to 685 rows each, denominators of many digits).
    if len({w for _, w, _ in rows}) <= 1:
        rows.sort(key=lambda r: r[0])  # one weight (cost satisfaction: always 1): by budget
    else:
        rows.sort(key=lambda r: Fraction(r[0], r[1]))
    poor = 0  # the money of the rows dropped out, over den
    for b, w, n in rows:
        # poor / den + rho * t * rich < t, times den * w * rn (> 0)
        if poor * w * rn + b * rich * rn < b * rd:
            return Fraction(poor * rd, den * (rd - rn * rich))
        poor += b * n
        rich -= w * n
    return Fraction(poor, den)
