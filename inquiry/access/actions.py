"""Getting in: residents join with a code, come back with a recovery code; experts and
observers follow their links. Each attempt is one transaction; wrong guesses are
counted per client address and per code, across server processes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from asyncpg import Connection, Pool

from inquiry.access import db as codes_db
from inquiry.access import people_db
from inquiry.access.people_db import InquiryBrief, SessionBrief
from inquiry.access.rules import (
    FAILURE_LIMIT,
    FAILURE_WINDOW_SECONDS,
    AccessCode,
    CodeKind,
    check_display_name,
    new_recovery_code,
    parse_code,
    parse_recovery_code,
    participant_role,
    refusal,
)
from inquiry.kernel import ratelimit_db
from inquiry.kernel.errors import Conflict, Gone, Invalid, NotAllowed, NotFound, TooMany
from inquiry.kernel.roles import Participant, Role
from inquiry.kernel.tokens import hash_secret, new_secret

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Home:
    inquiry: InquiryBrief
    sessions: list[SessionBrief]


@dataclass(frozen=True, slots=True)
class Joined:
    """A new device for a participant; `recovery_code` only when a resident first joins."""

    participant_id: int
    inquiry_id: int
    role: Role
    device_token: str
    recovery_code: str | None = None


@dataclass(frozen=True, slots=True)
class Invitation:
    """Where a code or link leads, shown before it is used."""

    code: AccessCode
    inquiry: InquiryBrief
    session: SessionBrief | None


async def _refuse_if_throttled(conn: Connection, buckets: list[str]) -> None:
    for bucket in buckets:
        wait = await ratelimit_db.blocked(conn, bucket, FAILURE_LIMIT, FAILURE_WINDOW_SECONDS)
        if wait is not None:
            whom = "this code" if bucket.startswith("access-code:") else "your connection"
            raise TooMany(f"Too many wrong tries from {whom}. Wait {wait} seconds, check the "
                          "code carefully, and try again.", retry_after=wait)


async def guarded(pool: Pool, buckets: list[str], attempt: Callable[[Connection], Awaitable[T]]) -> T:
    """Run `attempt` in a transaction unless a bucket is throttled; count its refusals."""
    async with pool.acquire() as conn:
        await _refuse_if_throttled(conn, buckets)
        try:
            async with conn.transaction():
                return await attempt(conn)
        except (Invalid, NotFound, Gone):
            # The attempt's transaction rolled back; the failure must still count.
            async with conn.transaction():
                for bucket in buckets:
                    await ratelimit_db.hit(conn, bucket, FAILURE_LIMIT, FAILURE_WINDOW_SECONDS)
            raise


def buckets_for(client: str, code: str | None = None) -> list[str]:
    return [f"access-addr:{client}"] + ([f"access-code:{code}"] if code else [])


def _code_key(typed: str) -> str | None:
    try:
        return parse_code(typed)
    except Invalid:
        return None


def _refuse_second_join(current: Participant | None, inquiry_id: int) -> None:
    if current is not None and current.inquiry_id == inquiry_id:
        raise Conflict(f"This browser has already joined this inquiry as {current.display_name}. "
                       "Someone else should join on their own phone or browser.")


async def _inquiry_of(conn: Connection, code: AccessCode) -> Invitation:
    inquiry = await people_db.select_inquiry_brief(conn, code.inquiry_id)
    if inquiry is None:
        raise NotFound("This inquiry no longer exists.")
    sessions = await people_db.select_session_briefs(conn, code.inquiry_id)
    session = next((s for s in sessions if s.id == code.session_id), None)
    return Invitation(code, inquiry, session)


async def check_code(pool: Pool, typed: str, client: str) -> Invitation:
    """Where a resident code leads, without using it (a link preview must not burn a code)."""

    async def attempt(conn: Connection) -> Invitation:
        code = parse_code(typed)
        found = await codes_db.select_code_by_code(conn, code)
        if found is None or not found.usable(datetime.now(UTC)):
            raise refusal(found, code, datetime.now(UTC))
        return await _inquiry_of(conn, found)

    return await guarded(pool, buckets_for(client, _code_key(typed)), attempt)


async def peek_code(pool: Pool, typed: str) -> Invitation | None:
    """Where a usable code leads, or None; not counted (for showing a form again after an error)."""
    try:
        code = parse_code(typed)
    except Invalid:
        return None
    async with pool.acquire() as conn:
        found = await codes_db.select_code_by_code(conn, code)
        if found is None or not found.usable(datetime.now(UTC)):
            return None
        return await _inquiry_of(conn, found)


async def join(pool: Pool, typed: str, display_name: str, name_public: bool, *, client: str,
               device_days: int, current: Participant | None) -> Joined:
    """Use one resident code: a new resident with a device and a recovery code shown once."""
    name = check_display_name(display_name)

    async def attempt(conn: Connection) -> Joined:
        code = parse_code(typed)
        used = await codes_db.update_use_code(conn, code)
        if used is None:
            raise refusal(await codes_db.select_code_by_code(conn, code), code, datetime.now(UTC))
        _refuse_second_join(current, used.inquiry_id)
        recovery = new_recovery_code()
        participant_id = await people_db.insert_participant(
            conn, inquiry_id=used.inquiry_id, role=Role.RESIDENT, display_name=name,
            name_public=name_public, code_id=used.id, recovery_hash=hash_secret(recovery),
        )
        token = new_secret()
        await people_db.insert_device(conn, participant_id, hash_secret(token), device_days)
        return Joined(participant_id, used.inquiry_id, Role.RESIDENT, token, recovery)

    return await guarded(pool, buckets_for(client, _code_key(typed)), attempt)


async def recover(pool: Pool, typed: str, *, client: str, device_days: int) -> Joined:
    """A new device for the resident holding this recovery code: the same resident, not a new one."""

    async def attempt(conn: Connection) -> Joined:
        code = parse_recovery_code(typed)
        member = await people_db.select_resident_by_recovery(conn, hash_secret(code))
        if member is None:
            raise NotFound("This recovery code does not match anyone. Check it, or ask the "
                           "facilitator to re-issue your access.")
        token = new_secret()
        await people_db.insert_device(conn, member.id, hash_secret(token), device_days)
        return Joined(member.id, member.inquiry_id, Role.RESIDENT, token)

    return await guarded(pool, buckets_for(client), attempt)


async def check_link(pool: Pool, secret: str, kind: CodeKind, client: str) -> Invitation:
    """Where an expert or observer link leads, without using it."""

    async def attempt(conn: Connection) -> Invitation:
        found = await codes_db.select_code_by_secret(conn, hash_secret(secret))
        if found is None or found.kind is not kind or not found.usable(datetime.now(UTC)):
            raise refusal(found if found and found.kind is kind else None, None, datetime.now(UTC))
        return await _inquiry_of(conn, found)

    return await guarded(pool, buckets_for(client), attempt)


async def use_link(pool: Pool, secret: str, kind: CodeKind, *, client: str, device_days: int,
                   current: Participant | None) -> Joined:
    """Use an expert link (once) or an observer link (reusable): a participant with a device."""

    async def attempt(conn: Connection) -> Joined:
        used = await codes_db.update_use_link(conn, hash_secret(secret), kind)
        if used is None:
            found = await codes_db.select_code_by_secret(conn, hash_secret(secret))
            raise refusal(found if found and found.kind is kind else None, None, datetime.now(UTC))
        _refuse_second_join(current, used.inquiry_id)
        role = participant_role(kind)
        participant_id = await people_db.insert_participant(
            conn, inquiry_id=used.inquiry_id, role=role, session_id=used.session_id, code_id=used.id,
            display_name=used.label or role.title(),
            # Experts speak in public (briefings, answers); observers only watch.
            name_public=role is Role.EXPERT,
        )
        token = new_secret()
        await people_db.insert_device(conn, participant_id, hash_secret(token), device_days)
        return Joined(participant_id, used.inquiry_id, role, token)

    return await guarded(pool, buckets_for(client), attempt)


async def participant_home(pool: Pool, participant: Participant, inquiry_id: int) -> Home:
    """The inquiry and its sessions, for participants of that inquiry only."""
    if participant.inquiry_id != inquiry_id:
        raise NotAllowed("You joined a different inquiry. Use the code or link for this one.")
    async with pool.acquire() as conn:
        inquiry = await people_db.select_inquiry_brief(conn, inquiry_id)
        if inquiry is None:
            raise NotFound("This inquiry no longer exists.")
        return Home(inquiry, await people_db.select_session_briefs(conn, inquiry_id))
