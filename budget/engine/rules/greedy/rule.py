"""Greedy by satisfaction per unit of cost, as pabutools 1.2.3 orders it.

Projects are ranked by score = total satisfaction / cost, ties by the
tie-break, and funded down that list while money remains:

- `greedy` skips a project that does not fit the remaining budget;
- `greedy-no-skip` stops at the first project that does not fit;
- `greedy-threshold` first drops every project whose support (supporters, or
  total points under `additive`) is below META `min_project_score_threshold`,
  then acts as `greedy`.

Scores follow pabutools exactly. For cost, cardinality and additive
satisfaction (`greedy_utilitarian_scheme_additive`), a project with no
satisfaction scores 0, and one with satisfaction but cost 0 scores infinity;
under cost satisfaction a zero-cost project's satisfaction is 0, so it ranks
with the unsupported ones, last. Borda is not additive in pabutools, whose
general scheme gives every zero-cost project infinity, supported or not.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from fractions import Fraction

from budget.engine.election import Election
from budget.engine.explain import Outcome
from budget.engine.pabulib import score_threshold
from budget.engine.rules.greedy.explain import ScoredProject, explain_walk
from budget.engine.satisfaction import Satisfaction, Totals, project_totals
from budget.engine.tiebreak import TieBreak, TieOrder


class Variant(StrEnum):
    GREEDY = "greedy"
    NO_SKIP = "greedy-no-skip"
    THRESHOLD = "greedy-threshold"


class GreedyError(ValueError):
    """The election cannot be counted with the requested greedy variant."""


def scores(election: Election, util: Totals) -> list[tuple[bool, Fraction]]:
    """(infinite, value) per project; infinite scores beat every finite one."""
    borda = util.satisfaction is Satisfaction.BORDA
    out: list[tuple[bool, Fraction]] = []
    for project, total in zip(election.projects, util.totals):
        if project.cost == 0 and (borda or total > 0):
            out.append((True, Fraction(0)))
        elif project.cost == 0 or (total <= 0 and not borda):
            out.append((False, Fraction(0)))
        else:
            out.append((False, Fraction(total) / project.cost))
    return out


def ranking(election: Election, util: Totals, order: TieOrder) -> list[ScoredProject]:
    """All projects best first: highest score, then the tie-break."""
    scored = scores(election, util)
    ranked = sorted(
        range(len(election.projects)),
        key=lambda j: (not scored[j][0], -scored[j][1], order.rank[j]),
    )
    return [ScoredProject(j, *scored[j]) for j in ranked]


def _dropped_by_threshold(election: Election, util: Totals) -> dict[int, tuple[int | Fraction, Fraction]]:
    threshold = score_threshold(election)
    if threshold is None:
        raise GreedyError("greedy-threshold needs META min_project_score_threshold; this file has none")
    support: Sequence[int | Fraction] = (
        util.totals if util.satisfaction is Satisfaction.ADDITIVE else util.supporters
    )
    return {j: (s, threshold) for j, s in enumerate(support) if s < threshold}


def greedy(
    election: Election,
    satisfaction: Satisfaction = Satisfaction.COST,
    tie_break: TieBreak = TieBreak.LEXICOGRAPHIC,
    variant: Variant = Variant.GREEDY,
    initial: Sequence[str] = (),
) -> Outcome:
    """Fund projects down the greedy ranking (see the module docstring).

    With `initial`, those projects count as funded already and the rest of the
    budget is filled greedily: pabutools' `initial_budget_allocation`, and
    the outcome lists `initial` first.
    """
    util = project_totals(election, satisfaction)
    order = TieOrder.of(election, tie_break)
    dropped = _dropped_by_threshold(election, util) if variant is Variant.THRESHOLD else {}
    return explain_walk(
        election,
        ranking(election, util, order),
        order,
        stop_at_first_misfit=variant is Variant.NO_SKIP,
        dropped=dropped,
        initial=initial,
    )


def greedy_completion(
    election: Election,
    initial: Sequence[str],
    satisfaction: Satisfaction = Satisfaction.COST,
    tie_break: TieBreak = TieBreak.LEXICOGRAPHIC,
) -> Outcome:
    """Complete `initial` (e.g. an MES outcome) with `greedy`, as MES --then-greedy does."""
    return greedy(election, satisfaction, tie_break, Variant.GREEDY, initial)
