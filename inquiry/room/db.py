"""Live session state, the room log, idempotent submissions and connections (SQL only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from asyncpg import Connection, Record

from inquiry.room.phases import Phase, PhaseState
from inquiry.room.servers_db import STALE


@dataclass(frozen=True, slots=True)
class LiveSession:
    id: int
    inquiry_id: int
    title: str
    state: PhaseState
    phase_started_at: datetime | None
    last_seq: int
    slow_mode_seconds: int
    recall_fraction: float


@dataclass(frozen=True, slots=True)
class RoomEvent:
    """One stored room event; `wire()` is what a client receives."""

    session_id: int
    seq: int
    type: str
    audience: str
    participant_id: int | None
    payload: dict[str, Any]
    at: datetime

    def wire(self) -> dict[str, Any]:
        return {"type": self.type, "seq": self.seq, "at": self.at.isoformat(), **self.payload}


SESSION_COLUMNS = """id, inquiry_id, title, phase, expert_id, deadline, paused_remaining,
                     phase_started_at, last_seq, slow_mode_seconds, recall_fraction"""


def session_from_row(row: Record) -> LiveSession:
    state = PhaseState(Phase(row["phase"]), row["expert_id"], row["deadline"], row["paused_remaining"])
    return LiveSession(row["id"], row["inquiry_id"], row["title"], state, row["phase_started_at"],
                       row["last_seq"], row["slow_mode_seconds"], float(row["recall_fraction"]))


async def select_session(conn: Connection, session_id: int, lock: str = "") -> LiveSession | None:
    """`lock` is '', 'FOR SHARE' or 'FOR UPDATE' (a fixed choice, never user input)."""
    if lock not in ("", "FOR SHARE", "FOR UPDATE"):
        raise ValueError(f"unknown lock mode {lock!r}")
    row = await conn.fetchrow(f"SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1 {lock}", session_id)
    return None if row is None else session_from_row(row)


async def update_session_state(conn: Connection, session_id: int, state: PhaseState,
                               new_phase: bool) -> None:
    await conn.execute(
        """UPDATE sessions
              SET phase = $2, expert_id = $3, deadline = $4, paused_remaining = $5,
                  deadline_announced = false,
                  phase_started_at = CASE WHEN $6 THEN now() ELSE phase_started_at END
            WHERE id = $1""",
        session_id, state.phase.value, state.expert_id, state.deadline, state.paused_remaining, new_phase,
    )


async def update_slow_mode(conn: Connection, session_id: int, seconds: int) -> None:
    await conn.execute("UPDATE sessions SET slow_mode_seconds = $2 WHERE id = $1", session_id, seconds)


async def insert_phase_history(conn: Connection, session_id: int, phase: Phase, expert_id: int | None,
                               staff_id: int | None) -> None:
    await conn.execute(
        "INSERT INTO session_phases (session_id, phase, expert_id, staff_id) VALUES ($1, $2, $3, $4)",
        session_id, phase.value, expert_id, staff_id,
    )


async def insert_event(conn: Connection, session_id: int, type_: str, audience: str,
                       participant_id: int | None, payload: dict[str, Any]) -> RoomEvent:
    """Number the event with the session's next sequence number (the caller holds the row lock)."""
    row = await conn.fetchrow(
        """WITH next AS (
               UPDATE sessions SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq)
           INSERT INTO room_events (session_id, seq, type, audience, participant_id, payload)
           SELECT $1, last_seq, $2, $3, $4, $5::jsonb FROM next
           RETURNING seq, at""",
        session_id, type_, audience, participant_id, json.dumps(payload),
    )
    return RoomEvent(session_id, row["seq"], type_, audience, participant_id, payload, row["at"])


async def select_events(conn: Connection, session_id: int, after: int, audiences: list[str],
                        participant_id: int | None, limit: int) -> list[RoomEvent]:
    """Events after `after` in one of `audiences`, plus those for `participant_id` alone."""
    rows = await conn.fetch(
        """SELECT seq, type, audience, participant_id, payload::text AS payload, at
             FROM room_events
            WHERE session_id = $1 AND seq > $2
              AND (audience = any($3::text[]) OR (audience = 'person' AND participant_id = $4))
            ORDER BY seq
            LIMIT $5""",
        session_id, after, audiences, participant_id, limit,
    )
    return [event_from_row(session_id, r) for r in rows]


def event_from_row(session_id: int, r: Record) -> RoomEvent:
    return RoomEvent(session_id, r["seq"], r["type"], r["audience"], r["participant_id"],
                     json.loads(r["payload"]), r["at"])


async def claim_submission(conn: Connection, session_id: int, actor: str, key: str) -> bool:
    """True if this key is new; a concurrent twin waits for the first to commit."""
    row = await conn.fetchval(
        """INSERT INTO room_submissions (session_id, actor, key) VALUES ($1, $2, $3)
           ON CONFLICT DO NOTHING RETURNING 1""",
        session_id, actor, key,
    )
    return row is not None


async def select_submission_ack(conn: Connection, session_id: int, actor: str, key: str) -> dict[str, Any]:
    raw = await conn.fetchval(
        "SELECT ack::text FROM room_submissions WHERE session_id = $1 AND actor = $2 AND key = $3",
        session_id, actor, key,
    )
    ack: dict[str, Any] = json.loads(raw) if raw else {}
    return ack


