"""What to count with: one rule and its options, as a typed, frozen value.

`oxpecker tally` builds a `RuleSpec` from its options and a round from its
frozen configuration; both count through `count(election, spec)`, so a round
and a re-count of its published `.pb` run the same code.

- `satisfaction` is the greedy and MES satisfaction (cost by default); it
  is None for `phragmen`, which takes none.
- `completion`, `then_greedy` and `comparison` are MES options
  (`budget.engine.rules.mes.rule`); other rules refuse them.
- `fast` picks MES's path: True, the float filters, batches and span proofs
  of `budget.engine.rules.mes.fast` (exact where they abstain); False, the
  exact rounds at every endowment, checked by one run of the textbook
  reference (`budget.engine.rules.mes.reference`), as product rounds (at most a few hundred candidates) and
  `oxpecker tally --exact` run it. Both give the same outcome; greedy and
  Phragmén have only an exact path.

`count` imports the chosen rule's modules only when it runs: a greedy
count never loads MES or Phragmén.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from budget.engine.election import Election
from budget.engine.explain import Outcome
from budget.engine.rules.mes.completion import Completion
from budget.engine.satisfaction import Satisfaction, SatisfactionError
from budget.engine.tiebreak import TieBreak


class RuleName(StrEnum):
    GREEDY = "greedy"
    GREEDY_NO_SKIP = "greedy-no-skip"
    GREEDY_THRESHOLD = "greedy-threshold"
    MES = "mes"
    PHRAGMEN = "phragmen"


class SpecError(ValueError):
    """The options do not fit together (an MES option for another rule, a satisfaction for Phragmén)."""


class CannotCount(ValueError):
    """This election cannot be counted with this rule: wrong ballots for the satisfaction or
    for Phragmén, or no META threshold for greedy-threshold. The message says which."""


@dataclass(frozen=True, slots=True)
class RuleSpec:
    """One rule and its options (module docstring)."""

    rule: RuleName
    satisfaction: Satisfaction | None = Satisfaction.COST
    completion: Completion = Completion.NONE
    then_greedy: bool = False
    comparison: bool = False
    tie_break: TieBreak = TieBreak.LEXICOGRAPHIC
    fast: bool = True

    def __post_init__(self) -> None:
        if self.rule is not RuleName.MES:
            for option, given in (("completion", self.completion is not Completion.NONE),
                                  ("then_greedy", self.then_greedy), ("comparison", self.comparison)):
                if given:
                    raise SpecError(f"{option} applies to mes only, not {self.rule}")
        if (self.rule is RuleName.PHRAGMEN) != (self.satisfaction is None):
            raise SpecError("phragmen takes no satisfaction" if self.satisfaction is not None
                            else f"{self.rule} needs a satisfaction")

    def as_dict(self) -> dict[str, object]:
        """The `"rule"` object of `oxpecker tally --json` (`completion` None for other rules than MES)."""
        return {
            "rule": self.rule.value,
            "satisfaction": None if self.satisfaction is None else self.satisfaction.value,
            "completion": self.completion.value if self.rule is RuleName.MES else None,
            "then_greedy": self.then_greedy,
            "comparison": self.comparison,
            "tie_break": self.tie_break.value,
        }


def count(election: Election, spec: RuleSpec, explain: bool = True) -> tuple[Outcome, dict[str, int] | None]:
    """The outcome of `spec` on `election`, and MES's comparison counts when `spec.comparison`.

    `explain=False` lets MES skip its explanations (greedy's and Phragmén's
    come with the count). Raises `CannotCount` when the election does not
    suit the rule.
    """
    try:
        if spec.rule is RuleName.MES:
            return _mes(election, spec, explain)
        if spec.rule is RuleName.PHRAGMEN:
            return _phragmen(election, spec), None
        return _greedy(election, spec), None
    except SatisfactionError as err:
        raise CannotCount(str(err)) from err


def _greedy(election: Election, spec: RuleSpec) -> Outcome:
    from budget.engine.rules.greedy.rule import GreedyError, Variant, greedy

    try:
        return greedy(election, spec.satisfaction or Satisfaction.COST, spec.tie_break, Variant(spec.rule.value))
    except GreedyError as err:
        raise CannotCount(str(err)) from err


def _phragmen(election: Election, spec: RuleSpec) -> Outcome:
    from budget.engine.rules.phragmen.rule import PhragmenError, sequential_phragmen

    try:
        return sequential_phragmen(election, spec.tie_break)
    except PhragmenError as err:
        raise CannotCount(str(err)) from err


def _mes(election: Election, spec: RuleSpec, explain: bool) -> tuple[Outcome, dict[str, int] | None]:
    from budget.engine.rules.mes.rule import method_of_equal_shares

    result = method_of_equal_shares(
        election, spec.satisfaction or Satisfaction.COST, spec.tie_break, spec.completion,
        then_greedy=spec.then_greedy, comparison=spec.comparison, explain=explain, fast=spec.fast,
    )
    return result.outcome, result.comparison_counts()
