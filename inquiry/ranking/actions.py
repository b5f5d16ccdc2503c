"""The ranking phase: ballots, turnout, the facilitator's method, and the result after close.

A ballot lists proposal ids best first; it may stop early (unranked proposals
count below ranked ones). It can be replaced until the phase closes. A ballot
is acknowledged only after its transaction commits; a retry with the same
idempotency key gets the first ack and changes nothing. Before close, nobody
is shown anything but how many residents have ranked.

The result is computed from the ballots once the session is closed: ballots
are written under the session row lock only during the ranking phase, and
the close takes the same lock, so the set is final. It is stored on first
read and never recomputed. The candidates are the session's active proposals
in drafting order, which is also the published tie-break order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from asyncpg import Connection, Pool

from inquiry.kernel.audit_db import insert_audit
from inquiry.kernel.errors import Conflict, Invalid, NotAllowed
from inquiry.proposals import db as proposals_db
from inquiry.proposals.actions import perform
from inquiry.proposals.db import Proposal
from inquiry.proposals.read import Viewer, viewer
from inquiry.proposals.rules import ProposalAction
from inquiry.ranking import db
from inquiry.ranking import methods as ranking
from inquiry.ranking.methods import Method
from inquiry.room.phases import Phase
from inquiry.room.runner import Ctx, Outcome, Who

A = ProposalAction

METHOD_NAMES = {
    Method.SCHULZE: "Schulze (beatpath)",
    Method.RANKED_PAIRS: "Ranked pairs",
    Method.BORDA: "Borda count",
    Method.INSTANT_RUNOFF: "Instant runoff",
}


def check_ballot(ranking_ids: list[int], candidates: list[Proposal]) -> list[int]:
    """The ballot as given, or Invalid: at least one proposal, each once, each active in this session."""
    if not ranking_ids:
        raise Invalid("Rank at least one proposal (1 for your first choice).")
    if len(set(ranking_ids)) != len(ranking_ids):
        raise Invalid("Each proposal can have only one rank.")
    known = {p.id for p in candidates}
    unknown = [i for i in ranking_ids if i not in known]
    if unknown:
        raise Invalid(f"Proposal {unknown[0]} is not one of the proposals being ranked in this session.")
    return ranking_ids


async def submit_ballot(
    pool: Pool, session_id: int, who: Who, key: str | None, ranking_ids: list[int]
) -> Outcome:
    async def body(ctx: Ctx) -> dict[str, Any]:
        pid = ctx.actor.participant_id
        if pid is None:
            raise NotAllowed("Only residents rank.")
        candidates = await proposals_db.select_session_proposals(ctx.conn, session_id, active_only=True)
        ballot = check_ballot(ranking_ids, candidates)
        before = await db.select_turnout(ctx.conn, session_id)
        revisions = await db.upsert_ballot(ctx.conn, session_id, pid, ballot)
        ranked = await db.select_turnout(ctx.conn, session_id)
        if ranked != before:
            await ctx.emit("ranking_count_changed", "room", {"ranked": ranked})
        return {"ranked_proposals": len(ballot), "submissions": revisions}

    return await perform(pool, session_id, who, key, A.RANK, body)


async def choose_method(pool: Pool, session_id: int, who: Who, key: str | None, method: str) -> Outcome:
    """Before the ranking phase opens a facilitator picks the method; the change is audited."""
    try:
        chosen = Method(method)
    except ValueError:
        raise Invalid(f"There is no ranking method called {method!r}.") from None

    async def body(ctx: Ctx) -> dict[str, Any]:
        old = await db.select_method(ctx.conn, session_id)
        await db.update_method(ctx.conn, session_id, chosen.value)
        await insert_audit(
            ctx.conn,
            "ranking_method_chosen",
            staff_id=ctx.actor.staff_id,
            inquiry_id=ctx.session.inquiry_id,
            detail={"session_id": session_id, "before": old, "after": chosen.value},
        )
        return {"method": chosen.value}

    return await perform(pool, session_id, who, key, A.CHOOSE_METHOD, body)


@dataclass
class RankingStatus:
    viewer: Viewer
    phase: Phase
    method: str
    candidates: list[Proposal]
    ranked: int | None  # turnout; None where the table does not show it
    own: list[int] | None


async def status(pool: Pool, session_id: int, who: Who) -> RankingStatus:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        v = await viewer(conn, session_id, who, A.READ)
        own = None
        if v.actor.participant_id is not None:
            own = await db.select_own_ballot(conn, session_id, v.actor.participant_id)
        ranked = await db.select_turnout(conn, session_id) if v.may(A.SEE_TURNOUT) else None
        return RankingStatus(
            v,
            v.session.state.phase,
            await db.select_method(conn, session_id),
            await proposals_db.select_session_proposals(conn, session_id, active_only=True),
            ranked,
            own,
        )


async def result(pool: Pool, session_id: int, who: Who) -> dict[str, Any]:
    """The stored result (computed now if this is its first reading after close)."""
    async with pool.acquire() as conn, conn.transaction():
        await viewer(conn, session_id, who, A.SEE_RESULT)
        return await store_result(conn, session_id)


async def store_result(conn: Connection, session_id: int) -> dict[str, Any]:
    """Compute and store the result unless it is stored already; call only once the session is closed
    (e.g. inside the transaction that closes it)."""
    stored = await db.select_result(conn, session_id)
    if stored is None:
        stored = await _compute(conn, session_id)
        await db.insert_result(conn, session_id, stored["method"], stored)
        stored = await db.select_result(conn, session_id) or stored
    return stored


async def _compute(conn: Connection, session_id: int) -> dict[str, Any]:
    candidates = await proposals_db.select_session_proposals(conn, session_id, active_only=True)
    method = Method(await db.select_method(conn, session_id))
    if not candidates:
        raise Conflict("No proposal was left to rank in this session, so there is no result.")
    # Candidates are named "#<proposal id>", so that the reasons' sentences read as references.
    ballots = [[f"#{i}" for i in b] for b in await db.select_ballots(conn, session_id)]
    counted = ranking.rank([f"#{p.id}" for p in candidates], ballots, method)
    return {
        **counted.to_dict(),
        "method_name": METHOD_NAMES[method],
        "titles": {f"#{p.id}": p.text.title for p in candidates},
    }
