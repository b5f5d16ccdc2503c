"""Proposal pages: the session's list with the drafting form, one proposal with its history.

Every form works without JavaScript (POST, then redirect back). Forms carry a
fresh idempotency key, so a double-submitted form counts once. A stale edit
re-renders the page with 409, the current text and the refused one side by
side, the refused one still in the form. setup() also registers the JSON API,
the ranking pages and the shortlist pages.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from inquiry.kernel.errors import Invalid
from inquiry.kernel.money import parse_money
from inquiry.proposals import actions
from inquiry.proposals import read as proposals_read
from inquiry.proposals.rules import (
    EditConflict,
    ProposalAction,
    ProposalText,
    clean_text,
)
from inquiry.room.runner import Outcome
from web.http.forms import form_key, key_of, path_id
from web.http.render import render
from web.keys import POOL
from web.realtime.events import HUB
from web.room.api import session_id_of, who_of


def _int(value: str, what: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Invalid(f"{what} is not a number.") from None


def text_from_form(form: MultiDictProxy[Any], currency: str) -> ProposalText:
    cost = str(form.get("cost", "")).strip()
    if not cost:
        raise Invalid("Estimated cost: give an amount, like 12000 or 12000.50.")
    return clean_text(str(form.get("title", "")), str(form.get("description", "")),
                      parse_money(cost, currency, "Estimated cost", positive=True), str(form.get("category", "")))


def questions_from_form(form: MultiDictProxy[Any]) -> list[int]:
    return [_int(str(v), "A question") for v in form.getall("question_ids", [])]


async def run(request: web.Request, session_id: int, action: Callable[[], Awaitable[Outcome]]) -> dict[str, Any]:
    outcome = await request.app[HUB].run(session_id, action)
    return outcome.ack


async def list_page(request: web.Request, status: int = 200, error: str | None = None,
                    form: dict[str, str] | None = None) -> web.Response:
    found = await proposals_read.list_proposals(request.app[POOL], session_id_of(request), who_of(request))
    return render(request, "proposals/list.html", status=status, found=found, v=found.viewer, A=ProposalAction,
                  error=error, form=form or {}, key=form_key())


async def show_list(request: web.Request) -> web.Response:
    return await list_page(request)


async def draft(request: web.Request) -> web.StreamResponse:
    sid, pool, who = session_id_of(request), request.app[POOL], who_of(request)
    form = await request.post()
    try:
        text = text_from_form(form, await proposals_read.session_currency(pool, sid))
        qids = questions_from_form(form)
        ack = await run(request, sid, lambda: actions.draft(pool, sid, who, key_of(form), text, qids))
    except Invalid as err:
        kept = {k: str(v) for k, v in form.items() if k not in ("csrf_token", "key")}
        return await list_page(request, 400, str(err), kept)
    raise web.HTTPSeeOther(f"/proposals/{ack['proposal_id']}")


def _pid(request: web.Request) -> int:
    return path_id(request, "proposal_id")


async def detail_page(request: web.Request, proposal_id: int, status: int = 200, error: str | None = None,
                      conflict: EditConflict | None = None, yours: ProposalText | None = None) -> web.Response:
    d = await proposals_read.proposal_detail(request.app[POOL], proposal_id, who_of(request))
    editing = yours or d.proposal.text
    return render(request, "proposals/detail.html", status=status, d=d, p=d.proposal, v=d.viewer,
                  A=ProposalAction, error=error, conflict=conflict, editing=editing,
                  based_on=conflict.revision if conflict else d.proposal.revision, key=form_key())


async def show(request: web.Request) -> web.Response:
    return await detail_page(request, _pid(request))


async def amend(request: web.Request) -> web.StreamResponse:
    pid, pool, who = _pid(request), request.app[POOL], who_of(request)
    sid = await actions.session_of(pool, pid)
    form = await request.post()
    try:
        text = text_from_form(form, await proposals_read.session_currency(pool, sid))
        based_on = _int(str(form.get("based_on", "")), "The revision")
        # Only the author's form lists the questions; an amendment leaves them as they are.
        qids = questions_from_form(form) if "questions_shown" in form else None
        await run(request, sid, lambda: actions.amend(pool, pid, who, key_of(form), based_on, text, qids))
    except EditConflict as err:
        return await detail_page(request, pid, 409, str(err), err, err.yours)
    except Invalid as err:
        kept = ProposalText(str(form.get("title", "")), str(form.get("description", "")), 0,
                            str(form.get("category", "")))
        return await detail_page(request, pid, 400, str(err), None, kept)
    raise web.HTTPSeeOther(f"/proposals/{pid}#current")


async def _simple(request: web.Request, make: Callable[[int, MultiDictProxy[Any]], Callable[[], Awaitable[Outcome]]],
                  anchor: str) -> web.StreamResponse:
    pid = _pid(request)
    sid = await actions.session_of(request.app[POOL], pid)
    form = await request.post()
    await run(request, sid, make(pid, form))
    raise web.HTTPSeeOther(f"/proposals/{pid}{anchor}")


async def withdraw(request: web.Request) -> web.StreamResponse:
    pool, who = request.app[POOL], who_of(request)
    return await _simple(request, lambda pid, f: lambda: actions.withdraw(pool, pid, who, key_of(f)), "")


async def merge(request: web.Request) -> web.StreamResponse:
    pool, who = request.app[POOL], who_of(request)
    return await _simple(request, lambda pid, f: lambda: actions.merge(
        pool, pid, _int(str(f.get("into_id", "")), "The proposal to merge into"), who, key_of(f)), "")


async def comment(request: web.Request) -> web.StreamResponse:
    pool, who = request.app[POOL], who_of(request)
    return await _simple(request, lambda pid, f: lambda: actions.comment(
        pool, pid, who, key_of(f), str(f.get("body", ""))), "#comments")


async def decide(request: web.Request) -> web.StreamResponse:
    pool, who = request.app[POOL], who_of(request)
    aid = path_id(request, "amendment_id")
    pid, sid = await actions.amendment_place(pool, aid)
    form = await request.post()
    decision = str(form.get("decision", ""))
    if decision not in ("accept", "decline"):
        raise Invalid("Choose accept or decline.")
    try:
        await run(request, sid, lambda: actions.decide_amendment(pool, aid, who, key_of(form), decision == "accept"))
    except EditConflict as err:
        return await detail_page(request, pid, 409, str(err), err, None)
    raise web.HTTPSeeOther(f"/proposals/{pid}#amendments")
