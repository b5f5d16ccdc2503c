"""Sequential Phragmén, equal to pabutools 1.2.3 `sequential_phragmen`.

Voters carry a load, starting at 0. Each round, every remaining project p is
offered at the load its supporters would all reach if they shared its cost
so as to end up equal: (sum of their loads + cost(p)) / supporters(p), or
infinity for an unsupported project. The lowest such load wins (ties by the
tie-break) and its supporters' loads become that value. The rule stops as
soon as any project tied for the lowest load does not fit the remaining
budget. Projects costing more than the whole budget are never offered.
Approval and choose-1 ballots only. Arithmetic is exact.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np

from budget.engine.election import BallotTable, Election, VoteType
from budget.engine.explain import Explanation, Outcome, exact, readable
from budget.engine.tiebreak import TieBreak, TieOrder


class PhragmenError(ValueError):
    """Sequential Phragmén needs approval or choose-1 ballots."""


# Offers are compared in floating point first and recomputed exactly only for
# those within this relative distance of the lowest: float sums of up to
# 131,778 loads err by about 1e-12 relative, far inside it.
NEAR = 1e-9


class _Loads:
    """Voters grouped by equal ballots (equal ballots always carry equal loads).

    `level[g]` indexes `values`, the distinct loads reached so far, so the
    total load of project j's supporters is exactly the sum over its groups
    of multiplicity * values[level]; `approx[j]` is the same total as a
    float, kept up to date cheaply with numpy.
    """

    def __init__(self, table: BallotTable, projects: int) -> None:
        self.table = table
        self.multiplicity = table.count
        self.level = np.zeros(len(table.count), dtype=np.int64)
        self.values: list[Fraction] = [Fraction(0)]
        self.floats: list[float] = [0.0]
        self.approx = np.zeros(projects)
        # groups_of[j]: the groups naming project j (entries sorted by project).
        order = np.argsort(table.project, kind="stable")
        bounds = np.searchsorted(table.project[order], np.arange(projects + 1))
        grouped = table.group[order]
        self.groups_of = [grouped[bounds[j] : bounds[j + 1]] for j in range(projects)]

    def raise_to(self, winner: int, load: Fraction) -> None:
        """Set the load of every supporter of `winner` to `load`."""
        self.values.append(load)
        self.floats.append(float(load))
        groups = self.groups_of[winner]
        step = self.multiplicity[groups] * (self.floats[-1] - np.array(self.floats)[self.level[groups]])
        # Every project on those ballots sees its supporters' total move by step.
        table = self.table
        lengths = table.start[groups + 1] - table.start[groups]
        entries = np.arange(int(lengths.sum())) + np.repeat(table.start[groups] - (np.cumsum(lengths) - lengths), lengths)
        self.approx += np.bincount(table.project[entries], weights=np.repeat(step, lengths), minlength=len(self.approx))
        self.level[groups] = len(self.values) - 1

    def total(self, j: int) -> Fraction:
        """The exact total load of project j's supporters."""
        groups = self.groups_of[j]
        # Supporters per level: at most 131,778 voters, exact in float64.
        per_level = np.bincount(self.level[groups], weights=self.multiplicity[groups])
        return sum((int(n) * self.values[l] for l, n in enumerate(per_level.tolist()) if n), Fraction(0))


def _loads(election: Election) -> tuple[_Loads, list[int]]:
    table = election.ballot_table()
    supporters = table.per_project(table.count[table.group], len(election.projects))
    return _Loads(table, len(election.projects)), supporters


def _best_offers(
    loads: _Loads, supporters: list[int], costs: list[Fraction], left: set[int]
) -> tuple[Fraction | None, list[int], dict[int, float]]:
    """The lowest offer (None: infinity), the projects offering it, and all offers roughly."""
    approx = loads.approx.tolist()
    rough = {j: (approx[j] + float(costs[j])) / supporters[j] if supporters[j] else float("inf") for j in left}
    low = min(rough.values())
    if low == float("inf"):
        return None, list(left), rough
    near = [j for j, r in rough.items() if r - low <= NEAR * max(abs(low), 1.0)]
    exact_offers = {j: (loads.total(j) + costs[j]) / supporters[j] for j in near}
    best = min(exact_offers.values())
    return best, [j for j, o in exact_offers.items() if o == best], rough


def sequential_phragmen(election: Election, tie_break: TieBreak = TieBreak.LEXICOGRAPHIC) -> Outcome:
    """Fund projects in the order sequential Phragmén buys them (see the module docstring)."""
    if election.vote_type not in (VoteType.APPROVAL, VoteType.CHOOSE_1):
        raise PhragmenError(f"phragmen needs approval or choose-1 ballots; this file has {election.vote_type} ballots")
    order = TieOrder.of(election, tie_break)
    loads, supporters = _loads(election)
    ids = [p.id for p in election.projects]
    costs = [p.cost for p in election.projects]
    notes: dict[str, Explanation] = {}
    left = {j for j, c in enumerate(costs) if c <= election.budget}
    for j in set(range(len(ids))) - left:
        notes[ids[j]] = {"status": "not_funded", "reason": "exceeds_budget", "cost": exact(costs[j]),
                         "text": "Not funded: it costs more than the whole budget."}
    selected: list[str] = []
    remaining = election.budget
    while left:
        best, tied, rough = _best_offers(loads, supporters, costs, left)
        misfits = [j for j in tied if costs[j] > remaining]
        if misfits:
            _explain_stop(notes, ids, costs, rough, order.first(misfits), remaining)
            break
        winner = order.first(tied)
        remaining -= costs[winner]
        selected.append(ids[winner])
        notes[ids[winner]] = _funded(len(selected), best, supporters[winner], remaining, tied, winner, ids)
        if best is not None:
            loads.raise_to(winner, best)
        left.remove(winner)
    return Outcome(tuple(selected), notes)


def _load_text(load: Fraction | None) -> Explanation:
    if load is None:
        return {"load": "infinite", "load_approx": None}
    return {"load": exact(load), "load_approx": float(load)}


def _funded(
    step: int, load: Fraction | None, votes: int, remaining: Fraction, tied: list[int], winner: int, ids: list[str]
) -> Explanation:
    note: Explanation = {"status": "funded", "step": step, "supporters": votes, "remaining_after": exact(remaining)}
    note.update(_load_text(load))
    if len(tied) > 1:
        note["tie"] = {"tied_with": sorted(ids[j] for j in tied if j != winner)}
    share = "nobody supports it" if load is None else f"its {votes} supporters each end with load {float(load):.2f}"
    note["text"] = f"Funded at step {step}: {share}; {readable(exact(remaining))} left afterwards."
    return note


def _explain_stop(
    notes: dict[str, Explanation],
    ids: list[str],
    costs: list[Fraction],
    offers: dict[int, float],
    culprit: int,
    remaining: Fraction,
) -> None:
    """Every project still on offer when the rule stopped, and why it stopped."""
    for j, offer in offers.items():
        note: Explanation = {"status": "not_funded", "cost": exact(costs[j]), "remaining": exact(remaining)}
        if j == culprit:
            note["reason"] = "did_not_fit"
            note["text"] = (f"Not funded: it was next to be bought but cost {exact(costs[j])} with only "
                            f"{exact(remaining)} left, so Phragmén stopped.")
        else:
            note.update(reason="stopped", stopped_at=ids[culprit])
            note["text"] = f"Not funded: Phragmén stopped at {ids[culprit]} before this project's turn."
        # A rough figure: the exact offers of projects far from the lowest are
        # never computed (see NEAR).
        note["would_need_load_approx"] = None if offer == float("inf") else offer
        notes[ids[j]] = note
