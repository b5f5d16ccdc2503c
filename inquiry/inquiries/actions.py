"""Use cases for inquiries: create, edit, list, sessions, facilitators, audit.

Who may do what is the table `ALLOWED`: convenors do everything on every
inquiry; a facilitator sees the inquiries they are assigned to and adds
sessions to them, and changes nothing else (no fund, no settings, no staff).
Every change writes an audit entry, with before/after, in its own transaction.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from asyncpg import Connection, Pool

from inquiry.inquiries import db
from inquiry.inquiries.input import (
    SESSION_TITLE_MAX,
    InquiryDraft,
    check_draft,
    check_schedule,
    check_text,
)
from inquiry.kernel.audit_db import AuditEntry, insert_audit, select_audit
from inquiry.kernel.errors import Conflict, Invalid, NotAllowed, NotFound
from inquiry.kernel.roles import Role, Staff


class Can(StrEnum):
    CREATE = "create inquiries"
    EDIT = "change an inquiry's settings"
    ASSIGN = "assign facilitators"
    ADD_SESSION = "add sessions"
    READ_AUDIT = "read the audit log"
    VIEW = "view inquiries"


ALLOWED: dict[Role, frozenset[Can]] = {
    Role.CONVENOR: frozenset(Can),
    Role.FACILITATOR: frozenset({Can.VIEW, Can.ADD_SESSION}),
}
# Facilitators act only on inquiries they are assigned to; convenors on all.
SCOPED_TO_ASSIGNMENT = frozenset({Role.FACILITATOR})


class Audit(StrEnum):
    CREATED = "inquiry.created"
    UPDATED = "inquiry.updated"
    SESSION_ADDED = "session.added"
    FACILITATOR_ASSIGNED = "facilitator.assigned"
    FACILITATOR_UNASSIGNED = "facilitator.unassigned"


@dataclass(frozen=True, slots=True)
class InquiryDetail:
    inquiry: db.Inquiry
    sessions: list[db.LiveSession]
    facilitators: list[Staff]


def check_allowed(staff: Staff, can: Can) -> None:
    if can not in ALLOWED.get(staff.role, frozenset()):
        raise NotAllowed(f"A {staff.role} account cannot {can}; ask a convenor.")


async def _visible_inquiry(conn: Connection, staff: Staff, inquiry_id: int, can: Can,
                           for_update: bool = False) -> db.Inquiry:
    """The inquiry if `staff` may `can` on it. Unassigned facilitators get 404: they do not learn it exists."""
    check_allowed(staff, can)
    inquiry = await db.select_inquiry(conn, inquiry_id, for_update=for_update)
    if inquiry is None or (staff.role in SCOPED_TO_ASSIGNMENT
                           and not await db.select_is_assigned(conn, inquiry_id, staff.id)):
        raise NotFound(f"There is no inquiry {inquiry_id} that you can see.")
    return inquiry


async def create_inquiry(pool: Pool, staff: Staff, draft: InquiryDraft) -> db.Inquiry:
    check_allowed(staff, Can.CREATE)
    checked = check_draft(draft)
    async with pool.acquire() as conn, conn.transaction():
        inquiry = await db.insert_inquiry(conn, checked, staff.id)
        await insert_audit(conn, Audit.CREATED, staff_id=staff.id, inquiry_id=inquiry.id,
                           detail={"before": None, "after": inquiry.settings()})
    return inquiry


async def update_inquiry(pool: Pool, staff: Staff, inquiry_id: int, changes: dict[str, Any],
                         expected_version: str | None = None) -> db.Inquiry:
    """Apply the given settings; an audit entry names only the fields that changed.

    With `expected_version` (what the edit form was loaded with), a change made by
    someone else in between is refused (Conflict) instead of silently overwritten."""
    known = {f.name for f in fields(InquiryDraft)}
    unknown = sorted(set(changes) - known)
    if unknown:
        raise Invalid(f"Unknown settings: {', '.join(unknown)}.")
    cleared = sorted(k for k, v in changes.items() if v is None)
    if cleared:
        raise Invalid(f"These settings cannot be empty (null): {', '.join(cleared)}.")
    async with pool.acquire() as conn, conn.transaction():
        current = await _visible_inquiry(conn, staff, inquiry_id, Can.EDIT, for_update=True)
        if expected_version is not None and expected_version != current.version():
            raise Conflict("Someone else changed this inquiry while you were editing it. The form now shows "
                           "what you typed; check the current settings, then save again to replace them.")
        before = current.draft()
        after = check_draft(replace(before, **changes))
        old, new = asdict(before), asdict(after)
        changed = [k for k in old if old[k] != new[k]]
        if not changed:
            return current
        updated = await db.update_inquiry(conn, inquiry_id, after)
        await insert_audit(conn, Audit.UPDATED, staff_id=staff.id, inquiry_id=inquiry_id,
                           detail={"before": {k: old[k] for k in changed}, "after": {k: new[k] for k in changed}})
    return updated


async def list_inquiries(pool: Pool, staff: Staff) -> list[db.InquirySummary]:
    check_allowed(staff, Can.VIEW)
    scope = staff.id if staff.role in SCOPED_TO_ASSIGNMENT else None
    async with pool.acquire() as conn:
        return await db.select_inquiries(conn, scope)


async def get_inquiry(pool: Pool, staff: Staff, inquiry_id: int) -> InquiryDetail:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        inquiry = await _visible_inquiry(conn, staff, inquiry_id, Can.VIEW)
        return InquiryDetail(inquiry, await db.select_sessions(conn, inquiry_id),
                             await db.select_facilitators(conn, inquiry_id))


async def list_sessions(pool: Pool, staff: Staff, inquiry_id: int) -> list[db.LiveSession]:
    async with pool.acquire() as conn:
        await _visible_inquiry(conn, staff, inquiry_id, Can.VIEW)
        return await db.select_sessions(conn, inquiry_id)


async def add_session(pool: Pool, staff: Staff, inquiry_id: int, title: str,
                      scheduled_at: datetime) -> db.LiveSession:
    title = check_text(title, "session title", SESSION_TITLE_MAX)
    scheduled_at = check_schedule(scheduled_at)
    async with pool.acquire() as conn, conn.transaction():
        await _visible_inquiry(conn, staff, inquiry_id, Can.ADD_SESSION, for_update=True)
        session = await db.insert_session(conn, inquiry_id, title, scheduled_at)
        await insert_audit(conn, Audit.SESSION_ADDED, staff_id=staff.id, inquiry_id=inquiry_id,
                           detail={"before": None, "after": {"session_id": session.id, "title": title,
                                                             "scheduled_at": scheduled_at.isoformat()}})
    return session


async def _facilitator(conn: Connection, staff_id: int) -> Staff:
    person = await db.select_staff(conn, staff_id)
    if person is None:
        raise NotFound(f"There is no staff account {staff_id}.")
    if person.role is not Role.FACILITATOR:
        raise Invalid(f"{person.email} is a {person.role}, not a facilitator; convenors already see every inquiry.")
    return person


async def assign_facilitator(pool: Pool, staff: Staff, inquiry_id: int, staff_id: int) -> Staff:
    async with pool.acquire() as conn, conn.transaction():
        await _visible_inquiry(conn, staff, inquiry_id, Can.ASSIGN, for_update=True)
        person = await _facilitator(conn, staff_id)
        if not person.active:
            raise Conflict(f"{person.email} is disabled and cannot be assigned.")
        if await db.insert_assignment(conn, inquiry_id, staff_id):
            await insert_audit(conn, Audit.FACILITATOR_ASSIGNED, staff_id=staff.id, inquiry_id=inquiry_id,
                               detail={"before": None, "after": {"staff_id": staff_id, "email": person.email}})
    return person


async def facilitator_choices(pool: Pool, staff: Staff, detail: InquiryDetail) -> list[Staff]:
    """Active facilitators not yet assigned; empty for someone who cannot assign."""
    if Can.ASSIGN not in ALLOWED.get(staff.role, frozenset()):
        return []
    assigned = {f.id for f in detail.facilitators}
    async with pool.acquire() as conn:
        return [f for f in await db.select_active_facilitators(conn) if f.id not in assigned]


async def unassign_facilitator(pool: Pool, staff: Staff, inquiry_id: int, staff_id: int) -> None:
    async with pool.acquire() as conn, conn.transaction():
        await _visible_inquiry(conn, staff, inquiry_id, Can.ASSIGN, for_update=True)
        person = await _facilitator(conn, staff_id)
        if not await db.delete_assignment(conn, inquiry_id, staff_id):
            raise NotFound(f"{person.email} is not assigned to this inquiry.")
        await insert_audit(conn, Audit.FACILITATOR_UNASSIGNED, staff_id=staff.id, inquiry_id=inquiry_id,
                           detail={"before": {"staff_id": staff_id, "email": person.email}, "after": None})


async def read_audit(pool: Pool, staff: Staff, inquiry_id: int) -> tuple[db.Inquiry, list[AuditEntry]]:
    async with pool.acquire() as conn:
        inquiry = await _visible_inquiry(conn, staff, inquiry_id, Can.READ_AUDIT)
        return inquiry, await select_audit(conn, inquiry_id)
