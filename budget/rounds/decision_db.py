"""Published decisions and who may vote (SQL only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asyncpg import Connection

from budget.rounds.config import Eligibility


@dataclass(frozen=True, slots=True)
class DecisionRow:
    round_id: int
    published_at: datetime
    outcome: dict[str, Any] | None
    aggregates: dict[str, Any]
    ballots_pb: str | None
    statement: str | None
    statement_at: datetime | None


async def insert_decision(conn: Connection, round_id: int, outcome: dict[str, Any] | None,
                          aggregates: dict[str, Any], ballots_pb: str | None) -> None:
    await conn.execute(
        """INSERT INTO decisions (round_id, outcome, aggregates, ballots_pb)
           VALUES ($1, $2::jsonb, $3::jsonb, $4)""",
        round_id, None if outcome is None else json.dumps(outcome), json.dumps(aggregates), ballots_pb,
    )


async def select_decision(conn: Connection, round_id: int, for_update: bool = False) -> DecisionRow | None:
    row = await conn.fetchrow(
        f"""SELECT round_id, published_at, outcome::text AS outcome, aggregates::text AS aggregates,
                   ballots_pb, statement, statement_at
              FROM decisions WHERE round_id = $1 {'FOR UPDATE' if for_update else ''}""",
        round_id,
    )
    if row is None:
        return None
    return DecisionRow(row["round_id"], row["published_at"],
                       None if row["outcome"] is None else json.loads(row["outcome"]),
                       json.loads(row["aggregates"]), row["ballots_pb"], row["statement"], row["statement_at"])


async def select_decision_ids(conn: Connection, limit: int = 200) -> list[int]:
    """Newest publication first."""
    rows = await conn.fetch("SELECT round_id FROM decisions ORDER BY published_at DESC, round_id DESC LIMIT $1",
                            limit)
    return [r["round_id"] for r in rows]


async def update_statement(conn: Connection, round_id: int, statement: str) -> None:
    await conn.execute("UPDATE decisions SET statement = $2, statement_at = now() WHERE round_id = $1",
                       round_id, statement)


async def select_eligible(conn: Connection, participant_id: int, inquiry_id: int, eligibility: Eligibility) -> bool:
    """May this participant vote in a round of `inquiry_id` under `eligibility`?"""
    row = await conn.fetchrow(
        """SELECT p.kind, p.inquiry_id, p.removed_at, c.kind AS code_kind
             FROM participants p LEFT JOIN access_codes c ON c.id = p.code_id
            WHERE p.id = $1""",
        participant_id,
    )
    if row is None or row["kind"] != "resident" or row["inquiry_id"] != inquiry_id or row["removed_at"]:
        return False
    return eligibility is Eligibility.JOINED_BEFORE_CLOSE or row["code_kind"] == "resident_single"
