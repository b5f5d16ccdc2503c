"""What is published when a round closes: the ordered ballots, the chain's
closing entries, the outcome, and the files built from them.

Ballots are published in the order of `shuffle_key(receipt)`: no casting time
or order survives. With fewer than `MIN_PUBLISHED_BALLOTS` ballots only the
per-project aggregates are published, never an individual ballot.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from budget.engine.pabulib.write import format_pabulib
from budget.rounds.ballots import CastBallot
from budget.rounds.chain import Entry, append
from budget.rounds.config import BallotKind, RoundConfig, canonical, sha256_hex
from budget.rounds.count import count, election_of
from budget.rounds.receipts import commitment, shuffle_key

MIN_PUBLISHED_BALLOTS = 20
FORMAT = "oxpecker-decision/1"


@dataclass(frozen=True, slots=True)
class Closing:
    """Everything the close step writes: new chain entries, the outcome, the ordered ballots."""

    entries: list[Entry]
    outcome: dict[str, Any]
    ballots: list[tuple[str, CastBallot]]
    aggregates: dict[str, dict[str, int]]


def published_order(ballots: Sequence[tuple[str, CastBallot]]) -> list[tuple[str, CastBallot]]:
    return sorted(ballots, key=lambda rb: shuffle_key(rb[0]))


def aggregates(config: RoundConfig, ballots: Sequence[tuple[str, CastBallot]]) -> dict[str, dict[str, int]]:
    """Per candidate: supporters (ballots naming it), points given, and Borda score for rankings."""
    out = {c.id: {"supporters": 0, "points": 0, "borda": 0} for c in config.candidates}
    for _, b in ballots:
        for k, pid in enumerate(b.projects):
            out[pid]["supporters"] += 1
            out[pid]["points"] += b.points[k] if b.points else 0
            out[pid]["borda"] += len(b.projects) - k - 1
    if config.ballot.kind is not BallotKind.ORDINAL:
        for a in out.values():
            del a["borda"]
    if config.ballot.kind is not BallotKind.CUMULATIVE:
        for a in out.values():
            del a["points"]
    return out


def seal(config: RoundConfig, chain: list[Entry], ballots: Sequence[tuple[str, CastBallot]],
         closed_at: str, reason: str) -> Closing:
    """Count the round and extend its chain: ballots, `closed`, `outcome`."""
    ordered = published_order(ballots)
    entries = list(chain)
    for receipt, ballot in ordered:
        entries.append(append(entries, "ballot", {"commitment": commitment(receipt, ballot)}))
    entries.append(append(entries, "closed", {"closed_at": closed_at, "reason": reason, "ballots": len(ordered)}))
    outcome = count(config, ordered)
    entries.append(append(entries, "outcome", {"outcome_hash": sha256_hex(canonical(outcome))}))
    return Closing(entries[len(chain):], outcome, ordered, aggregates(config, ordered))


def ballots_pb(config: RoundConfig, ordered: Sequence[tuple[str, CastBallot]]) -> str:
    """The anonymised ballots as Pabulib; voter_id is the receipt."""
    return format_pabulib(election_of(config, ordered))


def project_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per candidate: funded or not, amount, support, explanation."""
    config = RoundConfig.from_dict(doc["configuration"])
    outcome = doc["outcome"]
    rows = []
    for c in config.candidates:
        funded = bool(outcome["funded"].get(c.id))
        rows.append({"id": c.id, "title": c.title, "cost_minor": c.cost_minor, "funded": funded,
                     "amount_minor": c.cost_minor if funded else 0,
                     **doc["aggregates"].get(c.id, {}),
                     "explanation": outcome["explanations"].get(c.id, {})})
    return rows


def decision_csv(doc: dict[str, Any]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["project_id", "title", "cost_minor", "funded", "amount_minor", "supporters", "explanation"])
    for r in project_rows(doc):
        w.writerow([r["id"], r["title"], r["cost_minor"], "yes" if r["funded"] else "no", r["amount_minor"],
                    r.get("supporters", ""), canonical(r["explanation"])])
    return out.getvalue()
