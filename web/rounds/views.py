"""Round pages: the convenor's round list, new-round form and controls; the
resident's ballot and receipt. Decisions live in web/decisions/views.py.

Every form works without JavaScript (POST, then redirect). Before close no
page shows anything about the ballots but turnout, to any role.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from aiohttp import web

from budget.rounds import actions as round_actions
from budget.rounds.ballots import CastBallot
from budget.rounds.config import ELIGIBILITY_STATEMENT, BallotKind, RoundConfig, State
from budget.rounds.read import inquiry_choices, list_rounds, round_status
from budget.rounds.receipts import format_receipt
from inquiry.kernel.errors import ActionError, Invalid
from inquiry.kernel.money import format_money as money
from inquiry.kernel.roles import Role
from inquiry.kernel.tokens import new_secret
from inquiry.proposals import shortlist_actions
from web.http.forms import path_id
from web.http.identity import (
    current_participant,
    current_staff,
    require_participant,
    require_staff,
)
from web.http.render import render
from web.keys import POOL
from web.rounds.form import round_from_form

log = logging.getLogger("oxpecker.rounds")
# Rounds open and close within a second of their time; every process runs the
# clock, and row locks make each open or close happen once.
CLOCK_SECONDS = 1.0


def _id(request: web.Request) -> int:
    return path_id(request, "round_id")


def _back(round_id: int, path: str = "") -> web.HTTPSeeOther:
    return web.HTTPSeeOther(f"/rounds/{round_id}{path}")


async def rounds_index(request: web.Request) -> web.Response:
    require_staff(request)
    return render(request, "rounds/list.html", rounds=await list_rounds(request.app[POOL]))


async def new_round(request: web.Request) -> web.Response:
    staff = require_staff(request, Role.CONVENOR)
    form: dict[str, str] = {}
    if request.query.get("shortlist", "").isdigit():
        # From an accepted shortlist (issue 5): its candidates and reviewed costs, filled in.
        form = await shortlist_actions.round_prefill(request.app[POOL], int(request.query["shortlist"]), staff)
    return render(request, "rounds/new.html", inquiries=await inquiry_choices(request.app[POOL]),
                  error=None, form=form)


async def create_round(request: web.Request) -> web.StreamResponse:
    staff = require_staff(request, Role.CONVENOR)
    form = await request.post()
    try:
        body = round_from_form(form)
        round_id = await round_actions.create_round(request.app[POOL], staff.id, body.inquiry_id, body.config())
    except Invalid as err:
        return render(request, "rounds/new.html", status=400, inquiries=await inquiry_choices(request.app[POOL]),
                      error=str(err), form={k: str(v) for k, v in form.items() if k != "pb_file"})
    raise _back(round_id)


async def show_round(request: web.Request) -> web.Response:
    status = await round_status(request.app[POOL], _id(request))
    participant = current_participant(request)
    own = None
    if participant is not None and participant.role is Role.RESIDENT and status.state is State.OPEN \
            and participant.inquiry_id == status.inquiry_id:
        with contextlib.suppress(ActionError):
            own = await round_actions.own_ballot(request.app[POOL], status.id, participant)
    return render(request, "rounds/round.html", r=status, own=own, money=money, fmt=format_receipt,
                  eligibility=ELIGIBILITY_STATEMENT[status.config.eligibility],
                  is_convenor=(s := current_staff(request)) is not None and s.role is Role.CONVENOR)


async def staff_action(request: web.Request) -> web.StreamResponse:
    staff = require_staff(request, Role.CONVENOR)
    round_id, action = _id(request), request.match_info["action"]
    pool = request.app[POOL]
    if action == "open":
        await round_actions.open_round(pool, round_id, staff.id)
    elif action == "close":
        await round_actions.close_round(pool, round_id, staff.id, "closed early by the convenor")
        raise web.HTTPSeeOther(f"/decisions/{round_id}")
    else:
        await round_actions.cancel_round(pool, round_id, staff.id, str((await request.post()).get("reason", "")))
    raise _back(round_id)


def ballot_from_form(config: RoundConfig, form: Any) -> CastBallot:
    """The ballot a form describes: ticked boxes, points per project, or ranks."""
    kind = config.ballot.kind
    if kind is BallotKind.CUMULATIVE:
        given = [(c.id, str(form.get(f"points_{c.id}", "")).strip() or "0") for c in config.candidates]
        if any(not v.isdigit() for _, v in given):
            raise Invalid("Points are whole numbers, 0 or more.")
        kept = [(pid, int(v)) for pid, v in given if int(v) > 0]
        return CastBallot(tuple(p for p, _ in kept), tuple(v for _, v in kept))
    if kind is BallotKind.ORDINAL:
        ranks = [(str(form.get(f"rank_{c.id}", "")).strip(), c.id) for c in config.candidates]
        if any(r and not r.isdigit() for r, _ in ranks):
            raise Invalid("Ranks are numbers: 1 for your first choice, 2 for the next, and so on.")
        ranked = sorted((int(r), pid) for r, pid in ranks if r)
        numbers = [r for r, _ in ranked]
        if len(set(numbers)) != len(numbers):
            raise Invalid("Two projects have the same rank; give each a different number.")
        return CastBallot(tuple(pid for _, pid in ranked))
    return CastBallot(tuple(str(v) for v in form.getall("project", [])))


async def _ballot_page(request: web.Request, status: int = 200, error: str | None = None,
                       chosen: CastBallot | None = None) -> web.Response:
    participant = require_participant(request, Role.RESIDENT)
    r = await round_status(request.app[POOL], _id(request))
    own = await round_actions.own_ballot(request.app[POOL], r.id, participant) if r.state is State.OPEN else None
    if chosen is None and own is not None:
        chosen = own[1]
    picks = dict(zip(chosen.projects, chosen.points or [0] * len(chosen.projects))) if chosen else {}
    ranks = {pid: n for n, pid in enumerate(chosen.projects, start=1)} if chosen else {}
    return render(request, "rounds/ballot.html", status=status, r=r, error=error, picks=picks, ranks=ranks,
                  money=money, idempotency_key=new_secret(), revising=own is not None)


async def ballot_page(request: web.Request) -> web.Response:
    return await _ballot_page(request)


async def cast(request: web.Request) -> web.StreamResponse:
    participant = require_participant(request, Role.RESIDENT)
    form = await request.post()
    r = await round_status(request.app[POOL], _id(request))
    ballot = None
    try:
        ballot = ballot_from_form(r.config, form)
        await round_actions.cast_ballot(request.app[POOL], r.id, participant, ballot,
                                        str(form.get("idempotency_key", "")))
    except Invalid as err:
        return await _ballot_page(request, 400, str(err), ballot)
    raise _back(r.id, "/receipt")


async def receipt_page(request: web.Request) -> web.Response:
    participant = require_participant(request, Role.RESIDENT)
    r = await round_status(request.app[POOL], _id(request))
    own = await round_actions.own_ballot(request.app[POOL], r.id, participant) if r.state is State.OPEN else None
    return render(request, "rounds/receipt.html", r=r, own=own, fmt=format_receipt, money=money)


async def round_clock(app: web.Application) -> AsyncIterator[None]:
    async def tick() -> None:
        while True:
            try:
                await round_actions.run_due(app[POOL])
            except Exception:  # a failed tick is logged; the next one tries again
                log.exception("round clock tick failed")
            await asyncio.sleep(CLOCK_SECONDS)

    task = asyncio.create_task(tick())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
