"""Voters' budgets during a run of the Method of Equal Shares, exact and fast.

Voters whose budgets are equal by construction share a budget class: `cls[g]`
is group g's class. Every class budget is an exact rational `numerators[c] /
denominator` over one common denominator, so sums and comparisons are integer
arithmetic with no gcd; `approx[c]` is the same budget as a float, used only
to order and filter, never to decide (see `budget.engine.rules.mes.price`).

Class 0 is the empty purse that every voter who paid all they had joins.

Every budget is also an affine function of the endowment: if every voter had
started with delta more, and every round had gone the same way, class c would
hold `(numerators[c] + slopes[c] * delta) / denominator`. `budget.engine.rules.mes.fast.window`
uses the slopes to find how far the endowment can rise before any decision
of the run could change.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import lcm

import numpy as np
import numpy.typing as npt

from budget.engine.rules.mes.profile import Candidate, IntArray, MesProfile

FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Entries:
    """A project's supporters grouped by (budget class, weight): `voters[k]` of them.

    `budget[k]` is their budget as a float (for ordering only).
    """

    cls: IntArray
    weight: IntArray
    voters: IntArray
    budget: FloatArray


@dataclass(frozen=True, slots=True)
class Snapshot:
    """Budgets after some round, to resume a run from at a higher endowment.

    The raw lists only ever grow, so sharing them and keeping `classes` is enough.
    """

    cls: IntArray
    classes: int
    raw: list[int]
    raw_slope: list[int]
    level: list[int]
    scale: list[int]
    denominator: int
    slope_approx: FloatArray


class Budgets:
    """The budget of every voter group in one run, exact.

    Class c holds `raw[c] * scale[level[c]] / denominator`: a class keeps the
    numerator it was created with, and `scale` lifts it to the current common
    denominator. Rescaling every class each round instead cost 0.4 s of a
    0.7 s run on Warsaw 2026 (tens of thousands of classes by round 49).
    """

    def __init__(self, profile: MesProfile, endowment: Fraction) -> None:
        self.multiplicity = profile.multiplicity
        self.cls: IntArray = np.ones(len(profile.multiplicity), dtype=np.int64)
        # A denominator that every cost and the endowment divide makes
        # cost * denominator an integer for the whole run.
        den = lcm(endowment.denominator, *(c.cost.denominator for c in profile.candidates))
        self.denominator = den
        self.raw: list[int] = [0, int(endowment * den)]
        self.raw_slope: list[int] = [0, den]
        self.level: list[int] = [0, 0]
        self.scale: list[int] = [1]
        self.approx: FloatArray = np.array([0.0, float(endowment)])
        self.slope_approx: FloatArray = np.array([0.0, 1.0])

    def snapshot(self) -> Snapshot:
        return Snapshot(self.cls.copy(), len(self.raw), self.raw, self.raw_slope, self.level, list(self.scale),
                        self.denominator, self.slope_approx)

    @classmethod
    def resumed(cls, profile: MesProfile, snap: Snapshot, step: int) -> Budgets:
        """The budgets of `snap` had every voter started with `step` more (the same rounds held)."""
        out = cls.__new__(cls)
        out.multiplicity = profile.multiplicity
        out.cls = snap.cls.copy()
        out.denominator = snap.denominator
        n = snap.classes
        out.raw = [r + s * step for r, s in zip(snap.raw[:n], snap.raw_slope[:n])]
        out.raw_slope, out.level, out.scale = snap.raw_slope[:n], snap.level[:n], list(snap.scale)
        den = snap.denominator
        out.approx = np.array([m / den for m in out.nums(list(range(n)))])
        out.slope_approx = snap.slope_approx[:n]
        return out

    def nums(self, classes: list[int]) -> list[int]:
        """Numerators over `denominator` of these classes' budgets."""
        raw, level, scale = self.raw, self.level, self.scale
        return [raw[c] * scale[level[c]] for c in classes]

    def slopes(self, classes: list[int]) -> list[int]:
        """Numerators over `denominator` of how fast these budgets grow with the endowment."""
        raw, level, scale = self.raw_slope, self.level, self.scale
        return [raw[c] * scale[level[c]] for c in classes]

    def value(self, c: int) -> Fraction:
        """Class c's budget as an exact Fraction."""
        return Fraction(self.nums([c])[0], self.denominator)

    def entries(self, cand: Candidate) -> Entries:
        """cand's supporters grouped by (class, weight), with their counts."""
        span = cand.max_weight
        keys = self.cls[cand.groups] * span + (cand.weights - 1)
        counts = np.bincount(keys, weights=self.multiplicity[cand.groups])
        found = np.flatnonzero(counts)
        cls = found // span
        # Counts are sums of at most 131,778 integers: exact in float64.
        return Entries(cls, found % span + 1, counts[found].astype(np.int64), self.approx[cls])

    def money(self, entries: Entries) -> int:
        """What the supporters hold together, times the denominator."""
        nums = self.nums(entries.cls.tolist())
        return sum(m * n for m, n in zip(nums, entries.voters.tolist()))

    def pay(self, cand: Candidate, entries: Entries, price: tuple[int, int, int], poor: list[bool]) -> None:
        """Supporters pay min(budget, price * weight); `poor[k]`: entry k pays all it has.

        `price` is (num, poor_slope, rich_weight): the price per weight unit
        is `(num - poor_slope * delta) / (denominator * rich_weight)`. The
        common denominator becomes denominator * rich_weight. A supporter who
        paid the full price and has exactly 0 left still gains with a higher
        endowment, so it keeps its own class (and slope) unless it is poor.
        """
        num, poor_slope, rich_weight = price
        classes, weights = entries.cls.tolist(), entries.weight.tolist()
        span = cand.max_weight
        remap = np.zeros(len(self.raw) * span, dtype=np.int64)
        level = len(self.scale)
        fresh: list[tuple[int, int]] = []
        for c, w, n, s, all_in in zip(classes, weights, self.nums(classes), self.slopes(classes), poor):
            left = n * rich_weight - num * w
            if left > 0 or (left == 0 and not all_in):
                remap[c * span + w - 1] = len(self.raw) + len(fresh)
                fresh.append((left, s * rich_weight + poor_slope * w))
        self.scale = [f * rich_weight for f in self.scale] + [1]
        self.raw += [n for n, _ in fresh]
        self.raw_slope += [s for _, s in fresh]
        self.level += [level] * len(fresh)
        self.denominator *= rich_weight
        den = self.denominator
        self.approx = np.concatenate([self.approx, np.array([n / den for n, _ in fresh])])
        self.slope_approx = np.concatenate([self.slope_approx, np.array([s / den for _, s in fresh])])
        keys = self.cls[cand.groups] * span + (cand.weights - 1)
        self.cls[cand.groups] = remap[keys]
