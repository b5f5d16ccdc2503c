"""Sanctions and the moderation log (SQL only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from asyncpg import Connection


@dataclass(frozen=True, slots=True)
class ModerationEntry:
    at: datetime
    staff: str
    action: str
    participant: str | None
    message_id: int | None
    reason: str


async def insert_moderation(conn: Connection, session_id: int, staff_id: int, action: str,
                            participant_id: int | None, message_id: int | None, reason: str) -> None:
    await conn.execute(
        """INSERT INTO moderation_log (session_id, staff_id, action, participant_id, message_id, reason)
           VALUES ($1, $2, $3, $4, $5, $6)""",
        session_id, staff_id, action, participant_id, message_id, reason)


async def select_moderation(conn: Connection, session_id: int) -> list[ModerationEntry]:
    rows = await conn.fetch(
        """SELECT m.at, coalesce(nullif(s.display_name, ''), s.email) AS staff, m.action,
                  p.display_name AS participant, m.message_id, m.reason
             FROM moderation_log m JOIN staff s ON s.id = m.staff_id
             LEFT JOIN participants p ON p.id = m.participant_id
            WHERE m.session_id = $1 ORDER BY m.id""", session_id)
    return [ModerationEntry(**dict(r)) for r in rows]


async def upsert_sanction(conn: Connection, session_id: int, participant_id: int, kind: str,
                          minutes: int | None) -> None:
    await conn.execute(
        """INSERT INTO room_sanctions (session_id, participant_id, kind, until)
           VALUES ($1, $2, $3, CASE WHEN $4::int IS NULL THEN NULL ELSE now() + make_interval(mins => $4::int) END)
           ON CONFLICT (session_id, participant_id, kind) DO UPDATE SET until = excluded.until""",
        session_id, participant_id, kind, minutes)


async def delete_sanction(conn: Connection, session_id: int, participant_id: int, kind: str) -> None:
    await conn.execute(
        "DELETE FROM room_sanctions WHERE session_id = $1 AND participant_id = $2 AND kind = $3",
        session_id, participant_id, kind)
