"""Pure round rules: lifecycle moves, ballot limits, receipts, the hash chain, the sealed count."""

from __future__ import annotations

import pytest

import budget.engine.rules.mes.rule as mes_rule
from budget.engine import spec as engine
from budget.engine.rules.mes.completion import Completion
from budget.rounds.ballots import BallotError, CastBallot, validate_ballot
from budget.rounds.chain import append, chain_problems
from budget.rounds.check import check_config
from budget.rounds.config import (
    BallotKind,
    BallotSpec,
    Candidate,
    Eligibility,
    RoundConfig,
    RoundError,
    Rule,
    RuleSpec,
    State,
    config_hash,
    move,
)
from budget.rounds.count import count, election_of
from budget.rounds.publish import published_order, seal
from budget.rounds.receipts import commitment, receipt_for, voter_key

CANDS = (Candidate("1", "Trees", 2_000_000), Candidate("2", "Benches", 800_000), Candidate("3", "Roof", 3_500_000))


def config(kind: BallotKind = BallotKind.KNAPSACK, rule: Rule = Rule.GREEDY, **ballot: int) -> RoundConfig:
    spec = BallotSpec(kind, ballot.get("max_count"), ballot.get("max_cost_minor", 5_000_000 if kind is
                      BallotKind.KNAPSACK else None), ballot.get("total_points"))
    return RoundConfig("Fund", "EUR", 5_000_000, CANDS, spec, RuleSpec(rule), Eligibility.RESIDENT_CODES, None,
                       "2030-01-01T00:00:00+00:00")


@pytest.mark.parametrize(("current", "to", "allowed"), [
    (State.DRAFT, State.OPEN, True), (State.OPEN, State.CLOSED, True), (State.DRAFT, State.CANCELLED, True),
    (State.OPEN, State.CANCELLED, True), (State.CLOSED, State.CANCELLED, False), (State.CLOSED, State.OPEN, False),
    (State.CANCELLED, State.OPEN, False), (State.DRAFT, State.CLOSED, False),
])
def test_lifecycle_moves(current: State, to: State, allowed: bool) -> None:
    if allowed:
        assert move(current, to) is to
    else:
        with pytest.raises(RoundError):
            move(current, to)


@pytest.mark.parametrize(("cfg", "ballot", "message"), [
    (config(), CastBallot(("1", "3")), "Your choices cost 55,000.00 EUR, which is 5,000.00 EUR over"),
    (config(), CastBallot(("9",)), "not in this round"),
    (config(), CastBallot(("1", "1")), "only once"),
    (config(), CastBallot(()), "Choose at least one project"),
    (config(BallotKind.APPROVAL, max_count=1), CastBallot(("1", "2")), "you may choose at most 1. Remove 1"),
    (config(BallotKind.CUMULATIVE, total_points=10), CastBallot(("1", "2"), (8, 4)),
     "You gave 12 points, but you have 10 to share. Take 2 points away"),
    (config(BallotKind.CUMULATIVE, total_points=10), CastBallot(("1",), (-1,)), "cannot be negative"),
    (config(BallotKind.ORDINAL, max_count=2), CastBallot(("1", "2", "3")), "You ranked 3 projects"),
])
def test_ballots_breaking_a_limit_are_refused_with_a_fix(cfg: RoundConfig, ballot: CastBallot, message: str) -> None:
    with pytest.raises(BallotError, match=message):
        validate_ballot(cfg, ballot)


def test_valid_ballots_pass_and_zero_points_are_dropped() -> None:
    assert validate_ballot(config(), CastBallot(("1", "2"))) == CastBallot(("1", "2"))
    pts = validate_ballot(config(BallotKind.CUMULATIVE, total_points=10), CastBallot(("1", "2"), (10, 0)))
    assert pts == CastBallot(("1",), (10,))


@pytest.mark.parametrize(("kind", "rule", "satisfaction", "message"), [
    (BallotKind.CUMULATIVE, Rule.PHRAGMEN, "cost", "Phragmén counts approval ballots only"),
    (BallotKind.APPROVAL, Rule.GREEDY, "additive", "additive satisfaction needs a points ballot"),
    (BallotKind.APPROVAL, Rule.GREEDY, "borda", "Borda satisfaction needs a ranking ballot"),
])
def test_inconsistent_rules_are_refused(kind: BallotKind, rule: Rule, satisfaction: str, message: str) -> None:
    cfg = config(kind, total_points=10)
    bad = RoundConfig(cfg.title, cfg.currency, cfg.budget_minor, cfg.candidates, cfg.ballot,
                      RuleSpec(rule, satisfaction), cfg.eligibility, None, cfg.closes_at)
    with pytest.raises(RoundError, match=message):
        check_config(bad)


