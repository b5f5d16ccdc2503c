"""Explanations watch the final run replayed from its purchase records: that must see what a full run sees."""

from __future__ import annotations

from fractions import Fraction

import pytest

from budget.engine.rules.mes.explain_rounds import Watch, replay
from budget.engine.rules.mes.profile import build_profile
from budget.engine.rules.mes.rounds import MesRun, run_rounds
from budget.engine.satisfaction import Satisfaction
from budget.engine.tiebreak import TieBreak, TieOrder
from tests.budget.instances import election


def _watched(name: str, satisfaction: Satisfaction) -> tuple[Watch, Watch, MesRun]:
    """What a replay of the final run and the full run itself show a Watch."""
    e = election(name)
    profile = build_profile(e, satisfaction)
    order = TieOrder.of(e, TieBreak.LEXICOGRAPHIC)

    def key(j: int) -> int:
        return order.rank[profile.candidates[j].index]

    endowment = profile.budget / profile.voters
    run = run_rounds(profile, endowment, key)
    replayed, full = Watch(profile, endowment), Watch(profile, endowment)
    assert replay(profile, run, replayed.see)
    run_rounds(profile, endowment, key, observe=full.see)
    return replayed, full, run


@pytest.mark.parametrize(("name", "satisfaction"), [
    ("Netherlands_Assen_2024.pb", Satisfaction.COST),
    ("France_Toulouse_2022.pb", Satisfaction.CARDINALITY),  # twin projects
    ("Switzerland_Zurich_D10.pb", Satisfaction.ADDITIVE),  # weights above 1
    ("Poland_Wieliczka_2023_Green_Budget.pb", Satisfaction.COST),
])
def test_a_replay_sees_every_round_as_the_run_did(name: str, satisfaction: Satisfaction) -> None:
    replayed, full, run = _watched(name, satisfaction)
    assert run.purchases, "nothing bought: the comparison would prove nothing"
    assert replayed.step == full.step == len(run.purchases) + 1
    assert replayed.closest() == full.closest()
    assert replayed.unaffordable_from == full.unaffordable_from
    assert replayed.paid_to == full.paid_to


def test_records_of_another_endowment_are_refused() -> None:
    e = election("Netherlands_Assen_2024.pb")
    profile = build_profile(e, Satisfaction.COST)
    order = TieOrder.of(e, TieBreak.LEXICOGRAPHIC)
    endowment = profile.budget / profile.voters
    run = run_rounds(profile, endowment, lambda j: order.rank[profile.candidates[j].index])
    seen: list[object] = []
    assert not replay(profile, MesRun(endowment + Fraction(1), run.purchases), lambda b, p: seen.append(p))
    assert seen == []  # stopped before showing anything: the caller runs the rounds instead
