"""Getting in, as JSON under /api/v1: join, recover, expert and observer links, who am I."""

from __future__ import annotations

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field

from inquiry.access import actions
from inquiry.access.rules import CodeKind
from web.http.api import endpoint
from web.http.identity import DEVICE_COOKIE, current_participant, require_participant
from web.http.security import Handler, client_address, set_cookie
from web.keys import CONFIG, POOL


class JoinIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    code: str = Field(max_length=60, description="The resident code; lower case, spaces and dashes are fine")
    display_name: str = Field(max_length=200, description="1 to 60 characters, shown to others")
    name_public: bool = Field(False, description="Show the name in the public record (default: 'a resident')")


class RecoverIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    recovery_code: str = Field(max_length=60)


class LinkIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    secret: str = Field(max_length=200, description="The last part of the /expert/... or /observe/... link")


class JoinedOut(BaseModel):
    participant_id: int
    inquiry_id: int
    role: str
    home_url: str
    recovery_code: str | None = Field(None, description="Residents only, on joining: shown this once, never stored")


class ParticipantOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    inquiry_id: int
    role: str
    session_id: int | None
    display_name: str
    name_public: bool


def give_device(request: web.Request, response: web.StreamResponse, joined: actions.Joined) -> None:
    days = request.app[CONFIG].device_days
    set_cookie(request, response, DEVICE_COOKIE, joined.device_token, max_age=days * 86400)


def joined_response(request: web.Request, joined: actions.Joined) -> web.Response:
    out = JoinedOut(participant_id=joined.participant_id, inquiry_id=joined.inquiry_id, role=joined.role,
                    home_url=f"/i/{joined.inquiry_id}", recovery_code=joined.recovery_code)
    response = web.Response(text=out.model_dump_json(), status=201, content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    give_device(request, response, joined)
    return response


@endpoint("Join as a resident with a code; sets the device cookie", body=JoinIn, response=JoinedOut,
          auth="none", status=201)
async def join(request: web.Request, body: JoinIn) -> web.Response:
    joined = await actions.join(request.app[POOL], body.code, body.display_name, body.name_public,
                                client=client_address(request), device_days=request.app[CONFIG].device_days,
                                current=current_participant(request))
    return joined_response(request, joined)


@endpoint("Come back as the same resident with a recovery code; sets a new device cookie",
          body=RecoverIn, response=JoinedOut, auth="none", status=201)
async def recover(request: web.Request, body: RecoverIn) -> web.Response:
    joined = await actions.recover(request.app[POOL], body.recovery_code, client=client_address(request),
                                   device_days=request.app[CONFIG].device_days)
    return joined_response(request, joined)


def link_endpoint(kind: CodeKind, summary: str) -> Handler:
    @endpoint(summary, body=LinkIn, response=JoinedOut, auth="none", status=201)
    async def use(request: web.Request, body: LinkIn) -> web.Response:
        joined = await actions.use_link(request.app[POOL], body.secret, kind, client=client_address(request),
                                        device_days=request.app[CONFIG].device_days,
                                        current=current_participant(request))
        return joined_response(request, joined)

    return use


@endpoint("The participant this device belongs to", response=ParticipantOut, auth="participant")
async def me(request: web.Request) -> ParticipantOut:
    p = require_participant(request)
    return ParticipantOut.model_validate(p)