def test_receipts_and_voter_keys_are_stable_per_secret_and_differ_between_people() -> None:
    s1, s2 = b"a" * 32, b"b" * 32
    assert receipt_for(s1, 7) == receipt_for(s1, 7) != receipt_for(s1, 8)
    assert receipt_for(s1, 7) != receipt_for(s2, 7) and len(receipt_for(s1, 7)) == 16
    assert voter_key(s1, 7) != voter_key(s2, 7)


def test_the_configuration_hash_changes_with_any_cost() -> None:
    cfg = config()
    dearer = RoundConfig(cfg.title, cfg.currency, cfg.budget_minor, (Candidate("1", "Trees", 2_000_001), *CANDS[1:]),
                         cfg.ballot, cfg.rule, cfg.eligibility, None, cfg.closes_at)
    assert config_hash(cfg) != config_hash(dearer)
    assert RoundConfig.from_dict(cfg.to_dict()) == cfg


def test_seal_orders_ballots_by_receipt_hash_and_the_chain_detects_any_change() -> None:
    cfg = config()
    ballots = [(f"R{n:03d}", CastBallot(("1",) if n % 2 else ("2", "3"))) for n in range(30)]
    frozen = [append([], "frozen", {"configuration": cfg.to_dict(), "configuration_hash": config_hash(cfg)})]
    closing = seal(cfg, frozen, list(reversed(ballots)), "2030-01-01T00:00:00+00:00", "time")
    assert closing.ballots == published_order(ballots)  # casting order does not matter
    assert closing.outcome["selected"] == ["1", "2"]  # 15 supporters each; "1" first by id; "3" no longer fits
    chain = [e.to_dict() for e in frozen + closing.entries]
    assert chain_problems(chain) == []
    assert chain[1]["payload"]["commitment"] == commitment(*closing.ballots[0])
    chain[5]["payload"]["commitment"] = "0" * 64
    assert chain_problems(chain)[0].startswith("chain entry 5 (ballot): its hash does not match")


def _mes_round() -> tuple[RoundConfig, list[tuple[str, CastBallot]]]:
    cfg = config(BallotKind.APPROVAL, rule=Rule.MES)
    cfg = RoundConfig(cfg.title, cfg.currency, cfg.budget_minor, cfg.candidates, cfg.ballot,
                      RuleSpec(Rule.MES, completion="add1", then_greedy=True), cfg.eligibility,
                      cfg.opens_at, cfg.closes_at)
    ballots = [(f"r{i}", CastBallot(p)) for i, p in enumerate(
        [("1",), ("1", "2"), ("2",), ("3",), ("3", "2"), ("1", "3"), ("2",)])]
    return cfg, ballots


def test_a_round_under_equal_shares_counts_like_tally_on_its_published_ballots() -> None:
    """MES with add1 and greedy completion: the round's count is what `oxpecker tally` (fast path) finds."""
    cfg, ballots = _mes_round()
    outcome = count(cfg, ballots)
    election = election_of(cfg, ballots)
    direct, _ = engine.count(election, engine.RuleSpec(engine.RuleName.MES, completion=Completion.ADD1,
                                                        then_greedy=True), explain=False)
    assert outcome["selected"] == list(direct.selected)
    assert set(outcome["explanations"]) == {"1", "2", "3"}
    assert outcome["selected"], "MES funded nothing on a budget that fits two projects"
    assert sum(c.cost_minor for c in CANDS if c.id in outcome["selected"]) <= cfg.budget_minor


def test_a_round_counts_on_the_exact_path(monkeypatch: pytest.MonkeyPatch) -> None:
    """With MES's fast path broken, a round still counts (and `oxpecker tally` without --exact does not)."""

    def broken(*args: object) -> None:
        raise AssertionError("the fast path ran")

    monkeypatch.setattr(mes_rule, "_fast", broken)
    cfg, ballots = _mes_round()
    assert count(cfg, ballots)["selected"]
    with pytest.raises(AssertionError, match="the fast path ran"):
        engine.count(election_of(cfg, ballots), engine.RuleSpec(engine.RuleName.MES))


@pytest.mark.parametrize(("currency", "budget", "trees"), [
    ("EUR", "50000", "20000"),  # cents: 5,000,000 minor units are 50,000 euros
    ("JPY", "5000000", "2000000"),  # yen have no minor unit: 5,000,000 yen
    ("KWD", "5000", "2000"),  # fils are thousandths of a dinar
])
def test_rules_count_in_the_currency_s_own_units(currency: str, budget: str, trees: str) -> None:
    cfg = config()
    cfg = RoundConfig(cfg.title, currency, cfg.budget_minor, cfg.candidates, cfg.ballot, cfg.rule,
                      cfg.eligibility, cfg.opens_at, cfg.closes_at)
    election = election_of(cfg, [])
    assert str(election.budget) == budget and str(election.projects[0].cost) == trees
