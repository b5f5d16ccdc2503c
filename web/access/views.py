"""Getting in, as pages: residents join with a code and come back with a recovery code;
experts and observers confirm their links. Forms show their own errors in place, so a
resident who mistypes stays on the form with what they typed."""

from __future__ import annotations

from aiohttp import web

from budget.rounds.config import State
from budget.rounds.read import list_rounds
from inquiry.access import actions
from inquiry.access.rules import CodeKind
from inquiry.kernel.errors import ActionError, TooMany
from inquiry.kernel.tokens import format_code
from web.access.api import give_device
from web.http.forms import path_id
from web.http.identity import current_participant, require_participant
from web.http.render import render
from web.http.security import client_address, set_cookie
from web.keys import CONFIG, POOL

# The recovery code travels to the welcome page in a short-lived cookie, so the join
# form can redirect (a reload must not join twice) and the code is still shown once.
RECOVERY_ONCE = "oxp_recovery_once"


def form_error(request: web.Request, template: str, err: ActionError, **context: object) -> web.Response:
    response = render(request, template, status=err.status, error=str(err), **context)
    if isinstance(err, TooMany):
        response.headers["Retry-After"] = str(err.retry_after)
    return response


async def join_form(request: web.Request) -> web.Response:
    return render(request, "access/join.html", typed="", error=None)


async def join_submit(request: web.Request) -> web.Response:
    """Check the typed code (without using it) and go on to choosing a name."""
    typed = str((await request.post()).get("code", ""))[:60]
    try:
        invitation = await actions.check_code(request.app[POOL], typed, client_address(request))
    except ActionError as err:
        return form_error(request, "access/join.html", err, typed=typed)
    raise web.HTTPSeeOther(f"/join/{invitation.code.code}")


async def name_form(request: web.Request) -> web.Response:
    """An invite link or a checked code: choose a display name."""
    typed = request.match_info["code"][:60]
    try:
        invitation = await actions.check_code(request.app[POOL], typed, client_address(request))
    except ActionError as err:
        return form_error(request, "access/join.html", err, typed=typed)
    return render(request, "access/name.html", invitation=invitation, error=None, name="", name_public=False)


async def name_submit(request: web.Request) -> web.Response:
    typed = request.match_info["code"][:60]
    data = await request.post()
    name, name_public = str(data.get("display_name", ""))[:200], data.get("name_public") == "yes"
    pool = request.app[POOL]
    try:
        joined = await actions.join(pool, typed, name, name_public, client=client_address(request),
                                    device_days=request.app[CONFIG].device_days,
                                    current=current_participant(request))
    except ActionError as err:
        invitation = await actions.peek_code(pool, typed)
        if invitation is None:
            return form_error(request, "access/join.html", err, typed=typed)
        return form_error(request, "access/name.html", err, invitation=invitation, name=name,
                          name_public=name_public)
    response = web.HTTPSeeOther("/welcome")
    give_device(request, response, joined)
    set_cookie(request, response, RECOVERY_ONCE, joined.recovery_code or "", max_age=600)
    raise response


async def welcome(request: web.Request) -> web.Response:
    """The recovery code, shown once; a reload goes to the inquiry page."""
    participant = require_participant(request)
    code = request.cookies.get(RECOVERY_ONCE, "")
    if not code:
        raise web.HTTPSeeOther(f"/i/{participant.inquiry_id}")
    response = render(request, "access/welcome.html", recovery_code=format_code(code))
    response.del_cookie(RECOVERY_ONCE, path="/")
    response.headers["Cache-Control"] = "no-store"
    return response


async def recover_form(request: web.Request) -> web.Response:
    typed = request.match_info.get("code", "")[:60]
    return render(request, "access/recover.html", typed=typed, error=None)


async def recover_submit(request: web.Request) -> web.Response:
    typed = str((await request.post()).get("recovery_code", ""))[:60]
    try:
        joined = await actions.recover(request.app[POOL], typed, client=client_address(request),
                                       device_days=request.app[CONFIG].device_days)
    except ActionError as err:
        return form_error(request, "access/recover.html", err, typed=typed)
    response = web.HTTPSeeOther(f"/i/{joined.inquiry_id}")
    give_device(request, response, joined)
    raise response


def link_kind(request: web.Request) -> CodeKind:
    return CodeKind.EXPERT if request.path.startswith("/expert/") else CodeKind.OBSERVER


async def link_confirm(request: web.Request) -> web.Response:
    """Shows who the link is for; does not use it (mail scanners open links)."""
    kind = link_kind(request)
    invitation = await actions.check_link(request.app[POOL], request.match_info["secret"], kind,
                                          client_address(request))
    return render(request, "access/link.html", invitation=invitation, kind=kind)


async def link_use(request: web.Request) -> web.Response:
    joined = await actions.use_link(request.app[POOL], request.match_info["secret"], link_kind(request),
                                    client=client_address(request), device_days=request.app[CONFIG].device_days,
                                    current=current_participant(request))
    response = web.HTTPSeeOther(f"/i/{joined.inquiry_id}")
    give_device(request, response, joined)
    raise response


async def inquiry_home(request: web.Request) -> web.Response:
    participant = require_participant(request)
    inquiry_id = path_id(request, "inquiry_id")
    home = await actions.participant_home(request.app[POOL], participant, inquiry_id)
    # The inquiry's rounds, so a resident finds the ballot (and everyone the decision) by clicking.
    rounds = [r for r in await list_rounds(request.app[POOL])
              if r.inquiry_id == home.inquiry.id and r.state is not State.DRAFT]
    return render(request, "access/home.html", home=home, me=participant, rounds=rounds)
