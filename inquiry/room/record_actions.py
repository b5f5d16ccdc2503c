"""The public record of a closed session: phases with times, released questions and
answers, recall answers, visible messages, a moderation summary and the ranking result.

Residents appear under their display name only if they agreed when joining
(participants.name_public); otherwise as "a resident". Nobody is named as the
author of a question.
"""

from __future__ import annotations

from typing import Any

from asyncpg import Pool

from inquiry.kernel.errors import Conflict, NotFound
from inquiry.ranking import db as ranking_ballots_db


async def session_record(pool: Pool, session_id: int) -> dict[str, Any]:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        session = await conn.fetchrow("SELECT id, title, phase FROM sessions WHERE id = $1", session_id)
        if session is None:
            raise NotFound("There is no such session.")
        if session["phase"] != "closed":
            raise Conflict("The public record is published when the session closes.")
        phases = await conn.fetch(
            """SELECT h.phase, p.display_name AS expert, h.started_at FROM session_phases h
                 LEFT JOIN participants p ON p.id = h.expert_id WHERE h.session_id = $1 ORDER BY h.id""", session_id)
        questions = await conn.fetch(
            """SELECT q.body, q.answer, p.display_name AS expert FROM questions q
                 JOIN participants p ON p.id = q.expert_id
                WHERE q.session_id = $1 AND q.status IN ('released', 'answered') ORDER BY q.released_at, q.id""",
            session_id)
        recalls = await conn.fetch(
            """SELECT r.question, r.answer, p.display_name AS expert FROM recall_requests r
                 JOIN participants p ON p.id = r.expert_id
                WHERE r.session_id = $1 AND r.status = 'answered' ORDER BY r.id""", session_id)
        messages = await conn.fetch(
            """SELECT CASE WHEN m.staff_id IS NOT NULL THEN 'Facilitator'
                           WHEN p.name_public THEN p.display_name ELSE 'a resident' END AS author,
                      m.body, m.at
                 FROM room_messages m LEFT JOIN participants p ON p.id = m.participant_id
                WHERE m.session_id = $1 AND m.hidden_reason IS NULL ORDER BY m.id""", session_id)
        ranking = await ranking_ballots_db.select_result(conn, session_id)
        moderation = await conn.fetch(
            "SELECT action, count(*) AS n FROM moderation_log WHERE session_id = $1 GROUP BY action ORDER BY action",
            session_id)
    return {
        "session_id": session_id, "title": session["title"],
        "phases": [{"phase": r["phase"], "expert": r["expert"], "started_at": r["started_at"].isoformat()}
                   for r in phases],
        "questions": [dict(r) for r in questions],
        "recalls": [dict(r) for r in recalls],
        "messages": [{"author": r["author"], "body": r["body"], "at": r["at"].isoformat()} for r in messages],
        "moderation": {r["action"]: r["n"] for r in moderation},
        "ranking": ranking,  # None when no proposal was ranked
    }
