"""An allocation round's configuration and lifecycle, as data.

```
draft -> open -> closed          (the decision is published in the same step)
draft -> cancelled, open -> cancelled   (only before close; logged and published)
```

The configuration is edited while the round is a draft and copied, frozen, when
it opens: `canonical(config)` is the exact text whose SHA-256 is published then.
Money is integer minor units of the round's currency (`inquiry.kernel.money`:
2 decimals for EUR, 0 for JPY, 3 for KWD); the rules count in currency units,
so that MES's add1 step is one unit of the currency.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from enum import StrEnum
from typing import Any


class State(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class BallotKind(StrEnum):
    APPROVAL = "approval"        # tick any number, or at most `max_count`
    KNAPSACK = "knapsack"        # tick projects whose costs add up to at most `max_cost_minor`
    CUMULATIVE = "cumulative"    # share `total_points` among projects
    ORDINAL = "ordinal"          # rank up to `max_count` projects, best first


class Rule(StrEnum):
    GREEDY = "greedy"
    GREEDY_NO_SKIP = "greedy-no-skip"
    MES = "mes"
    PHRAGMEN = "phragmen"


class Eligibility(StrEnum):
    RESIDENT_CODES = "resident_codes"          # residents who joined with a single-use code
    JOINED_BEFORE_CLOSE = "joined_before_close"  # any resident who joined; one ballot per joined device


ELIGIBILITY_STATEMENT = {
    Eligibility.RESIDENT_CODES: "Residents of the inquiry who joined with a single-use code; one ballot each.",
    Eligibility.JOINED_BEFORE_CLOSE: (
        "Anyone who joined the inquiry before voting closed; one ballot per joined device, "
        "so one person joining on two devices could vote twice."
    ),
}

MOVES: frozenset[tuple[State, State]] = frozenset({
    (State.DRAFT, State.OPEN), (State.OPEN, State.CLOSED),
    (State.DRAFT, State.CANCELLED), (State.OPEN, State.CANCELLED),
})


class RoundError(ValueError):
    """The configuration or the requested move is not acceptable; the message says why."""


@dataclass(frozen=True, slots=True)
class Candidate:
    id: str
    title: str
    cost_minor: int


@dataclass(frozen=True, slots=True)
class BallotSpec:
    kind: BallotKind
    max_count: int | None = None
    max_cost_minor: int | None = None
    total_points: int | None = None


@dataclass(frozen=True, slots=True)
class RuleSpec:
    rule: Rule = Rule.GREEDY
    satisfaction: str = "cost"
    completion: str = "none"
    then_greedy: bool = False
    comparison: bool = False
    tie_break: str = "lexicographic"


@dataclass(frozen=True, slots=True)
class RoundConfig:
    title: str
    currency: str
    budget_minor: int
    candidates: tuple[Candidate, ...]
    ballot: BallotSpec
    rule: RuleSpec
    eligibility: Eligibility
    opens_at: str | None
    closes_at: str
    allow_early_close: bool = True

    def candidate(self, candidate_id: str) -> Candidate | None:
        return next((c for c in self.candidates if c.id == candidate_id), None)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["candidates"] = [asdict(c) for c in self.candidates]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoundConfig:
        return cls(
            title=data["title"], currency=data["currency"], budget_minor=int(data["budget_minor"]),
            candidates=tuple(Candidate(str(c["id"]), c["title"], int(c["cost_minor"])) for c in data["candidates"]),
            ballot=BallotSpec(BallotKind(data["ballot"]["kind"]), data["ballot"].get("max_count"),
                              data["ballot"].get("max_cost_minor"), data["ballot"].get("total_points")),
            rule=RuleSpec(Rule(data["rule"]["rule"]), data["rule"]["satisfaction"], data["rule"]["completion"],
                          bool(data["rule"]["then_greedy"]), bool(data["rule"]["comparison"]),
                          data["rule"]["tie_break"]),
            eligibility=Eligibility(data["eligibility"]), opens_at=data.get("opens_at"),
            closes_at=data["closes_at"], allow_early_close=bool(data.get("allow_early_close", True)),
        )


def canonical(data: object) -> str:
    """The one text of `data` that hashes are taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def config_hash(config: RoundConfig) -> str:
    """What is published when voting opens: SHA-256 of the canonical frozen configuration."""
    return sha256_hex(canonical(config.to_dict()))


def move(current: State, to: State) -> State:
    """The state after moving from `current` to `to`, if the lifecycle allows it."""
    if (current, to) not in MOVES:
        if current is State.CLOSED:
            raise RoundError("This round is closed: its decision is final and cannot be changed or cancelled.")
        if current is State.CANCELLED:
            raise RoundError("This round was cancelled; nothing more can happen to it.")
        raise RoundError(f"A round that is {current} cannot become {to}.")
    return to
