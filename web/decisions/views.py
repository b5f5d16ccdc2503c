"""Published decisions: HTML, JSON, CSV, the anonymised `.pb`, and an Atom feed.

`/decisions/{id}.json` and `.pb` are what `oxpecker verify` re-counts. A
resident finds their ballot by typing their receipt into a POST form, so
receipts never appear in URLs (the access log prints those).
"""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from budget.rounds import decision_actions
from budget.rounds.config import canonical
from budget.rounds.publish import decision_csv, project_rows
from budget.rounds.receipts import format_receipt, normalise_receipt
from inquiry.kernel.errors import NotFound
from inquiry.kernel.money import format_money as money
from inquiry.kernel.roles import Role
from web.decisions.chart import funding_chart
from web.decisions.words import explanation_text
from web.http.forms import path_id
from web.http.identity import current_staff, require_staff
from web.http.render import render
from web.keys import POOL, TEMPLATES


def _id(request: web.Request) -> int:
    return path_id(request, "round_id")


async def index(request: web.Request) -> web.Response:
    docs = await decision_actions.recent_decisions(request.app[POOL])
    return render(request, "decisions/index.html", decisions=docs, money=money)


async def _page(request: web.Request, found: dict[str, Any] | None = None, searched: bool = False,
                status: int = 200) -> web.Response:
    doc = await decision_actions.decision_document(request.app[POOL], _id(request))
    rows = project_rows(doc) if doc["outcome"] else []
    currency = doc["configuration"]["currency"]
    return render(request, "decisions/decision.html", status=status, d=doc, rows=rows, money=money,
                  currency=currency, chart=funding_chart(rows, currency) if rows else "",
                  explain=explanation_text, found=found, searched=searched, fmt=format_receipt,
                  is_convenor=(s := current_staff(request)) is not None and s.role is Role.CONVENOR)


async def show(request: web.Request) -> web.Response:
    return await _page(request)


async def as_json(request: web.Request) -> web.Response:
    doc = await decision_actions.decision_document(request.app[POOL], _id(request))
    return web.Response(text=json.dumps(doc, ensure_ascii=False, indent=1), content_type="application/json")


async def as_csv(request: web.Request) -> web.Response:
    doc = await decision_actions.decision_document(request.app[POOL], _id(request))
    if not doc["outcome"]:
        raise web.HTTPNotFound(text="This round was cancelled; it has no outcome.")
    return web.Response(text=decision_csv(doc), content_type="text/csv",
                        headers={"Content-Disposition": f'attachment; filename="decision-{_id(request)}.csv"'})


async def as_pb(request: web.Request) -> web.Response:
    text = await decision_actions.ballots_file(request.app[POOL], _id(request))
    return web.Response(text=text, content_type="text/plain",
                        headers={"Content-Disposition": f'attachment; filename="decision-{_id(request)}.pb"'})


def _find(pb: str, receipt: str) -> dict[str, Any] | None:
    """The ballot whose voter_id is `receipt` in the published `.pb`."""
    section = ""
    for line in pb.splitlines():
        if line in ("META", "PROJECTS", "VOTES"):
            section = line
            continue
        cells = line.split(";")
        if section == "VOTES" and cells[0] == receipt:
            return {"receipt": receipt, "projects": cells[1].split(",") if cells[1] else [],
                    "points": cells[2].split(",") if len(cells) > 2 and cells[2] else None}
    return None


async def find_receipt(request: web.Request) -> web.Response:
    receipt = normalise_receipt(str((await request.post()).get("receipt", "")))
    try:
        pb = await decision_actions.ballots_file(request.app[POOL], _id(request))
    except NotFound:
        return await _page(request, None, True)
    return await _page(request, _find(pb, receipt) if receipt else None, True)


async def statement(request: web.Request) -> web.StreamResponse:
    staff = require_staff(request, Role.CONVENOR)
    text = str((await request.post()).get("statement", ""))
    await decision_actions.add_statement(request.app[POOL], _id(request), staff.id, text)
    raise web.HTTPSeeOther(f"/decisions/{_id(request)}")


async def feed(request: web.Request) -> web.Response:
    docs = await decision_actions.recent_decisions(request.app[POOL], 50)
    xml = request.app[TEMPLATES].get_template("decisions/feed.atom").render(
        decisions=docs, base=f"{request.scheme}://{request.host}", canonical=canonical)
    return web.Response(text=xml, content_type="application/atom+xml")
