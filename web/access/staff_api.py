"""Managing the ways in, as JSON under /api/v1 (convenors, and facilitators of the inquiry)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from inquiry.access import member_actions as members
from inquiry.access import staff_actions as manage
from inquiry.access.people_db import Member
from inquiry.access.rules import AccessCode, CodeKind, CodeRequest, LinkRequest
from inquiry.kernel.tokens import format_code
from web.access.api import ParticipantOut
from web.access.staff_views import code_url, site_url
from web.http.api import endpoint
from web.http.forms import path_id
from web.http.identity import require_staff
from web.http.security import Handler
from web.keys import POOL


class CodesIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    kind: Literal["resident_single", "resident_open"]
    count: int = Field(1, description="Single-use: 1 to 500; open: 1 to 20")
    label: str = Field("", max_length=100, description="For your own lists, e.g. 'Panel A'")
    max_uses: int | None = Field(None, description="Open codes: how many people may use each (required)")
    expires_days: int | None = Field(None, description="Days until the code stops working (required for open)")


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    label: str = Field("", max_length=60, description="Experts: their name (required); observers: a label")
    session_id: int | None = Field(None, description="Experts: the session they present at (required)")
    expires_days: int | None = None
    max_uses: int | None = Field(None, description="Observer links only: how many people may use it")


class CodeOut(BaseModel):
    id: int
    inquiry_id: int
    session_id: int | None
    kind: str
    code: str | None = Field(description="Resident codes, as printed (ACDE-FGHJ); links have none")
    label: str
    max_uses: int | None
    uses: int
    status: str
    expires_at: datetime | None
    revoked_at: datetime | None
    replaces: int | None
    created_at: datetime
    url: str | None = Field(description="The join link; for expert/observer links only when just created")


class MemberOut(ParticipantOut):
    code_label: str | None
    live_devices: int
    removed_at: datetime | None
    created_at: datetime


class DevicesRevokedOut(BaseModel):
    participant: MemberOut
    devices_revoked: int


class AccessReissuedOut(BaseModel):
    participant: MemberOut
    recovery_code: str = Field(description="Shown this once; the resident's old code and devices stop working")
    recover_url: str


def code_out(request: web.Request, code: AccessCode, secret: str | None = None) -> CodeOut:
    return CodeOut(
        id=code.id, inquiry_id=code.inquiry_id, session_id=code.session_id, kind=code.kind,
        code=format_code(code.code) if code.code else None, label=code.label, max_uses=code.max_uses,
        uses=code.uses, status=code.status(datetime.now(UTC)), expires_at=code.expires_at,
        revoked_at=code.revoked_at, replaces=code.replaces, created_at=code.created_at,
        url=code_url(request, code, secret),
    )


def member_out(m: Member) -> MemberOut:
    return MemberOut.model_validate(m)


@endpoint("The inquiry's codes and links, newest first", response=CodeOut)
async def list_codes(request: web.Request) -> list[CodeOut]:
    view = await manage.overview(request.app[POOL], require_staff(request), path_id(request, "inquiry_id"))
    return [code_out(request, c) for c in view.codes]


@endpoint("Generate resident codes", body=CodesIn, response=CodeOut, status=201)
async def generate(request: web.Request, body: CodesIn) -> list[CodeOut]:
    made = await manage.generate_codes(request.app[POOL], require_staff(request), path_id(request, "inquiry_id"),
                                       CodeRequest(kind=CodeKind(body.kind), count=body.count, label=body.label,
                                                   max_uses=body.max_uses, expires_days=body.expires_days))
    return [code_out(request, c) for c in made]


def link_creator(kind: CodeKind, summary: str) -> Handler:
    @endpoint(summary, body=LinkIn, response=CodeOut, status=201)
    async def create(request: web.Request, body: LinkIn) -> CodeOut:
        issued = await manage.create_link(
            request.app[POOL], require_staff(request), path_id(request, "inquiry_id"),
            LinkRequest(kind=kind, label=body.label, session_id=body.session_id,
                        expires_days=body.expires_days, max_uses=body.max_uses))
        return code_out(request, issued.code, issued.secret)

    return create


@endpoint("Revoke a code or link: nobody new gets in with it", response=CodeOut)
async def revoke(request: web.Request) -> CodeOut:
    return code_out(request, await manage.revoke_code(request.app[POOL], require_staff(request),
                                                      path_id(request, "code_id")))


@endpoint("Re-issue a code or link: a new one with the same settings; the old one is revoked",
          response=CodeOut, status=201)
async def reissue(request: web.Request) -> CodeOut:
    issued = await manage.reissue_code(request.app[POOL], require_staff(request), path_id(request, "code_id"))
    return code_out(request, issued.code, issued.secret)


@endpoint("The inquiry's residents, experts and observers", response=MemberOut)
async def list_members(request: web.Request) -> list[MemberOut]:
    _, people = await members.list_members(request.app[POOL], require_staff(request), path_id(request, "inquiry_id"))
    return [member_out(m) for m in people]


@endpoint("Sign a participant out on every device", response=DevicesRevokedOut)
async def revoke_devices(request: web.Request) -> DevicesRevokedOut:
    member, count = await members.revoke_devices(request.app[POOL], require_staff(request),
                                                 path_id(request, "participant_id"))
    return DevicesRevokedOut(participant=member_out(member), devices_revoked=count)


@endpoint("Remove a participant from the inquiry (devices revoked, recovery code void)", response=MemberOut)
async def remove(request: web.Request) -> MemberOut:
    return member_out(await members.remove_participant(request.app[POOL], require_staff(request),
                                                       path_id(request, "participant_id")))


@endpoint("Re-issue a resident's access: a new recovery code, every old device signed out",
          response=AccessReissuedOut, status=201)
async def reissue_access(request: web.Request) -> AccessReissuedOut:
    member, code = await members.reissue_access(request.app[POOL], require_staff(request),
                                                path_id(request, "participant_id"))
    return AccessReissuedOut(participant=member_out(member), recovery_code=format_code(code),
                             recover_url=f"{site_url(request)}/recover/{code}")
