"""Rows for tests, written straight to the test's own database.

Use these to set up what a test is *not* about (a test of joining needs an
inquiry; it does not need to create it through the convenor pages). Each
returns ids or the cookie values a browser would hold.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from asyncpg import Connection

from inquiry.kernel.tokens import hash_secret, new_secret


async def make_staff(conn: Connection, email: str = "convenor@example.org", role: str = "convenor",
                     password_hash: str | None = None, name: str = "") -> int:
    staff_id: int = await conn.fetchval(
        """INSERT INTO staff (email, display_name, role, password_hash)
           VALUES ($1, $2, $3, $4) RETURNING id""",
        email, name or email.split("@")[0].title(), role, password_hash,
    )
    return staff_id


async def login_cookie(conn: Connection, staff_id: int) -> str:
    """The value of an `oxp_staff` cookie signed in as `staff_id`."""
    token = new_secret()
    await conn.execute(
        "INSERT INTO staff_logins (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)",
        hash_secret(token), staff_id, datetime.now(UTC) + timedelta(days=1),
    )
    return token


async def make_inquiry(conn: Connection, created_by: int, title: str = "Green streets",
                       fund_minor: int = 5_000_000, currency: str = "EUR") -> int:
    inquiry_id: int = await conn.fetchval(
        """INSERT INTO inquiries (title, question, description, fund_minor, currency, created_by)
           VALUES ($1, 'How should we spend the street fund?', '', $2, $3, $4) RETURNING id""",
        title, fund_minor, currency, created_by,
    )
    return inquiry_id


async def make_session(conn: Connection, inquiry_id: int, title: str = "Session 1") -> int:
    session_id: int = await conn.fetchval(
        """INSERT INTO sessions (inquiry_id, title, scheduled_at)
           VALUES ($1, $2, now() + interval '1 day') RETURNING id""",
        inquiry_id, title,
    )
    return session_id


async def make_participant(conn: Connection, inquiry_id: int, kind: str = "resident",
                           name: str = "Resident", session_id: int | None = None,
                           name_public: bool = False) -> tuple[int, str]:
    """A participant with one device; returns (participant id, `oxp_device` cookie value)."""
    participant_id: int = await conn.fetchval(
        """INSERT INTO participants (inquiry_id, kind, session_id, display_name, name_public)
           VALUES ($1, $2, $3, $4, $5) RETURNING id""",
        inquiry_id, kind, session_id, name, name_public,
    )
    token = new_secret()
    await conn.execute(
        "INSERT INTO devices (token_hash, participant_id, expires_at) VALUES ($1, $2, $3)",
        hash_secret(token), participant_id, datetime.now(UTC) + timedelta(days=30),
    )
    return participant_id, token
