"""The ranking page (drag and drop, or a rank per proposal posted as a form) and the result page.

Before the phase closes the pages show how many residents have ranked and
nothing else about the ballots: no order, no count per proposal.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from multidict import MultiDictProxy

from inquiry.kernel.errors import Invalid
from inquiry.proposals import shortlist_actions
from inquiry.proposals.rules import ProposalAction
from inquiry.ranking import actions as ballots
from web.http.forms import form_key, key_of
from web.http.render import render
from web.keys import POOL
from web.realtime.events import HUB
from web.room.api import session_id_of, who_of


def ranking_from_form(form: MultiDictProxy[Any]) -> list[int]:
    """`rank_<proposal id>` = 1, 2, ... (empty: not ranked), best first; Invalid on a bad or repeated rank."""
    picked: list[tuple[int, int]] = []
    for name, value in form.items():
        if not name.startswith("rank_") or not str(value).strip():
            continue
        raw_id, raw_rank = name.removeprefix("rank_"), str(value).strip()
        if not raw_id.isdigit() or not raw_rank.isdigit() or int(raw_rank) < 1:
            raise Invalid("A rank is a whole number from 1 (your first choice) up, or empty for not ranked.")
        picked.append((int(raw_rank), int(raw_id)))
    ranks = [r for r, _ in picked]
    repeated = sorted({r for r in ranks if ranks.count(r) > 1})
    if repeated:
        raise Invalid(f"Two proposals have rank {repeated[0]}; give each ranked proposal its own number.")
    return [pid for _, pid in sorted(picked)]


async def ranking_page(request: web.Request, status: int = 200, error: str | None = None) -> web.Response:
    s = await ballots.status(request.app[POOL], session_id_of(request), who_of(request))
    own = s.own or []
    ranked = [p for i in own for p in s.candidates if p.id == i]
    unranked = [p for p in s.candidates if p.id not in own]
    return render(request, "ranking/rank.html", status=status, s=s, v=s.viewer, A=ProposalAction,
                  ranked=ranked, unranked=unranked, error=error, key=form_key(),
                  saved=request.query.get("saved") == "1", methods=ballots.METHOD_NAMES)


async def show(request: web.Request) -> web.Response:
    return await ranking_page(request)


async def submit(request: web.Request) -> web.StreamResponse:
    sid, pool, who = session_id_of(request), request.app[POOL], who_of(request)
    form = await request.post()
    try:
        ranking = ranking_from_form(form)
        await request.app[HUB].run(sid, lambda: ballots.submit_ballot(pool, sid, who, key_of(form), ranking))
    except Invalid as err:
        return await ranking_page(request, 400, str(err))
    raise web.HTTPSeeOther(f"/s/{sid}/ranking?saved=1")


async def choose_method(request: web.Request) -> web.StreamResponse:
    sid, pool, who = session_id_of(request), request.app[POOL], who_of(request)
    form = await request.post()
    method = str(form.get("method", ""))
    await request.app[HUB].run(sid, lambda: ballots.choose_method(pool, sid, who, key_of(form), method))
    raise web.HTTPSeeOther(f"/s/{sid}/ranking")


def pairwise_rows(result: dict[str, Any]) -> list[tuple[str, list[tuple[int, int] | None]]]:
    """Rows and columns in the result's order; a cell is (ballots preferring row, ballots preferring column)."""
    order, table = result["order"], result["pairwise"]
    return [(a, [None if a == b else (table[a][b], table[b][a]) for b in order]) for a in order]


async def result_page(request: web.Request) -> web.Response:
    sid = session_id_of(request)
    result = await ballots.result(request.app[POOL], sid, who_of(request))
    s = await ballots.status(request.app[POOL], sid, who_of(request))
    shortlists: list[tuple[int, str]] = []
    if s.viewer.is_facilitator:
        shortlists = await shortlist_actions.session_shortlists(request.app[POOL], sid)
    return render(request, "ranking/result.html", r=result, v=s.viewer, s=s, rows=pairwise_rows(result),
                  key=form_key(), shortlists=shortlists)
