"""What a page shows on (re)load: the current state of the room, cut to the viewer's role.

The same audience rules as the log: experts see only public parts (briefings,
released questions and answers); a withdrawn expert sees nothing but an
approved recall question addressed to them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from asyncpg import Connection, Pool

from inquiry.kernel.errors import NotAllowed, NotFound
from inquiry.questions import db as questions_db
from inquiry.questions import recall_actions
from inquiry.questions.db import Question
from inquiry.room import db as room_db
from inquiry.room import queue_actions
from inquiry.room.actions import phase_payload
from inquiry.room.permissions import Action, RoomRole
from inquiry.room.runner import Actor, Who, check, resolve


@dataclass
class RoomSnapshot:
    actor: Actor
    session_id: int
    title: str
    phase: dict[str, Any]
    last_seq: int
    slow_mode_seconds: int
    experts: dict[int, str]
    withdrawn: list[int] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    materials: list[dict[str, Any]] = field(default_factory=list)
    queue: dict[str, Any] = field(default_factory=dict)
    talk_times: list[dict[str, object]] = field(default_factory=list)
    residents_present: int = 0
    names_present: list[str] = field(default_factory=list)
    recalls: list[dict[str, Any]] = field(default_factory=list)
    recall_question: dict[str, Any] | None = None
    people: list[dict[str, Any]] = field(default_factory=list)
    inquiry_id: int | None = None


async def _messages(conn: Connection, session_id: int, actor: Actor) -> list[dict[str, Any]]:
    rows = await conn.fetch(
        """SELECT m.id, m.body, m.hidden_reason, m.participant_id, m.at,
                  coalesce(p.display_name, nullif(s.display_name, ''), s.email) AS author
             FROM room_messages m LEFT JOIN participants p ON p.id = m.participant_id
             LEFT JOIN staff s ON s.id = m.staff_id
            WHERE m.session_id = $1 ORDER BY m.id DESC LIMIT 200""", session_id)
    staff = actor.role is RoomRole.FACILITATOR
    return [dict(r) for r in reversed(rows)
            if r["hidden_reason"] is None or staff or r["participant_id"] == actor.participant_id]


async def _materials(conn: Connection, session_id: int, actor: Actor) -> list[dict[str, Any]]:
    """Materials of experts whose briefing has begun (and an expert's own)."""
    rows = await conn.fetch(
        """SELECT m.id, m.title, m.url, p.display_name AS expert FROM expert_materials m
             JOIN participants p ON p.id = m.participant_id
            WHERE m.session_id = $1
              AND (m.participant_id = $2 OR EXISTS (
                   SELECT 1 FROM session_phases h WHERE h.session_id = m.session_id
                      AND h.phase = 'briefing' AND h.expert_id = m.participant_id))
            ORDER BY m.id""", session_id, actor.participant_id)
    return [{**dict(r), "url": r["url"] or f"/s/{session_id}/materials/{r['id']}"} for r in rows]


async def snapshot(pool: Pool, session_id: int, who: Who) -> RoomSnapshot:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        session = await room_db.select_session(conn, session_id)
        if session is None:
            raise NotFound("There is no such session.")
        actor = await resolve(conn, session, who)
        experts = await room_db.select_session_experts(conn, session_id)
        snap = RoomSnapshot(actor, session_id, session.title,
                            phase_payload(session.state, experts, datetime.now(UTC)), session.last_seq,
                            session.slow_mode_seconds, experts, inquiry_id=session.inquiry_id)
        if actor.role is RoomRole.WITHDRAWN and actor.participant_id is not None:
            recall = await recall_actions.open_recall_for(conn, session_id, actor.participant_id)
            if recall is None:
                check(session, actor, Action.JOIN)
            snap.recall_question = dict(recall) if recall else None
            return snap
        check(session, actor, Action.JOIN)
        snap.withdrawn = sorted(await room_db.select_withdrawn(conn, session_id))
        snap.materials = await _materials(conn, session_id, actor)
        if actor.role is RoomRole.EXPERT:
            snap.questions = await questions_db.select_questions(conn, session_id, ["released", "answered"])
            return snap
        snap.messages = await _messages(conn, session_id, actor)
        snap.questions = await questions_db.select_questions(conn, session_id, ["open", "released", "answered"])
        snap.queue = await queue_actions.queue_state(conn, session_id)
        presence = await room_db.select_presence(conn, session_id)
        snap.residents_present = presence.residents
        snap.recalls = [dict(r) for r in await conn.fetch(
            """SELECT r.id, r.question, r.status, r.answer, p.display_name AS expert,
                      (SELECT count(*) FROM recall_votes v WHERE v.recall_id = r.id) AS votes
                 FROM recall_requests r JOIN participants p ON p.id = r.expert_id
                WHERE r.session_id = $1 ORDER BY r.id""", session_id)]
        if actor.role is RoomRole.FACILITATOR:
            snap.names_present = presence.names
            snap.talk_times = await queue_actions.talk_times(conn, session_id)
            snap.people = [dict(r) for r in await conn.fetch(
                """SELECT id, display_name, kind FROM participants
                    WHERE inquiry_id = $1 AND kind <> 'expert' AND removed_at IS NULL ORDER BY display_name""",
                session.inquiry_id)]
        return snap


def refuse_staff_only(actor: Actor) -> None:
    if actor.role is not RoomRole.FACILITATOR:
        raise NotAllowed("The console is for the session's facilitators.")
