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

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import chain
from fractions import Fraction

import numpy as np

from budget.election import Election, VoteType
from budget.explain import Explanation, Outcome, exact, readable
from budget.tiebreak import TieBreak, TieOrder


class PhragmenError(ValueError):
    """Sequential Phragmén needs approval or choose-1 ballots."""


# Offers are compared in floating point first and recomputed exactly only for
# those within this relative distance of the lowest: float sums of up to
# 131,778 loads err by about 1e-12 relative, far inside it.
NEAR = 1e-9


@dataclass(slots=True)
class _Loads:
    """Voters grouped by equal ballots (equal ballots always carry equal loads).

    `level[g]` indexes `values`, the distinct loads reached so far.
    `counts[j][l]` is how many supporters of project j sit at level l, so
    their total load is exactly sum(count * values[l]); `approx[j]` is the
    same total as a float, kept up to date cheaply.
    """

    multiplicity: list[int]
    projects_of: list[tuple[int, ...]]
    groups_of: list[list[int]]
    level: list[int]
    counts: list[dict[int, int]]
    approx: list[float]
    values: list[Fraction] = field(default_factory=lambda: [Fraction(0)])
    floats: list[float] = field(default_factory=lambda: [0.0])

    def raise_to(self, winner: int, load: Fraction) -> None:
        """Set the load of every supporter of `winner` to `load`."""
        self.values.append(load)
        self.floats.append(float(load))
        new = len(self.values) - 1
        by_old: dict[int, list[int]] = defaultdict(list)
        for g in self.groups_of[winner]:
            by_old[self.level[g]].append(g)
            self.level[g] = new
        for old, groups in by_old.items():
            # Counting projects in C (chain + Counter) rather than one Python
            # step per (ballot, project): Praga-Poludnie's 81 rounds touch
            # 140,000 such pairs.
            single = [self.projects_of[g] for g in groups if self.multiplicity[g] == 1]
            moved = Counter(chain.from_iterable(single))
            for g in groups:
                if self.multiplicity[g] != 1:
                    for q in self.projects_of[g]:
                        moved[q] += self.multiplicity[g]
            step = self.floats[new] - self.floats[old]
            for q, count in moved.items():
                at = self.counts[q]
                at[old] -= count
                if not at[old]:
                    del at[old]
                at[new] = at.get(new, 0) + count
                self.approx[q] += count * step

    def total(self, j: int) -> Fraction:
        """The exact total load of project j's supporters."""
        return sum((count * self.values[l] for l, count in self.counts[j].items()), Fraction(0))


def _loads(election: Election) -> tuple[_Loads, list[int]]:
    table = election.ballot_table()
    projects_of = [tuple(js.tolist()) for js in np.split(table.project, table.start[1:-1])] if len(table.count) else []
    groups_of: list[list[int]] = [[] for _ in election.projects]
    for g, js in enumerate(projects_of):
        for j in js:
            groups_of[j].append(g)
    multiplicity = table.count.tolist()
    supporters = table.per_project(table.count[table.group], len(election.projects))
    at_zero = [{0: n} if n else {} for n in supporters]
    loads = _Loads(multiplicity, projects_of, groups_of, [0] * len(multiplicity), at_zero, [0.0] * len(supporters))
    return loads, supporters


def _best_offers(
    loads: _Loads, supporters: list[int], costs: list[Fraction], left: set[int]
) -> tuple[Fraction | None, list[int], dict[int, float]]:
    """The lowest offer (None: infinity), the projects offering it, and all offers roughly."""
    rough = {
        j: (loads.approx[j] + float(costs[j])) / supporters[j] if supporters[j] else float("inf") for j in left
    }
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
