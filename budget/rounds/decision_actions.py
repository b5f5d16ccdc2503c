"""Reading published decisions, and the convenor's statement (the only later addition)."""

from __future__ import annotations

from typing import Any

from asyncpg import Connection, Pool

from budget.rounds import db as round_db
from budget.rounds import decision_db
from budget.rounds.chain import append
from budget.rounds.config import ELIGIBILITY_STATEMENT, State
from budget.rounds.count import RULE_VERSION
from budget.rounds.publish import FORMAT, MIN_PUBLISHED_BALLOTS
from inquiry.kernel.audit_db import insert_audit
from inquiry.kernel.errors import Conflict, Invalid, NotFound

MAX_STATEMENT = 4000


def _iso(value: Any) -> str | None:
    return None if value is None else str(value.isoformat(timespec="seconds"))


async def _document(conn: Connection, round_id: int) -> dict[str, Any] | None:
    found = await round_db.select_round(conn, round_id)
    decision = await decision_db.select_decision(conn, round_id)
    if found is None or decision is None:
        return None
    chain = await round_db.select_log(conn, round_id)
    ballots = next((e.payload["ballots"] for e in chain if e.kind == "closed"), 0)
    return {
        "format": FORMAT,
        "round_id": found.id,
        "inquiry": {"id": found.inquiry_id, "title": found.inquiry_title},
        "title": found.config.title,
        "state": found.state.value,
        "published_at": _iso(decision.published_at),
        "closed_at": _iso(found.closed_at),
        "close_reason": found.close_reason,
        "cancelled_at": _iso(found.cancelled_at),
        "cancel_reason": found.cancel_reason,
        "eligibility": ELIGIBILITY_STATEMENT[found.config.eligibility],
        "configuration": found.config.to_dict(),
        "configuration_hash": found.frozen_hash,
        "rule_version": RULE_VERSION,
        "ballots": ballots,
        "ballots_published": decision.ballots_pb is not None,
        "ballots_note": None if decision.ballots_pb is not None or found.state is State.CANCELLED else
        f"Fewer than {MIN_PUBLISHED_BALLOTS} ballots: only totals per project are published.",
        "aggregates": decision.aggregates,
        "outcome": decision.outcome,
        "statement": decision.statement,
        "statement_at": _iso(decision.statement_at),
        "chain": [e.to_dict() for e in chain],
        "chain_head": chain[-1].hash if chain else None,
    }


async def decision_document(pool: Pool, round_id: int) -> dict[str, Any]:
    """The published decision (decision.json); NotFound before it is published."""
    async with pool.acquire() as conn:
        doc = await _document(conn, round_id)
    if doc is None:
        raise NotFound("There is no published decision with this number.")
    return doc


async def ballots_file(pool: Pool, round_id: int) -> str:
    async with pool.acquire() as conn:
        decision = await decision_db.select_decision(conn, round_id)
    if decision is None:
        raise NotFound("There is no published decision with this number.")
    if decision.ballots_pb is None:
        raise NotFound(f"This decision had fewer than {MIN_PUBLISHED_BALLOTS} ballots (or was cancelled): "
                       "individual ballots are not published, only totals.")
    return decision.ballots_pb


async def recent_decisions(pool: Pool, limit: int = 100) -> list[dict[str, Any]]:
    async with pool.acquire() as conn:
        docs = [await _document(conn, rid) for rid in await decision_db.select_decision_ids(conn, limit)]
    return [d for d in docs if d is not None]


async def add_statement(pool: Pool, round_id: int, staff_id: int, text: str) -> None:
    """Publish the convenor's statement with a closed decision; it never changes the outcome."""
    text = text.strip()
    if not text or len(text) > MAX_STATEMENT:
        raise Invalid(f"Write a statement of 1 to {MAX_STATEMENT} characters.")
    async with pool.acquire() as conn, conn.transaction():
        found = await round_db.select_round(conn, round_id, "FOR UPDATE")
        if found is None or await decision_db.select_decision(conn, round_id, for_update=True) is None:
            raise NotFound("There is no published decision with this number.")
        if found.state is not State.CLOSED:
            raise Conflict("A statement can be added to a closed round's decision only.")
        chain = await round_db.select_log(conn, round_id)
        await round_db.insert_log(conn, round_id, [append(chain, "statement", {"text": text})])
        await decision_db.update_statement(conn, round_id, text)
        await insert_audit(conn, "decision_statement", staff_id=staff_id, inquiry_id=found.inquiry_id,
                           detail={"round_id": round_id})
