"""Completions that raise every voter's endowment by one unit of the budget at a time.

- `add1-exhaustive` (pabutools' `voter_budget_increment=1`): rerun with the
  endowment raised by 1 until the outcome is exhaustive (no unfunded
  candidate fits the money left); if an outcome overspends the budget, the
  previous outcome stands.
- `add1` (equalshares.net's compute tool): raise by 1 while the *next*
  outcome still fits the budget; no exhaustiveness stop. Skipped when all
  projects together fit the budget.

"1" is one unit of the budget as the file writes it (one złoty, one forint),
not one minor unit. `budget.engine.rules.mes.reference` steps both loops one unit at a
time; `budget.engine.rules.mes.fast.add1` computes the same loops and skips the steps
it proves repeat an outcome.
"""

from __future__ import annotations

from enum import StrEnum


class Completion(StrEnum):
    NONE = "none"
    ADD1 = "add1"
    ADD1_EXHAUSTIVE = "add1-exhaustive"
