"""What pages show of rounds: state, configuration and turnout — never a count before close."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from asyncpg import Pool

from budget import round_db
from budget.rounds import RoundConfig, State
from inquiry.errors import NotFound


@dataclass(frozen=True, slots=True)
class RoundStatus:
    id: int
    inquiry_id: int
    inquiry_title: str
    state: State
    config: RoundConfig
    frozen_hash: str | None
    opens_at: datetime | None
    closes_at: datetime
    turnout: int | None  # None while a draft
    cancel_reason: str | None


async def round_status(pool: Pool, round_id: int) -> RoundStatus:
    async with pool.acquire() as conn:
        found = await round_db.select_round(conn, round_id)
        if found is None:
            raise NotFound("There is no such round.")
        turnout = None if found.state is State.DRAFT else await round_db.select_turnout(conn, round_id)
    return RoundStatus(found.id, found.inquiry_id, found.inquiry_title, found.state, found.config,
                       found.frozen_hash, found.opens_at, found.closes_at, turnout, found.cancel_reason)


async def list_rounds(pool: Pool) -> list[RoundStatus]:
    async with pool.acquire() as conn:
        rows = await round_db.select_rounds(conn)
    return [RoundStatus(r.id, r.inquiry_id, r.inquiry_title, r.state, r.config, r.frozen_hash, r.opens_at,
                        r.closes_at, None, r.cancel_reason) for r in rows]


async def inquiry_choices(pool: Pool) -> list[tuple[int, str, str]]:
    """(id, title, currency) of every inquiry, newest first, for the new-round form."""
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT id, title, currency FROM inquiries ORDER BY id DESC")
    return [(r["id"], r["title"], r["currency"]) for r in rows]
