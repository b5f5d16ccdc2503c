"""The JSON API of proposals and the ranking phase, through the same actions as the pages.

Every write carries an idempotency `key` (a retry is stored once and gets the
first ack). An edit or amendment based on a stale revision gets 409 with the
current text and yours: `{error, status, revision, current, yours}`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from inquiry.proposals import actions
from inquiry.proposals import read as proposals_read
from inquiry.proposals.db import Proposal
from inquiry.proposals.rules import EditConflict, ProposalText, clean_text
from inquiry.ranking import actions as ranking_ballots_actions
from inquiry.room.runner import Outcome
from web.http.api import endpoint
from web.http.forms import path_id
from web.keys import POOL
from web.realtime.events import HUB
from web.realtime.protocol import Key
from web.room.api import session_id_of, who_of

AUTH = "resident, observer or facilitator of the session (experts never)"


class Submission(BaseModel):
    model_config = ConfigDict(extra="forbid")
    key: str = Key


class TextIn(Submission):
    title: str = Field(min_length=1, max_length=120)
    description: str = Field(min_length=1, max_length=4000)
    cost_minor: int = Field(gt=0, le=10**13)
    category: str = Field(default="", max_length=60)

    def text(self) -> ProposalText:
        return clean_text(self.title, self.description, self.cost_minor, self.category)


class DraftIn(TextIn):
    question_ids: list[int] = Field(default_factory=list, max_length=50)


class AmendIn(TextIn):
    based_on: int = Field(ge=1)
    question_ids: list[int] | None = Field(default=None, max_length=50)


class DecideIn(Submission):
    accept: bool


class MergeIn(Submission):
    into_id: int


class CommentIn(Submission):
    body: str = Field(min_length=1, max_length=2000)


class BallotIn(Submission):
    ranking: list[int] = Field(min_length=1, max_length=500)


class MethodIn(Submission):
    method: Literal["schulze", "ranked_pairs", "borda", "instant_runoff"]


class ProposalOut(BaseModel):
    id: int
    session_id: int
    revision: int
    title: str
    description: str
    cost_minor: int
    category: str
    author_name: str
    question_ids: list[int]
    status: str
    merged_into: int | None

    @classmethod
    def of(cls, p: Proposal) -> ProposalOut:
        return cls(id=p.id, session_id=p.session_id, revision=p.revision, author_name=p.author_name,
                   question_ids=p.question_ids, status=p.status, merged_into=p.merged_into, title=p.text.title,
                   description=p.text.description, cost_minor=p.text.cost_minor, category=p.text.category)


class ProposalDetailOut(ProposalOut):
    revisions: list[dict[str, Any]]
    amendments: list[dict[str, Any]]
    comments: list[dict[str, Any]]


class RankingOut(BaseModel):
    phase: str
    method: str
    candidates: list[ProposalOut]
    ranked: int | None = Field(description="How many residents have ranked (turnout); never the standings")
    own: list[int] | None


class ResultOut(BaseModel):
    model_config = ConfigDict(extra="allow")
    method: str
    order: list[str]
    pairwise: dict[str, dict[str, int]]
    reasons: list[dict[str, Any]]
    titles: dict[str, str]


def _int(request: web.Request, name: str) -> int:
    return path_id(request, name)


Reply = dict[str, Any] | web.Response


async def act(request: web.Request, session_id: int, action: Callable[[], Awaitable[Outcome]]) -> Reply:
    """Run one action through the room hub (events are sent after the commit); return its ack,
    or the 409 that shows both texts of a stale edit."""
    try:
        outcome = await request.app[HUB].run(session_id, action)
    except EditConflict as err:
        return web.json_response({"error": str(err), "status": 409, "revision": err.revision,
                                  "current": err.current.to_dict(), "yours": err.yours.to_dict()}, status=409)
    return {"ok": True, **outcome.ack}


@endpoint("Proposals of a session, in drafting order (the ranking's tie-break order)",
          response=ProposalOut, auth=AUTH)
async def list_proposals(request: web.Request) -> list[ProposalOut]:
    found = await proposals_read.list_proposals(request.app[POOL], session_id_of(request), who_of(request))
    return [ProposalOut.of(p) for p in found.proposals]


@endpoint("Draft a proposal (residents, deliberation)", body=DraftIn, auth="resident", status=201)
async def draft(request: web.Request, body: DraftIn) -> Reply:
    sid = session_id_of(request)
    pool, who = request.app[POOL], who_of(request)
    return await act(request, sid, lambda: actions.draft(pool, sid, who, body.key, body.text(), body.question_ids))


@endpoint("A proposal with every revision, its amendments and comments", response=ProposalDetailOut, auth=AUTH)
async def show(request: web.Request) -> ProposalDetailOut:
    d = await proposals_read.proposal_detail(request.app[POOL], _int(request, "proposal_id"), who_of(request))
    base = ProposalOut.of(d.proposal).model_dump()
    return ProposalDetailOut(
        **base,
        revisions=[{"revision": r.revision, **r.text.to_dict(), "question_ids": r.question_ids,
                    "by": r.by_name, "note": r.note, "at": r.at.isoformat()} for r in d.revisions],
        amendments=[{"id": a.id, "based_on": a.based_on, **a.text.to_dict(), "by": a.by_name,
                     "status": a.status, "decided_by": a.decided_by, "at": a.at.isoformat()} for a in d.amendments],
        comments=[{"id": c.id, "by": c.by_name, "body": c.body, "at": c.at.isoformat()} for c in d.comments])


async def _proposal_action(request: web.Request,
                           make: Callable[[int], Callable[[], Awaitable[Outcome]]]) -> Reply:
    proposal_id = _int(request, "proposal_id")
    sid = await actions.session_of(request.app[POOL], proposal_id)
    return await act(request, sid, make(proposal_id))


@endpoint("Edit your own proposal, or suggest an amendment to another (based on a revision)",
          body=AmendIn, auth="resident")
async def amend(request: web.Request, body: AmendIn) -> Reply:
    pool, who = request.app[POOL], who_of(request)
    return await _proposal_action(request, lambda pid: lambda: actions.amend(
        pool, pid, who, body.key, body.based_on, body.text(), body.question_ids))


@endpoint("Accept or decline an amendment (the author or a facilitator)", body=DecideIn,
          auth="author or facilitator")
async def decide(request: web.Request, body: DecideIn) -> Reply:
    pool, who, aid = request.app[POOL], who_of(request), _int(request, "amendment_id")
    _, sid = await actions.amendment_place(pool, aid)
    return await act(request, sid, lambda: actions.decide_amendment(pool, aid, who, body.key, body.accept))


@endpoint("Withdraw your proposal (its history stays readable)", body=Submission, auth="author")
async def withdraw(request: web.Request, body: Submission) -> Reply:
    pool, who = request.app[POOL], who_of(request)
    return await _proposal_action(request, lambda pid: lambda: actions.withdraw(pool, pid, who, body.key))


@endpoint("Merge this duplicate into another proposal (facilitators)", body=MergeIn, auth="facilitator")
async def merge(request: web.Request, body: MergeIn) -> Reply:
    pool, who = request.app[POOL], who_of(request)
    return await _proposal_action(request, lambda pid: lambda: actions.merge(pool, pid, body.into_id, who, body.key))


@endpoint("Comment on a proposal", body=CommentIn, auth="resident or facilitator", status=201)
async def comment(request: web.Request, body: CommentIn) -> Reply:
    pool, who = request.app[POOL], who_of(request)
    return await _proposal_action(request, lambda pid: lambda: actions.comment(pool, pid, who, body.key, body.body))


@endpoint("The ranking phase: candidates, turnout (never standings), your own ballot",
          response=RankingOut, auth=AUTH)
async def ranking_status(request: web.Request) -> RankingOut:
    s = await ranking_ballots_actions.status(request.app[POOL], session_id_of(request), who_of(request))
    return RankingOut(phase=s.phase.value, method=s.method, candidates=[ProposalOut.of(p) for p in s.candidates],
                      ranked=s.ranked, own=s.own)


@endpoint("Submit or replace your ranking, best first (residents, ranking phase)", body=BallotIn, auth="resident")
async def submit_ballot(request: web.Request, body: BallotIn) -> Reply:
    sid, pool, who = session_id_of(request), request.app[POOL], who_of(request)
    return await act(request, sid, lambda: ranking_ballots_actions.submit_ballot(pool, sid, who, body.key,
                                                                                 body.ranking))


@endpoint("Choose the ranking method before the ranking phase opens (facilitators; audited)",
          body=MethodIn, auth="facilitator")
async def choose_method(request: web.Request, body: MethodIn) -> Reply:
    sid, pool, who = session_id_of(request), request.app[POOL], who_of(request)
    return await act(request, sid, lambda: ranking_ballots_actions.choose_method(pool, sid, who, body.key,
                                                                                 body.method))


@endpoint("The ranking result, after the phase has closed: order, pairwise table, reasons",
          response=ResultOut, auth=AUTH)
async def ranking_result(request: web.Request) -> dict[str, Any]:
    return await ranking_ballots_actions.result(request.app[POOL], session_id_of(request), who_of(request))
