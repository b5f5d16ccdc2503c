"""Shortlists of ranked proposals and their reviewed costs (SQL only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from asyncpg import Connection


@dataclass(frozen=True, slots=True)
class Shortlist:
    id: int
    inquiry_id: int
    session_id: int
    session_title: str
    currency: str
    proposed_by: str
    status: str
    accepted_by: str | None
    accepted_at: datetime | None


@dataclass(frozen=True, slots=True)
class Item:
    position: int
    proposal_id: int
    title: str
    cost_minor: int
    proposed_cost: int
    author_name: str
    questions: list[str]


async def insert_shortlist(conn: Connection, inquiry_id: int, session_id: int, staff_id: int) -> int:
    shortlist_id: int = await conn.fetchval(
        "INSERT INTO shortlists (inquiry_id, session_id, proposed_by) VALUES ($1, $2, $3) RETURNING id",
        inquiry_id, session_id, staff_id)
    return shortlist_id


async def insert_items(conn: Connection, shortlist_id: int, proposal_ids: list[int]) -> None:
    """Copy each proposal's title and cost, in ranked order (position 1 first)."""
    await conn.execute(
        """INSERT INTO shortlist_items (shortlist_id, position, proposal_id, title, cost_minor, proposed_cost)
           SELECT $1, o.position, p.id, p.title, p.cost_minor, p.cost_minor
             FROM unnest($2::bigint[]) WITH ORDINALITY AS o (proposal_id, position)
             JOIN proposals p ON p.id = o.proposal_id""",
        shortlist_id, proposal_ids)


async def select_shortlist(conn: Connection, shortlist_id: int, for_update: bool = False) -> Shortlist | None:
    lock = "FOR UPDATE OF l" if for_update else ""
    row = await conn.fetchrow(
        f"""SELECT l.id, l.inquiry_id, l.session_id, s.title AS session_title, i.currency, l.status,
                   coalesce(nullif(a.display_name, ''), a.email) AS proposed_by,
                   coalesce(nullif(b.display_name, ''), b.email) AS accepted_by, l.accepted_at
              FROM shortlists l JOIN sessions s ON s.id = l.session_id JOIN inquiries i ON i.id = l.inquiry_id
              JOIN staff a ON a.id = l.proposed_by LEFT JOIN staff b ON b.id = l.accepted_by
             WHERE l.id = $1 {lock}""", shortlist_id)
    return None if row is None else Shortlist(**dict(row))


async def select_items(conn: Connection, shortlist_id: int) -> list[Item]:
    """With provenance: the author's display name and the released questions the proposal drew on."""
    rows = await conn.fetch(
        """SELECT t.position, t.proposal_id, t.title, t.cost_minor, t.proposed_cost, p.author_name,
                  coalesce((SELECT array_agg(q.body ORDER BY q.id) FROM questions q
                             WHERE q.id = any(p.question_ids)), '{}') AS questions
             FROM shortlist_items t JOIN proposals p ON p.id = t.proposal_id
            WHERE t.shortlist_id = $1 ORDER BY t.position""", shortlist_id)
    return [Item(r["position"], r["proposal_id"], r["title"], r["cost_minor"], r["proposed_cost"],
                 r["author_name"], list(r["questions"])) for r in rows]


async def update_item_cost(conn: Connection, shortlist_id: int, proposal_id: int, cost_minor: int) -> None:
    await conn.execute(
        "UPDATE shortlist_items SET cost_minor = $3 WHERE shortlist_id = $1 AND proposal_id = $2",
        shortlist_id, proposal_id, cost_minor)


async def update_accepted(conn: Connection, shortlist_id: int, staff_id: int) -> None:
    await conn.execute(
        "UPDATE shortlists SET status = 'accepted', accepted_by = $2, accepted_at = now() WHERE id = $1",
        shortlist_id, staff_id)


async def select_session_shortlists(conn: Connection, session_id: int) -> list[tuple[int, str]]:
    rows = await conn.fetch("SELECT id, status FROM shortlists WHERE session_id = $1 ORDER BY id", session_id)
    return [(r["id"], r["status"]) for r in rows]
