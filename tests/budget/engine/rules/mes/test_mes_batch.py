"""Lockstep float runs (`budget.engine.rules.mes.fast.batch`) give each endowment's exact outcome, or abstain."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from budget.engine.election import Election
from budget.engine.rules.mes.fast.batch import float_batch
from budget.engine.rules.mes.fast.float_run import float_run
from budget.engine.rules.mes.profile import build_profile
from budget.engine.rules.mes.rounds import run_rounds
from budget.engine.satisfaction import ALLOWED, Satisfaction
from tests.budget.engine.rules.mes.test_mes_pabutools import elections
from tests.budget.instances import election


def _key(j: int) -> int:
    return j


@settings(max_examples=300, deadline=None)
@given(elections(), st.lists(st.fractions(0, 30, max_denominator=4), min_size=1, max_size=12))
def test_lockstep_runs_are_exact_or_abstain(e: Election, offsets: list[Fraction]) -> None:
    """Rows of any endowments (not only steps of 1), ties included: each is its own exact run."""
    for satisfaction in (s for s in Satisfaction if e.vote_type in ALLOWED[s]):
        profile = build_profile(e, satisfaction)
        endowments = sorted({profile.budget / profile.voters + x for x in offsets})
        for endowment, fast in zip(endowments, float_batch(profile, endowments, _key), strict=True):
            exact = tuple(p.candidate for p in run_rounds(profile, endowment, _key).purchases)
            assert fast is None or fast == exact, (satisfaction, endowment)


def test_endowments_must_rise() -> None:
    profile = build_profile(election("Netherlands_Assen_2024.pb"), Satisfaction.COST)
    start = profile.budget / profile.voters
    with pytest.raises(ValueError, match="increasing"):
        float_batch(profile, [start + 1, start], _key)


@pytest.mark.parametrize("name, satisfaction", [
    ("Poland_Katowice_2023.pb", Satisfaction.COST),
    ("Poland_Czestochowa_2024.pb", Satisfaction.ADDITIVE),
])
def test_a_batch_answers_where_single_float_runs_do(name: str, satisfaction: Satisfaction) -> None:
    """On the real files the add1 loops batch, every row is answered and equals the single float run."""
    profile = build_profile(election(name), satisfaction)
    endowments = [profile.budget / profile.voters + k for k in range(40)]
    batch = float_batch(profile, endowments, _key)
    singles = [float_run(profile, x, _key) for x in endowments]
    assert None not in batch
    assert batch == singles
    assert len(set(batch)) > 1  # the outcomes change inside the batch: rows part ways
