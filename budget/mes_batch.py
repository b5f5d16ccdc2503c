"""Float runs of MES at many endowments at once, in lockstep.

Where outcomes change every few steps (Katowice 2023 cost: 113 steps, 13
outcomes; Częstochowa 2024 additive: 367 steps, 54 outcomes), span checks
keep failing on near ties and the add1 loops run MES at nearly every step.
Those runs share most of their rounds, and on small profiles (Katowice: 25
candidates of 50 to 276 voter groups) each round costs numpy calls, not
arithmetic. So this runs a batch of endowments as the rows of 2-D arrays:
each numpy call prices or pays a candidate at every endowment, and the batch
splits where rows buy different candidates.

Every row takes exactly the decisions of `budget.mes_float`'s run at its
endowment, under the same error bounds (see there): a decision in doubt
drops the row (its outcome is None) rather than guessing, so an outcome given
is the exact run's.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from budget.mes_float import U, FloatArray, _Supporters, _supporters
from budget.mes_float import _dearer as _dearer_1d
from budget.mes_profile import Candidate, MesProfile
from budget.mes_rounds import TieKey

BoolArray = npt.NDArray[np.bool_]
FMAX = float(np.finfo(np.float64).max)
IntArray = npt.NDArray[np.int64]


@dataclass(slots=True)
class _Branch:
    """Rows (endowments) that bought the same candidates so far.

    Arrays are (groups, rows) and (candidates, rows): numpy sums a column
    of rows along the first axis fast, and gathers a candidate's groups as
    whole lines.
    """

    rows: IntArray  # indices into the batch's endowments
    value: FloatArray
    error: FloatArray
    stale: FloatArray  # lower bounds on rho
    alive: BoolArray  # not yet certainly unaffordable
    out: list[int]
    worst: FloatArray  # per row, at least every group's error (`mes_float._Purses.worst`)

    def take(self, keep: BoolArray) -> _Branch:
        """The branch for some of its rows (copies: the rows go on separately)."""
        # `compress` keeps the arrays row-major (`a[:, keep]` would not: gathers slow down 10x).
        return _Branch(
            self.rows[keep], self.value.compress(keep, axis=1), self.error.compress(keep, axis=1),
            self.stale.compress(keep, axis=1), self.alive.compress(keep, axis=1), list(self.out), self.worst[keep],
        )


@dataclass(frozen=True, slots=True)
class _Prices:
    """One candidate priced at the rows of a branch that needed it (`need`); `ok`: those where it is certain.

    `rho` and `err` are per row of the branch; the rest, for paying, per
    needed row only: pricing a candidate at rows that do not need it was
    four fifths of the work on Czestochowa 2024.
    """

    need: BoolArray
    ok: BoolArray
    rho: FloatArray
    err: FloatArray
    p: FloatArray
    err_p: FloatArray
    poor: BoolArray | None  # (supporters, needed rows), None when nobody is poor
    value: FloatArray  # the supporters' budgets and errors when priced
    error: FloatArray


def float_batch(profile: MesProfile, endowments: Sequence[Fraction], tie_key: TieKey) -> list[tuple[int, ...] | None]:
    """For each endowment (in increasing order), the candidates an exact run there buys, in order; None where
    floats cannot be sure."""
    if any(a >= b for a, b in zip(endowments, endowments[1:])):
        raise ValueError("float_batch needs endowments in increasing order")
    static = _supporters(profile)
    count, groups = len(endowments), len(profile.multiplicity)
    start = np.array([float(e) for e in endowments])
    results: list[tuple[int, ...] | None] = [None] * count
    stale = np.repeat(np.array([s.first_rho for s in static])[:, None], count, axis=1)
    todo = [
        _Branch(
            np.arange(count),
            np.repeat(start[None, :], groups, axis=0),
            np.repeat((U * start)[None, :], groups, axis=0),
            stale,
            np.ones_like(stale, dtype=bool),
            [],
            U * start,
        )
    ]
    twin = np.array(profile.twin, dtype=np.int64)
    keys = np.array([tie_key(j) for j in range(len(static))], dtype=np.int64)
    while todo:
        branch = todo.pop()
        while len(branch.rows):
            priced, doubt = _round(profile, static, branch)
            winner, doubt, done = _winners(priced, doubt, twin, keys)
            for r in branch.rows[done]:
                results[int(r)] = tuple(branch.out)
            going = ~doubt & ~done
            if not going.any():
                break
            # Rows that bought different candidates part here; each part goes on alone.
            first, *others = (int(j) for j in np.unique(winner[going]))
            for j in others:
                mine = going & (winner == j)
                part = branch.take(mine)
                _pay(profile.candidates[j], static[j], j, part, priced[j], mine)
                todo.append(part)
            mine = going & (winner == first)
            every = bool(mine.all())
            if not every:
                branch = branch.take(mine)
            _pay(profile.candidates[first], static[first], first, branch, priced[first], None if every else mine)
    return results


def _round(profile: MesProfile, static: list[_Supporters], branch: _Branch) -> tuple[dict[int, _Prices], BoolArray]:
    """Price, at every row, the candidates that could be this round's cheapest there; and the rows in doubt.

    As `mes_float._rounds` does per run: candidates in order of their lower
    bounds, a row pricing one only while that bound is at most the least
    rho + err priced so far in the row (its cutoff); so every candidate a row
    leaves unpriced asks more than that (bounds only rise during a run).

    A candidate is first only asked whether it is dead or, once every row has
    a cutoff, dearer (`_rule_out`), which settles most without a price.
    """
    rows = len(branch.rows)
    # Per row, the least rho + err priced so far (at first the greatest float, so that no bound of a
    # candidate bought or dead, inf, is below it); -inf once the row is in doubt (it needs nothing more).
    cutoff = np.full(rows, FMAX)
    doubt = np.zeros(rows, dtype=bool)
    bounds = np.where(branch.alive, branch.stale, math.inf)
    lowest = bounds.min(axis=1)
    priced: dict[int, _Prices] = {}
    ceiling = FMAX  # the greatest cutoff
    top: _Column | None = None
    order = np.argsort(lowest, kind="stable")
    for j, low in zip(order.tolist(), lowest[order].tolist()):
        if low > ceiling:
            break  # sorted: no row needs a later candidate (those dead everywhere come last, at inf)
        need = bounds[j] <= cutoff
        if not need.any():
            continue
        if top is None:
            top = _Column(branch.value[:, -1].copy(), float(branch.worst[-1]))
        need = _rule_out(profile.candidates[j], static[j], j, branch, top, need, cutoff, ceiling)
        if not need.any():
            continue
        every = bool(need.all())
        v = branch.value.take(profile.candidates[j].groups, axis=0)
        e = branch.error.take(profile.candidates[j].groups, axis=0)
        if not every:
            v, e = v.compress(need, axis=1), e.compress(need, axis=1)
        got, dead, unsure = _price(static[j], v, e)
        if not every:
            dead, unsure = _spread(dead, need, False), _spread(unsure, need, False)
        branch.alive[j] &= ~dead  # budgets only fall: unaffordable for the rest of the run
        ok = need & ~dead & ~unsure
        if unsure.any():
            doubt |= unsure
            cutoff[unsure] = -math.inf
        if ok.any():
            rho, err = (got.rho, got.err) if every else (_spread(got.rho, need, math.inf), _spread(got.err, need, 0.0))
            branch.stale[j] = np.where(ok, np.maximum(branch.stale[j], rho - err), branch.stale[j])
            cutoff = np.where(ok, np.minimum(cutoff, rho + err), cutoff)
            priced[j] = _Prices(need, ok, rho, err, got.p, got.err_p, got.poor, got.value, got.error)
        ceiling = float(cutoff.max())
    return priced, doubt


class _Column:
    """The purses of a branch's top row (its highest endowment) as `mes_float._dearer` reads them."""

    def __init__(self, value: FloatArray, worst: float) -> None:
        self.value, self.worst = value, worst


