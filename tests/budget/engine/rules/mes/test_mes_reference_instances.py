"""The textbook MES against the fast path on every shared instance where the textbook finishes in 60 s.

Which ones finish was measured with `bench/mes_reference.py` (2-core machine,
2026-12-04, other work running): the seconds beside each case are the
reference's, rule only. The fast path took 0.001-0.10 s on each of them.
Not listed, because the reference took over 60 s: Budapest 2024
cardinality; Praga-Południe and Warsaw 2026, both satisfactions;
add1-exhaustive on Częstochowa (both), Katowice additive, Świecie (both)
and Wieliczka (both); add1 on Świecie and Wieliczka. Nor the add1 loops of
files whose plain run alone takes over 1 s (Toulouse, Budapest, Kraków,
Łódź, Wrocław, Praga-Południe, Warsaw 2026): the loops step through
hundreds of endowments.
"""

from __future__ import annotations

import pytest

from budget.engine.rules.mes.completion import Completion
from budget.engine.rules.mes.reference import reference_mes
from budget.engine.rules.mes.rule import method_of_equal_shares
from budget.engine.satisfaction import Satisfaction
from budget.engine.tiebreak import TieBreak
from tests.budget.instances import election, expected

COST, CARD, ADDITIVE, BORDA = Satisfaction.COST, Satisfaction.CARDINALITY, Satisfaction.ADDITIVE, Satisfaction.BORDA
LEX, EQUALSHARES = TieBreak.LEXICOGRAPHIC, TieBreak.MIN_COST_MAX_VOTES
NONE, EXHAUSTIVE, ADD1 = Completion.NONE, Completion.ADD1_EXHAUSTIVE, Completion.ADD1

FINISHING: list[tuple[str, Satisfaction, TieBreak, Completion]] = [
    ("France_Toulouse_2022.pb", CARD, LEX, NONE),  # 4.2 s
    ("France_Toulouse_2022.pb", COST, LEX, NONE),  # 2.6 s
    ("Hungary_Budapest_2024.pb", COST, LEX, NONE),  # 40.4 s
    ("Netherlands_Assen_2024.pb", CARD, LEX, NONE),  # 0.02 s
    ("Netherlands_Assen_2024.pb", COST, LEX, NONE),  # 0.01 s
    ("Netherlands_Assen_2024.pb", CARD, LEX, EXHAUSTIVE),  # 20.3 s
    ("Netherlands_Assen_2024.pb", COST, LEX, EXHAUSTIVE),  # 15.2 s
    ("Netherlands_Assen_2024.pb", COST, EQUALSHARES, ADD1),  # 18.2 s
    ("Poland_Czestochowa_2024.pb", ADDITIVE, LEX, NONE),  # 0.19 s
    ("Poland_Czestochowa_2024.pb", COST, LEX, NONE),  # 0.16 s
    ("Poland_Katowice_2023.pb", ADDITIVE, LEX, NONE),  # 0.68 s
    ("Poland_Katowice_2023.pb", COST, LEX, NONE),  # 0.35 s
    ("Poland_Katowice_2023.pb", COST, LEX, EXHAUSTIVE),  # 45.9 s
    ("Poland_Krakow_2024.pb", BORDA, LEX, NONE),  # 3.0 s
    ("Poland_Krakow_2024.pb", COST, LEX, NONE),  # 5.4 s
    ("Poland_Lodz_2022.pb", CARD, LEX, NONE),  # 24.9 s
    ("Poland_Lodz_2022.pb", COST, LEX, NONE),  # 9.2 s
    ("Poland_Swiecie_2023.pb", CARD, LEX, NONE),  # 0.10 s
    ("Poland_Swiecie_2023.pb", COST, LEX, NONE),  # 0.17 s
    ("Poland_Wieliczka_2023_Green_Budget.pb", CARD, LEX, NONE),  # 0.53 s
    ("Poland_Wieliczka_2023_Green_Budget.pb", COST, LEX, NONE),  # 0.42 s
    ("Poland_Wroclaw_2015_150_-_500.pb", CARD, LEX, NONE),  # 1.3 s
    ("Poland_Wroclaw_2015_150_-_500.pb", COST, LEX, NONE),  # 1.1 s
    ("Switzerland_Zurich_D10.pb", ADDITIVE, LEX, NONE),  # 0.13 s
    ("Switzerland_Zurich_D10.pb", COST, LEX, NONE),  # 0.08 s
    ("Switzerland_Zurich_D10.pb", ADDITIVE, LEX, EXHAUSTIVE),  # 5.4 s
    ("Switzerland_Zurich_D10.pb", COST, LEX, EXHAUSTIVE),  # 4.5 s
    ("US_Stanford_Dataset_PB_Cambridge_2019_vote_approvals.pb", CARD, LEX, NONE),  # 0.93 s
    ("US_Stanford_Dataset_PB_Cambridge_2019_vote_approvals.pb", COST, LEX, NONE),  # 0.79 s
    ("US_Stanford_Dataset_PB_Cambridge_2019_vote_approvals.pb", CARD, LEX, EXHAUSTIVE),  # 36.7 s
    ("US_Stanford_Dataset_PB_Cambridge_2019_vote_approvals.pb", COST, LEX, EXHAUSTIVE),  # 33.1 s
    ("US_Stanford_Dataset_PB_Cambridge_2019_vote_approvals.pb", COST, EQUALSHARES, ADD1),  # 46.9 s
]


def test_the_list_covers_every_shared_instance() -> None:
    """Every shared file has a plain case the reference finishes, except the two it cannot (over 60 s)."""
    listed = {name for name, *_ in FINISHING}
    assert FINISHING and listed == set(expected()) - {"Poland_Warszawa_2020_Praga-Poludnie.pb",
                                                        "Poland_Warszawa_2026.pb"}


@pytest.mark.slow
@pytest.mark.parametrize(("name", "satisfaction", "tie_break", "completion"), FINISHING,
                         ids=[f"{n}-{s}-{t}-{c}" for n, s, t, c in FINISHING])
def test_the_reference_equals_the_fast_path_on_shared_instances(
    name: str, satisfaction: Satisfaction, tie_break: TieBreak, completion: Completion
) -> None:
    e = election(name)
    ref = reference_mes(e, satisfaction, tie_break, completion)
    fast = method_of_equal_shares(e, satisfaction, tie_break, completion, explain=False)
    assert (fast.mes_selected, fast.endowment) == (ref.selected, ref.endowment)
