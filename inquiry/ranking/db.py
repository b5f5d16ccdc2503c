"""Ranking-phase ballots, the session's ranking method and its stored result (SQL only)."""

from __future__ import annotations

import json
from typing import Any

from asyncpg import Connection


async def upsert_ballot(conn: Connection, session_id: int, participant_id: int, ranking: list[int]) -> int:
    """Store or replace a resident's ballot; returns how many times they have submitted it."""
    revisions: int = await conn.fetchval(
        """INSERT INTO ranking_ballots (session_id, participant_id, ranking) VALUES ($1, $2, $3::bigint[])
           ON CONFLICT (session_id, participant_id)
           DO UPDATE SET ranking = excluded.ranking, revisions = ranking_ballots.revisions + 1, at = now()
           RETURNING revisions""",
        session_id,
        participant_id,
        ranking,
    )
    return revisions


async def select_own_ballot(conn: Connection, session_id: int, participant_id: int) -> list[int] | None:
    ranking = await conn.fetchval(
        "SELECT ranking FROM ranking_ballots WHERE session_id = $1 AND participant_id = $2",
        session_id,
        participant_id,
    )
    return None if ranking is None else list(ranking)


async def select_turnout(conn: Connection, session_id: int) -> int:
    """How many residents have ranked: the only figure shown before the phase closes."""
    count: int = await conn.fetchval("SELECT count(*) FROM ranking_ballots WHERE session_id = $1", session_id)
    return count


async def select_ballots(conn: Connection, session_id: int) -> list[list[int]]:
    """Every ballot, in no meaningful order (by participant id, never by time)."""
    rows = await conn.fetch(
        "SELECT ranking FROM ranking_ballots WHERE session_id = $1 ORDER BY participant_id", session_id
    )
    return [list(r["ranking"]) for r in rows]


async def select_method(conn: Connection, session_id: int) -> str:
    method: str = await conn.fetchval("SELECT ranking_method FROM sessions WHERE id = $1", session_id)
    return method


async def update_method(conn: Connection, session_id: int, method: str) -> None:
    await conn.execute("UPDATE sessions SET ranking_method = $2 WHERE id = $1", session_id, method)


async def select_result(conn: Connection, session_id: int) -> dict[str, Any] | None:
    raw = await conn.fetchval("SELECT result::text FROM ranking_results WHERE session_id = $1", session_id)
    result: dict[str, Any] | None = None if raw is None else json.loads(raw)
    return result


async def insert_result(conn: Connection, session_id: int, method: str, result: dict[str, Any]) -> None:
    """Store the result once; a second computation (another process) changes nothing."""
    await conn.execute(
        """INSERT INTO ranking_results (session_id, method, result) VALUES ($1, $2, $3::jsonb)
           ON CONFLICT (session_id) DO NOTHING""",
        session_id,
        method,
        json.dumps(result),
    )