def _rule_out(
    c: Candidate, s: _Supporters, j: int, branch: _Branch, top: _Column, need: BoolArray, cutoff: FloatArray,
    ceiling: float,
) -> BoolArray:
    """The rows of `need` where c must still be priced: elsewhere it is dead, or dearer than the row's cutoff.

    Rows of a branch bought the same candidates so far, so a higher
    endowment left every voter at least as much (`mes_float.float_span`): c
    asks at least as much at every row as at the top one, and if it cannot
    afford its cost there it can nowhere. So one test at the top row against
    the greatest cutoff usually settles every row; the rows it does not are
    tested one by one (`mes_float._dearer`, at every row at once). A row
    where c is dearer than the cutoff is settled for the round: the winner's
    rho + err is that cutoff when the round is sure (`_winners`).
    """
    some = ceiling < FMAX  # every row has a cutoff
    dearer = _dearer_1d(c, s, top, ceiling if some else math.inf)  # type: ignore[arg-type]
    if dearer is None:
        branch.alive[j] = False
        return np.zeros_like(need)
    if dearer:
        branch.stale[j] = np.maximum(branch.stale[j], ceiling)
        return np.zeros_like(need)
    if not some:
        return need
    v = branch.value.take(c.groups, axis=0).compress(need, axis=1)
    level = cutoff[need]
    money = _dot(s.voters, v)
    errors = branch.worst[need] * s.total_voters * (1 + U)
    k = len(v)
    dead = money + errors + (k + 2) * U * money < s.cost
    scaled = level * s.scale * (1 + 4 * U)
    capped = np.minimum(v, scaled) if s.unit else np.minimum(v, scaled * s.weights[:, None])
    can = _dot(s.voters, capped)
    settled = can + errors + (k + 4) * U * can < s.cost * (1 - U)
    dead, settled = _spread(dead, need, False), _spread(settled & ~dead, need, False)
    branch.alive[j] &= ~dead
    branch.stale[j] = np.where(settled, np.maximum(branch.stale[j], cutoff), branch.stale[j])
    return need & ~dead & ~settled


