"""Room use cases: joining, reading the log, phases and timers.

Messages are in room_messages, expert materials in room_materials.

Each is one transaction through `room_runner.run`; events are stored there and
sent by the caller after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from asyncpg import Pool

from inquiry.kernel.errors import Conflict, Invalid, NotAllowed, NotFound
from inquiry.proposals import db as proposals_db
from inquiry.ranking import actions as ranking_ballots_actions
from inquiry.room import db as room_db
from inquiry.room import phases
from inquiry.room.admission_db import select_arrival, select_log
from inquiry.room.db import RoomEvent
from inquiry.room.materials import announce_materials
from inquiry.room.permissions import Action, RoomRole
from inquiry.room.phases import Phase, PhaseError, PhaseState
from inquiry.room.runner import (
    Actor,
    Ctx,
    Outcome,
    Who,
    actor_for,
    check,
    presumed_role,
    run,
)

LOG_PAGE = 2000  # events per resume; a client with more to catch up asks again


def audiences(role: RoomRole) -> list[str]:
    """Which shared audiences a role reads (plus events addressed to them alone).

    Experts read only the public parts: phases, briefings, released questions and
    answers; never the residents' discussion, before or after their briefing.
    """
    if role is RoomRole.FACILITATOR:
        return ["public", "room", "staff"]
    if role in (RoomRole.RESIDENT, RoomRole.OBSERVER):
        return ["public", "room"]
    if role is RoomRole.EXPERT:
        return ["public"]
    return []


def phase_payload(state: PhaseState, experts: dict[int, str], now: datetime) -> dict[str, Any]:
    left = room_db.remaining(state.deadline, now)
    if state.paused_remaining is not None:
        left = state.paused_remaining
    return {
        "phase": state.phase.value,
        "expert_id": state.expert_id,
        "expert_name": experts.get(state.expert_id) if state.expert_id else None,
        "deadline": state.deadline.isoformat() if state.deadline else None,
        "paused": state.paused,
        "seconds_left": None if left is None else int(left.total_seconds()),
        "next": [p.value for p in phases.next_moves(state)],
    }


@dataclass(frozen=True, slots=True)
class Joined:
    session_id: int
    actor: Actor
    who: Who


@dataclass(frozen=True, slots=True)
class Cookies:
    """Hashes of the secrets a browser presented: staff login, device, expert marks."""

    staff: bytes | None
    device: bytes | None
    marks: tuple[bytes, ...]


JOIN_TRIES = 20  # each retry follows a commit on the session row; 20 in a row means a storm


async def join(pool: Pool, session_id: int, cookies: Cookies, sid: str, server_id: str) -> Joined:
    """Admit a connection and record it for presence: one statement (room_admission_db).

    The statement locks the session row FOR SHARE, so a withdrawal or removal (FOR
    UPDATE) either commits first and this refuses, or waits and then finds the sid.
    A refused connection's row is removed again at once.
    """
    async with pool.acquire() as conn:
        for _ in range(JOIN_TRIES):
            arrival = await select_arrival(conn, session_id, cookies.staff, cookies.device, list(cookies.marks),
                                           sid, server_id)
            if arrival.steady:
                break
        else:
            raise Conflict("The session is very busy; connect again in a moment.")
        if arrival.session is None:
            raise NotFound("There is no such session.")
        who = Who(arrival.staff, arrival.participant, cookies.marks)
        try:
            actor = actor_for(arrival.session, who, arrival.standing)
            check(arrival.session, actor, Action.JOIN)
        except NotAllowed:
            await room_db.delete_connection(conn, sid)
            raise
        return Joined(session_id, actor, who)


async def leave(pool: Pool, sid: str) -> int | None:
    async with pool.acquire() as conn:
        return await room_db.delete_connection(conn, sid)


@dataclass(frozen=True, slots=True)
class LogPage:
    actor: Actor
    state: dict[str, Any]
    events: list[RoomEvent]
    more: bool
    last_seq: int


async def read_log(pool: Pool, session_id: int, who: Who, after: int) -> LogPage:
    """The events after `after` that the requester may see, in order, and the current phase.

    `last_seq` is the session's: every event the requester may see up to it is in
    this page (or, with `more`, in the next pages); later ones arrive live.
    """
    role = presumed_role(who)
    staff_id = who.staff.id if who.staff else None
    participant_id = who.participant.id if who.participant and staff_id is None else None
    async with pool.acquire() as conn:
        log = await select_log(conn, session_id, staff_id, participant_id, list(who.marks), after,
                               audiences(role) if role else [], LOG_PAGE + 1)
    if log.session is None:
        raise NotFound("There is no such session.")
    actor = actor_for(log.session, who, log.standing)
    check(log.session, actor, Action.JOIN)
    state = phase_payload(log.session.state, log.experts, datetime.now(UTC))
    return LogPage(actor, state, log.events[:LOG_PAGE], len(log.events) > LOG_PAGE, log.session.last_seq)


async def advance_phase(pool: Pool, session_id: int, who: Who, key: str | None, to: str,
                        expert_id: int | None, minutes: int | None, confirm: bool) -> Outcome:
    """Move the session; entering withdrawal withdraws the expert for good (needs `confirm`)."""
    async def body(ctx: Ctx) -> dict[str, Any]:
        try:
            target = Phase(to)
        except ValueError:
            raise Invalid(f"There is no phase called {to!r}.") from None
        if target is Phase.WITHDRAWAL and not confirm:
            raise Invalid("Withdrawal cannot be undone: confirm it to go ahead.")
        if target is Phase.RECALL:
            raise Conflict("A recall starts when a facilitator approves the residents' question.")
        return await move(ctx, target, expert_id, minutes)
    return await run(pool, session_id, who, Action.ADVANCE_PHASE, key, body)


async def move(ctx: Ctx, target: Phase, expert_id: int | None, minutes: int | None) -> dict[str, Any]:
    """Change phase inside the caller's transaction and log it (also used by recall approval)."""
    conn, session = ctx.conn, ctx.session
    experts = await room_db.select_session_experts(conn, session.id)
    withdrawn = await room_db.select_withdrawn(conn, session.id)
    now = datetime.now(UTC)
    deadline = None
    if minutes:
        deadline = phases.extend(PhaseState(target), now, minutes).deadline
    try:
        state = phases.advance(session.state, target, expert_id, frozenset(experts), withdrawn, deadline)
    except PhaseError as err:
        raise Conflict(str(err)) from None
    await room_db.update_session_state(conn, session.id, state, new_phase=True)
    await room_db.insert_phase_history(conn, session.id, target, state.expert_id, ctx.actor.staff_id)
    if target is Phase.WITHDRAWAL and state.expert_id is not None:
        await room_db.insert_withdrawal(conn, session.id, state.expert_id, ctx.actor.staff_id or 0)
        if state.expert_id in ctx.active_experts:  # from now on no event is addressed to them
            ctx.active_experts.remove(state.expert_id)
        ctx.disconnect.extend(await room_db.select_participant_sids(conn, session.id, state.expert_id))
    if target is Phase.CLOSED and await proposals_db.select_session_proposals(conn, session.id, active_only=True):
        # Ballots are final at close: the ranking result is computed in the closing transaction.
        await ranking_ballots_actions.store_result(conn, session.id)
    await ctx.emit("phase_changed", "public", phase_payload(state, experts, now))
    if target is Phase.BRIEFING and state.expert_id is not None:
        await announce_materials(ctx, state.expert_id)
    return {"phase": target.value, "expert_id": state.expert_id}


