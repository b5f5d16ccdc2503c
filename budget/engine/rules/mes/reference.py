"""The Method of Equal Shares as the textbook writes it: the tests' oracle, and the check of `fast=False`.

Every voter (every ballot, empty ones too) starts with an endowment of
budget / voters. Each round prices every project still in the race: rho is
the least number such that the supporters, each paying min(budget, rho *
utility), raise its cost; a project whose supporters hold less than its
cost leaves the race for good (budgets only fall). The least rho is bought,
equal rhos going to the tie-break order (`budget.engine.tiebreak`), and
every supporter pays min(budget, rho * utility). Supported projects of cost
0 are funded before the first round. This is pabutools 1.2.3's `naive_mes`
with its tie-breaking; the completions are `Completion`'s, stepped one unit
of the budget at a time with a fresh run at every step.

Nothing here is tuned: Fractions throughout, every project priced afresh
every round, no float, no lazy evaluation, no skipped step. The only
shortcut is the textbook one of pricing identical ballots once, since
their voters always hold equal budgets (pabutools' multiprofile does the
same). `method_of_equal_shares(fast=False)` steps `complete` with the exact
rounds at every endowment (the textbook run at every step is 7-55x slower
on the shared files' add1 loops) and checks the outcome it settles on with
one textbook `run`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from budget.engine.election import BallotKey, Election
from budget.engine.rules.mes.completion import Completion
from budget.engine.satisfaction import Satisfaction, check_satisfaction
from budget.engine.tiebreak import TieBreak, TieOrder


@dataclass(frozen=True, slots=True)
class ReferenceResult:
    """Free projects then those bought in order; the endowment the completion settled on; runs made."""

    selected: tuple[str, ...]
    endowment: Fraction
    runs: int


@dataclass(frozen=True, slots=True)
class Race:
    """One election under one satisfaction: who supports what, how much, and how many voters share a ballot."""

    costs: tuple[Fraction, ...]
    rank: tuple[int, ...]
    supporters: dict[int, list[tuple[int, Fraction]]]  # project -> [(ballot, utility > 0)]
    voters: tuple[int, ...]  # voters casting each distinct ballot
    budget: Fraction


def utility(ballot: BallotKey, position: int, cost: Fraction, satisfaction: Satisfaction) -> Fraction:
    """A voter's utility for the project at `position` of their ballot (pabutools' satisfaction classes)."""
    projects, points = ballot
    if satisfaction is Satisfaction.COST:
        return cost
    if satisfaction is Satisfaction.CARDINALITY:
        return Fraction(1)
    if satisfaction is Satisfaction.ADDITIVE:
        return Fraction(points[position] if points is not None else 0)
    return Fraction(len(projects) - position - 1)  # Borda: the last-ranked project is worth 0


def reference_mes(
    election: Election,
    satisfaction: Satisfaction = Satisfaction.COST,
    tie_break: TieBreak = TieBreak.LEXICOGRAPHIC,
    completion: Completion = Completion.NONE,
) -> ReferenceResult:
    """MES with its completion (module docstring); no then-greedy and no comparison step."""
    if not election.ballots:
        check_satisfaction(election, satisfaction)
        return ReferenceResult((), Fraction(0), 0)  # pabutools: no ballots, nothing funded
    race = make_race(election, satisfaction, tie_break)
    free = tuple(p.id for j, p in enumerate(election.projects) if j in race.supporters and p.cost == 0)
    endowment, bought, runs = complete(race, completion, len(election.ballots))
    return ReferenceResult(free + tuple(election.projects[j].id for j in bought), endowment, runs)


def make_race(election: Election, satisfaction: Satisfaction, tie_break: TieBreak) -> Race:
    """Every project's supporters (by distinct ballot) and their utilities."""
    check_satisfaction(election, satisfaction)
    index = {p.id: j for j, p in enumerate(election.projects)}
    ballots = Counter((b.projects, b.points) for b in election.ballots)
    keys = list(ballots)
    supporters: dict[int, list[tuple[int, Fraction]]] = {}
    for i, ballot in enumerate(keys):
        for position, pid in enumerate(ballot[0]):
            j = index[pid]
            u = utility(ballot, position, election.projects[j].cost, satisfaction)
            if u > 0:
                supporters.setdefault(j, []).append((i, u))
    costs = tuple(p.cost for p in election.projects)
    return Race(costs, TieOrder.of(election, tie_break).rank, supporters, tuple(ballots[b] for b in keys),
                election.budget)


