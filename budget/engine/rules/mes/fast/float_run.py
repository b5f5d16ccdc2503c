"""A run of MES in floats that knows its own error, or says it cannot decide.

The add1 loops need hundreds of runs whose only use is their outcome. This
run carries, for every budget class, a float value and a bound on its
distance from the exact value; every decision (affordable or not, who pays
all, which project is cheapest) is taken only if the bounds leave no doubt.
If one does not, `float_run` returns None and the caller runs the exact
`budget.engine.rules.mes.rounds` instead. So its outcome, when it gives one, is the exact
outcome: a float filter with exact confirmation by interval bounds.

Bounds: `U` = 1e-15 exceeds four units of round-off (2.2e-16) per
operation; a sum of k terms is charged (k + 2) * U times its magnitude.

Length: about 400 lines, because every function here carries the same
error bounds (`_Purses`, `_Split`, `U`) and the six entry points (run,
rounds, resume, span, reach, prefix/check) are thin doors into one loop,
`_rounds`; split, a reader would check one error analysis across modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import numpy.typing as npt

from budget.engine.rules.mes.profile import Candidate, MesProfile
from budget.engine.rules.mes.rounds import TieKey

U = 1e-15
FloatArray = npt.NDArray[np.float64]
FloatRounds = tuple[tuple[int, float], ...]  # (winner, upper bound of its rho) per round


@dataclass(frozen=True, slots=True)
class _Split:
    """A certain price p (within err) and who pays all: `poor` marks them among the supporters."""

    poor: npt.NDArray[np.bool_] | None  # None: nobody pays all
    p: float
    err: float
    # The supporters' budgets and errors when priced: paying follows pricing
    # within the same round, before any purse changes, so `_pay` reuses them.
    value: FloatArray
    error: FloatArray


@dataclass(frozen=True, slots=True)
class _Supporters:
    """What pricing a candidate needs that never changes: counts and weights as floats."""

    voters: FloatArray
    weights: FloatArray
    weighted: FloatArray
    total_voters: float
    total_weight: float
    first_rho: float  # cost / total satisfaction, lowered well past rounding: a safe first lower bound
    cost: float
    scale: float
    # Every weight is 1 (approval ballots under cost or cardinality
    # satisfaction): budget per weight is the budget itself, and the
    # divisions and products by weight, exact then, are left out.
    unit: bool


_CACHE: list[tuple[MesProfile, list[_Supporters]]] = []


def _supporters(profile: MesProfile) -> list[_Supporters]:
    """Per candidate, computed once per profile (the add1 loops reuse one profile for every run)."""
    cached = _CACHE[0] if _CACHE else None  # read once: another thread may replace it
    if cached is not None and cached[0] is profile:
        return cached[1]
    mult = profile.multiplicity.astype(np.float64)
    out = []
    for c in profile.candidates:
        n, w = mult[c.groups], c.weights.astype(np.float64)
        first = float(c.cost / (c.scale * c.total_weight)) * (1 - 1e-6)
        unit = bool((c.weights == 1).all())
        totals = float(n.sum()), float((n * w).sum())
        out.append(_Supporters(n, w, n * w, *totals, first, float(c.cost), float(c.scale), unit))
    _CACHE[:] = [(profile, out)]
    return out


class _Purses:
    """Every voter group's budget as a float, and a bound on its distance from the exact budget."""

    def __init__(self, profile: MesProfile, endowment: Fraction) -> None:
        e = float(endowment)
        self.value: FloatArray = np.full(len(profile.multiplicity), e)
        self.error: FloatArray = np.full(len(profile.multiplicity), U * e)
        self.worst = U * e  # at least every entry of `error`


@dataclass(slots=True)
class Partial:
    """A float run at `endowment` halted by a failed span check after `len(out)` proved rounds.

    Those rounds are the run's own at this endowment (each winner proved
    cheaper than every rival there), `purses` hold the budgets after them and
    `stale` lower bounds on the rivals' rho, so `float_resume` can finish the
    run from there instead of starting over. It is used once: resuming
    changes the purses.
    """

    endowment: Fraction
    purses: _Purses
    stale: dict[int, float]
    out: list[tuple[int, float]]


