"""Staff accounts, their signed-in browsers and their one-time links (SQL only).

Cookies and link secrets are stored as SHA-256 hashes (`inquiry.kernel.tokens`),
passwords as argon2id hashes (`inquiry.staff.passwords`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from asyncpg import Connection, Record

from inquiry.kernel.roles import Role, Staff

_COLUMNS = "id, email, display_name, role, password_hash IS NOT NULL AS has_password, disabled_at, created_at"


class AccountState(StrEnum):
    INVITED = "invited"      # no password yet: the invitation has not been accepted
    ACTIVE = "active"
    DISABLED = "disabled"


class LinkPurpose(StrEnum):
    INVITE = "invite"
    RESET = "reset"


@dataclass(frozen=True, slots=True)
class StaffAccount:
    id: int
    email: str
    display_name: str
    role: Role
    has_password: bool
    disabled_at: datetime | None
    created_at: datetime

    @property
    def state(self) -> AccountState:
        if self.disabled_at is not None:
            return AccountState.DISABLED
        return AccountState.ACTIVE if self.has_password else AccountState.INVITED

    def as_staff(self) -> Staff:
        return Staff(id=self.id, email=self.email, display_name=self.display_name, role=self.role,
                     active=self.disabled_at is None)


@dataclass(frozen=True, slots=True)
class StaffLink:
    staff_id: int
    purpose: LinkPurpose
    expires_at: datetime
    used_at: datetime | None
    expired: bool


def _account(row: Record) -> StaffAccount:
    return StaffAccount(id=row["id"], email=row["email"], display_name=row["display_name"],
                        role=Role(row["role"]), has_password=row["has_password"],
                        disabled_at=row["disabled_at"], created_at=row["created_at"])


async def insert_staff(conn: Connection, email: str, display_name: str, role: Role,
                       password_hash: str | None) -> StaffAccount | None:
    """The new account, or None if the email is already taken."""
    row = await conn.fetchrow(
        f"""INSERT INTO staff (email, display_name, role, password_hash)
            VALUES ($1, $2, $3, $4)
            ON CONFLICT (email) DO NOTHING
            RETURNING {_COLUMNS}""",
        email, display_name, str(role), password_hash,
    )
    return None if row is None else _account(row)


async def select_staff_list(conn: Connection) -> list[StaffAccount]:
    rows = await conn.fetch(f"SELECT {_COLUMNS} FROM staff ORDER BY lower(display_name), email")
    return [_account(r) for r in rows]


async def select_staff_for_update(conn: Connection, staff_id: int) -> StaffAccount | None:
    row = await conn.fetchrow(f"SELECT {_COLUMNS} FROM staff WHERE id = $1 FOR UPDATE", staff_id)
    return None if row is None else _account(row)


async def select_credentials(conn: Connection, email: str) -> tuple[StaffAccount, str | None] | None:
    """An account and its password hash, by email (stored in lower case)."""
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS}, password_hash FROM staff WHERE email = $1", email,
    )
    return None if row is None else (_account(row), row["password_hash"])


async def update_password(conn: Connection, staff_id: int, password_hash: str) -> None:
    await conn.execute("UPDATE staff SET password_hash = $2 WHERE id = $1", staff_id, password_hash)


async def update_disabled(conn: Connection, staff_id: int, disabled: bool) -> StaffAccount | None:
    row = await conn.fetchrow(
        f"""UPDATE staff SET disabled_at = CASE WHEN $2 THEN now() END
             WHERE id = $1
            RETURNING {_COLUMNS}""",
        staff_id, disabled,
    )
    return None if row is None else _account(row)


async def insert_login(conn: Connection, token_hash: bytes, staff_id: int, expires_at: datetime) -> None:
    await conn.execute(
        "INSERT INTO staff_logins (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)",
        token_hash, staff_id, expires_at,
    )


async def delete_login(conn: Connection, token_hash: bytes) -> int | None:
    """Sign one browser out; the staff id it belonged to, or None if it was not signed in."""
    staff_id: int | None = await conn.fetchval(
        "DELETE FROM staff_logins WHERE token_hash = $1 RETURNING staff_id", token_hash,
    )
    return staff_id


async def delete_logins_of(conn: Connection, staff_id: int) -> int:
    """Sign an account out everywhere; how many browsers were signed in."""
    rows = await conn.fetch("DELETE FROM staff_logins WHERE staff_id = $1 RETURNING 1", staff_id)
    return len(rows)


async def insert_link(conn: Connection, token_hash: bytes, staff_id: int, purpose: LinkPurpose,
                      created_by: int | None, expires_at: datetime) -> None:
    await conn.execute(
        """INSERT INTO staff_tokens (token_hash, staff_id, purpose, created_by, expires_at)
           VALUES ($1, $2, $3, $4, $5)""",
        token_hash, staff_id, str(purpose), created_by, expires_at,
    )


async def select_link(conn: Connection, token_hash: bytes, for_update: bool = False) -> StaffLink | None:
    row = await conn.fetchrow(
        """SELECT staff_id, purpose, expires_at, used_at, expires_at <= now() AS expired
             FROM staff_tokens
            WHERE token_hash = $1"""
        + (" FOR UPDATE" if for_update else ""),
        token_hash,
    )
    if row is None:
        return None
    return StaffLink(staff_id=row["staff_id"], purpose=LinkPurpose(row["purpose"]),
                     expires_at=row["expires_at"], used_at=row["used_at"], expired=row["expired"])


async def update_links_used(conn: Connection, staff_id: int) -> int:
    """Use up every open link of an account (a new password makes the others pointless)."""
    rows = await conn.fetch(
        "UPDATE staff_tokens SET used_at = now() WHERE staff_id = $1 AND used_at IS NULL RETURNING 1",
        staff_id,
    )
    return len(rows)
