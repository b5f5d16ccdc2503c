"""Why the Method of Equal Shares funded each project, or what each one lacked.

Keys added to the conventions of `docs/explanations.md` (amounts are exact
strings, `*_approx` floats sit next to some for reading):

Funded (`"status": "funded"`):
  `step`; `cost`; `supporters` (voters who give it positive satisfaction);
  `rho` (price per unit of satisfaction, what rounds compare: the least wins);
  `price_per_supporter` (what a supporter of weight 1 was asked: rho times
  the cost under cost satisfaction, rho otherwise); `effective_support`
  (cost / price_per_supporter: how many full-paying supporters it was worth,
  equalshares.net's effective vote count); `shares`: rows of
  `{"voters", "weight", "paid_each", "paid_all"}` (`paid_all`: they could
  not pay the full price and gave all they had left); `tie` when other
  projects had the same rho (`tied_with`, `by`); `free: true` for a
  supported zero-cost project funded before the rounds.

Not funded (`"status": "not_funded"`, `"reason"`):
  `no_supporters` (nobody gives it positive satisfaction; under cost
  satisfaction that includes every zero-cost project), or `ran_out`: its
  supporters' money never sufficed at the winning price. For `ran_out`:
  `closest_step` (the round it came closest: its supporters could then pay
  `coverage_percent_approx` of its cost at the price the winner of that round
  asked; `step` count + 1 means "after the last purchase"), `max_cost` (the
  cost at which it would have been bought then, with the winner's price, or
  null if no cost would do), `more_supporters` (how many more supporters of
  weight 1, each with an unspent endowment, would have covered the rest),
  `unaffordable_from_step` (from that round on, its supporters held less
  than its cost) and `money_went_to`: the funded projects its supporters paid
  for, most first (`project`, `amount_approx`, `share_percent_approx`).

Every explanation has `"text"`: one sentence a resident can read.
"""

from __future__ import annotations

import math
from fractions import Fraction

from budget.engine.election import Election
from budget.engine.explain import Explanation, exact
from budget.engine.rules.mes.explain_rounds import Closest, Watch, replay
from budget.engine.rules.mes.profile import MesProfile
from budget.engine.rules.mes.rounds import MesRun, Purchase, run_rounds
from budget.engine.tiebreak import TieOrder


def explain_run(
    election: Election, profile: MesProfile, order: TieOrder, run: MesRun
) -> dict[str, Explanation]:
    """One explanation per project of the election, for the final run `run`."""
    watch = Watch(profile, run.endowment)
    if not replay(profile, run, watch.see):
        watch = Watch(profile, run.endowment)
        run_rounds(profile, run.endowment, lambda j: order.rank[profile.candidates[j].index], observe=watch.see)
    out: dict[str, Explanation] = {}
    for step, pid in enumerate(profile.free, start=1):
        out[pid] = {"status": "funded", "step": step, "free": True, "cost": "0",
                    "text": f"Funded first (step {step}): it costs nothing and has supporters."}
    offset = len(profile.free)
    for k, purchase in enumerate(run.purchases, start=offset + 1):
        out[profile.candidates[purchase.candidate].id] = _funded(profile, order, purchase, k)
    bought = {p.candidate for p in run.purchases}
    closest = watch.closest()
    for j, cand in enumerate(profile.candidates):
        if j not in bought:
            out[cand.id] = _not_funded(profile, closest[j], watch, j, offset)
    for pid in profile.unsupported:
        out[pid] = {"status": "not_funded", "reason": "no_supporters",
                    "text": "Not funded: no voter gains anything from it under this satisfaction."}
    return {p.id: out[p.id] for p in election.projects}