def _price(c: Candidate, s: _Supporters, purses: _Purses) -> tuple[float, float, _Split] | None | bool:
    """(rho, error, split) if certain; None if certainly unaffordable; False if in doubt.

    The split is found as pabutools' `affordability_poor_rich` does: those
    who cannot pay the equal share pay all, the share is recomputed, and so
    on until nobody else drops out (the poor only grow, so this ends; two or
    three passes on the shared files, no sort).
    """
    # Budapest 2024 add1 prices 345,000 times on ~1,500 groups: each numpy
    # call costs about 1.5 us there, so this counts calls, not elements.
    v, e = purses.value[c.groups], purses.error[c.groups]
    cost = s.cost
    # A dot product's round-off is that of its k products and k - 1 sums,
    # within the (k + 2) * U charged below.
    money, errors = _dot(v, s.voters), _dot(e, s.voters)
    slack = errors + (len(v) + 2) * U * money
    if money + slack < cost:
        return None
    if money - slack < cost:
        return False
    key = v if s.unit else v / s.weights
    held: FloatArray | None = None  # v * voters, made only once someone is poor
    paid, rich, count = 0.0, s.total_weight, 0
    while True:
        p = (cost - paid) / rich
        poor = key < p
        now = int(np.count_nonzero(poor))
        if now == count:
            break
        count = now
        # Dot products with the poor as a 0/1 mask rather than gathering
        # them: a boolean gather made a pass 3x dearer (23 us -> 7 us on
        # 3,200 groups). Each term is still one rounded product, the k-term
        # sum (zeros included) stays within the (k + 4) * U charged below,
        # and the weights' sum is exact (integers far below 2^53).
        mask = poor.astype(np.float64)
        if held is None:
            held = v * s.voters
        paid = _dot(held, mask)
        rich = s.total_weight - _dot(s.weighted, mask)
        if rich <= 0:
            return False
    err_p = (errors + (len(v) + 4) * U * (cost + paid)) / rich + U * p
    # The split must be beyond doubt: every poor entry's budget per weight
    # below p - err, every rich one's above p + err (each with its own error).
    # (Never all poor: rich > 0.)
    if count:
        high = v + e if s.unit else (v + e) / s.weights
        if float(np.where(poor, high, -np.inf).max()) * (1 + U) >= p - err_p:
            return False
    low = v - e if s.unit else (v - e) / s.weights
    if float((np.where(poor, np.inf, low) if count else low).min()) * (1 - U) <= p + err_p:
        return False
    scale = s.scale
    return p / scale, err_p / scale + 2 * U * p / scale, _Split(poor if count else None, p, err_p, v, e)


def _dearer(c: Candidate, s: _Supporters, purses: _Purses, rho: float) -> bool | None:
    """True if c certainly asks more than `rho`; None if certainly unaffordable; False if neither is certain.

    A span check needs only this of a rival, not its price: the price p is
    the least with sum(min(budget, p * weight)) = cost over the supporters,
    and that sum only grows with p, so if the supporters could not pay the
    cost even at p = rho * scale, the price is higher. That is one pass
    (Budapest 2024 cost: ~20 us against 160 us for a price on ~3,200
    groups). Bounds: each budget is within its error, at most the worst
    one (`_Purses.worst`: one product instead of a second dot), so each
    min(budget, p * weight) is within that too; the level is raised past
    the rounding of rho * scale; sums are charged as in `_price`.
    """
    v = purses.value[c.groups]
    money = _dot(v, s.voters)
    errors = purses.worst * s.total_voters * (1 + U)  # every group's error is at most the worst
    if money + errors + (len(v) + 2) * U * money < s.cost:
        return None
    if math.isinf(rho):
        return False
    level = rho * s.scale * (1 + 4 * U)
    capped = np.minimum(v, level) if s.unit else np.minimum(v, level * s.weights)
    can = _dot(capped, s.voters)
    return can + errors + (len(v) + 4) * U * can < s.cost * (1 - U)


def _dot(a: FloatArray, b: FloatArray) -> float:
    """sum(a * b): BLAS's dot for up to 10,000 terms, else multiply and sum.

    OpenBLAS's dot is 3x faster than the pair of numpy calls on Budapest
    2024's 1,500 supporter groups, but from 10,000 terms it spreads over
    both cores and its threads then spin: add1 took twice the CPU time.
    """
    return float(a @ b) if len(a) <= 10_000 else float((a * b).sum())


