"""Float runs of MES at many endowments at once, in lockstep.

Where outcomes change every few steps (Katowice 2023 cost: 113 steps, 13
outcomes; Częstochowa 2024 additive: 367 steps, 54 outcomes), span checks
keep failing on near ties and the add1 loops run MES at nearly every step.
Those runs share most of their rounds, and on small profiles (Katowice: 25
candidates of 50 to 276 voter groups) each round costs numpy calls, not
arithmetic. So this runs a batch of endowments side by side, each one a
column of 2-D arrays (a "row" of the batch below): each numpy call prices or
pays a candidate at every endowment, and the batch splits where rows buy
different candidates. Rows that bought the same so far are ordered by their
budgets, so most rivals are ruled out for all of them by one test at the
highest endowment (`_rule_out`).

Every row takes exactly the decisions of `budget.engine.rules.mes.fast.float_run`'s run at its
endowment, under the same error bounds (see there): a decision in doubt
drops the row (its outcome is None) rather than guessing, so an outcome given
is the exact run's (`tests/budget/engine/rules/mes/test_mes_batch.py`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from budget.engine.rules.mes.fast.batch_price import BoolArray, Prices, dearer, pay, price, spread
from budget.engine.rules.mes.fast.float_run import FloatArray, U, _Supporters, _supporters
from budget.engine.rules.mes.fast.float_run import _dearer as _dearer_1d
from budget.engine.rules.mes.profile import Candidate, MesProfile
from budget.engine.rules.mes.rounds import TieKey

IntArray = npt.NDArray[np.int64]
FMAX = float(np.finfo(np.float64).max)


@dataclass(slots=True)
class _Branch:
    """Rows (endowments, increasing) that bought the same candidates so far.

    Arrays are (groups, rows) and (candidates, rows): numpy sums a column
    of rows along the first axis fast, and gathers a candidate's groups as
    whole lines.
    """

    rows: IntArray  # indices into the batch's endowments
    value: FloatArray  # every voter group's budget
    error: FloatArray  # and a bound on its distance from the exact budget
    worst: FloatArray  # per row, at least every budget's error (`mes_float._Purses.worst`)
    stale: FloatArray  # lower bounds on rho
    alive: BoolArray  # not yet certainly unaffordable
    out: list[int]

    def take(self, keep: BoolArray) -> _Branch:
        """The branch for some of its rows (copies: the rows go on separately)."""
        # `compress` keeps the arrays row-major (`a[:, keep]` would not: gathers slow down 10x).
        return _Branch(
            self.rows[keep], self.value.compress(keep, axis=1), self.error.compress(keep, axis=1),
            self.worst[keep],
            self.stale.compress(keep, axis=1), self.alive.compress(keep, axis=1), list(self.out),
        )


def float_batch(profile: MesProfile, endowments: Sequence[Fraction], tie_key: TieKey) -> list[tuple[int, ...] | None]:
    """For each endowment (in increasing order), the candidates an exact run there buys, in order; None where
    floats cannot be sure."""
    if any(a >= b for a, b in zip(endowments, endowments[1:])):
        raise ValueError("float_batch needs endowments in increasing order")
    static = _supporters(profile)
    count = len(endowments)
    start = np.array([float(e) for e in endowments])
    stale = np.repeat(np.array([s.first_rho for s in static])[:, None], count, axis=1)
    value = np.repeat(start[None, :], len(profile.multiplicity), axis=0)
    error = np.repeat((U * start)[None, :], len(profile.multiplicity), axis=0)
    alive = np.ones_like(stale, dtype=bool)
    todo = [_Branch(np.arange(count), value, error, U * start, stale, alive, [])]
    twin = np.array(profile.twin, dtype=np.int64)
    keys = np.array([tie_key(j) for j in range(len(static))], dtype=np.int64)
    results: list[tuple[int, ...] | None] = [None] * count
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
                _buy(profile.candidates[j], static[j], j, part, priced[j], mine)
                todo.append(part)
            mine = going & (winner == first)
            every = bool(mine.all())
            if not every:
                branch = branch.take(mine)
            _buy(profile.candidates[first], static[first], first, branch, priced[first], None if every else mine)
    return results


def _round(profile: MesProfile, static: list[_Supporters], branch: _Branch) -> tuple[dict[int, Prices], BoolArray]:
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
    priced: dict[int, Prices] = {}
    ceiling = FMAX  # the greatest cutoff
    top = _Column(branch.value[:, -1].copy(), float(branch.worst[-1]))
    order = np.argsort(lowest, kind="stable")
    for j, low in zip(order.tolist(), lowest[order].tolist()):
        if low > ceiling:
            break  # sorted: no row needs a later candidate (those dead everywhere come last, at inf)
        need = bounds[j] <= cutoff
        if not need.any():
            continue
        need = _rule_out(profile.candidates[j], static[j], j, branch, top, need, cutoff, ceiling)
        if not need.any():
            continue
        every = bool(need.all())
        v = branch.value.take(profile.candidates[j].groups, axis=0)
        e = branch.error.take(profile.candidates[j].groups, axis=0)
        if not every:
            v, e = v.compress(need, axis=1), e.compress(need, axis=1)
        got, dead, unsure = price(static[j], v, e, branch.worst[need])
        if not every:
            dead, unsure = spread(dead, need, False), spread(unsure, need, False)
        branch.alive[j] &= ~dead  # budgets only fall: unaffordable for the rest of the run
        ok = need & ~dead & ~unsure
        if unsure.any():
            doubt |= unsure
            cutoff[unsure] = -math.inf
        if ok.any():
            rho, err = (got.rho, got.err) if every else (spread(got.rho, need, math.inf), spread(got.err, need, 0.0))
            branch.stale[j] = np.where(ok, np.maximum(branch.stale[j], rho - err), branch.stale[j])
            cutoff = np.where(ok, np.minimum(cutoff, rho + err), cutoff)
            priced[j] = Prices(need, ok, rho, err, got.p, got.err_p, got.poor, got.value, got.error)
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
    tested each against its own cutoff. A row where c is dearer than the
    cutoff is settled for the round: when the round is sure there, the
    cutoff is the winner's rho + err (`_winners`).
    """
    some = ceiling < FMAX  # every row has a cutoff
    verdict = _dearer_1d(c, s, top, ceiling if some else math.inf)  # type: ignore[arg-type]
    if verdict is None:
        branch.alive[j] = False
        return np.zeros_like(need)
    if verdict:
        branch.stale[j] = np.maximum(branch.stale[j], ceiling)
        return np.zeros_like(need)
    if not some:
        return need
    v = branch.value.take(c.groups, axis=0).compress(need, axis=1)
    dead, settled = dearer(s, v, branch.worst[need], cutoff[need])
    dead, settled = spread(dead, need, False), spread(settled & ~dead, need, False)
    branch.alive[j] &= ~dead
    branch.stale[j] = np.where(settled, np.maximum(branch.stale[j], cutoff), branch.stale[j])
    return need & ~dead & ~settled


def _winners(
    priced: dict[int, Prices], doubt: BoolArray, twin: IntArray, keys: IntArray
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


def _buy(c: Candidate, s: _Supporters, j: int, branch: _Branch, got: Prices, rows: BoolArray | None) -> None:
    """Buy candidate j at every row of `branch`: `rows` of the branch that priced it (None: all), as `got`."""
    mine = got.need if rows is None else rows
    pick = None if mine.all() and got.need.all() else mine[got.need]  # paying rows among those priced
    left, error = pay(s, got, pick)
    branch.value[c.groups] = left
    branch.error[c.groups] = error
    branch.worst = np.maximum(branch.worst, error.max(axis=0))
    branch.alive[j] = False
    branch.out.append(j)
