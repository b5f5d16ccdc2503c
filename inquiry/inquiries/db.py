"""Inquiries, their live sessions and their facilitators (SQL only)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime

from asyncpg import Connection, Record

from inquiry.inquiries.input import InquiryDraft
from inquiry.kernel.roles import Role, Staff

_FIELDS = ("id", "title", "question", "description", "fund_minor", "currency", "languages", "timezone",
           "created_by", "created_at")
_INQUIRY_COLUMNS = ", ".join(_FIELDS)
_INQUIRY_COLUMNS_I = ", ".join(f"i.{f}" for f in _FIELDS)


@dataclass(frozen=True, slots=True)
class Inquiry:
    id: int
    title: str
    question: str
    description: str
    fund_minor: int
    currency: str
    languages: list[str]
    timezone: str
    created_by: int
    created_at: datetime

    def draft(self) -> InquiryDraft:
        """The fields a convenor sets."""
        return InquiryDraft(title=self.title, question=self.question, description=self.description,
                            fund_minor=self.fund_minor, currency=self.currency,
                            languages=list(self.languages), timezone=self.timezone)

    def settings(self) -> dict[str, object]:
        """The fields a convenor sets, as the audit log records them."""
        return asdict(self.draft())

    def version(self) -> str:
        """A short digest of the settings: an edit form carries it to detect a concurrent change."""
        return hashlib.sha256(json.dumps(self.settings(), sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class LiveSession:
    id: int
    inquiry_id: int
    title: str
    scheduled_at: datetime
    phase: str


@dataclass(frozen=True, slots=True)
class InquirySummary:
    inquiry: Inquiry
    session_count: int
    next_session_at: datetime | None


def _inquiry(row: Record) -> Inquiry:
    return Inquiry(
        id=row["id"], title=row["title"], question=row["question"], description=row["description"],
        fund_minor=row["fund_minor"], currency=row["currency"], languages=list(row["languages"]),
        timezone=row["timezone"], created_by=row["created_by"], created_at=row["created_at"],
    )


def _session(row: Record) -> LiveSession:
    return LiveSession(id=row["id"], inquiry_id=row["inquiry_id"], title=row["title"],
                       scheduled_at=row["scheduled_at"], phase=row["phase"])


async def insert_inquiry(conn: Connection, draft: InquiryDraft, created_by: int) -> Inquiry:
    row = await conn.fetchrow(
        f"""INSERT INTO inquiries (title, question, description, fund_minor, currency, languages,
                                   timezone, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            RETURNING {_INQUIRY_COLUMNS}""",
        draft.title, draft.question, draft.description, draft.fund_minor, draft.currency,
        draft.languages, draft.timezone, created_by,
    )
    return _inquiry(row)


async def select_inquiry(conn: Connection, inquiry_id: int, for_update: bool = False) -> Inquiry | None:
    lock = "FOR UPDATE" if for_update else ""
    row = await conn.fetchrow(f"SELECT {_INQUIRY_COLUMNS} FROM inquiries WHERE id = $1 {lock}", inquiry_id)
    return None if row is None else _inquiry(row)


async def update_inquiry(conn: Connection, inquiry_id: int, draft: InquiryDraft) -> Inquiry:
    row = await conn.fetchrow(
        f"""UPDATE inquiries
               SET title = $2, question = $3, description = $4, fund_minor = $5, currency = $6,
                   languages = $7, timezone = $8
             WHERE id = $1
         RETURNING {_INQUIRY_COLUMNS}""",
        inquiry_id, draft.title, draft.question, draft.description, draft.fund_minor,
        draft.currency, draft.languages, draft.timezone,
    )
    return _inquiry(row)


async def select_inquiries(conn: Connection, facilitator_id: int | None) -> list[InquirySummary]:
    """Newest first; with `facilitator_id`, only the inquiries that facilitator is assigned to."""
    rows = await conn.fetch(
        f"""SELECT {_INQUIRY_COLUMNS_I},
                   (SELECT count(*) FROM sessions s WHERE s.inquiry_id = i.id) AS session_count,
                   (SELECT min(s.scheduled_at) FROM sessions s
                     WHERE s.inquiry_id = i.id AND s.scheduled_at > now()) AS next_session_at
              FROM inquiries i
             WHERE $1::bigint IS NULL
                OR EXISTS (SELECT 1 FROM inquiry_staff x WHERE x.inquiry_id = i.id AND x.staff_id = $1)
             ORDER BY i.id DESC""",
        facilitator_id,
    )
    return [InquirySummary(_inquiry(r), r["session_count"], r["next_session_at"]) for r in rows]


async def insert_session(conn: Connection, inquiry_id: int, title: str, scheduled_at: datetime) -> LiveSession:
    row = await conn.fetchrow(
        """INSERT INTO sessions (inquiry_id, title, scheduled_at)
           VALUES ($1, $2, $3)
           RETURNING id, inquiry_id, title, scheduled_at, phase""",
        inquiry_id, title, scheduled_at,
    )
    return _session(row)


async def select_sessions(conn: Connection, inquiry_id: int) -> list[LiveSession]:
    """In the order they are scheduled."""
    rows = await conn.fetch(
        """SELECT id, inquiry_id, title, scheduled_at, phase
             FROM sessions
            WHERE inquiry_id = $1
            ORDER BY scheduled_at, id""",
        inquiry_id,
    )
    return [_session(r) for r in rows]


def _staff(row: Record) -> Staff:
    return Staff(id=row["id"], email=row["email"], display_name=row["display_name"],
                 role=Role(row["role"]), active=row["disabled_at"] is None)


async def select_facilitators(conn: Connection, inquiry_id: int) -> list[Staff]:
    rows = await conn.fetch(
        """SELECT s.id, s.email, s.display_name, s.role, s.disabled_at
             FROM inquiry_staff x
             JOIN staff s ON s.id = x.staff_id
            WHERE x.inquiry_id = $1
            ORDER BY s.display_name, s.email""",
        inquiry_id,
    )
    return [_staff(r) for r in rows]


async def select_staff(conn: Connection, staff_id: int) -> Staff | None:
    row = await conn.fetchrow(
        "SELECT id, email, display_name, role, disabled_at FROM staff WHERE id = $1", staff_id
    )
    return None if row is None else _staff(row)


async def select_active_facilitators(conn: Connection) -> list[Staff]:
    """Every facilitator account that can sign in: the choices when assigning one."""
    rows = await conn.fetch(
        """SELECT id, email, display_name, role, disabled_at
             FROM staff
            WHERE role = 'facilitator' AND disabled_at IS NULL
            ORDER BY display_name, email"""
    )
    return [_staff(r) for r in rows]


async def select_is_assigned(conn: Connection, inquiry_id: int, staff_id: int) -> bool:
    found: bool = await conn.fetchval(
        "SELECT EXISTS (SELECT 1 FROM inquiry_staff WHERE inquiry_id = $1 AND staff_id = $2)",
        inquiry_id, staff_id,
    )
    return found


async def insert_assignment(conn: Connection, inquiry_id: int, staff_id: int) -> bool:
    """True if the facilitator was not assigned before."""
    status: str = await conn.execute(
        """INSERT INTO inquiry_staff (inquiry_id, staff_id) VALUES ($1, $2)
           ON CONFLICT DO NOTHING""",
        inquiry_id, staff_id,
    )
    return status == "INSERT 0 1"


async def delete_assignment(conn: Connection, inquiry_id: int, staff_id: int) -> bool:
    """True if the facilitator was assigned."""
    status: str = await conn.execute(
        "DELETE FROM inquiry_staff WHERE inquiry_id = $1 AND staff_id = $2", inquiry_id, staff_id
    )
    return status == "DELETE 1"
