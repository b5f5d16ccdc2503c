"""Staff pages: sign in and out, the staff dashboard, invitations, password links.

Forms post and redirect (POST-redirect-GET), except where the answer is a
one-time link: only its hash is kept, so it is shown once, on the response to
the POST that made it. A refused form is shown again with its message and what
was typed, with a 4xx status.
"""

from __future__ import annotations

from aiohttp import web

from inquiry.kernel.errors import ActionError, Invalid, TooMany
from inquiry.kernel.roles import Role
from inquiry.staff import actions
from inquiry.staff.actions import SignedIn
from inquiry.staff.db import LinkPurpose
from web.http.forms import path_id
from web.http.identity import (
    STAFF_COOKIE,
    current_participant,
    current_staff,
    require_staff,
)
from web.http.render import render
from web.http.security import set_cookie
from web.keys import POOL
from web.staff.api import address, link_url

NOTICES = {"disabled": "Account disabled; its sign-ins have ended.", "enabled": "Account enabled.",
           "signed-in": "You are signed in."}
AUDIT_WORDS = {actions.CREATED: "created the account for", actions.INVITED: "invited",
               actions.LINK_USED: "set a password with a link", actions.RESET_LINK: "made a password-reset link for",
               actions.PASSWORD_SET: "set a new password for", actions.DISABLED: "disabled",
               actions.ENABLED: "enabled"}


def safe_next(target: str | None) -> str:
    """Only a path on this site: `//evil.example` or `https://...` would send the browser away."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/staff"
    return target


def see_other(to: str) -> web.Response:
    return web.Response(status=303, headers={"Location": to})


def sign_in_response(request: web.Request, signed: SignedIn, to: str) -> web.StreamResponse:
    response = see_other(to)
    set_cookie(request, response, STAFF_COOKIE, signed.cookie, max_age=signed.max_age)
    return response


async def login_page(request: web.Request) -> web.Response:
    return render(request, "staff/login.html", next=safe_next(request.query.get("next")), email="", error=None)


async def login(request: web.Request) -> web.StreamResponse:
    form = await request.post()
    email, password = str(form.get("email", "")), str(form.get("password", ""))
    to = safe_next(str(form.get("next", "")))
    try:
        signed = await actions.sign_in(request.app[POOL], email, password, address(request))
    except ActionError as err:
        response = render(request, "staff/login.html", status=err.status, next=to, email=email[:254], error=str(err))
        if isinstance(err, TooMany):
            response.headers["Retry-After"] = str(err.retry_after)
        return response
    return sign_in_response(request, signed, to)


async def logout(request: web.Request) -> web.StreamResponse:
    if current_participant(request) is not None and current_staff(request) is None:
        require_staff(request)  # a resident's phone has no business here: 403
    cookie = request.cookies.get(STAFF_COOKIE)
    if cookie:
        await actions.sign_out(request.app[POOL], cookie)
    response = see_other("/")
    response.del_cookie(STAFF_COOKIE, path="/")
    return response


async def dashboard(request: web.Request, status: int = 200, **form: object) -> web.Response:
    staff = require_staff(request)
    context: dict[str, object] = {"accounts": [], "audit": [], "error": None,
                                  "invite": {"email": "", "role": "", "display_name": ""}}
    if staff.role is Role.CONVENOR:
        context["accounts"] = await actions.list_staff(request.app[POOL], staff)
        context["audit"] = await actions.account_audit(request.app[POOL], staff)
    context.update(form)
    notice = NOTICES.get(request.query.get("done", ""))
    return render(request, "staff/dashboard.html", status=status, notice=notice, changed=request.query.get("id"),
                  audit_words=AUDIT_WORDS, **context)


async def invite(request: web.Request) -> web.Response:
    staff = require_staff(request, Role.CONVENOR)
    form = await request.post()
    values = {k: str(form.get(k, ""))[:300] for k in ("email", "role", "display_name")}
    try:
        link = await actions.invite_staff(request.app[POOL], staff, values["email"], values["role"],
                                          values["display_name"])
    except ActionError as err:
        return await dashboard(request, status=err.status, error=str(err), invite=values)
    return render(request, "staff/link_created.html", status=201, link=link, url=link_url(request, link))


def _account_id(request: web.Request) -> int:
    return path_id(request, "id")


async def reset_link(request: web.Request) -> web.Response:
    staff = require_staff(request, Role.CONVENOR)
    link = await actions.create_reset_link(request.app[POOL], staff, _account_id(request))
    return render(request, "staff/link_created.html", status=201, link=link, url=link_url(request, link))


async def disable(request: web.Request) -> web.StreamResponse:
    staff = require_staff(request, Role.CONVENOR)
    account = await actions.set_disabled(request.app[POOL], staff, _account_id(request), True)
    raise web.HTTPSeeOther(f"/staff?done=disabled&id={account.id}#staff-{account.id}")


async def enable(request: web.Request) -> web.StreamResponse:
    staff = require_staff(request, Role.CONVENOR)
    account = await actions.set_disabled(request.app[POOL], staff, _account_id(request), False)
    raise web.HTTPSeeOther(f"/staff?done=enabled&id={account.id}#staff-{account.id}")


def _purpose(request: web.Request) -> LinkPurpose:
    return LinkPurpose.INVITE if request.path.startswith("/invite/") else LinkPurpose.RESET


async def link_page(request: web.Request) -> web.Response:
    purpose = _purpose(request)
    account = await actions.open_link(request.app[POOL], request.match_info["secret"], purpose)
    return render(request, "staff/set_password.html", account=account, purpose=str(purpose), error=None)


async def use_link(request: web.Request) -> web.StreamResponse:
    purpose, secret = _purpose(request), request.match_info["secret"]
    form = await request.post()
    password, again = str(form.get("password", "")), str(form.get("password_again", ""))
    try:
        if password != again:
            raise Invalid("The two passwords are not the same; type them again.")
        signed = await actions.use_link(request.app[POOL], secret, purpose, password)
    except ActionError as err:
        if err.status != 400:
            raise
        account = await actions.open_link(request.app[POOL], secret, purpose)
        return render(request, "staff/set_password.html", status=400, account=account, purpose=str(purpose),
                      error=str(err))
    return sign_in_response(request, signed, "/staff?done=signed-in")


async def forgot(request: web.Request) -> web.Response:
    return render(request, "staff/forgot.html")
