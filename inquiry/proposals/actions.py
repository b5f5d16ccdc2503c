"""Proposal use cases: draft, edit, amend, decide an amendment, withdraw, merge, comment.

Each runs through `room_runner.run` (one transaction, the session row locked,
idempotency key, events stored before they are sent), then the proposal table
in `inquiry.proposals.rules`. Optimistic concurrency: an edit or amendment names the
revision it was based on; if that is no longer the current one, it is refused
with `EditConflict` carrying both texts. The session row lock serialises two
edits arriving together, so the second always sees the first's revision.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

from asyncpg import Pool

from inquiry.kernel.errors import Conflict, Invalid, NotAllowed, NotFound
from inquiry.proposals import db
from inquiry.proposals.db import Proposal
from inquiry.proposals.rules import (
    EditConflict,
    ProposalAction,
    ProposalText,
    allowed,
    refusal,
)
from inquiry.room.permissions import Action, RoomRole
from inquiry.room.runner import Ctx, Outcome, Who, run

A = ProposalAction


def gate(ctx: Ctx, action: ProposalAction) -> None:
    state = ctx.session.state
    if not allowed(state.phase, ctx.actor.role, action, state.paused):
        raise NotAllowed(refusal(state.phase, ctx.actor.role, action, state.paused))


async def perform(pool: Pool, session_id: int, who: Who, key: str | None, action: ProposalAction,
                  body: Callable[[Ctx], Awaitable[dict[str, Any]]]) -> Outcome:
    """Run `body` under the room's runner; JOIN admits whoever may be in the room at all
    (withdrawn experts and removed residents are refused there), then our table decides."""
    async def guarded(ctx: Ctx) -> dict[str, Any]:
        gate(ctx, action)
        return await body(ctx)
    return await run(pool, session_id, who, Action.JOIN, key, guarded)


async def session_of(pool: Pool, proposal_id: int) -> int:
    async with pool.acquire() as conn:
        found = await db.select_proposal(conn, proposal_id)
    if found is None:
        raise NotFound("There is no such proposal.")
    return found.session_id


async def amendment_place(pool: Pool, amendment_id: int) -> tuple[int, int]:
    """(proposal id, session id) of an amendment, for routing the request to its session."""
    async with pool.acquire() as conn:
        found = await db.select_amendment(conn, amendment_id)
    if found is None:
        raise NotFound("There is no such amendment.")
    return found.proposal_id, await session_of(pool, found.proposal_id)


async def _locked(ctx: Ctx, proposal_id: int) -> Proposal:
    found = await db.select_proposal(ctx.conn, proposal_id, for_update=True)
    if found is None or found.session_id != ctx.session.id:
        raise NotFound("There is no such proposal in this session.")
    if found.status != "active":
        raise Conflict(f"This proposal has been {found.status}; it can no longer change.")
    return found


async def changed(ctx: Ctx, p: Proposal, revision: int, status: str, change: str) -> None:
    await ctx.emit("proposal_changed", "room", {"proposal_id": p.id, "revision": revision, "status": status,
                                                "title": p.text.title, "change": change})


async def _questions(ctx: Ctx, question_ids: list[int]) -> list[int]:
    released = await db.select_released_questions(ctx.conn, ctx.session.id)
    unknown = sorted(set(question_ids) - set(released))
    if unknown:
        raise Invalid(f"A proposal can draw only on questions released in this session (not {unknown}).")
    return sorted(set(question_ids))


async def draft(pool: Pool, session_id: int, who: Who, key: str | None, text: ProposalText,
                question_ids: list[int]) -> Outcome:
    async def body(ctx: Ctx) -> dict[str, Any]:
        qids = await _questions(ctx, question_ids)
        pid = ctx.actor.participant_id
        if pid is None:
            raise NotAllowed("Only residents draft proposals.")
        p = await db.insert_proposal(ctx.conn, session_id, ctx.session.inquiry_id, pid, ctx.actor.name, text, qids)
        await db.insert_revision(ctx.conn, p.id, 1, text, qids, ctx.actor.name, "drafted")
        await changed(ctx, p, 1, "active", "drafted")
        return {"proposal_id": p.id, "revision": 1}
    return await perform(pool, session_id, who, key, A.DRAFT, body)


def _stale(p: Proposal, based_on: int, yours: ProposalText) -> EditConflict:
    return EditConflict(
        f"Someone changed this proposal while you were writing: you started from revision {based_on}, "
        f"it is now at revision {p.revision}. Your text was not saved; it is shown below next to the "
        "current one, so you can compare and send it again.", p.revision, p.text, yours)


async def _apply(ctx: Ctx, p: Proposal, text: ProposalText, question_ids: list[int], by: str, note: str) -> int:
    revision = await db.update_proposal_text(ctx.conn, p.id, text, question_ids)
    await db.insert_revision(ctx.conn, p.id, revision, text, question_ids, by, note)
    await changed(ctx, replace(p, text=text), revision, "active", note)
    return revision


async def amend(pool: Pool, proposal_id: int, who: Who, key: str | None, based_on: int,
                text: ProposalText, question_ids: list[int] | None) -> Outcome:
    """The author's change applies at once; anyone else's waits for the author or a facilitator.

    One change per revision at a time: while an amendment to revision n waits,
    any other change based on n (a second amendment, or the author's own edit)
    is refused (409) with the waiting one shown, so that no accepted change
    silently overwrites another person's.
    """
    session_id = await session_of(pool, proposal_id)

    async def body(ctx: Ctx) -> dict[str, Any]:
        p = await _locked(ctx, proposal_id)
        if based_on != p.revision:
            raise _stale(p, based_on, text)
        qids = p.question_ids if question_ids is None else await _questions(ctx, question_ids)
        author = ctx.actor.participant_id == p.author_id
        waiting = [a for a in await db.select_amendments(ctx.conn, p.id, "open") if a.based_on == p.revision]
        if waiting:
            first = "accept or decline it first" if author else "send yours again once that one is decided"
            raise EditConflict(
                f"{waiting[0].by_name}'s amendment to this same revision is waiting for "
                f"{'your' if author else 'the author’s'} decision: {first}. Your text was not saved; it is "
                "shown below next to the waiting one.", p.revision, waiting[0].text, text)
        if author:
            revision = await _apply(ctx, p, text, qids, ctx.actor.name, "edited by the author")
            return {"proposal_id": p.id, "revision": revision, "amendment_id": None}
        if ctx.actor.participant_id is None:
            raise NotAllowed("Facilitators decide amendments; residents write them.")
        a = await db.insert_amendment(ctx.conn, p.id, p.revision, text, ctx.actor.participant_id, ctx.actor.name)
        await changed(ctx, p, p.revision, "active", "amendment suggested")
        return {"proposal_id": p.id, "revision": p.revision, "amendment_id": a.id}
    # EDIT and AMEND share their phases and roles; the author rule is checked in `body`.
    return await perform(pool, session_id, who, key, A.AMEND, body)


async def decide_amendment(pool: Pool, amendment_id: int, who: Who, key: str | None, accept: bool) -> Outcome:
    """The proposal's author or a facilitator accepts (a new revision) or declines an amendment."""
    proposal_id, session_id = await amendment_place(pool, amendment_id)

    async def body(ctx: Ctx) -> dict[str, Any]:
        p = await _locked(ctx, proposal_id)
        a = await db.select_amendment(ctx.conn, amendment_id, for_update=True)
        if a is None or a.status != "open":
            raise Conflict("This amendment has already been decided.")
        if ctx.actor.role is not RoomRole.FACILITATOR and ctx.actor.participant_id != p.author_id:
            raise NotAllowed("Only the proposal's author or a facilitator decides its amendments.")
        if not accept:
            await db.update_amendment_status(ctx.conn, a.id, "declined", ctx.actor.name)
            await changed(ctx, p, p.revision, "active", "amendment declined")
            return {"proposal_id": p.id, "revision": p.revision}
        if a.based_on != p.revision:
            raise _stale(p, a.based_on, a.text)
        await db.update_amendment_status(ctx.conn, a.id, "accepted", ctx.actor.name)
        note = f"amendment by {a.by_name} accepted by {ctx.actor.name}"
        revision = await _apply(ctx, p, a.text, p.question_ids, a.by_name, note)
        return {"proposal_id": p.id, "revision": revision}
    return await perform(pool, session_id, who, key, A.DECIDE_AMENDMENT, body)


async def withdraw(pool: Pool, proposal_id: int, who: Who, key: str | None) -> Outcome:
    """Only the author withdraws; the proposal and its history stay readable."""
    session_id = await session_of(pool, proposal_id)

    async def body(ctx: Ctx) -> dict[str, Any]:
        p = await _locked(ctx, proposal_id)
        if ctx.actor.participant_id != p.author_id:
            raise NotAllowed("Only the author can withdraw a proposal.")
        await db.update_proposal_status(ctx.conn, p.id, "withdrawn", None)
        await changed(ctx, p, p.revision, "withdrawn", "withdrawn by the author")
        return {"proposal_id": p.id, "status": "withdrawn"}
    return await perform(pool, session_id, who, key, A.WITHDRAW, body)


async def merge(pool: Pool, proposal_id: int, into_id: int, who: Who, key: str | None) -> Outcome:
    """A facilitator merges a duplicate into another proposal; both histories are kept.

    The kept proposal's text is unchanged; it gains the duplicate's questions
    and a revision that records the merge. The duplicate is closed, pointing to it.
    """
    session_id = await session_of(pool, proposal_id)

    async def body(ctx: Ctx) -> dict[str, Any]:
        if proposal_id == into_id:
            raise Invalid("Choose another proposal to merge this one into.")
        first, second = sorted((proposal_id, into_id))  # lock in id order: two merges cannot deadlock
        locked = {first: await _locked(ctx, first), second: await _locked(ctx, second)}
        dup, keep = locked[proposal_id], locked[into_id]
        await db.update_proposal_status(ctx.conn, dup.id, "merged", keep.id)
        qids = sorted(set(keep.question_ids) | set(dup.question_ids))
        revision = await _apply(ctx, keep, keep.text, qids, ctx.actor.name,
                                f"#{dup.id} “{dup.text.title}” by {dup.author_name} merged into this")
        await changed(ctx, dup, dup.revision, "merged", f"merged into #{keep.id}")
        return {"proposal_id": keep.id, "revision": revision}
    return await perform(pool, session_id, who, key, A.MERGE, body)


async def comment(pool: Pool, proposal_id: int, who: Who, key: str | None, text: str) -> Outcome:
    session_id = await session_of(pool, proposal_id)

    async def body(ctx: Ctx) -> dict[str, Any]:
        body_text = text.strip()
        if not 1 <= len(body_text) <= 2000:
            raise Invalid("A comment is 1 to 2000 characters.")
        p = await db.select_proposal(ctx.conn, proposal_id)
        if p is None or p.session_id != ctx.session.id:
            raise NotFound("There is no such proposal in this session.")
        cid = await db.insert_comment(ctx.conn, p.id, ctx.actor.participant_id, ctx.actor.staff_id,
                                      ctx.actor.name, body_text)
        await changed(ctx, p, p.revision, p.status, "commented")
        return {"proposal_id": p.id, "comment_id": cid}
    return await perform(pool, session_id, who, key, A.COMMENT, body)
