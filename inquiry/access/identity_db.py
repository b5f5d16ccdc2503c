"""Who holds a cookie: staff logins and participant devices (SQL only)."""

from __future__ import annotations

from asyncpg import Connection, Record

from inquiry.kernel.roles import Participant, Role, Staff


def staff_from_row(row: Record) -> Staff:
    return Staff(
        id=row["id"], email=row["email"], display_name=row["display_name"],
        role=Role(row["role"]), active=row["disabled_at"] is None,
    )


async def select_staff_by_login(conn: Connection, token_hash: bytes) -> Staff | None:
    """The active staff member a live login cookie belongs to."""
    row = await conn.fetchrow(
        """SELECT s.id, s.email, s.display_name, s.role, s.disabled_at
             FROM staff_logins l
             JOIN staff s ON s.id = l.staff_id
            WHERE l.token_hash = $1
              AND l.expires_at > now()
              AND s.disabled_at IS NULL""",
        token_hash,
    )
    return None if row is None else staff_from_row(row)


async def select_participant_by_device(conn: Connection, token_hash: bytes) -> Participant | None:
    """The participant a live, unrevoked device cookie belongs to."""
    row = await conn.fetchrow(
        """SELECT p.id, p.inquiry_id, p.kind, p.session_id, p.display_name, p.name_public
             FROM devices d
             JOIN participants p ON p.id = d.participant_id
            WHERE d.token_hash = $1
              AND d.expires_at > now()
              AND d.revoked_at IS NULL
              AND p.removed_at IS NULL""",
        token_hash,
    )
    if row is None:
        return None
    return Participant(
        id=row["id"], inquiry_id=row["inquiry_id"], role=Role(row["kind"]),
        session_id=row["session_id"], display_name=row["display_name"],
        name_public=row["name_public"],
    )
