"""Staff look after participants' access: list them, revoke their devices, remove them,
or re-issue a resident's access (a new recovery code; every old device stops working)."""

from __future__ import annotations

from asyncpg import Connection, Pool

from inquiry.access import people_db
from inquiry.access.people_db import InquiryBrief, Member
from inquiry.access.rules import new_recovery_code
from inquiry.access.staff_actions import Audit, managed_inquiry
from inquiry.kernel.audit_db import insert_audit
from inquiry.kernel.errors import Conflict, Invalid, NotFound
from inquiry.kernel.roles import Role, Staff
from inquiry.kernel.tokens import hash_secret


async def list_members(pool: Pool, staff: Staff, inquiry_id: int) -> tuple[InquiryBrief, list[Member]]:
    async with pool.acquire() as conn:
        inquiry = await managed_inquiry(conn, staff, inquiry_id)
        return inquiry, await people_db.select_members(conn, inquiry_id)


async def _managed_member(conn: Connection, staff: Staff, participant_id: int) -> Member:
    member = await people_db.select_member(conn, participant_id, for_update=True)
    if member is None:
        raise NotFound(f"There is no participant {participant_id}.")
    await managed_inquiry(conn, staff, member.inquiry_id)
    if member.removed_at is not None:
        raise Conflict(f"{member.display_name} was already removed from this inquiry.")
    return member


async def revoke_devices(pool: Pool, staff: Staff, participant_id: int) -> tuple[Member, int]:
    """Sign the participant out on every phone and browser; with the number of devices revoked."""
    async with pool.acquire() as conn, conn.transaction():
        member = await _managed_member(conn, staff, participant_id)
        count = await people_db.update_devices_revoked(conn, participant_id)
        await insert_audit(conn, Audit.DEVICES_REVOKED, staff_id=staff.id, inquiry_id=member.inquiry_id,
                           detail={"participant_id": participant_id, "devices": count})
    return member, count


async def remove_participant(pool: Pool, staff: Staff, participant_id: int) -> Member:
    """Out of the inquiry for good: devices revoked, recovery code void."""
    async with pool.acquire() as conn, conn.transaction():
        member = await _managed_member(conn, staff, participant_id)
        count = await people_db.update_devices_revoked(conn, participant_id)
        await people_db.update_participant_removed(conn, participant_id)
        await insert_audit(conn, Audit.PARTICIPANT_REMOVED, staff_id=staff.id, inquiry_id=member.inquiry_id,
                           detail={"participant_id": participant_id, "devices": count})
    return member


async def reissue_access(pool: Pool, staff: Staff, participant_id: int) -> tuple[Member, str]:
    """A new recovery code for a resident (shown once to staff); old devices and code stop working."""
    async with pool.acquire() as conn, conn.transaction():
        member = await _managed_member(conn, staff, participant_id)
        if member.role is not Role.RESIDENT:
            raise Invalid("Only residents have recovery codes; for an expert or observer, create a new link.")
        count = await people_db.update_devices_revoked(conn, participant_id)
        code = new_recovery_code()
        await people_db.update_recovery_hash(conn, participant_id, hash_secret(code))
        await insert_audit(conn, Audit.ACCESS_REISSUED, staff_id=staff.id, inquiry_id=member.inquiry_id,
                           detail={"participant_id": participant_id, "devices": count})
    return member, code