RunAt = Callable[[Fraction], list[int]]  # endowment -> the projects a run there buys (indices), in order


def complete(
    race: Race, completion: Completion, voters: int, run_at: RunAt | None = None
) -> tuple[Fraction, list[int], int]:
    """The endowment the completion settles on, what MES buys there, and how many runs it took.

    `run_at` runs MES at one endowment: the textbook `run` unless given (the
    `fast=False` path steps with the exact rounds and checks the last with `run`).
    """
    at = run_at if run_at is not None else (lambda endowment: run(race, endowment))
    start = race.budget / voters
    if completion is Completion.ADD1_EXHAUSTIVE:
        # pabutools' voter_budget_increment=1: one more unit until exhaustive; an overspending
        # outcome gives way to the one before it (the first never overspends: its voters hold the budget).
        endowment, previous, runs = start, list[int](), 0
        while True:
            bought, runs = at(endowment), runs + 1
            if _spent(race, bought) > race.budget:
                return endowment - 1, previous, runs
            if _exhaustive(race, bought):
                return endowment, bought, runs
            previous, endowment = bought, endowment + 1
    if completion is Completion.ADD1 and sum(race.costs) > race.budget:
        total = sum((race.costs[j] for j in race.supporters if race.costs[j] > 0), Fraction(0))
        if total <= race.budget:
            # Every outcome fits, so equalshares.net would raise forever; its limit is an
            # endowment of the total cost, where every project is bought.
            return max(start, total), at(max(start, total)), 1
        # equalshares.net: raise by one unit while the next outcome still fits the budget.
        endowment, bought, runs = start, at(start), 1
        while True:
            after, runs = at(endowment + 1), runs + 1
            if _spent(race, after) > race.budget:
                return endowment, bought, runs
            endowment, bought = endowment + 1, after
    return start, at(start), 1


def run(race: Race, endowment: Fraction) -> list[int]:
    """One run of MES where every voter starts with `endowment`: the projects bought (indices), in order."""
    budgets = [endowment] * len(race.voters)
    racing = {j for j in race.supporters if race.costs[j] > 0}
    bought: list[int] = []
    while True:
        prices = {j: rho for j in racing if (rho := _rho(race, budgets, j)) is not None}
        racing = set(prices)
        if not prices:
            return bought
        best = min(prices, key=lambda j: (prices[j], race.rank[j]))
        for i, u in race.supporters[best]:
            budgets[i] -= min(budgets[i], prices[best] * u)
        bought.append(best)
        racing.remove(best)


def _rho(race: Race, budgets: list[Fraction], j: int) -> Fraction | None:
    """The least rho at which j's supporters pay its cost, or None if all they hold is not enough.

    Poorest first (by budget per utility): while the price the rest would share leaves the next
    supporter short, that supporter pays all they have and leaves the sharing.
    """
    cost, backers = race.costs[j], race.supporters[j]
    if sum(budgets[i] * race.voters[i] for i, _ in backers) < cost:
        return None
    paid, sharing = Fraction(0), sum(u * race.voters[i] for i, u in backers)
    for i, u in sorted(backers, key=lambda b: budgets[b[0]] / b[1]):
        rho = (cost - paid) / sharing
        if budgets[i] >= rho * u:
            return rho
        paid, sharing = paid + budgets[i] * race.voters[i], sharing - u * race.voters[i]
    raise ArithmeticError(f"project {j}: its supporters hold its cost but no price raises it")


def _spent(race: Race, bought: list[int]) -> Fraction:
    return sum((race.costs[j] for j in bought), Fraction(0))


def _exhaustive(race: Race, bought: list[int]) -> bool:
    """No project MES could buy (supported, cost above 0) is left out while it fits the money left."""
    left, chosen = race.budget - _spent(race, bought), set(bought)
    return all(j in chosen or race.costs[j] > left for j in race.supporters if race.costs[j] > 0)