def _winners(
    priced: dict[int, _Prices], doubt: BoolArray, twin: IntArray, keys: IntArray
) -> tuple[IntArray, BoolArray, BoolArray]:
    """Per row: the round's winner, whether the row is in doubt, and whether its run ended (nothing affordable).

    As `mes_float._cheapest`: the least rho wins, its twins (same supporters,
    same cost: the same rho) by the tie-break; it must ask less than any
    other priced candidate could, error bounds included.
    """
    rows = len(doubt)
    if not priced:
        return np.zeros(rows, dtype=np.int64), doubt, ~doubt
    cols = np.array(list(priced), dtype=np.int64)
    ok = np.array([priced[j].ok for j in priced])
    bought = ok.any(axis=0)
    if len(cols) == 1:  # one candidate priced: it wins wherever it was priced
        return np.full(rows, cols[0]), doubt, ~bought & ~doubt
    rho = np.where(ok, np.array([priced[j].rho for j in priced]), math.inf)
    err = np.where(ok, np.array([priced[j].err for j in priced]), 0.0)
    cheapest = np.argmin(rho, axis=0)
    same = ok & (twin[cols][:, None] == twin[cols][cheapest][None, :])
    pick = np.argmin(np.where(same, keys[cols][:, None], np.iinfo(np.int64).max), axis=0)
    at = np.arange(rows)
    rivals = np.where(ok & ~same, rho - err, math.inf).min(axis=0)
    sure = rho[pick, at] + err[pick, at] < rivals
    doubt = doubt | (bought & ~sure)
    return cols[pick], doubt, ~bought & ~doubt


