"""Recall: residents ask a withdrawn expert ONE written question.

A resident proposes a question for a withdrawn expert (their proposal is their
vote); others vote; once votes reach the threshold - `recall_fraction` of the
residents present, rounded up, at least 1 (default one third) - a facilitator
approves, which moves the session to recall(e). The expert then sees only that
question, never who asked or voted, answers it once, and is out again.
"""

from __future__ import annotations

import math
from typing import Any

from asyncpg import Connection, Pool, Record

from inquiry.kernel.errors import Conflict, Invalid, NotFound
from inquiry.room import db as room_db
from inquiry.room.actions import move
from inquiry.room.permissions import Action
from inquiry.room.phases import Phase
from inquiry.room.runner import Ctx, Outcome, Who, run


def needed(fraction: float, present: int) -> int:
    """Votes needed: ceil(fraction x residents present), at least one."""
    return max(1, math.ceil(fraction * present - 1e-9))


async def _needed(ctx: Ctx) -> int:
    presence = await room_db.select_presence(ctx.conn, ctx.session.id)
    return needed(ctx.session.recall_fraction, presence.residents)


async def _recall(ctx: Ctx, recall_id: int) -> Record:
    row = await ctx.conn.fetchrow(
        """SELECT r.id, r.expert_id, r.question, r.status, p.display_name AS expert_name,
                  (SELECT count(*) FROM recall_votes v WHERE v.recall_id = r.id) AS votes
             FROM recall_requests r JOIN participants p ON p.id = r.expert_id
            WHERE r.id = $1 AND r.session_id = $2 FOR UPDATE OF r""", recall_id, ctx.session.id)
    if row is None:
        raise NotFound("There is no such recall request in this session.")
    return row


async def _vote(conn: Connection, recall_id: int, participant_id: int | None) -> int:
    await conn.execute("INSERT INTO recall_votes (recall_id, participant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                       recall_id, participant_id)
    n: int = await conn.fetchval("SELECT count(*) FROM recall_votes WHERE recall_id = $1", recall_id)
    return n


async def propose(pool: Pool, session_id: int, who: Who, key: str | None, expert_id: int,
                  question: str) -> Outcome:
    async def body(ctx: Ctx) -> dict[str, Any]:
        if expert_id not in await room_db.select_withdrawn(ctx.conn, session_id):
            raise Conflict("Only an expert who has withdrawn from this session can be recalled.")
        text = question.strip()
        if not 1 <= len(text) <= 1000:
            raise Invalid("A recall question is 1 to 1000 characters.")
        rid = await ctx.conn.fetchval(
            """INSERT INTO recall_requests (session_id, expert_id, proposed_by, question)
               VALUES ($1, $2, $3, $4) RETURNING id""", session_id, expert_id, ctx.actor.participant_id, text)
        votes = await _vote(ctx.conn, rid, ctx.actor.participant_id)
        experts = await room_db.select_session_experts(ctx.conn, session_id)
        await ctx.emit("recall_proposed", "room", {"recall_id": rid, "expert_name": experts.get(expert_id, ""),
                                                   "question": text, "votes": votes, "needed": await _needed(ctx)})
        return {"recall_id": rid}
    return await run(pool, session_id, who, Action.PROPOSE_RECALL, key, body)


async def vote(pool: Pool, session_id: int, who: Who, key: str | None, recall_id: int) -> Outcome:
    async def body(ctx: Ctx) -> dict[str, Any]:
        recall = await _recall(ctx, recall_id)
        if recall["status"] != "open":
            raise Conflict("That recall request is closed.")
        votes = await _vote(ctx.conn, recall_id, ctx.actor.participant_id)
        need = await _needed(ctx)
        if votes != recall["votes"]:
            await ctx.emit("recall_voted", "room", {"recall_id": recall_id, "votes": votes, "needed": need})
        return {"votes": votes, "needed": need}
    return await run(pool, session_id, who, Action.VOTE_RECALL, key, body)


async def approve(pool: Pool, session_id: int, who: Who, key: str | None, recall_id: int) -> Outcome:
    async def body(ctx: Ctx) -> dict[str, Any]:
        recall = await _recall(ctx, recall_id)
        if recall["status"] != "open":
            raise Conflict("That recall request is closed.")
        need = await _needed(ctx)
        if recall["votes"] < need:
            raise Conflict(f"This recall has {recall['votes']} of the {need} votes it needs.")
        await ctx.conn.execute("UPDATE recall_requests SET status = 'approved' WHERE id = $1", recall_id)
        await move(ctx, Phase.RECALL, recall["expert_id"], None)
        await ctx.emit("recall_approved", "room", {"recall_id": recall_id, "expert_name": recall["expert_name"],
                                                   "question": recall["question"]})
        return {"recall_id": recall_id}
    return await run(pool, session_id, who, Action.APPROVE_RECALL, key, body)


async def answer(pool: Pool, session_id: int, who: Who, key: str | None, recall_id: int,
                 answer_text: str) -> Outcome:
    async def body(ctx: Ctx) -> dict[str, Any]:
        recall = await _recall(ctx, recall_id)
        if recall["expert_id"] != ctx.actor.participant_id or ctx.session.state.expert_id != recall["expert_id"]:
            raise Conflict("This recall question is for another expert.")
        if recall["status"] != "approved":
            raise Conflict("This recall question has already been answered.")
        text = answer_text.strip()
        await ctx.conn.execute("UPDATE recall_requests SET status = 'answered', answer = $2 WHERE id = $1",
                               recall_id, text)
        await ctx.emit("recall_answered", "room", {"recall_id": recall_id, "question": recall["question"],
                                                   "answer": text})
        return {"recall_id": recall_id}
    return await run(pool, session_id, who, Action.ANSWER_RECALL, key, body)


async def open_recall_for(conn: Connection, session_id: int, expert_id: int) -> Record | None:
    """The approved, unanswered question a withdrawn expert may see (and nothing else)."""
    row: Record | None = await conn.fetchrow(
        """SELECT r.id, r.question FROM recall_requests r JOIN sessions s ON s.id = r.session_id
            WHERE r.session_id = $1 AND r.expert_id = $2 AND r.status = 'approved'
              AND s.phase = 'recall' AND s.expert_id = $2""", session_id, expert_id)
    return row
