"""Is a round's configuration complete and consistent? Checked before it can open.

Rules and satisfactions follow docs/tally.md: Phragmén counts approval ballots
only, `additive` needs points, `borda` needs ranks, completions and the
comparison step belong to MES.
"""

from __future__ import annotations

from budget.rounds.config import BallotKind, RoundConfig, RoundError, Rule

SATISFACTIONS = ("cost", "cardinality", "additive", "borda")
COMPLETIONS = ("none", "add1", "add1-exhaustive")
TIE_BREAKS = ("lexicographic", "min-cost-max-votes")
MAX_CANDIDATES = 200


def _check_candidates(config: RoundConfig) -> None:
    if not config.candidates:
        raise RoundError("Add at least one candidate project.")
    if len(config.candidates) > MAX_CANDIDATES:
        raise RoundError(f"A round can have at most {MAX_CANDIDATES} candidates.")
    ids = [c.id for c in config.candidates]
    if len(set(ids)) != len(ids):
        raise RoundError("Two candidates have the same id; each needs its own.")
    for c in config.candidates:
        if not c.title.strip():
            raise RoundError(f"Candidate {c.id} needs a title.")
        if c.cost_minor <= 0:
            raise RoundError(f"Candidate “{c.title}” needs a cost above zero.")
        if any(ch in c.id for ch in ";,\n") or not c.id:
            raise RoundError(f"Candidate id {c.id!r} may not be empty or contain ; or , (the .pb format uses them).")


def _check_ballot(config: RoundConfig) -> None:
    b = config.ballot
    if b.kind is BallotKind.KNAPSACK and (b.max_cost_minor is None or b.max_cost_minor <= 0):
        raise RoundError("A knapsack ballot needs a spending limit above zero.")
    if b.kind is BallotKind.CUMULATIVE and (b.total_points is None or b.total_points <= 0):
        raise RoundError("A points ballot needs a number of points to share, above zero.")
    if b.max_count is not None and b.max_count <= 0:
        raise RoundError("The most projects a resident may choose must be above zero.")


def _check_rule(config: RoundConfig) -> None:
    r, kind = config.rule, config.ballot.kind
    if r.satisfaction not in SATISFACTIONS or r.completion not in COMPLETIONS or r.tie_break not in TIE_BREAKS:
        raise RoundError("Unknown satisfaction, completion or tie-break.")
    if r.rule is Rule.PHRAGMEN and kind not in (BallotKind.APPROVAL, BallotKind.KNAPSACK):
        raise RoundError("Sequential Phragmén counts approval ballots only.")
    if r.satisfaction == "additive" and kind is not BallotKind.CUMULATIVE:
        raise RoundError("The additive satisfaction needs a points ballot.")
    if r.satisfaction == "borda" and kind is not BallotKind.ORDINAL:
        raise RoundError("The Borda satisfaction needs a ranking ballot.")
    if r.rule is not Rule.MES and (r.completion != "none" or r.then_greedy or r.comparison):
        raise RoundError("Completion, greedy completion and comparison apply to the Method of Equal Shares only.")


def check_config(config: RoundConfig) -> None:
    """Raise RoundError naming the first problem that stops this round from opening."""
    if not config.title.strip():
        raise RoundError("The round needs a title.")
    if config.budget_minor <= 0:
        raise RoundError("The budget must be above zero.")
    if len(config.currency) != 3 or not config.currency.isupper():
        raise RoundError("The currency is a three-letter code such as EUR.")
    _check_candidates(config)
    _check_ballot(config)
    _check_rule(config)
    if config.opens_at is not None and config.opens_at >= config.closes_at:
        raise RoundError("Voting must close after it opens.")
