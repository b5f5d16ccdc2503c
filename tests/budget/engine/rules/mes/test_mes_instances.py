"""MES on the shared real instances: pabutools' recorded outcomes and equalshares.net's."""

from __future__ import annotations

import json

import pytest

from budget.engine.rules.mes.rule import Completion, method_of_equal_shares
from budget.engine.tiebreak import TieBreak
from tests.budget.instances import DATA, SATISFACTION_KEYS, SMALL, election, expected

# Toulouse's add1 loop takes about two minutes here (1,194 runs; pabutools
# 133-148 s); bench/mes.py times it instead.
LONG_ADD1 = {
    ("France_Toulouse_2022.pb", "mes_card_add1"),
    ("France_Toulouse_2022.pb", "mes_cost_add1"),
}


def _cases(add1: bool) -> list[object]:
    cases: list[object] = []
    for name, rules in sorted(expected().items()):
        for key, ref in sorted(rules.items()):
            if not key.startswith("mes_") or key.endswith("_add1") != add1 or ref["status"] != "ok":
                continue
            if add1 and (name, key) in LONG_ADD1:
                continue
            marks = [] if name in SMALL else [pytest.mark.slow]
            cases.append(pytest.param(name, key, id=f"{name}-{key}", marks=marks))
    return cases


@pytest.mark.parametrize(("name", "key"), _cases(add1=False))
def test_mes_equals_pabutools_on_real_instances(name: str, key: str) -> None:
    sat = SATISFACTION_KEYS[key.removeprefix("mes_")]
    result = method_of_equal_shares(election(name), sat, explain=False)
    assert list(result.outcome.selected) == expected()[name][key]["selected_in_order"]


@pytest.mark.parametrize(("name", "key"), _cases(add1=True))
def test_mes_add1_then_greedy_equals_pabutools_on_real_instances(name: str, key: str) -> None:
    sat = SATISFACTION_KEYS[key.removeprefix("mes_").removesuffix("_add1")]
    result = method_of_equal_shares(election(name), sat, completion=Completion.ADD1_EXHAUSTIVE,
                                    then_greedy=True, explain=False)
    ref = expected()[name][key]
    assert list(result.mes_selected) == ref["before_completion"]
    assert set(result.outcome.selected) == set(ref["selected"])


def _tool() -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, dict[str, object]]] = json.loads((DATA / "equalshares_add1.json").read_text())
    return data["instances"]


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=[] if n in SMALL else [pytest.mark.slow]) for n in sorted(_tool())],
)
def test_add1_equals_equalshares_tool(name: str) -> None:
    result = method_of_equal_shares(election(name), completion=Completion.ADD1,
                                    tie_break=TieBreak.MIN_COST_MAX_VOTES, explain=False)
    ref = _tool()[name]
    assert list(result.outcome.selected) == ref["selected_in_order"]
    assert float(result.endowment) == pytest.approx(ref["final_endowment"], rel=1e-12)
