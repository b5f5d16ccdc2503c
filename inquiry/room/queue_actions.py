"""The speaking queue: residents raise and lower hands, a facilitator calls the next speaker.

The room sees who is speaking and who waits (by display name); facilitators
also see each speaker's total talk time, in seconds.
"""

from __future__ import annotations

from typing import Any

from asyncpg import Connection, Pool

from inquiry.room.permissions import Action
from inquiry.room.runner import Ctx, Outcome, Who, run


async def queue_state(conn: Connection, session_id: int) -> dict[str, Any]:
    rows = await conn.fetch(
        """SELECT p.display_name, q.called_at FROM speaking_queue q JOIN participants p ON p.id = q.participant_id
            WHERE q.session_id = $1 AND q.ended_at IS NULL ORDER BY q.raised_at, q.id""", session_id)
    speaking = next((r["display_name"] for r in rows if r["called_at"] is not None), None)
    return {"speaking": speaking, "waiting": [r["display_name"] for r in rows if r["called_at"] is None]}


async def talk_times(conn: Connection, session_id: int) -> list[dict[str, object]]:
    rows = await conn.fetch(
        """SELECT p.display_name AS name,
                  round(sum(extract(epoch FROM coalesce(q.ended_at, now()) - q.called_at)))::int AS seconds
             FROM speaking_queue q JOIN participants p ON p.id = q.participant_id
            WHERE q.session_id = $1 AND q.called_at IS NOT NULL
            GROUP BY p.display_name ORDER BY seconds DESC, name""", session_id)
    return [{"name": r["name"], "seconds": r["seconds"]} for r in rows]


async def _announce(ctx: Ctx) -> None:
    await ctx.emit("queue_changed", "room", await queue_state(ctx.conn, ctx.session.id))
    await ctx.emit("talk_times", "staff", {"speakers": await talk_times(ctx.conn, ctx.session.id)})


async def raise_hand(pool: Pool, session_id: int, who: Who, key: str | None, raised: bool) -> Outcome:
    """Raise (join the queue once) or lower (leave it, or stop speaking)."""
    async def body(ctx: Ctx) -> dict[str, Any]:
        pid = ctx.actor.participant_id
        if raised:
            changed = await ctx.conn.fetchval(
                """INSERT INTO speaking_queue (session_id, participant_id) VALUES ($1, $2)
                   ON CONFLICT (session_id, participant_id) WHERE ended_at IS NULL DO NOTHING RETURNING 1""",
                session_id, pid)
        else:
            changed = await ctx.conn.fetchval(
                """UPDATE speaking_queue SET ended_at = now()
                    WHERE session_id = $1 AND participant_id = $2 AND ended_at IS NULL RETURNING 1""",
                session_id, pid)
        if changed:
            await _announce(ctx)
        return {"raised": raised}
    return await run(pool, session_id, who, Action.RAISE_HAND, key, body)


async def call_next(pool: Pool, session_id: int, who: Who, key: str | None) -> Outcome:
    """End the current speaker's turn and give the floor to the longest-waiting hand."""
    async def body(ctx: Ctx) -> dict[str, Any]:
        await ctx.conn.execute(
            """UPDATE speaking_queue SET ended_at = now()
                WHERE session_id = $1 AND called_at IS NOT NULL AND ended_at IS NULL""", session_id)
        await ctx.conn.execute(
            """UPDATE speaking_queue SET called_at = now()
                WHERE id = (SELECT id FROM speaking_queue WHERE session_id = $1 AND ended_at IS NULL
                             ORDER BY raised_at, id LIMIT 1)""", session_id)
        await _announce(ctx)
        return {"speaking": (await queue_state(ctx.conn, session_id))["speaking"]}
    return await run(pool, session_id, who, Action.CALL_SPEAKER, key, body)
