"""A run of MES in floats that knows its own error, or says it cannot decide.

The add1 loops need hundreds of runs whose only use is their outcome. This
run carries, for every budget class, a float value and a bound on its
distance from the exact value; every decision (affordable or not, who pays
all, which project is cheapest) is taken only if the bounds leave no doubt.
If one does not, `float_run` returns None and the caller runs the exact
`budget.mes_rounds` instead. So its outcome, when it gives one, is the exact
outcome: a float filter with exact confirmation by interval bounds.

Bounds: `U` = 1e-15 exceeds four units of round-off (2.2e-16) per
operation; a sum of k terms is charged (k + 2) * U times its magnitude.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from budget.mes_profile import Candidate, IntArray, MesProfile
from budget.mes_rounds import TieKey

U = 1e-15
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class _Split:
    """A certain price p (within err) and who pays all: entries `poor` of (cls, w)."""

    cls: IntArray
    w: IntArray
    poor: IntArray
    p: float
    err: float


class _Classes:
    def __init__(self, profile: MesProfile, endowment: Fraction) -> None:
        self.mult = profile.multiplicity
        self.cls: IntArray = np.ones(len(profile.multiplicity), dtype=np.int64)
        e = float(endowment)
        self.value = np.array([0.0, e])
        self.error = np.array([0.0, U * e])

    def entries(self, c: Candidate) -> tuple[IntArray, IntArray, FloatArray]:
        span = c.max_weight
        keys = self.cls[c.groups] * span + (c.weights - 1)
        counts = np.bincount(keys, weights=self.mult[c.groups])
        found: IntArray = np.flatnonzero(counts).astype(np.int64)
        return found // span, found % span + 1, counts[found].astype(np.float64)


def _price(c: Candidate, classes: _Classes) -> tuple[float, float, _Split] | None | bool:
    """(rho, error, split) if certain; None if certainly unaffordable; False if in doubt."""
    cls, w, n = classes.entries(c)
    v, e = classes.value[cls], classes.error[cls]
    cost = float(c.cost)
    money, slack = float((v * n).sum()), float((e * n).sum()) + (len(n) + 2) * U * float((v * n).sum())
    if money + slack < cost:
        return None
    if money - slack < cost:
        return False
    key = v / w
    order = np.argsort(key, kind="stable")
    paid = np.concatenate(([0.0], np.cumsum((v * n)[order])[:-1]))
    rich = float((w * n).sum()) - np.concatenate(([0.0], np.cumsum((w * n)[order])[:-1]))
    with np.errstate(divide="ignore", invalid="ignore"):
        price = (cost - paid) / rich
    fits = price * w[order] <= v[order]
    k = int(np.argmax(fits))
    p, r = float(price[k]), float(rich[k])
    err_p = (float((e * n).sum()) + (len(n) + 4) * U * (cost + float(paid[k]))) / r + U * p
    # The split must be beyond doubt: every poor entry's budget per weight
    # below p - err, every rich one's above p + err (each with its own error).
    lo_key, hi_key = (v - e) / w, (v + e) / w
    poor, rest = order[:k], order[k:]
    if (hi_key[poor] * (1 + U) >= p - err_p).any() or (lo_key[rest] * (1 - U) <= p + err_p).any():
        return False
    scale = float(c.scale)
    return p / scale, err_p / scale + 2 * U * p / scale, _Split(cls, w, order[:k], p, err_p)


def float_run(profile: MesProfile, endowment: Fraction, tie_key: TieKey) -> tuple[int, ...] | None:
    """The candidates an exact run at `endowment` buys, in order; None if floats cannot be sure."""
    rounds = _rounds(profile, endowment, tie_key, None)
    return None if rounds is None else tuple(j for j, _ in rounds)


def float_span(profile: MesProfile, low: Fraction, high: Fraction, tie_key: TieKey) -> tuple[int, ...] | None:
    """The outcome shared by every endowment in [low, high], if floats can prove there is one.

    With the same purchases, a higher endowment leaves every voter at least
    as much after every round and makes every price at most as high (by
    induction: a price falls when budgets grow, and max(0, budget - price *
    satisfaction) grows). So if at every round the winner at `low` asks less
    than every rival asks at `high`, and nothing more is affordable at `high`
    at the end, every endowment in between buys the same projects in the same
    order.
    """
    rounds = _rounds(profile, low, tie_key, None)
    if rounds is None or _rounds(profile, high, tie_key, tuple(rounds)) is None:
        return None
    return tuple(j for j, _ in rounds)


def _rounds(
    profile: MesProfile, endowment: Fraction, tie_key: TieKey, forced: tuple[tuple[int, float], ...] | None
) -> list[tuple[int, float]] | None:
    """(winner, upper bound of its rho) per round; None if in doubt or if `forced` is not confirmed.

    With `forced`, round r must be won by forced[r][0] with every rival
    certainly dearer than forced[r][1], and the run must end after it.
    """
    classes = _Classes(profile, endowment)
    stale = {j: float(c.cost / (c.scale * c.total_weight)) * (1 - 1e-6) for j, c in enumerate(profile.candidates)}
    out: list[tuple[int, float]] = []
    while stale:
        # Forced, past the last purchase: nothing may be affordable at all.
        limit = None if forced is None else (forced[len(out)][1] if len(out) < len(forced) else float("inf"))
        best: tuple[float, float, int, _Split] | None = None
        priced: list[tuple[float, float, int, _Split]] = []
        second_lo = float("inf")
        for j in sorted(stale, key=stale.__getitem__):
            if stale[j] > (limit if limit is not None else min((r + e for r, e, _, _ in priced), default=math.inf)):
                break
            got = _price(profile.candidates[j], classes)
            if got is False or got is True:
                return None
            if got is None:
                del stale[j]
                continue
            rho, err, split = got
            stale[j] = rho - err
            if forced is not None and len(out) < len(forced) and j == forced[len(out)][0]:
                best = (rho, err, j, split)
            elif forced is not None:
                if limit is None or rho - err <= limit:
                    return None  # a rival could win somewhere in between
            else:
                priced.append((rho, err, j, split))
        if forced is None and priced:
            best, second_lo = _cheapest(profile, priced, tie_key)
        if best is None:
            return out if forced is None or len(out) == len(forced) else None
        if best[0] + best[1] >= second_lo:
            return None  # a tie or a near tie: the exact run decides
        _pay(profile.candidates[best[2]], classes, best[3])
        del stale[best[2]]
        out.append((best[2], best[0] + best[1]))
    return out if forced is None or len(out) == len(forced) else None


def _cheapest(
    profile: MesProfile, priced: list[tuple[float, float, int, _Split]], tie_key: TieKey
) -> tuple[tuple[float, float, int, _Split], float]:
    """The winner among priced candidates, and the least rho its rivals may ask.

    Twins of the cheapest ask exactly its rho: the tie-break picks among them
    and they are no rivals.
    """
    cheapest = min(priced, key=lambda t: t[0])
    twins = [t for t in priced if profile.twin[t[2]] == profile.twin[cheapest[2]]]
    best = min(twins, key=lambda t: tie_key(t[2]))
    rivals = [t[0] - t[1] for t in priced if profile.twin[t[2]] != profile.twin[cheapest[2]]]
    return best, min(rivals, default=math.inf)


def _pay(c: Candidate, classes: _Classes, split: _Split) -> None:
    cls, w, poor, p, err_p = split.cls, split.w, split.poor, split.p, split.err
    span = c.max_weight
    remap = np.zeros(len(classes.value) * span, dtype=np.int64)
    is_poor = np.zeros(len(cls), dtype=bool)
    is_poor[poor] = True
    rich = np.flatnonzero(~is_poor)
    fresh = len(classes.value) + np.arange(len(rich))
    remap[cls[rich] * span + w[rich] - 1] = fresh
    v, e = classes.value[cls[rich]], classes.error[cls[rich]]
    left = v - p * w[rich]
    classes.value = np.concatenate([classes.value, left])
    classes.error = np.concatenate([classes.error, e + w[rich] * err_p + 2 * U * (v + p * w[rich])])
    keys = classes.cls[c.groups] * span + (c.weights - 1)
    classes.cls[c.groups] = remap[keys]