async def update_submission_ack(conn: Connection, session_id: int, actor: str, key: str,
                                ack: dict[str, Any]) -> None:
    await conn.execute(
        "UPDATE room_submissions SET ack = $4::jsonb WHERE session_id = $1 AND actor = $2 AND key = $3",
        session_id, actor, key, json.dumps(ack),
    )


async def select_session_experts(conn: Connection, session_id: int) -> dict[int, str]:
    rows = await conn.fetch(
        """SELECT id, display_name FROM participants
            WHERE session_id = $1 AND kind = 'expert' AND removed_at IS NULL ORDER BY id""",
        session_id,
    )
    return {r["id"]: r["display_name"] for r in rows}


async def select_active_experts(conn: Connection, session_id: int) -> list[int]:
    """Experts of the session who have not withdrawn (they receive `public` events)."""
    rows = await conn.fetch(
        """SELECT id FROM participants p
            WHERE session_id = $1 AND kind = 'expert' AND removed_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM expert_withdrawals w
                               WHERE w.session_id = p.session_id AND w.participant_id = p.id)
            ORDER BY id""",
        session_id,
    )
    return [r["id"] for r in rows]


async def select_withdrawn(conn: Connection, session_id: int) -> frozenset[int]:
    rows = await conn.fetch("SELECT participant_id FROM expert_withdrawals WHERE session_id = $1", session_id)
    return frozenset(r["participant_id"] for r in rows)


async def insert_withdrawal(conn: Connection, session_id: int, participant_id: int, staff_id: int) -> None:
    await conn.execute(
        "INSERT INTO expert_withdrawals (session_id, participant_id, staff_id) VALUES ($1, $2, $3)",
        session_id, participant_id, staff_id,
    )


async def is_staff_of_inquiry(conn: Connection, staff_id: int, inquiry_id: int) -> bool:
    found = await conn.fetchval(
        "SELECT 1 FROM inquiry_staff WHERE staff_id = $1 AND inquiry_id = $2", staff_id, inquiry_id)
    return found is not None


async def insert_expert_mark(conn: Connection, mark_hash: bytes, participant_id: int) -> None:
    await conn.execute(
        "INSERT INTO expert_marks (mark_hash, participant_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        mark_hash, participant_id,
    )


async def marks_withdrawn_expert(conn: Connection, mark_hashes: list[bytes], session_id: int) -> bool:
    """Whether one of the browser's expert marks belongs to an expert withdrawn from the session."""
    found = await conn.fetchval(
        """SELECT 1 FROM expert_marks m
             JOIN expert_withdrawals w ON w.participant_id = m.participant_id
            WHERE m.mark_hash = any($1::bytea[]) AND w.session_id = $2 LIMIT 1""",
        mark_hashes, session_id,
    )
    return found is not None


async def insert_connection(conn: Connection, sid: str, session_id: int, server_id: str, role: str,
                            participant_id: int | None, staff_id: int | None) -> None:
    await conn.execute(
        """INSERT INTO room_connections (sid, session_id, server_id, role, participant_id, staff_id)
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (sid) DO NOTHING""",
        sid, session_id, server_id, role, participant_id, staff_id,
    )


async def delete_connection(conn: Connection, sid: str) -> int | None:
    """Forget a connection; returns its session id."""
    session_id: int | None = await conn.fetchval(
        "DELETE FROM room_connections WHERE sid = $1 RETURNING session_id", sid)
    return session_id


async def select_participant_sids(conn: Connection, session_id: int, participant_id: int) -> list[str]:
    rows = await conn.fetch(
        "SELECT sid FROM room_connections WHERE session_id = $1 AND participant_id = $2",
        session_id, participant_id,
    )
    return [r["sid"] for r in rows]


@dataclass(frozen=True, slots=True)
class Presence:
    residents: int
    names: list[str]


async def select_presence(conn: Connection, session_id: int) -> Presence:
    """Residents present (counted once however many tabs) and everyone's names, for facilitators.

    Only connections held by a live process count (room_servers_db: heartbeat within STALE).
    """
    rows = await conn.fetch(
        """SELECT DISTINCT c.role, coalesce(p.display_name, s.display_name, s.email) AS name,
                  coalesce(c.participant_id, -c.staff_id) AS who
             FROM room_connections c
             LEFT JOIN participants p ON p.id = c.participant_id
             LEFT JOIN staff s ON s.id = c.staff_id
             JOIN room_servers r ON r.server_id = c.server_id AND r.heartbeat_at > now() - $2::interval
            WHERE c.session_id = $1
            ORDER BY name""",
        session_id, STALE,
    )
    residents = sum(1 for r in rows if r["role"] == "resident")
    return Presence(residents, [f"{r['name']} ({r['role']})" for r in rows])


async def select_due_deadlines(conn: Connection) -> list[int]:
    """Sessions whose timer has just run out; each is returned once, by one process."""
    rows = await conn.fetch(
        """UPDATE sessions SET deadline_announced = true
            WHERE deadline < now() AND NOT deadline_announced RETURNING id""")
    return [r["id"] for r in rows]


def remaining(deadline: datetime | None, now: datetime) -> timedelta | None:
    return None if deadline is None else max(deadline - now, timedelta(0))