async def control_timer(pool: Pool, session_id: int, who: Who, key: str | None, command: str,
                        minutes: int) -> Outcome:
    """Pause, resume, or extend (negative minutes shorten) the phase timer."""
    async def body(ctx: Ctx) -> dict[str, Any]:
        now = datetime.now(UTC)
        state = ctx.session.state
        try:
            if command == "pause":
                state = phases.pause(state, now)
            elif command == "resume":
                state = phases.resume(state, now)
            elif command == "extend":
                state = phases.extend(state, now, minutes)
            else:
                raise Invalid("The timer command is pause, resume or extend.")
        except PhaseError as err:
            raise Conflict(str(err)) from None
        await room_db.update_session_state(ctx.conn, ctx.session.id, state, new_phase=False)
        experts = await room_db.select_session_experts(ctx.conn, ctx.session.id)
        await ctx.emit("timer_changed", "public", phase_payload(state, experts, now))
        return {"paused": state.paused}
    return await run(pool, session_id, who, Action.CONTROL_TIMER, key, body)


async def announce_deadline(pool: Pool, session_id: int) -> Outcome:
    """The server's timer ran out: tell everyone; the facilitator decides what comes next."""
    async with pool.acquire() as conn, conn.transaction():
        session = await room_db.select_session(conn, session_id, "FOR UPDATE")
        if session is None:
            raise NotFound("There is no such session.")
        ctx = Ctx(conn, session, Actor(RoomRole.FACILITATOR, None, None, "timer"))
        await ctx.emit("timer_expired", "public", {"phase": session.state.phase.value})
        return Outcome({}, ctx.events, [], await room_db.select_active_experts(conn, session_id), ctx.actor)
