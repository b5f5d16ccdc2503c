"""Staff accounts over JSON: /api/v1/login, logout, me, staff (list, invite, reset link, disable, enable)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from inquiry.kernel.roles import Role, Staff
from inquiry.staff import actions
from inquiry.staff.actions import IssuedLink
from inquiry.staff.db import StaffAccount
from web.http.api import endpoint
from web.http.forms import path_id
from web.http.identity import STAFF_COOKIE, require_staff
from web.http.security import client_address, own_origin, set_cookie
from web.keys import POOL


class LoginBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    password: str = Field(max_length=1000)


class InviteBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    email: str = Field(max_length=254)
    role: Literal["convenor", "facilitator"]
    display_name: str = Field(default="", max_length=80)


class Me(BaseModel):
    id: int
    email: str
    display_name: str
    role: str


class StaffOut(Me):
    state: Literal["invited", "active", "disabled"]
    created_at: datetime


class LinkOut(BaseModel):
    """A one-time link, returned once: pass it on to the person it is for."""

    staff: StaffOut
    purpose: Literal["invite", "reset"]
    url: str
    expires_at: datetime


class AuditOut(BaseModel):
    """One change to a staff account; `by` is null when made on the server's command line."""

    id: int
    at: datetime
    by: str | None
    action: str
    detail: dict[str, Any]


class SignedOut(BaseModel):
    signed_out: bool


def address(request: web.Request) -> str:
    return client_address(request)


def link_url(request: web.Request, link: IssuedLink) -> str:
    return f"{own_origin(request)}/{link.purpose}/{link.secret}"


def me_out(staff: Staff) -> Me:
    return Me(id=staff.id, email=staff.email, display_name=staff.display_name, role=str(staff.role))


def staff_out(account: StaffAccount) -> StaffOut:
    return StaffOut(id=account.id, email=account.email, display_name=account.display_name,
                    role=str(account.role), state=account.state.value, created_at=account.created_at)


def link_out(request: web.Request, link: IssuedLink) -> LinkOut:
    return LinkOut(staff=staff_out(link.account), purpose=link.purpose.value,
                   url=link_url(request, link), expires_at=link.expires_at)


@endpoint("Sign in with email and password; sets the oxp_staff cookie (14 days)", body=LoginBody,
          response=Me, auth="public")
async def login(request: web.Request, body: LoginBody) -> web.Response:
    signed = await actions.sign_in(request.app[POOL], body.email, body.password, address(request))
    response = web.Response(text=me_out(signed.staff).model_dump_json(), content_type="application/json")
    set_cookie(request, response, STAFF_COOKIE, signed.cookie, max_age=signed.max_age)
    return response


@endpoint("Sign this browser out (other browsers stay signed in)", response=SignedOut)
async def logout(request: web.Request) -> web.Response:
    require_staff(request)
    await actions.sign_out(request.app[POOL], request.cookies[STAFF_COOKIE])
    response = web.Response(text=SignedOut(signed_out=True).model_dump_json(), content_type="application/json")
    response.del_cookie(STAFF_COOKIE, path="/")
    return response


@endpoint("The signed-in staff member", response=Me)
async def me(request: web.Request) -> Me:
    return me_out(require_staff(request))


@endpoint("Every staff account with its state (convenors)", response=StaffOut, auth="convenor")
async def list_staff(request: web.Request) -> list[StaffOut]:
    staff = require_staff(request, Role.CONVENOR)
    return [staff_out(a) for a in await actions.list_staff(request.app[POOL], staff)]


@endpoint("Changes to staff accounts, newest first (convenors)", response=AuditOut, auth="convenor")
async def audit(request: web.Request) -> list[AuditOut]:
    staff = require_staff(request, Role.CONVENOR)
    return [AuditOut(id=e.id, at=e.at, by=e.staff_email, action=e.action, detail=e.detail)
            for e in await actions.account_audit(request.app[POOL], staff)]


@endpoint("Invite a colleague: an account with no password and a 7-day link to set one (convenors)",
          body=InviteBody, response=LinkOut, auth="convenor", status=201)
async def invite(request: web.Request, body: InviteBody) -> LinkOut:
    staff = require_staff(request, Role.CONVENOR)
    link = await actions.invite_staff(request.app[POOL], staff, body.email, body.role, body.display_name)
    return link_out(request, link)


@endpoint("A one-time, 24-hour password-reset link for an account (convenors)", response=LinkOut,
          auth="convenor", status=201)
async def reset_link(request: web.Request) -> LinkOut:
    staff = require_staff(request, Role.CONVENOR)
    link = await actions.create_reset_link(request.app[POOL], staff, path_id(request, "id"))
    return link_out(request, link)


@endpoint("Disable an account: it cannot sign in and its logins end at once (convenors)",
          response=StaffOut, auth="convenor")
async def disable(request: web.Request) -> StaffOut:
    staff = require_staff(request, Role.CONVENOR)
    return staff_out(await actions.set_disabled(request.app[POOL], staff, path_id(request, "id"), True))


@endpoint("Enable a disabled account (convenors)", response=StaffOut, auth="convenor")
async def enable(request: web.Request) -> StaffOut:
    staff = require_staff(request, Role.CONVENOR)
    return staff_out(await actions.set_disabled(request.app[POOL], staff, path_id(request, "id"), False))
