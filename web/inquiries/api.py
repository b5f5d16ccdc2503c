"""JSON API for inquiries, their sessions, facilitators and audit log (/api/v1/inquiries)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StrictInt

from inquiry.inquiries import actions
from inquiry.inquiries.db import Inquiry, LiveSession
from inquiry.inquiries.input import InquiryDraft
from inquiry.kernel.audit_db import AuditEntry
from inquiry.kernel.roles import Staff
from web.http.api import endpoint
from web.http.forms import path_id
from web.http.identity import require_staff
from web.keys import POOL

# Lengths are checked again by the actions; these make the OpenAPI document say so.
Title = Field(min_length=1, max_length=200)


class InquiryCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Title
    question: str = Field(min_length=1, max_length=1000)
    description: str = Field(default="", max_length=10_000)
    fund_minor: StrictInt = Field(ge=0, description="the fund in minor units (cents): 123450 is 1,234.50 EUR")
    currency: str = Field(pattern=r"^[A-Za-z]{3}$", description="ISO 4217 code")
    languages: list[str] = Field(default=["en"], min_length=1, max_length=10, description="BCP 47 codes")
    timezone: str = Field(default="UTC", description="IANA time zone of the sessions, e.g. Europe/London")


class InquiryChange(BaseModel):
    """Only the fields given are changed."""

    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, min_length=1, max_length=200)
    question: str | None = Field(default=None, min_length=1, max_length=1000)
    description: str | None = Field(default=None, max_length=10_000)
    fund_minor: StrictInt | None = Field(default=None, ge=0)
    currency: str | None = Field(default=None, pattern=r"^[A-Za-z]{3}$")
    languages: list[str] | None = Field(default=None, min_length=1, max_length=10)
    timezone: str | None = None
    version: str | None = Field(default=None, description="the `version` you read; a change made since is refused (409)")


class InquiryOut(BaseModel):
    id: int
    title: str
    question: str
    description: str
    fund_minor: int
    currency: str
    languages: list[str]
    timezone: str
    created_by: int
    created_at: datetime
    facilitator_ids: list[int] | None = None
    version: str

    @classmethod
    def of(cls, inquiry: Inquiry, facilitators: list[Staff] | None = None) -> InquiryOut:
        derived = {"version", "facilitator_ids"}
        fields = {name: getattr(inquiry, name) for name in cls.model_fields if name not in derived}
        return cls(**fields, version=inquiry.version(),
                   facilitator_ids=None if facilitators is None else [f.id for f in facilitators])


class SessionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Title
    scheduled_at: AwareDatetime = Field(description="start, ISO 8601 with offset: 2026-05-04T18:30:00+01:00")


class SessionOut(BaseModel):
    id: int
    inquiry_id: int
    title: str
    scheduled_at: datetime
    phase: str

    @classmethod
    def of(cls, s: LiveSession) -> SessionOut:
        return cls(id=s.id, inquiry_id=s.inquiry_id, title=s.title, scheduled_at=s.scheduled_at, phase=s.phase)


class FacilitatorOut(BaseModel):
    inquiry_id: int
    staff_id: int
    email: str
    assigned: bool


class AuditOut(BaseModel):
    id: int
    action: str
    staff_id: int | None
    staff_email: str | None
    detail: dict[str, Any]
    at: datetime

    @classmethod
    def of(cls, e: AuditEntry) -> AuditOut:
        return cls(id=e.id, action=e.action, staff_id=e.staff_id, staff_email=e.staff_email,
                   detail=e.detail, at=e.at)


def _id(request: web.Request, name: str) -> int:
    return path_id(request, name)


@endpoint("List the inquiries you can see (convenors: all; facilitators: their own)", response=InquiryOut)
async def list_inquiries(request: web.Request) -> list[InquiryOut]:
    found = await actions.list_inquiries(request.app[POOL], require_staff(request))
    return [InquiryOut.of(s.inquiry) for s in found]


@endpoint("Create an inquiry (convenors)", body=InquiryCreate, response=InquiryOut, status=201)
async def create_inquiry(request: web.Request, body: InquiryCreate) -> InquiryOut:
    inquiry = await actions.create_inquiry(request.app[POOL], require_staff(request),
                                           InquiryDraft(**body.model_dump()))
    return InquiryOut.of(inquiry, [])


@endpoint("An inquiry, with its facilitators' ids", response=InquiryOut)
async def get_inquiry(request: web.Request) -> InquiryOut:
    detail = await actions.get_inquiry(request.app[POOL], require_staff(request), _id(request, "inquiry_id"))
    return InquiryOut.of(detail.inquiry, detail.facilitators)


@endpoint("Change an inquiry's settings (convenors); only the fields given change",
          body=InquiryChange, response=InquiryOut)
async def patch_inquiry(request: web.Request, body: InquiryChange) -> InquiryOut:
    changes = body.model_dump(exclude_unset=True)
    expected = changes.pop("version", None)
    inquiry = await actions.update_inquiry(request.app[POOL], require_staff(request), _id(request, "inquiry_id"),
                                           changes, expected_version=expected)
    return InquiryOut.of(inquiry)


@endpoint("The inquiry's live sessions, in start order", response=SessionOut)
async def list_sessions(request: web.Request) -> list[SessionOut]:
    found = await actions.list_sessions(request.app[POOL], require_staff(request), _id(request, "inquiry_id"))
    return [SessionOut.of(s) for s in found]


@endpoint("Add a live session (convenors; assigned facilitators)", body=SessionCreate, response=SessionOut,
          status=201)
async def add_session(request: web.Request, body: SessionCreate) -> SessionOut:
    session = await actions.add_session(request.app[POOL], require_staff(request), _id(request, "inquiry_id"),
                                        body.title, body.scheduled_at)
    return SessionOut.of(session)


@endpoint("Assign a facilitator to the inquiry (convenors)", response=FacilitatorOut)
async def assign_facilitator(request: web.Request) -> FacilitatorOut:
    inquiry_id = _id(request, "inquiry_id")
    person = await actions.assign_facilitator(request.app[POOL], require_staff(request), inquiry_id,
                                              _id(request, "staff_id"))
    return FacilitatorOut(inquiry_id=inquiry_id, staff_id=person.id, email=person.email, assigned=True)


@endpoint("Unassign a facilitator (convenors)")
async def unassign_facilitator(request: web.Request) -> web.Response:
    await actions.unassign_facilitator(request.app[POOL], require_staff(request), _id(request, "inquiry_id"),
                                       _id(request, "staff_id"))
    return web.Response(status=204)


@endpoint("The inquiry's audit log, newest first (convenors)", response=AuditOut)
async def read_audit(request: web.Request) -> list[AuditOut]:
    _, entries = await actions.read_audit(request.app[POOL], require_staff(request), _id(request, "inquiry_id"))
    return [AuditOut.of(e) for e in entries]