def float_run(profile: MesProfile, endowment: Fraction, tie_key: TieKey) -> tuple[int, ...] | None:
    """The candidates an exact run at `endowment` buys, in order; None if floats cannot be sure."""
    rounds, _, _ = _rounds(profile, endowment, tie_key, None)
    return None if rounds is None else tuple(j for j, _ in rounds)


def float_rounds(
    profile: MesProfile, endowment: Fraction, tie_key: TieKey, known: tuple[int, ...] = ()
) -> FloatRounds | None:
    """Like `float_run`, with each round's winner's rho upper bound, for `float_span`.

    `known`: winners of the first rounds that a span check proved for this
    endowment (`float_prefix`); they are priced and paid, their rivals not
    looked at.
    """
    rounds, _, _ = _rounds(profile, endowment, tie_key, None, known)
    return None if rounds is None else tuple(rounds)


def float_resume(profile: MesProfile, partial: Partial, tie_key: TieKey) -> FloatRounds | None:
    """`float_rounds` at `partial.endowment`, finishing the run a failed span check began there."""
    rounds, _, _ = _rounds(profile, partial.endowment, tie_key, None, (), partial)
    return None if rounds is None else tuple(rounds)


def float_span(
    profile: MesProfile, low: Fraction, high: Fraction, tie_key: TieKey, at_low: FloatRounds | None = None
) -> tuple[int, ...] | None:
    """The outcome shared by every endowment in [low, high], if floats can prove there is one.

    With the same purchases, a higher endowment leaves every voter at least
    as much after every round and makes every price at most as high (by
    induction: a price falls when budgets grow, and max(0, budget - price *
    satisfaction) grows). So if at every round the winner at `low` asks less
    than every rival asks at `high`, and nothing more is affordable at `high`
    at the end, every endowment in between buys the same projects in the same
    order.
    """
    rounds = at_low if at_low is not None else float_rounds(profile, low, tie_key)
    if rounds is None or float_reach(profile, high, tie_key, rounds) is None:
        return None
    return tuple(j for j, _ in rounds)


def float_reach(
    profile: MesProfile, high: Fraction, tie_key: TieKey, at_low: FloatRounds, trusted: int = 0
) -> FloatRounds | None:
    """`float_span`'s check at the high end, given the rounds at the low end; the rounds at `high` if it holds.

    The rounds it returns are those of a run at `high` (every winner's rho
    bound taken there), so they can serve as the low end of the next span:
    spans chain, one run each. `trusted`: see `float_prefix`.
    """
    rounds, _, _ = _rounds(profile, high, tie_key, at_low, tuple(j for j, _ in at_low[:trusted]))
    return None if rounds is None else tuple(rounds)


def float_prefix(
    profile: MesProfile, high: Fraction, tie_key: TieKey, at_low: FloatRounds, trusted: int = 0
) -> tuple[FloatRounds | None, int]:
    """`float_reach`, and how many first rounds it proved the same at every endowment in [low, high].

    `float_span`'s induction runs round by round: if the first r rounds
    agree on [low, high] and round r's winner at `low` asks less than every
    rival asks at `high`, round r agrees too, whatever happens after it. So
    a check that fails at round k still proves rounds 0..k-1 for the whole
    span, and a later check of a span inside [low, high] may pass
    `trusted=k`: those rounds' rivals need no pricing there (Budapest 2024
    cost: a near tie at round 17 of 21 allows spans of ~3 forints, while
    the 17 rounds before it hold over hundreds).
    """
    rounds, passed, _ = float_check(profile, high, tie_key, at_low, trusted)
    return rounds, passed


def float_check(
    profile: MesProfile, high: Fraction, tie_key: TieKey, at_low: FloatRounds, trusted: int = 0
) -> tuple[FloatRounds | None, int, Partial | None]:
    """`float_prefix`, and when the check fails, the run at `high` as far as it got (for `float_resume`)."""
    rounds, passed, partial = _rounds(profile, high, tie_key, at_low, tuple(j for j, _ in at_low[:trusted]))
    return (None if rounds is None else tuple(rounds)), passed, partial


