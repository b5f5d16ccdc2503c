"""The shared Pabulib instances and pabutools' recorded outcomes on them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from budget.engine.election import Election
from budget.engine.pabulib import read_pabulib
from budget.engine.satisfaction import Satisfaction
from tests.data import PABULIB

DATA = PABULIB
# expected.json's satisfaction keys -> ours (data/pabulib/README.md).
SATISFACTION_KEYS = {
    "cost": Satisfaction.COST,
    "card": Satisfaction.CARDINALITY,
    "cardinal": Satisfaction.ADDITIVE,
    "borda": Satisfaction.BORDA,
}
# Under 20,000 ballots: cheap enough to run without the `slow` marker.
SMALL = (
    "Netherlands_Assen_2024.pb",
    "Switzerland_Zurich_D10.pb",
    "Poland_Swiecie_2023.pb",
    "Poland_Wieliczka_2023_Green_Budget.pb",
    "France_Toulouse_2022.pb",
    "US_Stanford_Dataset_PB_Cambridge_2019_vote_approvals.pb",
)


@cache
def expected() -> dict[str, dict[str, dict[str, object]]]:
    data = json.loads((DATA / "expected.json").read_text())
    return {name: entry["rules"] for name, entry in data["instances"].items()}


@cache
def election(name: str) -> Election:
    return read_pabulib(DATA / name)


def official(e: Election) -> set[str]:
    """The projects the city funded from this budget (`selected` = 1)."""
    return {p.id for p in e.projects if p.field("selected") == "1"}
