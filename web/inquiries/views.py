"""Convenor pages for inquiries: list and create, details, edit, sessions, facilitators, audit log.

Every form posts and redirects (POST-redirect-GET); a refused form is shown
again with its message and what was typed, with a 4xx status.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from inquiry.inquiries import actions
from inquiry.inquiries.actions import Can
from inquiry.inquiries.db import Inquiry
from inquiry.inquiries.input import (
    InquiryDraft,
    check_currency,
    parse_amount,
    parse_local_time,
    split_languages,
)
from inquiry.kernel.errors import Conflict, Invalid
from inquiry.kernel.money import format_money, format_plain
from inquiry.kernel.roles import Staff
from web.http.forms import path_id
from web.http.identity import require_staff
from web.http.render import render
from web.keys import POOL

NOTICES = {
    "created": "Inquiry created.",
    "saved": "Changes saved.",
    "session": "Session added.",
    "assigned": "Facilitator assigned.",
    "unassigned": "Facilitator unassigned.",
}
FORM_FIELDS = ("title", "question", "description", "fund", "currency", "languages", "timezone")


def _inquiry_id(request: web.Request) -> int:
    return path_id(request, "inquiry_id")


def local_time(at: datetime, timezone: str) -> str:
    """"Mon 2026-05-04 18:30" in the inquiry's time zone: ISO dates read the same in every language."""
    return f"{at.astimezone(ZoneInfo(timezone)):%a %Y-%m-%d %H:%M}"


def _helpers(staff: Staff) -> dict[str, Any]:
    return {"money": format_money, "local_time": local_time,
            "can": lambda what: what in actions.ALLOWED.get(staff.role, frozenset()), "Can": Can}


def draft_from_form(form: Mapping[str, str]) -> InquiryDraft:
    currency = check_currency(form.get("currency", ""))
    return InquiryDraft(
        title=form.get("title", ""), question=form.get("question", ""),
        description=form.get("description", ""), currency=currency,
        fund_minor=parse_amount(form.get("fund", ""), currency),
        languages=split_languages(form.get("languages", "")), timezone=form.get("timezone", ""),
    )


def form_values(inquiry: Inquiry | None) -> dict[str, str]:
    if inquiry is None:
        return {"title": "", "question": "", "description": "", "fund": "", "currency": "EUR",
                "languages": "en", "timezone": "UTC"}
    return {"title": inquiry.title, "question": inquiry.question, "description": inquiry.description,
            "fund": format_plain(inquiry.fund_minor, inquiry.currency), "currency": inquiry.currency,
            "languages": ", ".join(inquiry.languages), "timezone": inquiry.timezone}


async def _typed(request: web.Request) -> dict[str, str]:
    form = await request.post()
    return {k: str(v) for k, v in form.items() if isinstance(v, str)}


async def list_page(request: web.Request, error: str = "", values: dict[str, str] | None = None,
                    status: int = 200) -> web.Response:
    staff = require_staff(request)
    summaries = await actions.list_inquiries(request.app[POOL], staff)
    return render(request, "inquiries/list.html", status=status, summaries=summaries, error=error,
                  values=values or form_values(None), notice=NOTICES.get(request.query.get("notice", ""), ""),
                  **_helpers(staff))


async def create(request: web.Request) -> web.Response:
    staff = require_staff(request)
    actions.check_allowed(staff, Can.CREATE)
    typed = await _typed(request)
    try:
        inquiry = await actions.create_inquiry(request.app[POOL], staff, draft_from_form(typed))
    except Invalid as err:
        return await list_page(request, str(err), typed, status=400)
    raise web.HTTPSeeOther(f"/inquiries/{inquiry.id}?notice=created")


async def detail_page(request: web.Request, error: str = "", typed: dict[str, str] | None = None,
                      status: int = 200) -> web.Response:
    staff = require_staff(request)
    detail = await actions.get_inquiry(request.app[POOL], staff, _inquiry_id(request))
    choices = await actions.facilitator_choices(request.app[POOL], staff, detail)
    return render(request, "inquiries/detail.html", status=status, detail=detail, inquiry=detail.inquiry,
                  choices=choices, error=error, typed=typed or {},
                  notice=NOTICES.get(request.query.get("notice", ""), ""), **_helpers(staff))


async def edit_page(request: web.Request, error: str = "", values: dict[str, str] | None = None,
                    status: int = 200) -> web.Response:
    staff = require_staff(request)
    actions.check_allowed(staff, Can.EDIT)
    detail = await actions.get_inquiry(request.app[POOL], staff, _inquiry_id(request))
    values = values or form_values(detail.inquiry)
    # A refused form keeps the version it was loaded with, except after a conflict: then saving again
    # replaces the settings the person has now been shown.
    version = detail.inquiry.version() if status == 409 else values.get("version") or detail.inquiry.version()
    return render(request, "inquiries/edit.html", status=status, inquiry=detail.inquiry, error=error,
                  values=values, version=version, **_helpers(staff))


async def edit(request: web.Request) -> web.Response:
    staff = require_staff(request)
    actions.check_allowed(staff, Can.EDIT)
    inquiry_id = _inquiry_id(request)
    typed = await _typed(request)
    try:
        draft = draft_from_form(typed)
        await actions.update_inquiry(request.app[POOL], staff, inquiry_id, asdict(draft),
                                     expected_version=typed.get("version") or None)
    except (Invalid, Conflict) as err:
        return await edit_page(request, str(err), typed, status=err.status)
    raise web.HTTPSeeOther(f"/inquiries/{inquiry_id}?notice=saved")


async def add_session(request: web.Request) -> web.Response:
    staff = require_staff(request)
    inquiry_id = _inquiry_id(request)
    typed = await _typed(request)
    pool = request.app[POOL]
    try:
        detail = await actions.get_inquiry(pool, staff, inquiry_id)
        at = parse_local_time(typed.get("scheduled_at", ""), detail.inquiry.timezone)
        await actions.add_session(pool, staff, inquiry_id, typed.get("title", ""), at)
    except Invalid as err:
        return await detail_page(request, str(err), typed, status=400)
    raise web.HTTPSeeOther(f"/inquiries/{inquiry_id}?notice=session#sessions")


async def assign(request: web.Request) -> web.Response:
    staff = require_staff(request)
    inquiry_id = _inquiry_id(request)
    typed = await _typed(request)
    raw = typed.get("staff_id", "")
    try:
        if not raw.isdigit() or len(raw) > 18:
            raise Invalid("Choose a facilitator to assign.")
        await actions.assign_facilitator(request.app[POOL], staff, inquiry_id, int(raw))
    except Invalid as err:
        return await detail_page(request, str(err), typed, status=400)
    raise web.HTTPSeeOther(f"/inquiries/{inquiry_id}?notice=assigned#facilitators")


async def unassign(request: web.Request) -> web.Response:
    staff = require_staff(request)
    inquiry_id = _inquiry_id(request)
    await actions.unassign_facilitator(request.app[POOL], staff, inquiry_id, path_id(request, "staff_id"))
    raise web.HTTPSeeOther(f"/inquiries/{inquiry_id}?notice=unassigned#facilitators")


async def audit_page(request: web.Request) -> web.Response:
    staff = require_staff(request)
    inquiry, entries = await actions.read_audit(request.app[POOL], staff, _inquiry_id(request))
    return render(request, "inquiries/audit.html", inquiry=inquiry, entries=entries, **_helpers(staff))
