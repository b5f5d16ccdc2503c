"""Moderation by facilitators: hide a message (its author sees why), mute, remove, slow mode.

Every action goes into the moderation log in the same transaction; the
convenor exports it as CSV. Experts are not removed this way: they withdraw.
"""

from __future__ import annotations

from typing import Any

from asyncpg import Pool

from inquiry.kernel.errors import Invalid, NotFound
from inquiry.moderation import db as moderation_db
from inquiry.room import db as room_db
from inquiry.room.permissions import Action
from inquiry.room.runner import Ctx, Outcome, Who, run


async def _hide(ctx: Ctx, message_id: int | None, reason: str) -> int | None:
    row = await ctx.conn.fetchrow(
        """UPDATE room_messages SET hidden_reason = $3 WHERE id = $1 AND session_id = $2
           RETURNING participant_id""", message_id, ctx.session.id, reason)
    if row is None:
        raise NotFound("There is no such message in this session.")
    await ctx.emit("message_hidden", "room", {"message_id": message_id})
    author: int | None = row["participant_id"]
    return author


async def _resident(ctx: Ctx, participant_id: int | None) -> int:
    kind = await ctx.conn.fetchval(
        "SELECT kind FROM participants WHERE id = $1 AND inquiry_id = $2", participant_id, ctx.session.inquiry_id)
    if participant_id is None or kind is None:
        raise NotFound("There is no such participant in this inquiry.")
    if kind == "expert":
        raise Invalid("Experts leave the room by withdrawal, not by moderation.")
    return participant_id


async def moderate(pool: Pool, session_id: int, who: Who, key: str | None, command: str,
                   message_id: int | None, participant_id: int | None, reason: str,
                   minutes: int | None, seconds: int) -> Outcome:
    async def body(ctx: Ctx) -> dict[str, Any]:
        reason_text = reason.strip()
        target: int | None = None
        if command == "hide":
            if not reason_text:
                raise Invalid("Give a reason: the author will see it.")
            target = await _hide(ctx, message_id, reason_text)
        elif command in ("mute", "unmute", "remove"):
            target = await _resident(ctx, participant_id)
            if command == "unmute":
                await moderation_db.delete_sanction(ctx.conn, session_id, target, "mute")
            else:
                await moderation_db.upsert_sanction(ctx.conn, session_id, target, command,
                                                    minutes if command == "mute" else None)
            if command == "remove":
                ctx.disconnect.extend(await room_db.select_participant_sids(ctx.conn, session_id, target))
        elif command == "slow_mode":
            await room_db.update_slow_mode(ctx.conn, session_id, seconds)
            await ctx.emit("slow_mode_changed", "room", {"seconds": seconds})
        else:
            raise Invalid("Hide, mute, unmute, remove or slow_mode.")
        if target is not None:
            await ctx.emit("moderation_notice", "person",
                           {"action": command, "reason": reason_text, "message_id": message_id}, target)
        await moderation_db.insert_moderation(ctx.conn, session_id, ctx.actor.staff_id or 0, command, target,
                                              message_id if command == "hide" else None,
                                              reason_text or (f"{seconds} s" if command == "slow_mode" else ""))
        return {"command": command}
    return await run(pool, session_id, who, Action.MODERATE, key, body)
