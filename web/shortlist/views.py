"""Shortlist pages and API: a facilitator proposes it from a closed session's result; the
convenor reviews the costs and accepts it, then creates an allocation round from it
(`/rounds/new?shortlist=<id>` fills in the candidates)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from inquiry.kernel.errors import Invalid
from inquiry.kernel.money import parse_money
from inquiry.kernel.roles import Role
from inquiry.proposals import shortlist_actions
from web.http.api import endpoint
from web.http.forms import path_id
from web.http.identity import require_staff
from web.http.render import render
from web.keys import POOL
from web.room.api import session_id_of, who_of


def _id(request: web.Request) -> int:
    return path_id(request, "shortlist_id")


def _top(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise Invalid("How many: a whole number, or empty for all.")
    return int(raw)


async def propose(request: web.Request) -> web.StreamResponse:
    require_staff(request)
    form = await request.post()
    sid = session_id_of(request)
    shortlist_id = await shortlist_actions.propose(request.app[POOL], sid, who_of(request),
                                                   _top(str(form.get("top", ""))))
    raise web.HTTPSeeOther(f"/shortlists/{shortlist_id}")


async def show(request: web.Request) -> web.Response:
    staff = require_staff(request)
    view = await shortlist_actions.show(request.app[POOL], _id(request), staff)
    return render(request, "shortlist/review.html", view=view, s=view.shortlist,
                  is_convenor=staff.role is Role.CONVENOR, saved=request.query.get("saved"))


async def review(request: web.Request) -> web.StreamResponse:
    staff = require_staff(request, Role.CONVENOR)
    shortlist_id = _id(request)
    form = await request.post()
    currency = (await shortlist_actions.show(request.app[POOL], shortlist_id, staff)).shortlist.currency
    costs: dict[int, int] = {}
    for name, value in form.items():
        if name.startswith("cost_") and name.removeprefix("cost_").isdigit():
            costs[int(name.removeprefix("cost_"))] = parse_money(str(value), currency, f"Cost of proposal {name[5:]}",
                                                                positive=True)
    changed = await shortlist_actions.review_costs(request.app[POOL], shortlist_id, staff, costs)
    if form.get("then") == "accept":
        await shortlist_actions.accept(request.app[POOL], shortlist_id, staff)
    raise web.HTTPSeeOther(f"/shortlists/{shortlist_id}?saved={changed}")


class ProposeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    top: int | None = Field(default=None, ge=1)


class CostsIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    costs: dict[int, int] = Field(description="proposal id -> reviewed cost in minor units")


class ShortlistOut(BaseModel):
    id: int
    inquiry_id: int
    session_id: int
    status: str
    currency: str
    total_minor: int
    items: list[dict[str, Any]]
    candidates: list[dict[str, Any]] = Field(description="Ready for POST /api/v1/rounds `candidates`")


async def _out(request: web.Request, shortlist_id: int) -> ShortlistOut:
    view = await shortlist_actions.show(request.app[POOL], shortlist_id, require_staff(request))
    s = view.shortlist
    return ShortlistOut(id=s.id, inquiry_id=s.inquiry_id, session_id=s.session_id, status=s.status,
                        currency=s.currency, total_minor=view.total_minor,
                        items=[{"position": i.position, "proposal_id": i.proposal_id, "title": i.title,
                                "cost_minor": i.cost_minor, "proposed_cost_minor": i.proposed_cost,
                                "author_name": i.author_name, "session": s.session_title,
                                "questions": i.questions} for i in view.items],
                        candidates=shortlist_actions.as_candidates(view))


@endpoint("Propose a shortlist from a closed session's ranking (facilitators)", body=ProposeIn,
          response=ShortlistOut, auth="facilitator", status=201)
async def api_propose(request: web.Request, body: ProposeIn) -> ShortlistOut:
    require_staff(request)
    shortlist_id = await shortlist_actions.propose(request.app[POOL], session_id_of(request), who_of(request),
                                                   body.top)
    return await _out(request, shortlist_id)


@endpoint("A shortlist with costs and provenance", response=ShortlistOut, auth="staff")
async def api_show(request: web.Request) -> ShortlistOut:
    return await _out(request, _id(request))


@endpoint("Review the costs (convenor; each change audited)", body=CostsIn, response=ShortlistOut,
          auth="convenor")
async def api_costs(request: web.Request, body: CostsIn) -> ShortlistOut:
    staff = require_staff(request, Role.CONVENOR)
    await shortlist_actions.review_costs(request.app[POOL], _id(request), staff, body.costs)
    return await _out(request, _id(request))


@endpoint("Accept the shortlist as the candidate list of an allocation round (convenor)",
          response=ShortlistOut, auth="convenor")
async def api_accept(request: web.Request) -> ShortlistOut:
    staff = require_staff(request, Role.CONVENOR)
    await shortlist_actions.accept(request.app[POOL], _id(request), staff)
    return await _out(request, _id(request))
