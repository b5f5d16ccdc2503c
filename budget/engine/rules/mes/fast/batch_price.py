"""Pricing, testing and paying for one candidate at many endowments at once (`budget.engine.rules.mes.fast.batch`).

Each function is its `budget.engine.rules.mes.fast.float_run` namesake applied to every column of
the candidate's supporters' budgets `v` and their errors `e` (supporter
groups x rows), with the same float error bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from budget.engine.rules.mes.fast.float_run import FloatArray, U, _Supporters

BoolArray = npt.NDArray[np.bool_]


@dataclass(frozen=True, slots=True)
class Prices:
    """A candidate priced at the rows that needed it (`need`); `ok`: those where the price is certain.

    `rho` and `err` are per row of the branch; `p`, `err_p`, `poor`, `value`
    and `error` (the supporters' budgets and their errors when priced), for
    paying, per needed row only.
    """

    need: BoolArray
    ok: BoolArray
    rho: FloatArray
    err: FloatArray
    p: FloatArray
    err_p: FloatArray
    poor: BoolArray | None  # (supporters, needed rows), None when nobody is poor
    value: FloatArray
    error: FloatArray


def price(s: _Supporters, v: FloatArray, e: FloatArray, worst: FloatArray) -> tuple[Prices, BoolArray, BoolArray]:
    """`mes_float._price` at every column of v (errors e): (prices, certainly unaffordable, in doubt).

    `worst`: per column, at least every budget's error (`mes_float._Purses.worst`).
    """
    k, rows = v.shape
    cost = s.cost
    money, errors = dot(s.voters, v), dot(s.voters, e)
    slack = errors + (k + 2) * U * money
    dead = money + slack < cost
    doubt = ~dead & (money - slack < cost)
    if dead.all():  # common late in a run: nothing to price (no row is ok, so no price is read)
        return Prices(~dead, ~dead, money, money, money, money, None, v, e), dead, doubt
    key = v if s.unit else v / s.weights[:, None]
    least = key.min(axis=0)
    paid, rich = np.zeros(rows), np.full(rows, float(s.total_weight))
    p = (cost - paid) / rich
    poor: BoolArray | None = None
    if ((least < p) & ~dead & ~doubt).any():
        # Someone cannot pay the equal share: those pay all they have, and the
        # share is recomputed until nobody else drops out (the poor only grow,
        # so a row whose count stays is settled).
        count, ones = np.zeros(rows), np.ones(k)
        while True:
            poor = key < p
            mask = poor.astype(np.float64)
            now = dot(ones, mask)  # exact: small integers
            if not (~dead & ~doubt & (now != count)).any():
                break
            count = now
            paid = dot(s.voters, v * mask)  # each term one rounded product, as the 1-D dot
            rich = s.total_weight - dot(s.weighted, mask)
            broke = rich <= 0
            doubt |= broke & ~dead
            rich = np.where(broke, 1.0, rich)
            p = (cost - paid) / rich
    err_p = (errors + (k + 4) * U * (cost + paid)) / rich + U * p
    # The split must be beyond doubt: budgets per weight of the poor below
    # p - err_p, of the rest above p + err_p, each with its own error.
    # (1 + U) and (1 - U) on each entry are as on the max and the min,
    # rounding being monotone. With nobody poor, the least budget per weight
    # less the row's worst error (weights are at least 1) mostly settles it.
    unclear = (least - worst) * (1 - U) <= p + err_p
    if poor is not None or (unclear & ~dead & ~doubt).any():
        low = v - e if s.unit else (v - e) / s.weights[:, None]
        if poor is None:
            unclear = (low * (1 - U) <= p + err_p).any(axis=0)
        else:
            high = v + e if s.unit else (v + e) / s.weights[:, None]
            unclear = np.where(poor, high * (1 + U) >= p - err_p, low * (1 - U) <= p + err_p).any(axis=0)
    doubt |= ~dead & unclear
    scale = s.scale
    certain = ~dead & ~doubt
    prices = Prices(np.ones(rows, dtype=bool), certain, p / scale, err_p / scale + 2 * U * p / scale, p, err_p,
                    poor, v, e)
    return prices, dead, doubt


def dearer(s: _Supporters, v: FloatArray, worst: FloatArray, rho: FloatArray) -> tuple[BoolArray, BoolArray]:
    """`mes_float._dearer` at every column of v: (certainly unaffordable, certainly asks more than `rho`)."""
    k = len(v)
    money = dot(s.voters, v)
    errors = worst * s.total_voters * (1 + U)
    dead = money + errors + (k + 2) * U * money < s.cost
    level = rho * s.scale * (1 + 4 * U)
    capped = np.minimum(v, level) if s.unit else np.minimum(v, level * s.weights[:, None])
    can = dot(s.voters, capped)
    return dead, can + errors + (k + 4) * U * can < s.cost * (1 - U)


def pay(s: _Supporters, got: Prices, pick: BoolArray | None) -> tuple[FloatArray, FloatArray]:
    """The supporters' budgets and their errors after paying at the priced rows `pick` (None: all)."""
    p, err_p, v, e, poor = got.p, got.err_p, got.value, got.error, got.poor
    if pick is not None:
        p, err_p, v, e = p[pick], err_p[pick], v.compress(pick, axis=1), e.compress(pick, axis=1)
        poor = None if poor is None else poor.compress(pick, axis=1)
    if s.unit:  # the same floats as below with weights of 1
        left = v - p
        new_error = e + err_p + 2 * U * (v + p)
    else:
        owed = p * s.weights[:, None]
        left = v - owed
        new_error = e + s.weights[:, None] * err_p + 2 * U * (v + owed)
    if poor is not None:  # the poor paid all they had: exactly 0, the split being certain
        left = np.where(poor, 0.0, left)
        new_error = np.where(poor, 0.0, new_error)
    return left, new_error


def spread(a: npt.NDArray, where: BoolArray, fill: float | bool) -> npt.NDArray:  # type: ignore[type-arg]
    """Values for the rows marked `where`, put back among all rows (`fill` elsewhere)."""
    out = np.full(len(where), fill, dtype=a.dtype)
    out[where] = a
    return out


def dot(a: FloatArray, b: FloatArray) -> FloatArray:
    """Per column, sum(a * b[:, column]): any order of summation stays within the bounds charged."""
    # OpenBLAS spreads large products over both cores, where its threads spin (`mes_float._dot`).
    return a @ b if b.size <= 10_000 else (a[:, None] * b).sum(axis=0)
