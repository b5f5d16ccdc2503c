"""An expert's materials: a link or a PDF, shown to everyone once their briefing starts."""

from __future__ import annotations

from typing import Any

from asyncpg import Pool

from inquiry.kernel.errors import Invalid
from inquiry.room.permissions import Action
from inquiry.room.phases import Phase
from inquiry.room.runner import Ctx, Outcome, Who, run


async def share_material(pool: Pool, session_id: int, who: Who, key: str | None, title: str,
                         url: str | None, pdf: bytes | None) -> Outcome:
    """An expert's link or PDF; residents see it when (or once) the expert's briefing runs."""
    async def body(ctx: Ctx) -> dict[str, Any]:
        if not 1 <= len(title.strip()) <= 200:
            raise Invalid("Give the material a title (up to 200 characters).")
        if (url is None) == (pdf is None):
            raise Invalid("Share either a link or a PDF file.")
        if url is not None and not url.startswith(("https://", "http://")):
            raise Invalid("A link starts with https:// or http://.")
        if pdf is not None and not pdf.startswith(b"%PDF"):
            raise Invalid("That file is not a PDF.")
        mid = await ctx.conn.fetchval(
            """INSERT INTO expert_materials (session_id, participant_id, title, url, pdf)
               VALUES ($1, $2, $3, $4, $5) RETURNING id""",
            ctx.session.id, ctx.actor.participant_id, title.strip(), url, pdf,
        )
        state = ctx.session.state
        if state.phase is Phase.BRIEFING and state.expert_id == ctx.actor.participant_id:
            await ctx.emit("material_shared", "public", material_payload(ctx.session.id, mid, title, url))
        return {"material_id": mid}
    return await run(pool, session_id, who, Action.SHARE_MATERIAL, key, body)


def material_payload(session_id: int, material_id: int, title: str, url: str | None) -> dict[str, Any]:
    return {"material_id": material_id, "title": title.strip(),
            "url": url or f"/s/{session_id}/materials/{material_id}"}


async def announce_materials(ctx: Ctx, expert_id: int) -> None:
    """At the start of a briefing, show the expert's materials to everyone."""
    rows = await ctx.conn.fetch(
        "SELECT id, title, url FROM expert_materials WHERE session_id = $1 AND participant_id = $2 ORDER BY id",
        ctx.session.id, expert_id,
    )
    for r in rows:
        await ctx.emit("material_shared", "public", material_payload(ctx.session.id, r["id"], r["title"], r["url"]))