def _price(s: _Supporters, v: FloatArray, e: FloatArray) -> tuple[_Prices, BoolArray, BoolArray]:
    """`mes_float._price` at every column of the supporters' budgets `v` (errors `e`) at once, with the same
    bounds: (prices, certainly unaffordable, in doubt)."""
    k, rows = v.shape
    cost = s.cost
    money, errors = _dot(s.voters, v), _dot(s.voters, e)
    slack = errors + (k + 2) * U * money
    dead = money + slack < cost
    doubt = ~dead & (money - slack < cost)
    if dead.all():  # the common case late in a run: nothing to price
        return _Prices(np.ones(rows, dtype=bool), ~dead, money, money, money, money, None, v, e), dead, doubt
    key = v if s.unit else v / s.weights[:, None]
    paid, rich = np.zeros(rows), np.full(rows, float(s.total_weight))
    count = np.zeros(rows)
    ones = np.ones(k)
    while True:
        # The poor only grow (`mes_float._price`): a row whose count stays is settled.
        p = (cost - paid) / rich
        poor = key < p
        mask = poor.astype(np.float64)
        now = _dot(ones, mask)  # exact: small integers
        if not (~dead & ~doubt & (now != count)).any():
            break
        count = now
        # Each term one rounded product (masked terms exact zeros), as the 1-D dot.
        paid = _dot(s.voters, v * mask)
        rich = s.total_weight - _dot(s.weighted, mask)
        broke = rich <= 0
        doubt |= broke & ~dead
        rich = np.where(broke, 1.0, rich)
    err_p = (errors + (k + 4) * U * (cost + paid)) / rich + U * p
    # The split must be beyond doubt in every row (`mes_float._price`). The
    # factors (1 + U), (1 - U) go on each entry: rounding is monotone, so
    # that is the same as on the max and the min.
    anyone = bool(count.any())
    low = v - e if s.unit else (v - e) / s.weights[:, None]
    unclear = low * (1 - U) <= p + err_p
    if anyone:
        high = v + e if s.unit else (v + e) / s.weights[:, None]
        unclear = np.where(poor, high * (1 + U) >= p - err_p, unclear)
    doubt |= ~dead & unclear.any(axis=0)
    scale = s.scale
    prices = _Prices(np.ones(rows, dtype=bool), ~dead & ~doubt, p / scale, err_p / scale + 2 * U * p / scale, p, err_p,
                     poor if anyone else None, v, e)
    return prices, dead, doubt


def _spread(a: npt.NDArray, where: BoolArray, fill: float | bool) -> npt.NDArray:  # type: ignore[type-arg]
    """Values for the rows marked `where`, put back among all rows (`fill` elsewhere)."""
    out = np.full(len(where), fill, dtype=a.dtype)
    out[where] = a
    return out


def _dot(a: FloatArray, b: FloatArray) -> FloatArray:
    """Per row, sum(a * b[:, row]): any order of summation stays within the bounds charged."""
    # OpenBLAS spreads large products over both cores, where its threads spin (`mes_float._dot`).
    return a @ b if b.size <= 10_000 else (a[:, None] * b).sum(axis=0)


def _pay(c: Candidate, s: _Supporters, j: int, branch: _Branch, got: _Prices, rows: BoolArray | None) -> None:
    """Buy candidate j at every row of `branch`: `rows` of the branch that priced it (None: all), as `got`."""
    p, err_p, v, e = got.p, got.err_p, got.value, got.error
    poor = got.poor
    mine = got.need if rows is None else rows
    if not mine.all() or not got.need.all():
        pick = mine[got.need]  # the paying rows among those priced (every paying row was priced)
        if not pick.all():
            p, err_p, v, e = p[pick], err_p[pick], v.compress(pick, axis=1), e.compress(pick, axis=1)
            poor = None if poor is None else poor.compress(pick, axis=1)
    if s.unit:
        left = v - p
        new_error = e + err_p + 2 * U * (v + p)
    else:
        owed = p * s.weights[:, None]
        left = v - owed
        new_error = e + s.weights[:, None] * err_p + 2 * U * (v + owed)
    if poor is not None:  # the poor paid all they had: exactly 0, the split being certain
        left = np.where(poor, 0.0, left)
        new_error = np.where(poor, 0.0, new_error)
    branch.value[c.groups] = left
    branch.error[c.groups] = new_error
    branch.worst = np.maximum(branch.worst, new_error.max(axis=0))
    branch.alive[j] = False
    branch.out.append(j)
