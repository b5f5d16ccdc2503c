"""Participants, their devices and recovery codes, as the ways in need them (SQL only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from asyncpg import Connection, Record

from inquiry.kernel.roles import Role


@dataclass(frozen=True, slots=True)
class Member:
    """A participant as staff see them on the participants page."""

    id: int
    inquiry_id: int
    role: Role
    session_id: int | None
    display_name: str
    name_public: bool
    code_label: str | None
    live_devices: int
    removed_at: datetime | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class InquiryBrief:
    id: int
    title: str
    question: str


@dataclass(frozen=True, slots=True)
class SessionBrief:
    id: int
    title: str
    scheduled_at: datetime
    phase: str


MEMBER_SQL = """SELECT p.id, p.inquiry_id, p.kind, p.session_id, p.display_name, p.name_public,
                       c.label AS code_label, p.removed_at, p.created_at,
                       (SELECT count(*) FROM devices d
                         WHERE d.participant_id = p.id AND d.revoked_at IS NULL
                           AND d.expires_at > now()) AS live_devices
                  FROM participants p
                  LEFT JOIN access_codes c ON c.id = p.code_id"""


def _member(row: Record) -> Member:
    return Member(
        id=row["id"], inquiry_id=row["inquiry_id"], role=Role(row["kind"]), session_id=row["session_id"],
        display_name=row["display_name"], name_public=row["name_public"], code_label=row["code_label"],
        live_devices=row["live_devices"], removed_at=row["removed_at"], created_at=row["created_at"],
    )


async def insert_participant(conn: Connection, *, inquiry_id: int, role: Role, display_name: str,
                             name_public: bool, code_id: int | None, session_id: int | None = None,
                             recovery_hash: bytes | None = None) -> int:
    participant_id: int = await conn.fetchval(
        """INSERT INTO participants (inquiry_id, kind, session_id, code_id, display_name, name_public,
                                     recovery_hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           RETURNING id""",
        inquiry_id, role, session_id, code_id, display_name, name_public, recovery_hash,
    )
    return participant_id


async def insert_device(conn: Connection, participant_id: int, token_hash: bytes, days: int) -> None:
    await conn.execute(
        """INSERT INTO devices (token_hash, participant_id, expires_at)
           VALUES ($1, $2, now() + make_interval(days => $3))""",
        token_hash, participant_id, days,
    )


async def select_member(conn: Connection, participant_id: int, for_update: bool = False) -> Member | None:
    lock = " FOR UPDATE OF p" if for_update else ""
    row = await conn.fetchrow(MEMBER_SQL + " WHERE p.id = $1" + lock, participant_id)
    return None if row is None else _member(row)


async def select_members(conn: Connection, inquiry_id: int) -> list[Member]:
    """Present participants first, then removed ones; oldest first within each."""
    rows = await conn.fetch(
        MEMBER_SQL + " WHERE p.inquiry_id = $1 ORDER BY p.removed_at IS NOT NULL, p.id", inquiry_id,
    )
    return [_member(r) for r in rows]


async def select_resident_by_recovery(conn: Connection, recovery_hash: bytes) -> Member | None:
    row = await conn.fetchrow(
        MEMBER_SQL + " WHERE p.recovery_hash = $1 AND p.kind = 'resident' AND p.removed_at IS NULL",
        recovery_hash,
    )
    return None if row is None else _member(row)


async def update_recovery_hash(conn: Connection, participant_id: int, recovery_hash: bytes) -> None:
    await conn.execute("UPDATE participants SET recovery_hash = $2 WHERE id = $1", participant_id, recovery_hash)


async def update_devices_revoked(conn: Connection, participant_id: int) -> int:
    """Revoke every live device of the participant; the number revoked."""
    rows = await conn.fetch(
        """UPDATE devices SET revoked_at = now()
            WHERE participant_id = $1 AND revoked_at IS NULL
           RETURNING token_hash""",
        participant_id,
    )
    return len(rows)


async def update_participant_removed(conn: Connection, participant_id: int) -> None:
    # The recovery hash goes too: a removed resident's code must not work again.
    await conn.execute(
        """UPDATE participants SET removed_at = coalesce(removed_at, now()), recovery_hash = NULL
            WHERE id = $1""",
        participant_id,
    )


async def select_inquiry_brief(conn: Connection, inquiry_id: int) -> InquiryBrief | None:
    row = await conn.fetchrow("SELECT id, title, question FROM inquiries WHERE id = $1", inquiry_id)
    return None if row is None else InquiryBrief(row["id"], row["title"], row["question"])


async def select_session_briefs(conn: Connection, inquiry_id: int) -> list[SessionBrief]:
    rows = await conn.fetch(
        """SELECT id, title, scheduled_at, phase FROM sessions
            WHERE inquiry_id = $1 ORDER BY scheduled_at, id""",
        inquiry_id,
    )
    return [SessionBrief(r["id"], r["title"], r["scheduled_at"], r["phase"]) for r in rows]


async def select_assigned(conn: Connection, inquiry_id: int, staff_id: int) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM inquiry_staff WHERE inquiry_id = $1 AND staff_id = $2)",
        inquiry_id, staff_id,
    )
    return found
