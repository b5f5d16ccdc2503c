"""Managing the ways in: convenors, and facilitators of the inquiry, generate, revoke and
re-issue codes and links, and look after participants' access. Every change is audited
in its own transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from asyncpg import Connection, Pool

from inquiry.access import db as codes_db
from inquiry.access import people_db
from inquiry.access.people_db import InquiryBrief, SessionBrief
from inquiry.access.rules import (
    RESIDENT_KINDS,
    AccessCode,
    CodeKind,
    CodeRequest,
    CodeStatus,
    LinkRequest,
    can_manage,
)
from inquiry.kernel.audit_db import insert_audit
from inquiry.kernel.errors import Conflict, Invalid, NotAllowed, NotFound
from inquiry.kernel.roles import Role, Staff
from inquiry.kernel.tokens import hash_secret, new_code, new_secret


class Audit(StrEnum):
    CODES_GENERATED = "access.codes_generated"
    LINK_CREATED = "access.link_created"
    CODE_REVOKED = "access.code_revoked"
    CODE_REISSUED = "access.code_reissued"
    DEVICES_REVOKED = "access.devices_revoked"
    PARTICIPANT_REMOVED = "access.participant_removed"
    ACCESS_REISSUED = "access.access_reissued"


@dataclass(frozen=True, slots=True)
class Issued:
    """A new code or link; `secret` (links only) is shown once and never stored."""

    code: AccessCode
    secret: str | None = None


@dataclass(frozen=True, slots=True)
class AccessOverview:
    inquiry: InquiryBrief
    sessions: list[SessionBrief]
    codes: list[AccessCode]


async def managed_inquiry(conn: Connection, staff: Staff, inquiry_id: int) -> InquiryBrief:
    inquiry = await people_db.select_inquiry_brief(conn, inquiry_id)
    if inquiry is None:
        raise NotFound(f"There is no inquiry {inquiry_id}.")
    assigned = staff.role is Role.FACILITATOR and await people_db.select_assigned(conn, inquiry_id, staff.id)
    if not can_manage(staff, assigned):
        raise NotAllowed("Only convenors and this inquiry's facilitators manage its codes and participants.")
    return inquiry


async def overview(pool: Pool, staff: Staff, inquiry_id: int) -> AccessOverview:
    async with pool.acquire() as conn:
        inquiry = await managed_inquiry(conn, staff, inquiry_id)
        return AccessOverview(inquiry, await people_db.select_session_briefs(conn, inquiry_id),
                              await codes_db.select_codes(conn, inquiry_id))


def _expiry(days: int | None) -> datetime | None:
    return None if days is None else datetime.now(UTC) + timedelta(days=days)


async def _insert_resident_code(conn: Connection, staff: Staff, inquiry_id: int, kind: CodeKind, label: str,
                                max_uses: int | None, expires_at: datetime | None,
                                replaces: int | None = None) -> AccessCode:
    while True:  # 7.8e10 codes: a clash is rare, and drawing again settles it
        code = await codes_db.insert_code(
            conn, inquiry_id=inquiry_id, kind=kind, created_by=staff.id, code=new_code(), label=label,
            max_uses=max_uses, expires_at=expires_at, replaces=replaces,
        )
        if code is not None:
            return code


async def generate_codes(pool: Pool, staff: Staff, inquiry_id: int, request: CodeRequest) -> list[AccessCode]:
    request.check()
    max_uses = 1 if request.kind is CodeKind.RESIDENT_SINGLE else request.max_uses
    async with pool.acquire() as conn, conn.transaction():
        await managed_inquiry(conn, staff, inquiry_id)
        made = [await _insert_resident_code(conn, staff, inquiry_id, request.kind, request.label, max_uses,
                                            _expiry(request.expires_days))
                for _ in range(request.count)]
        await insert_audit(conn, Audit.CODES_GENERATED, staff_id=staff.id, inquiry_id=inquiry_id, detail={
            "kind": request.kind, "count": request.count, "label": request.label, "max_uses": max_uses,
            "expires_days": request.expires_days, "first_id": made[0].id, "last_id": made[-1].id,
        })
    return made


async def create_link(pool: Pool, staff: Staff, inquiry_id: int, request: LinkRequest) -> Issued:
    request.check()
    async with pool.acquire() as conn, conn.transaction():
        await managed_inquiry(conn, staff, inquiry_id)
        sessions = {s.id for s in await people_db.select_session_briefs(conn, inquiry_id)}
        if request.session_id is not None and request.session_id not in sessions:
            raise Invalid("That session is not part of this inquiry.")
        secret = new_secret()
        code = await codes_db.insert_code(
            conn, inquiry_id=inquiry_id, kind=request.kind, created_by=staff.id, secret_hash=hash_secret(secret),
            label=request.label.strip(), session_id=request.session_id,
            max_uses=1 if request.kind is CodeKind.EXPERT else request.max_uses,
            expires_at=_expiry(request.expires_days),
        )
        if code is None:  # secret_hash clash: 2**-256, and the unique index would say so
            raise Conflict("Could not create the link; try again.")
        await insert_audit(conn, Audit.LINK_CREATED, staff_id=staff.id, inquiry_id=inquiry_id, detail={
            "code_id": code.id, "kind": code.kind, "label": code.label, "session_id": code.session_id,
        })
    return Issued(code, secret)


async def _managed_code(conn: Connection, staff: Staff, code_id: int) -> AccessCode:
    code = await codes_db.select_code(conn, code_id, for_update=True)
    if code is None:
        raise NotFound(f"There is no code {code_id}.")
    await managed_inquiry(conn, staff, code.inquiry_id)
    return code


async def revoke_code(pool: Pool, staff: Staff, code_id: int) -> AccessCode:
    """Nobody new gets in with it; people who already joined with it stay in."""
    async with pool.acquire() as conn, conn.transaction():
        code = await _managed_code(conn, staff, code_id)
        if code.revoked_at is not None:
            raise Conflict("This code was already revoked.")
        revoked = await codes_db.update_code_revoked(conn, code_id)
        await insert_audit(conn, Audit.CODE_REVOKED, staff_id=staff.id, inquiry_id=code.inquiry_id,
                           detail={"code_id": code_id, "kind": code.kind})
    return revoked


def _renewed_expiry(code: AccessCode, now: datetime) -> datetime | None:
    """A replacement keeps the original's expiry, or if that has passed its lifetime again
    (at least a day, so a replacement never starts out expired)."""
    if code.expires_at is None or code.expires_at > now:
        return code.expires_at
    return now + max(code.expires_at - code.created_at, timedelta(days=1))


async def reissue_code(pool: Pool, staff: Staff, code_id: int) -> Issued:
    """A new code or link with the same settings replaces the old one, which is revoked."""
    now = datetime.now(UTC)
    async with pool.acquire() as conn, conn.transaction():
        old = await _managed_code(conn, staff, code_id)
        replacement = await codes_db.select_replacement(conn, code_id)
        if replacement is not None:
            raise Conflict("This code was already re-issued; re-issue its replacement instead.")
        if old.max_uses == 1 and old.uses == 1:
            raise Conflict("This was used to join. To give that person a new way in, re-issue their "
                           "access from the participants page (experts: create a new expert link).")
        secret = None
        if old.kind in RESIDENT_KINDS:
            new = await _insert_resident_code(conn, staff, old.inquiry_id, old.kind, old.label, old.max_uses,
                                              _renewed_expiry(old, now), replaces=old.id)
        else:
            secret = new_secret()
            made = await codes_db.insert_code(
                conn, inquiry_id=old.inquiry_id, kind=old.kind, created_by=staff.id,
                secret_hash=hash_secret(secret), label=old.label, session_id=old.session_id,
                max_uses=old.max_uses, expires_at=_renewed_expiry(old, now), replaces=old.id,
            )
            if made is None:
                raise Conflict("Could not create the link; try again.")
            new = made
        if old.status(now) is not CodeStatus.REVOKED:
            await codes_db.update_code_revoked(conn, old.id)
        await insert_audit(conn, Audit.CODE_REISSUED, staff_id=staff.id, inquiry_id=old.inquiry_id,
                           detail={"code_id": old.id, "new_code_id": new.id, "kind": old.kind})
    return Issued(new, secret)
