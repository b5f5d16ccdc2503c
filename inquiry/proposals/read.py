"""What proposal pages and the API show, cut to the viewer's role in the room."""

from __future__ import annotations

from dataclasses import dataclass, field

from asyncpg import Connection, Pool

from inquiry.kernel.errors import NotAllowed, NotFound
from inquiry.proposals import db
from inquiry.proposals.db import Amendment, Comment, Proposal, Revision
from inquiry.proposals.rules import ProposalAction, allowed, refusal
from inquiry.room import db as room_db
from inquiry.room.db import LiveSession
from inquiry.room.permissions import RoomRole
from inquiry.room.runner import Actor, Who, resolve


@dataclass(frozen=True, slots=True)
class Viewer:
    actor: Actor
    session: LiveSession

    currency: str

    def may(self, action: ProposalAction) -> bool:
        state = self.session.state
        return allowed(state.phase, self.actor.role, action, state.paused)

    @property
    def is_facilitator(self) -> bool:
        return self.actor.role is RoomRole.FACILITATOR


async def viewer(conn: Connection, session_id: int, who: Who, action: ProposalAction) -> Viewer:
    """The requester in this session, if the table lets them `action`; else NotAllowed saying why."""
    session = await room_db.select_session(conn, session_id)
    if session is None:
        raise NotFound("There is no such session.")
    actor = await resolve(conn, session, who)
    state = session.state
    if not allowed(state.phase, actor.role, action, state.paused):
        raise NotAllowed(refusal(state.phase, actor.role, action, state.paused))
    currency: str = await conn.fetchval("SELECT currency FROM inquiries WHERE id = $1", session.inquiry_id)
    return Viewer(actor, session, currency)


async def session_currency(pool: Pool, session_id: int) -> str:
    """The currency a session's proposals are costed in (its inquiry's); NotFound if no such session."""
    async with pool.acquire() as conn:
        currency: str | None = await conn.fetchval(
            """SELECT i.currency
                 FROM sessions s
                 JOIN inquiries i ON i.id = s.inquiry_id
                WHERE s.id = $1""",
            session_id,
        )
    if currency is None:
        raise NotFound("There is no such session.")
    return currency


@dataclass
class ProposalList:
    viewer: Viewer
    proposals: list[Proposal]
    questions: dict[int, str]


async def list_proposals(pool: Pool, session_id: int, who: Who) -> ProposalList:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        v = await viewer(conn, session_id, who, ProposalAction.READ)
        return ProposalList(v, await db.select_session_proposals(conn, session_id, active_only=False),
                            await db.select_released_questions(conn, session_id))


@dataclass
class ProposalDetail:
    viewer: Viewer
    proposal: Proposal
    revisions: list[Revision]
    amendments: list[Amendment]
    comments: list[Comment]
    questions: dict[int, str]
    others: list[Proposal] = field(default_factory=list)   # merge targets for facilitators

    @property
    def is_author(self) -> bool:
        return self.viewer.actor.participant_id == self.proposal.author_id


async def proposal_detail(pool: Pool, proposal_id: int, who: Who) -> ProposalDetail:
    async with pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
        p = await db.select_proposal(conn, proposal_id)
        if p is None:
            raise NotFound("There is no such proposal.")
        v = await viewer(conn, p.session_id, who, ProposalAction.READ)
        others = [o for o in await db.select_session_proposals(conn, p.session_id, active_only=True)
                  if o.id != p.id]
        return ProposalDetail(v, p, await db.select_revisions(conn, p.id), await db.select_amendments(conn, p.id),
                              await db.select_comments(conn, p.id),
                              await db.select_released_questions(conn, p.session_id), others)