def _rounds(
    profile: MesProfile,
    endowment: Fraction,
    tie_key: TieKey,
    forced: tuple[tuple[int, float], ...] | None,
    known: tuple[int, ...] = (),
    resume: Partial | None = None,
) -> tuple[list[tuple[int, float]] | None, int, Partial | None]:
    """(winner, upper bound of its rho) per round, or None if in doubt or if `forced` is not confirmed;
    and how many rounds were confirmed.

    With `forced`, round r must be won by forced[r][0] with every rival
    certainly dearer than forced[r][1], and the run must end after it. The
    first rounds are taken as proved to be won by `known` (`float_prefix`):
    those winners are priced and paid, their rivals not looked at. With
    `resume`, the run goes on from a failed check's proved rounds.

    The third value: when a forced check fails at a round, the run so far
    (a `Partial`: every round before that one is this endowment's own).
    """
    static = _supporters(profile)
    if resume is not None:
        purses, stale, out = resume.purses, resume.stale, resume.out
    else:
        purses = _Purses(profile, endowment)
        stale = {j: s.first_rho for j, s in enumerate(static)}
        out = []

    def halt() -> tuple[None, int, Partial | None]:
        # Every failure happens before the round's purchase is paid, and the
        # rivals' bounds set so far are true lower bounds at this endowment.
        return None, len(out), Partial(endowment, purses, stale, out) if forced is not None else None

    while stale:
        if len(out) < len(known):
            j = known[len(out)]
            got = _price(profile.candidates[j], static[j], purses)
            if not isinstance(got, tuple):
                return halt()
            _pay(profile.candidates[j], static[j], purses, got[2])
            del stale[j]
            out.append((j, got[0] + got[1]))
            continue
        # Forced, past the last purchase: nothing may be affordable at all.
        limit = None if forced is None else (forced[len(out)][1] if len(out) < len(forced) else float("inf"))
        best: tuple[float, float, int, _Split] | None = None
        priced: list[tuple[float, float, int, _Split]] = []
        second_lo = float("inf")
        cutoff = limit if limit is not None else math.inf  # unforced: the least r + e priced so far
        target = forced[len(out)][0] if forced is not None and len(out) < len(forced) else None
        for j in sorted(stale, key=stale.__getitem__):
            if stale[j] > cutoff:
                break
            if limit is not None and j != target:
                # A rival: enough to know it asks more than this round's limit.
                dearer = _dearer(profile.candidates[j], static[j], purses, limit)
                if dearer is None:
                    del stale[j]
                    continue
                if not dearer:
                    return halt()  # a rival could win somewhere in between
                stale[j] = limit  # a lower bound: prices only rise during a run
                continue
            got = _price(profile.candidates[j], static[j], purses)
            if got is False or got is True:
                return halt()
            if got is None:
                del stale[j]
                continue
            rho, err, split = got
            stale[j] = rho - err
            if forced is not None:
                best = (rho, err, j, split)  # the forced winner: its rivals are settled above
            else:
                priced.append((rho, err, j, split))
                cutoff = min(cutoff, rho + err)
        if forced is None and priced:
            best, second_lo = _cheapest(profile, priced, tie_key)
        if best is None:
            break
        if best[0] + best[1] >= second_lo:
            return halt()  # a tie or a near tie: the exact run decides
        _pay(profile.candidates[best[2]], static[best[2]], purses, best[3])
        del stale[best[2]]
        out.append((best[2], best[0] + best[1]))
    if forced is not None and len(out) != len(forced):
        return halt()
    return out, len(out), None


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


def _pay(c: Candidate, s: _Supporters, purses: _Purses, split: _Split) -> None:
    p, err_p = split.p, split.err
    v, e = split.value, split.error
    if s.unit:  # the same floats as below with weights of 1
        left = v - p
        new_error = e + err_p + 2 * U * (v + p)
    else:
        owed = p * s.weights
        left = v - owed
        new_error = e + s.weights * err_p + 2 * U * (v + owed)
    # The poor paid all they had: exactly 0, the split being certain.
    if split.poor is not None:
        left = np.where(split.poor, 0.0, left)
        new_error = np.where(split.poor, 0.0, new_error)
    purses.value[c.groups] = left
    purses.error[c.groups] = new_error
    purses.worst = max(purses.worst, float(new_error.max()))