def _funded(profile: MesProfile, order: TieOrder, p: Purchase, step: int) -> Explanation:
    cand = profile.candidates[p.candidate]
    price = p.rho * cand.scale
    voters = int(p.entries.voters.sum())
    out: Explanation = {
        "status": "funded", "step": step, "cost": exact(cand.cost), "supporters": voters,
        "rho": exact(p.rho), "rho_approx": float(p.rho),
        "price_per_supporter": exact(price), "price_per_supporter_approx": float(price),
        "effective_support": exact(cand.cost / price), "effective_support_approx": float(cand.cost / price),
        "shares": _shares(p, price),
    }
    if p.tied:
        rivals = sorted((profile.candidates[j] for j in p.tied), key=lambda r: order.rank[r.index])
        out["tie"] = {"tied_with": [r.id for r in rivals], "by": str(order.decided_by(cand.index, rivals[0].index))}
    out["text"] = (
        f"Funded at step {step}: {voters} supporters shared its cost of {float(cand.cost):,.0f}, "
        f"each paying about {float(price):,.2f}"
        + (" (those with less left gave all they had)" if any(p.poor) else "")
        + f"; it was worth {float(cand.cost / price):,.1f} full-paying supporters, more than any project left."
    )
    return out


def _shares(p: Purchase, price: Fraction) -> list[dict[str, object]]:
    """Rich supporters by weight; poor ones (paid all they had) by budget, at most 10 rows, then a summary."""
    # Rows are keyed by integers: a poor entry paid its budget, numerator
    # over the purchase's one denominator; a rich one price * weight. Keys of
    # Fractions cost 0.17 s of Warsaw 2026's explanations (hashing 22,312 of them).
    rows: dict[tuple[bool, int, int], int] = {}
    for n, w, poor, num in zip(p.entries.voters.tolist(), p.entries.weight.tolist(), p.poor, p.numerators):
        key = (poor, w, num if poor else 0)
        rows[key] = rows.get(key, 0) + n
    ordered = sorted(rows.items(), key=lambda kv: (kv[0][0], -kv[1]))

    def paid(poor: bool, w: int, num: int) -> Fraction:
        return Fraction(num, p.denominator) if poor else price * w

    shown: list[dict[str, object]] = [
        {"voters": n, "weight": w, "paid_each": exact(paid(poor, w, num)), "paid_all": poor}
        for (poor, w, num), n in ordered[:10]
    ]
    rest = ordered[10:]
    if rest:
        poor_total = sum(num * n for (poor, _, num), n in rest if poor)
        rich_weight = sum(w * n for (poor, w, _), n in rest if not poor)
        total = Fraction(poor_total, p.denominator) + price * rich_weight
        shown.append({"voters": sum(n for _, n in rest), "paid_total": exact(total), "paid_all": True})
    return shown


def _floor2(value: Fraction) -> float:
    """Rounded down to 2 decimals, so "100%" or "at most" is never claimed by rounding up."""
    return math.floor(value * 100) / 100


def _at_most(cost: Fraction) -> str:
    """A cost bound for a sentence: whole units when exact, else cents rounded down."""
    return f"{_floor2(cost):,.2f}" if cost != math.floor(cost) else f"{math.floor(cost):,}"


def _not_funded(profile: MesProfile, best: Closest, watch: Watch, j: int, offset: int) -> Explanation:
    cand = profile.candidates[j]
    step = best.step + offset
    went = watch.money_went_to(j)
    out: Explanation = {
        "status": "not_funded", "reason": "ran_out", "cost": exact(cand.cost),
        "closest_step": step, "coverage_percent_approx": _floor2(100 * best.cover / cand.cost),
        "max_cost": None if best.max_cost is None else exact(best.max_cost),
        "more_supporters": best.more_supporters,
        "unaffordable_from_step": watch.unaffordable_from.get(j, best.step) + offset,
        "money_went_to": went[:5],
    }
    where = ", ".join(str(w["project"]) for w in went[:3])
    out["text"] = (
        f"Not funded: at best (step {step}) its supporters could pay {out['coverage_percent_approx']}% of its cost "
        f"at the price the winner asked; it needed about {best.more_supporters} more "
        f"supporter{'' if best.more_supporters == 1 else 's'}"
        + (f" or a cost of at most {_at_most(best.max_cost)}" if best.max_cost is not None else "")
        + (f"; its supporters' money went mostly to {where}." if where else ".")
    )
    return out
