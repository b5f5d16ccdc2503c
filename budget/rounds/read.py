"""What pages show of rounds: state, configuration and turnout — never a count before close."""

from __future__ import annotations

from dataclasses import dataclass, fields

from asyncpg import Pool

from budget.rounds import db as round_db
from budget.rounds.config import State
from inquiry.kernel.errors import NotFound


@dataclass(frozen=True, slots=True)
class RoundStatus(round_db.RoundRow):
    """A round as pages show it: its row and its turnout (`None` while a draft or in lists)."""

    turnout: int | None = None


def _status(row: round_db.RoundRow, turnout: int | None) -> RoundStatus:
    return RoundStatus(**{f.name: getattr(row, f.name) for f in fields(row)}, turnout=turnout)


async def round_status(pool: Pool, round_id: int) -> RoundStatus:
    async with pool.acquire() as conn:
        found = await round_db.select_round(conn, round_id)
        if found is None:
            raise NotFound("There is no such round.")
        turnout = None if found.state is State.DRAFT else await round_db.select_turnout(conn, round_id)
    return _status(found, turnout)


async def list_rounds(pool: Pool) -> list[RoundStatus]:
    async with pool.acquire() as conn:
        rows = await round_db.select_rounds(conn)
    return [_status(r, None) for r in rows]


async def inquiry_choices(pool: Pool) -> list[tuple[int, str, str]]:
    """(id, title, currency) of every inquiry, newest first, for the new-round form."""
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT id, title, currency FROM inquiries ORDER BY id DESC")
    return [(r["id"], r["title"], r["currency"]) for r in rows]
