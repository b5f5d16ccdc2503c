"""The Method of Equal Shares, as `oxpecker tally --rule mes` runs it.

`method_of_equal_shares` equals pabutools 1.2.3's `method_of_equal_shares(
instance, profile.as_multiprofile(), sat_class=...)` (and its
`voter_budget_increment=1`), and equalshares.net's compute tool for `add1`:

- every ballot is a voter, empty ones too; each starts with budget / ballots;
- supported zero-cost projects are funded first (not under cost
  satisfaction, where their satisfaction is 0);
- each round buys the project with the least price per unit of satisfaction
  (rho), ties by the tie-break order (see `budget.engine.rules.mes.rounds`);
- then the completion (`budget.engine.rules.mes.completion`), then `then_greedy`: if the
  outcome is not exhaustive, greedy fills the rest of the budget (same
  satisfaction and tie-break, pabutools' `initial_budget_allocation`);
- then `comparison` (equalshares.net's comparison step,
  `budget.engine.rules.mes.comparison`): if more voters approve strictly more projects of
  greedy's outcome (cost satisfaction, same tie-break) than of ours, greedy's
  outcome is the result.

One switch, `fast`, picks how MES's own outcome is computed; both give the
same answer (`tests/budget/engine/rules/mes/test_mes_reference.py`):

- `fast=True` (the default): float runs with error bounds, lockstep batches
  and span proofs (`budget.engine.rules.mes.fast`), the exact rounds where those abstain;
- `fast=False`: the exact rounds (`budget.engine.rules.mes.rounds`, no span proof)
  at every endowment, the completions stepped one unit at a time as the
  reference writes them (`budget.engine.rules.mes.reference.complete`); then the
  textbook run at the endowment settled on must buy the same, or
  `MesDisagreement` is raised rather than publish either. (A textbook run
  at every step instead is 7-55x slower on the shared files' add1 loops:
  Wieliczka 2023 add1 58 s against 1.0 s.)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from budget.engine.election import Election
from budget.engine.explain import Explanation, Outcome
from budget.engine.rules.greedy.rule import greedy, greedy_completion
from budget.engine.rules.mes.comparison import Comparison, compare
from budget.engine.rules.mes.completion import Completion
from budget.engine.rules.mes.fast.add1 import add1, add1_exhaustive
from budget.engine.rules.mes.fast.float_run import float_run
from budget.engine.rules.mes.profile import MesProfile, build_profile
from budget.engine.rules.mes.rounds import MesRun, TieKey, run_rounds
from budget.engine.satisfaction import Satisfaction
from budget.engine.tiebreak import TieBreak, TieOrder

__all__ = ["Completion", "MesDisagreement", "MesResult", "method_of_equal_shares"]


class MesDisagreement(ArithmeticError):
    """The exact rounds and the textbook reference buy differently at the same endowment (a defect)."""


@dataclass(frozen=True, slots=True)
class MesResult:
    """What MES decided.

    `outcome` is the final result (after completion, greedy completion and the
    comparison step); `mes_selected` is the Method of Equal Shares' own
    outcome after its add1 completion and before `then_greedy` (pabutools'
    `before_completion`); `endowment` is each voter's final endowment; `runs`
    counts the endowments the add1 loop looked at (each answered by a run of
    its own, or by the span check whose high end it was), plus the final run
    (with `fast=False`: one exact run per endowment stepped through, plus the textbook check).
    """

    outcome: Outcome
    mes_selected: tuple[str, ...]
    endowment: Fraction
    runs: int
    comparison: Comparison | None

    def comparison_counts(self) -> dict[str, int] | None:
        """`{"prefer_ours": ..., "prefer_greedy": ...}` as `oxpecker tally --json` prints it."""
        if self.comparison is None:
            return None
        return {"prefer_ours": self.comparison.prefer_ours, "prefer_greedy": self.comparison.prefer_greedy}


def method_of_equal_shares(
    election: Election,
    satisfaction: Satisfaction = Satisfaction.COST,
    tie_break: TieBreak = TieBreak.LEXICOGRAPHIC,
    completion: Completion = Completion.NONE,
    then_greedy: bool = False,
    comparison: bool = False,
    explain: bool = True,
    fast: bool = True,
) -> MesResult:
    """Run MES with the given options (module docstring); `explain=False` skips explanations,
    `fast=False` runs the exact rounds and the textbook check only."""
    profile = build_profile(election, satisfaction)
    order = TieOrder.of(election, tie_break)
    if fast:
        selected, endowment, runs, last = _fast(election, profile, order, completion, explain)
    else:
        selected, endowment, runs, last = _exact(election, profile, order, satisfaction, completion, explain)
    explanations = {}
    if explain and last is not None:
        from budget.engine.rules.mes.explain import explain_run  # only --json pays its import (5.6 ms)

        explanations = explain_run(election, profile, order, last)
    outcome = Outcome(selected, explanations)
    if then_greedy and not _exhaustive(election, selected):
        outcome = _merge(outcome, greedy_completion(election, selected, satisfaction, tie_break))
    result: Comparison | None = None
    if comparison:
        rival = greedy(election, Satisfaction.COST, tie_break)
        result = compare(election, outcome.selected, rival.selected)
        if result.greedy_wins:
            outcome = Outcome(rival.selected, {**rival.explanations} if explain else {})
    return MesResult(outcome, selected, endowment, runs, result)


Settled = tuple[tuple[str, ...], Fraction, int, MesRun | None]  # selected, endowment, runs, run to explain


def _fast(election: Election, profile: MesProfile, order: TieOrder, completion: Completion, explain: bool) -> Settled:
    endowment, runs, key, bought = _complete(election, profile, order, completion)
    # Without explanations only the projects bought matter: the add1 loop
    # found them, or a float run with error bounds names them when it can
    # prove it (`budget.engine.rules.mes.fast.float_run`; Praga-Poludnie cardinality: 0.03 s
    # against 0.14 s for the exact run).
    if explain or not profile.voters:
        bought = None
    elif bought is None:
        bought = float_run(profile, endowment, key)
    run: MesRun | None = None
    if bought is None:
        run = run_rounds(profile, endowment, key) if profile.voters else MesRun(Fraction(0), ())
        bought = tuple(p.candidate for p in run.purchases)
    selected = profile.free + tuple(profile.candidates[j].id for j in bought)
    return selected, endowment if profile.voters else Fraction(0), runs + 1, run


def _exact(
    election: Election, profile: MesProfile, order: TieOrder, satisfaction: Satisfaction, completion: Completion,
    explain: bool,
) -> Settled:
    """The completion stepped one unit at a time with exact runs; the textbook run must agree at the end."""
    if not profile.voters:  # pabutools: no ballots, nothing funded (and every project says why)
        return (), Fraction(0), 0, MesRun(Fraction(0), ()) if explain else None
    from budget.engine.rules.mes import reference  # the exact path alone needs the textbook

    race = reference.make_race(election, satisfaction, order.tie_break)

    def key(j: int) -> int:
        return order.rank[profile.candidates[j].index]

    def exact_at(endowment: Fraction) -> list[int]:
        return [profile.candidates[p.candidate].index for p in run_rounds(profile, endowment, key).purchases]

    endowment, bought, runs = reference.complete(race, completion, profile.voters, exact_at)
    textbook = reference.run(race, endowment)
    if textbook != bought:
        names = [[election.projects[j].id for j in b] for b in (textbook, bought)]
        raise MesDisagreement(f"at endowment {endowment} the reference buys {names[0]}, the exact rounds {names[1]}")
    selected = profile.free + tuple(election.projects[j].id for j in bought)
    return selected, endowment, runs + 1, run_rounds(profile, endowment, key) if explain else None


def _complete(
    election: Election, profile: MesProfile, order: TieOrder, completion: Completion
) -> tuple[Fraction, int, TieKey, tuple[int, ...] | None]:
    """The endowment the completion settles on, the runs it took, the tie key of the runs, and the
    candidates MES buys at that endowment if the completion found them."""

    def key(j: int) -> int:
        return order.rank[profile.candidates[j].index]

    if profile.voters == 0:
        return Fraction(0), 0, key, None  # pabutools: no ballots, nothing funded
    if completion is Completion.ADD1_EXHAUSTIVE:
        endowment, runs, bought = add1_exhaustive(profile, key)
    elif completion is Completion.ADD1:
        everything = sum((p.cost for p in election.projects), Fraction(0)) <= election.budget
        endowment, runs, bought = add1(profile, key, everything)
    else:
        endowment, runs, bought = profile.budget / profile.voters, 0, None
    return endowment, runs, key, bought


def _exhaustive(election: Election, selected: tuple[str, ...]) -> bool:
    """No project left out fits the money left (pabutools' `Instance.is_exhaustive`)."""
    chosen = set(selected)
    left = election.budget - sum((p.cost for p in election.projects if p.id in chosen), Fraction(0))
    return all(p.id in chosen or p.cost > left for p in election.projects)


def _merge(mes: Outcome, completed: Outcome) -> Outcome:
    """MES's explanations, with greedy's for the projects greedy completion funded."""
    explanations: dict[str, Explanation] = {}
    for pid, mine in mes.explanations.items():
        theirs = completed.explanations.get(pid)
        if pid in completed.selected and pid not in mes.selected and theirs is not None:
            explanations[pid] = {**theirs, "funded_by": "greedy completion"}
        else:
            explanations[pid] = mine
    return Outcome(completed.selected, explanations)
