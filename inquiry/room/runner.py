"""The one path every room use case takes: lock, identify, check the table, dedupe, act, log.

`run` opens one transaction, locks the session row (so sequence numbers and
phase checks never race), finds the requester's role *in this room*, asks
`permissions.allowed`, claims the idempotency key, runs the use case and stores
its events. The caller emits the returned events after the commit.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from asyncpg import Connection, Pool

from inquiry.kernel.errors import NotAllowed, NotFound
from inquiry.kernel.roles import Participant, Role, Staff
from inquiry.room import db as room_db
from inquiry.room.admission_db import Standing, select_opening, select_standing
from inquiry.room.db import LiveSession, RoomEvent
from inquiry.room.permissions import Action, RoomRole, allowed, refusal


@dataclass(frozen=True, slots=True)
class Who:
    """What a request's cookies say: a staff login, a participant device, expert marks."""

    staff: Staff | None
    participant: Participant | None
    marks: tuple[bytes, ...] = ()


@dataclass(frozen=True, slots=True)
class Actor:
    role: RoomRole
    participant_id: int | None
    staff_id: int | None
    name: str

    @property
    def key(self) -> str:
        return f"s{self.staff_id}" if self.staff_id is not None else f"p{self.participant_id}"


@dataclass
class Ctx:
    """A use case's view of the room inside its transaction."""

    conn: Connection
    session: LiveSession
    actor: Actor
    events: list[RoomEvent] = field(default_factory=list)
    disconnect: list[str] = field(default_factory=list)
    active_experts: list[int] = field(default_factory=list)  # a withdrawal in the body removes its expert

    async def emit(self, type_: str, audience: str, payload: dict[str, Any],
                   participant_id: int | None = None) -> RoomEvent:
        event = await room_db.insert_event(self.conn, self.session.id, type_, audience, participant_id, payload)
        self.events.append(event)
        return event


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened: the ack, the events to send (in order), sockets to drop first,
    and the experts still in the session (who receive `public` events)."""

    ack: dict[str, Any]
    events: list[RoomEvent]
    disconnect: list[str]
    active_experts: list[int]
    actor: Actor


async def resolve(conn: Connection, session: LiveSession, who: Who) -> Actor:
    """The requester's role in this room, or NotAllowed saying why they have none."""
    p = who.participant
    standing = await select_standing(conn, session.id, who.staff.id if who.staff else None,
                                     p.id if p else None, list(who.marks))
    return actor_for(session, who, standing)


def presumed_role(who: Who) -> RoomRole | None:
    """The role `who` has in any room that admits them (a refusal aside)."""
    if who.staff is not None:
        return RoomRole.FACILITATOR
    return None if who.participant is None else RoomRole(who.participant.role.value)


def actor_for(session: LiveSession, who: Who, standing: Standing) -> Actor:
    """The rule behind `resolve`, given what the database says (`Standing`)."""
    if who.staff is not None:
        staff = who.staff
        if staff.role is not Role.CONVENOR and not standing.inquiry_staff:
            raise NotAllowed("You are not a facilitator of this inquiry; ask its convenor to add you.")
        return Actor(RoomRole.FACILITATOR, None, staff.id, staff.display_name or staff.email)
    p = who.participant
    if p is None:
        raise NotAllowed("Join with your code or link first.")
    if p.inquiry_id != session.inquiry_id:
        raise NotAllowed("Your access is for another inquiry.")
    if p.role is Role.EXPERT:
        if p.session_id != session.id:
            raise NotAllowed("Your expert link is for another session.")
        role = RoomRole.WITHDRAWN if standing.withdrawn else RoomRole.EXPERT
        return Actor(role, p.id, None, p.display_name)
    if standing.marked:
        # The browser opened the expert view of an expert who has since withdrawn.
        return Actor(RoomRole.WITHDRAWN, p.id, None, p.display_name)
    if standing.removed:
        raise NotAllowed("A facilitator removed you from this session.")
    return Actor(RoomRole(p.role.value), p.id, None, p.display_name)


def check(session: LiveSession, actor: Actor, action: Action) -> None:
    state = session.state
    if not allowed(state.phase, actor.role, action, state.paused):
        raise NotAllowed(refusal(state.phase, actor.role, action, state.paused))


Body = Callable[[Ctx], Awaitable[dict[str, Any]]]


async def run(pool: Pool, session_id: int, who: Who, action: Action, key: str | None, body: Body,
              lock: str = "FOR UPDATE") -> Outcome:
    """Run one use case in one transaction; a repeated `key` returns the first ack and no events."""
    staff_id = who.staff.id if who.staff else None
    participant_id = who.participant.id if who.participant else None
    async with pool.acquire() as conn, conn.transaction():
        for _ in range(2):  # the second reading holds the lock from the first: it is steady
            opening = await select_opening(conn, session_id, lock, staff_id, participant_id, list(who.marks))
            if opening.steady:
                break
        session = opening.session
        if session is None:
            raise NotFound("There is no such session.")
        actor = actor_for(session, who, opening.standing)
        check(session, actor, action)
        ctx = Ctx(conn, session, actor, active_experts=opening.active_experts)
        if key is not None and not await room_db.claim_submission(conn, session_id, actor.key, key):
            ack = await room_db.select_submission_ack(conn, session_id, actor.key, key)
        else:
            ack = await body(ctx)
            if key is not None:
                await room_db.update_submission_ack(conn, session_id, actor.key, key, ack)
        return Outcome(ack, ctx.events, ctx.disconnect, ctx.active_experts, actor)
