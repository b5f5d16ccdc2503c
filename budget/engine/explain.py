"""What a rule returns: the funded projects in order, and why, per project.

Explanations are JSON-ready dicts whose schema is `docs/explanations.md`.
Amounts are exact strings (`exact`): "1000", "12.5", or "7/3" when no finite
decimal is exact, so a re-count can compare them character for character.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from budget.engine.election import Election
from budget.engine.pabulib.write import format_amount

Explanation = dict[str, object]


def exact(value: Fraction | int) -> str:
    """An exact decimal string, or "p/q" when no finite decimal is exact."""
    return format_amount(Fraction(value))


def readable(amount: str) -> str:
    """An `exact` amount for a sentence: "19386815" -> "19,386,815", "7/3" -> "about 2.33"."""
    if "/" in amount:
        return f"about {float(Fraction(amount)):,.2f}"
    whole, dot, decimals = amount.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-') or 0):,}{dot}{decimals}"


@dataclass(frozen=True, slots=True)
class Outcome:
    """Funded project ids in selection order, and one explanation per project."""

    selected: tuple[str, ...]
    explanations: dict[str, Explanation] = field(default_factory=dict)

    def total_cost(self, election: Election) -> Fraction:
        """What the funded projects cost together."""
        cost = {p.id: p.cost for p in election.projects}
        return sum((cost[pid] for pid in self.selected), Fraction(0))
