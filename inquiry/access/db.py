"""Access codes and links (SQL only)."""

from __future__ import annotations

from datetime import datetime

from asyncpg import Connection, Record

from inquiry.access.rules import AccessCode, CodeKind

COLUMNS = """id, inquiry_id, session_id, kind, code, label, max_uses, uses, expires_at,
             revoked_at, replaces, created_at"""


def _code(row: Record) -> AccessCode:
    return AccessCode(
        id=row["id"], inquiry_id=row["inquiry_id"], session_id=row["session_id"],
        kind=CodeKind(row["kind"]), code=row["code"], label=row["label"], max_uses=row["max_uses"],
        uses=row["uses"], expires_at=row["expires_at"], revoked_at=row["revoked_at"],
        replaces=row["replaces"], created_at=row["created_at"],
    )


async def insert_code(conn: Connection, *, inquiry_id: int, kind: CodeKind, created_by: int,
                      code: str | None = None, secret_hash: bytes | None = None, label: str = "",
                      session_id: int | None = None, max_uses: int | None = None,
                      expires_at: datetime | None = None, replaces: int | None = None) -> AccessCode | None:
    """The new code, or None if `code` is already taken (the caller draws another)."""
    row = await conn.fetchrow(
        f"""INSERT INTO access_codes (inquiry_id, session_id, kind, code, secret_hash, label,
                                      max_uses, expires_at, replaces, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT (code) DO NOTHING
            RETURNING {COLUMNS}""",
        inquiry_id, session_id, kind, code, secret_hash, label, max_uses, expires_at, replaces, created_by,
    )
    return None if row is None else _code(row)


async def select_codes(conn: Connection, inquiry_id: int) -> list[AccessCode]:
    """Newest first."""
    rows = await conn.fetch(
        f"SELECT {COLUMNS} FROM access_codes WHERE inquiry_id = $1 ORDER BY id DESC", inquiry_id,
    )
    return [_code(r) for r in rows]


async def select_code(conn: Connection, code_id: int, for_update: bool = False) -> AccessCode | None:
    row = await conn.fetchrow(
        f"SELECT {COLUMNS} FROM access_codes WHERE id = $1" + (" FOR UPDATE" if for_update else ""),
        code_id,
    )
    return None if row is None else _code(row)


async def select_code_by_code(conn: Connection, code: str) -> AccessCode | None:
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM access_codes WHERE code = $1", code)
    return None if row is None else _code(row)


async def select_code_by_secret(conn: Connection, secret_hash: bytes) -> AccessCode | None:
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM access_codes WHERE secret_hash = $1", secret_hash)
    return None if row is None else _code(row)


async def update_use_code(conn: Connection, code: str) -> AccessCode | None:
    """Count one use of a usable resident code, or None. One conditional UPDATE, so two
    phones racing for a single-use code cannot both get it: the second waits for the
    first's row lock, then finds `uses < max_uses` false."""
    row = await conn.fetchrow(
        f"""UPDATE access_codes SET uses = uses + 1
             WHERE code = $1
               AND kind IN ('resident_single', 'resident_open')
               AND revoked_at IS NULL
               AND (expires_at IS NULL OR expires_at > now())
               AND (max_uses IS NULL OR uses < max_uses)
            RETURNING {COLUMNS}""",
        code,
    )
    return None if row is None else _code(row)


async def update_use_link(conn: Connection, secret_hash: bytes, kind: CodeKind) -> AccessCode | None:
    """Count one use of a usable expert or observer link, or None (see `update_use_code`)."""
    row = await conn.fetchrow(
        f"""UPDATE access_codes SET uses = uses + 1
             WHERE secret_hash = $1
               AND kind = $2
               AND revoked_at IS NULL
               AND (expires_at IS NULL OR expires_at > now())
               AND (max_uses IS NULL OR uses < max_uses)
            RETURNING {COLUMNS}""",
        secret_hash, kind,
    )
    return None if row is None else _code(row)


async def update_code_revoked(conn: Connection, code_id: int) -> AccessCode:
    row = await conn.fetchrow(
        f"""UPDATE access_codes SET revoked_at = coalesce(revoked_at, now())
             WHERE id = $1
            RETURNING {COLUMNS}""",
        code_id,
    )
    return _code(row)


async def select_replacement(conn: Connection, code_id: int) -> AccessCode | None:
    """The code issued to replace `code_id`, if any."""
    row = await conn.fetchrow(f"SELECT {COLUMNS} FROM access_codes WHERE replaces = $1", code_id)
    return None if row is None else _code(row)
