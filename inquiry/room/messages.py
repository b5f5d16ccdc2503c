"""Discussion messages: muted people and slow mode are refused with a reason."""

from __future__ import annotations

from typing import Any

from asyncpg import Pool

from inquiry.kernel.errors import Conflict, Invalid, TooMany
from inquiry.room.permissions import Action
from inquiry.room.runner import Ctx, Outcome, Who, run


async def post_message(pool: Pool, session_id: int, who: Who, key: str | None, body_text: str) -> Outcome:
    """A discussion message to the room; muted people and slow mode are refused with a reason."""
    async def body(ctx: Ctx) -> dict[str, Any]:
        text = body_text.strip()
        if not 1 <= len(text) <= 2000:
            raise Invalid("A message is 1 to 2000 characters.")
        actor = ctx.actor
        if actor.participant_id is not None:
            await _check_not_muted(ctx, actor.participant_id)
        row = await ctx.conn.fetchrow(
            """INSERT INTO room_messages (session_id, participant_id, staff_id, body)
               VALUES ($1, $2, $3, $4) RETURNING id""",
            ctx.session.id, actor.participant_id, actor.staff_id, text,
        )
        await ctx.emit("message_posted", "room", {
            "message_id": row["id"], "author": actor.name,
            "author_role": actor.role.value, "body": text,
        })
        return {"message_id": row["id"]}
    return await run(pool, session_id, who, Action.POST_MESSAGE, key, body)


async def _check_not_muted(ctx: Ctx, participant_id: int) -> None:
    muted = await ctx.conn.fetchval(
        """SELECT until FROM room_sanctions WHERE session_id = $1 AND participant_id = $2
             AND kind = 'mute' AND (until IS NULL OR until > now())""",
        ctx.session.id, participant_id,
    )
    if muted is not None:
        raise Conflict("A facilitator muted you for now; you can still read the room.")
    slow = ctx.session.slow_mode_seconds
    if slow:
        wait = await ctx.conn.fetchval(
            """SELECT ceil(extract(epoch FROM max(at) + make_interval(secs => $3) - now()))::int
                 FROM room_messages WHERE session_id = $1 AND participant_id = $2""",
            ctx.session.id, participant_id, slow,
        )
        if wait is not None and wait > 0:
            raise TooMany(f"Slow mode is on: you can post again in {wait} seconds.", retry_after=wait)
