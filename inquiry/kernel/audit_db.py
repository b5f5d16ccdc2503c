"""The audit log: configuration, publication and cancellation, who and when (SQL only)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asyncpg import Connection


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    inquiry_id: int | None
    staff_id: int | None
    staff_email: str | None
    action: str
    detail: dict[str, Any]
    at: datetime


async def insert_audit(conn: Connection, action: str, *, staff_id: int | None,
                       inquiry_id: int | None = None, detail: dict[str, Any] | None = None) -> None:
    """Record one change. Call inside the transaction that makes the change."""
    await conn.execute(
        """INSERT INTO audit_log (inquiry_id, staff_id, action, detail)
           VALUES ($1, $2, $3, $4::jsonb)""",
        inquiry_id, staff_id, action, json.dumps(detail or {}),
    )


async def select_audit(conn: Connection, inquiry_id: int | None, limit: int = 500) -> list[AuditEntry]:
    """Newest first; `inquiry_id=None` lists entries not tied to an inquiry (staff accounts)."""
    rows = await conn.fetch(
        """SELECT a.id, a.inquiry_id, a.staff_id, s.email, a.action, a.detail::text AS detail, a.at
             FROM audit_log a
             LEFT JOIN staff s ON s.id = a.staff_id
            WHERE a.inquiry_id IS NOT DISTINCT FROM $1
            ORDER BY a.id DESC
            LIMIT $2""",
        inquiry_id, limit,
    )
    return [
        AuditEntry(r["id"], r["inquiry_id"], r["staff_id"], r["email"], r["action"],
                   json.loads(r["detail"]), r["at"])
        for r in rows
    ]
